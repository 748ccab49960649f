"""The recipient test: every letter and mail of one whole lifecycle, read back as its recipients get it —
the Word documents with python-docx, the mails as the real SMTP sink stored them — on the stack's
simulated calendar, months passing between the steps as in a real case.

Nothing may need an edit before it goes out (``support.proofread``: no codes or field paths, no
"Ikke oplyst" or "(er)", no English), and what each reader needs is there: dates in order (no document
dated before the decision that caused it, no deadline before its letter), reply deadlines on working
days after their letter, every document a mail names attached, Danish Word documents (``da-DK``, the
secretariat as author, made on the step's day), a calendar invitation with the kickoff, the proposal in
two lines, one thread, answers to the secretariat; and the appointments recorded on the secretariat's
own page, through the link in its mail."""

from __future__ import annotations

import email
import re
import zipfile
from collections import defaultdict
from datetime import date, timedelta
from email import policy
from pathlib import Path

import httpx
import pytest
from support.lifecycle import (
    DIRECTOR,
    REFERENCE,
    RKKP,
    SECRETARIAT,
    STEERING,
    decision,
    example_form,
    fixed_form,
)

pytestmark = pytest.mark.prefect

PROPOSER = "noegleperson.pf@example.dk"
PEOPLE = [("DPS", "Anne Holm", "midtjylland"), ("DPS", "Bjarne Lund", "hovedstaden"), ("DP", "Cecilie Dahl", "syddanmark"),
          ("DASYS", "Dorthe Krog", "nordjylland"), ("patients", "Erik Sønderby", ""), ("BUP", "Frida Østergaard", "sjaelland"),
          ("FYP", "Gitte Åberg", "midtjylland"), ("DSAM", "Hans Møller", "hovedstaden"), ("relatives", "Inge Bach", ""),
          ("hospital_management", "Jens Fog", "syddanmark")]
_DANISH_DATE = re.compile(r"\b(\d{1,2})\. (januar|februar|marts|april|maj|juni|juli|august|september|oktober|"
                          r"november|december) (\d{4})\b")


def _email_of(name: str) -> str:
    return name.split()[0].lower().replace("ø", "oe").replace("å", "aa") + "@example.dk"


def test_every_letter_and_mail_of_a_lifecycle_is_right_for_its_reader(driver, stack_calendar):
    from core import workdays
    from core.text import parse_danish_date

    calendar = stack_calendar

    def on(days: int) -> date:
        """Let ``days`` pass (to the next working day) once the last step's mails have gone out."""
        driver.wait_for_mail(proposal)
        calendar.advance_to(workdays.next_working_day(calendar.today() + timedelta(days=days)))
        return calendar.today()

    def held(who: str, kind: str, **extra) -> dict:
        return decision(kind, who, meeting_date=calendar.today().isoformat(), **extra)

    # A flawed form revised once, the hearing, a deferral, a send-back for revision and a revised form,
    # approval by the steering group and the directors, the appointments: every kind, rounds 1 to 3.
    proposal = driver.propose(example_form("personlighedsforstyrrelser"))
    driver.wait_for_gate(proposal, "revision")
    on(12)
    driver.resume(proposal, "revision", fixed_form() | {"recorded_by": PROPOSER}, round=1)
    driver.wait_for_gate(proposal, "advice")
    on(16)
    driver.resume(proposal, "advice", held(REFERENCE, "advice", recommendation="support_with_changes",
                                           summary="Følgegruppen støtter forslaget og ønsker pårørende tydeligere med."))
    on(2)
    driver.resume(proposal, "database", decision("database", RKKP))
    steering = [("defer", 21, "Afventer en afklaring af snitfladen til børne- og ungdomspsykiatrien."),
                ("revise", 28, "Målgruppen skal også omfatte unge fra 15 år."),
                ("approve", 14, "Forslaget opfylder grundpræmisserne og har bred opbakning.")]
    days_of: dict[int, date] = {}
    for n, (outcome, after, why) in enumerate(steering, start=1):
        driver.wait_for_gate(proposal, "steering", round=n)
        days_of[n] = on(after)
        driver.resume(proposal, "steering", held(STEERING, "steering", decision=outcome, rationale=why), round=n)
        if outcome == "revise":
            driver.wait_for_gate(proposal, "revision", round=2)
            on(10)
            driver.resume(proposal, "revision", fixed_form() | {"recorded_by": SECRETARIAT}, round=2)
    driver.wait_for_gate(proposal, "approval")
    on(21)
    driver.resume(proposal, "approval", held(DIRECTOR, "approval",
                                             rationale="Psykiatridirektørkredsen tilslutter sig indstillingen."))
    driver.wait_for_gate(proposal, "appointments")
    recorded_on = on(25)
    kickoff = workdays.next_working_day(recorded_on + timedelta(days=35))
    _appoint_on_the_page(driver, proposal, kickoff)
    driver.wait_for_stage(proposal, "established")
    driver.wait_for_mail(proposal)

    documents = _documents(proposal)
    mails = _mails(driver, proposal)
    decided = _decided(proposal)

    # --- the documents -----------------------------------------------------------------------------
    from support.proofread import check_document

    kinds = {d["kind"] for d in documents}
    assert kinds >= {"proposal", "hearing_letter", "steering_memo", "steering_minutes", "director_memo",
                     "director_letter", "appointment_request", "terms_of_reference", "kickoff_invitation"}
    problems = [p for d in documents for p in check_document(d["text"])]
    assert problems == [], "\n".join(problems)
    for d in documents:
        # Danish as Word sees it, and real properties: the secretariat wrote it on the step's day.
        assert 'w:val="da-DK"' in d["styles"] and "en-US" not in d["styles"], d["name"]
        assert d["author"] == "DMPG-sekretariatet" and d["title"] and "python-docx" not in d["core"], d["name"]
        assert d["created"] == d["day"] == d["dated"], d["name"]
        # No document dated before a decision that came before it.
        before = [day for at, day in decided if at <= d["made_at"]]
        assert all(day <= d["dated"] for day in before), (d["name"], d["dated"], max(before))
    # Reply deadlines: DMPG_REPLY_DAYS (21) after the letter, moved to a working day.
    for d in documents:
        if d["kind"] in ("hearing_letter", "appointment_request"):
            deadline = parse_danish_date(re.search(r"senest (\d+\. \w+ \d{4})", d["text"].body).group(1))
            assert deadline == workdays.deadline(d["dated"], 21) and workdays.is_working_day(deadline), d["name"]
    by_kind = {(d["kind"], d["round"], d["recipient"]): d["text"] for d in documents}
    third = by_kind["proposal", 3, ""]
    assert "Version 3" in third.header and "Version 3: det reviderede indstillingsskema" in third.body
    assert "Lægefaglig direktør, Region Midtjylland" in by_kind["steering_minutes", 1, ""].body
    assert "Registreret af" in by_kind["steering_minutes", 1, ""].lines and "Referent" not in by_kind["steering_minutes", 1, ""].body
    # Later rounds say what happened before, with the reason recorded then.
    assert (f"Genoptaget sag: På mødet {_danish(days_of[1])} blev indstillingen udsat til et senere møde. Begrundelse: "
            "Afventer en afklaring af snitfladen til børne- og ungdomspsykiatrien.") in by_kind["steering_memo", 2, ""].body
    assert f"Genoptaget sag: På mødet {_danish(days_of[2])} blev indstillingen sendt tilbage til revision." in \
        by_kind["steering_minutes", 3, ""].body
    # The database situation once: RKKP's statement, not the form's "ingen database" beside it.
    memo = by_kind["steering_memo", 3, ""].body
    assert "Database planlagt, forventet opstart 1. september 2027 (RKKP's udtalelse)" in memo
    assert "Der er ingen klinisk kvalitetsdatabase på området" not in memo
    # The directors see the composition the steering group saw.
    assert "Foreslået sammensætning" in by_kind["director_memo", 1, ""].body
    assert "Hospitalsledelse" in by_kind["director_memo", 1, ""].body
    invitation = by_kind["kickoff_invitation", 1, ""].body
    assert _danish(kickoff, weekday=True) in invitation and "Kl. 13:30–16:30" in invitation
    assert "Regionshuset Viborg, mødelokale 3" in invitation and "https://teams.example.dk/kickoff" in invitation

    # --- the mails ---------------------------------------------------------------------------------
    from support.proofread import check_mail, missing_attachments
    from dmpg.adapters.delivery import thread_index, thread_root

    assert len(mails) == len(_notifications(proposal))  # every mail of the proposal was delivered, once
    root = thread_root(proposal)
    problems = [p for m in mails for p in check_mail(
        m["read"], reply_to=None if m["to"] == SECRETARIAT else SECRETARIAT, thread_root=root)]
    problems += [f"{m['name']}: names {kind} but does not attach it"
                 for m in mails for kind in missing_attachments(m["read"].text, m["attached"])]
    assert problems == [], "\n".join(problems)
    assert {m["read"].headers["References"] for m in mails} == {root}
    assert {m["read"].headers["Thread-Index"] for m in mails} == {thread_index(proposal)}  # Outlook's one conversation
    summary = [f"Forslag om ny DMPG: Personlighedsforstyrrelser (sag {proposal})",
               "Diagnoseområde (ICD-10: F60) · ca. 9.000 patienter pr. år"]
    for m in mails:
        assert m["read"].text.strip().splitlines()[:2] == summary, m["name"]
        # A deadline is a working day after the day the mail went out, and never before anything it answers.
        for found in re.finditer(r"Svarfrist: (\d+\. \w+ \d{4})", m["read"].text):
            deadline = parse_danish_date(found.group(1))
            assert deadline > m["sent"] and workdays.is_working_day(deadline), m["name"]
    kinds_of = defaultdict(list)
    for m in mails:
        kinds_of[m["kind"]].append(m)

    # Requests state their deadline, the same as their letters.
    hearing_letter = next(d for d in documents if d["kind"] == "hearing_letter")
    hearing_deadline = _danish(workdays.deadline(hearing_letter["dated"], 21))
    for kind in ("hearing", "database_request"):
        assert kinds_of[kind] and all(f"Svarfrist: {hearing_deadline}" in m["read"].text for m in kinds_of[kind]), kind
    request = next(d for d in documents if d["kind"] == "appointment_request")
    request_deadline = _danish(workdays.deadline(request["dated"], 21))
    assert all(f"Svarfrist: {request_deadline}" in m["read"].text for m in kinds_of["appointment_request"])
    # A steering round after a deferral says so.
    second = next(m for m in kinds_of["steering_memo"] if m["round"] == 2)
    assert second["read"].subject.endswith("styregruppens beslutning ønskes (runde 2)")
    assert (f"Sagen er genoptaget: På mødet {_danish(days_of[1])} blev indstillingen udsat til et senere møde. "
            "Begrundelse: Afventer en afklaring") in _flat(second["read"].text)
    # Advice and statements are announced as what they are.
    advice = [m for m in kinds_of["decision"] if "rådgivning" in m["read"].subject]
    assert advice and all("Følgegruppen har givet sin rådgivning" in m["read"].text and
                          "truffet beslutning" not in m["read"].text for m in advice)
    assert any("RKKP har afgivet sin udtalelse" in m["read"].text for m in kinds_of["decision"])
    # The directors get the memo and the steering group's decision record.
    for m in kinds_of["director_memo"]:
        assert any("director-memo" in a for a in m["attached"]) and any("steering-minutes_r3" in a for a in m["attached"])
    # The secretariat's receipt is written to the secretariat, the proposers' to them.
    to_secretariat = next(m for m in kinds_of["receipt"] if m["to"] == SECRETARIAT and m["round"] == 1)
    to_proposer = next(m for m in kinds_of["receipt"] if m["to"] == PROPOSER and m["round"] == 1)
    assert "Tak for" not in to_secretariat["read"].text and "ny indstilling modtaget" in to_secretariat["read"].subject
    assert "Tak for indstillingen" in to_proposer["read"].text
    third_receipt = _flat(next(m for m in kinds_of["receipt"] if m["to"] == PROPOSER and m["round"] == 3)["read"].text)
    assert "Tak for den reviderede indstilling (version 3)" in third_receipt and "forelægges nu DMPG-styregruppen igen" in third_receipt
    # Every gate asks someone: at the appointments, the secretariat with its link to the page.
    [asked] = kinds_of["appointments_record"]
    assert asked["to"] == SECRETARIAT and "/beslut/" in asked["read"].text and "Dansk Psykiatrisk Selskab: 2 medlemmer" in asked["read"].text
    # The kickoff comes as a calendar invitation to everyone appointed.
    appointed = {_email_of(name) for _, name, _ in PEOPLE} | {"lise.kjaer@example.dk"}
    assert {m["to"] for m in kinds_of["kickoff"]} == appointed
    for m in kinds_of["kickoff"]:
        cal = m["calendar"]
        assert cal is not None, m["name"]
        event = next(iter(cal.walk("VEVENT")))
        assert (str(cal["METHOD"]), str(event["UID"]), int(event["SEQUENCE"])) == ("REQUEST", f"kickoff-{proposal.lower()}@example.dk", 0)
        assert event["DTSTART"].to_ical().decode() == f"{kickoff:%Y%m%d}T133000"
        assert event["DTSTART"].params["TZID"] == "Europe/Copenhagen" and any(c.name == "VTIMEZONE" for c in cal.walk())
        assert m["to"] in {str(a).removeprefix("mailto:") for a in event.get("ATTENDEE")}
        assert "Sted: Regionshuset Viborg, mødelokale 3" in m["read"].text
    # Everyone hears the outcome: the proposers, the secretariat, the steering group and the directors.
    from models.ledger import roster

    heard = {m["to"] for m in kinds_of["established"]}
    everyone = {PROPOSER, SECRETARIAT} | {str(p.email) for b in ("steering_group", "director_circle")
                                         for p in roster().people(b)}
    assert heard >= everyone and all(any("terms-of-reference" in a for a in m["attached"]) for m in kinds_of["established"])
    openings = {m["to"]: next(line for line in m["read"].text.splitlines() if line.startswith(("Kære ", "Til ")))
                for m in mails}
    assert openings["dsam@example.dk"] == "Til Dansk Selskab for Almen Medicin"
    assert openings["foelgegruppe.regioner@example.dk"] == "Til Følgegruppen, Danske Regioner"
    assert openings["lise.kjaer@example.dk"] == "Kære Lise Kjær"


# --- the secretariat's page ----------------------------------------------------------------------------


def _appoint_on_the_page(driver, proposal: str, kickoff: date) -> None:
    """The secretariat opens the link in its mail and records the appointed group on the page."""
    from support.lifecycle import link_in_mail

    url = link_in_mail(driver.stack.home / "mail", proposal, SECRETARIAT, "registrér udpegningen")
    with httpx.Client(timeout=60) as browser:
        page = browser.get(url)
        assert page.status_code == 200 and "Udpegede medlemmer" in page.text and "Medlem 12" in page.text
        assert "Basismedlemmer" in page.text  # the checks it is held to are shown before it is filled in
        fields = {"csrf": re.search(r'name="csrf" value="([^"]+)"', page.text).group(1),
                  "director_name": "Lise Kjær", "director_email": "lise.kjaer@example.dk",
                  "kickoff_date": f"{kickoff:%d.%m.%Y}", "kickoff_time": "13.30",
                  "kickoff_place": "Regionshuset Viborg, mødelokale 3",
                  "kickoff_online_url": "https://teams.example.dk/kickoff"}
        for n, (code, name, region) in enumerate(PEOPLE, start=1):
            fields |= {f"m{n}_name": name, f"m{n}_email": _email_of(name), f"m{n}_represents": code, f"m{n}_region": region}
        fields |= {"m1_chair": "1", "m6_chair": "1"}
        # Three chairs ticked: refused in Danish, nothing recorded, the form filled in again.
        wrong = browser.post(url, data=fields | {"m2_chair": "1"})
        assert wrong.status_code == 422 and "Udpegningen er ikke registreret" in wrong.text
        assert "Formandskabet:</strong>" in wrong.text and "3 forskellige formænd, ikke to" in wrong.text
        assert 'value="Bjarne Lund"' in wrong.text
        done = browser.post(url, data=fields, follow_redirects=True)
        assert done.status_code == 200 and "registreret" in done.text


# --- reading back --------------------------------------------------------------------------------------


def _documents(proposal: str) -> list[dict]:
    from dmpg.documents.context import local_day
    from support.proofread import read_docx
    from models import ledger

    out = []
    for row in ledger.documents(proposal, latest_only=False):
        text = read_docx(row.path)
        with zipfile.ZipFile(row.path) as z:
            styles, core = z.read("word/styles.xml").decode(), z.read("docProps/core.xml").decode()
        from docx import Document

        props = Document(row.path).core_properties  # created: UTC, as Word stores it; Word shows it in Danish time
        dated = next(_date_of(line) for line in text.lines if _date_of(line))
        out.append({"kind": row.kind, "round": row.round, "recipient": row.recipient, "name": Path(row.path).name,
                    "text": text, "styles": styles, "core": core, "author": props.author, "title": props.title,
                    "created": local_day(props.created), "made_at": _utc(row.created_at),
                    "day": local_day(row.created_at), "dated": dated})
    return out


def _date_of(line: str) -> date | None:
    """The letter's date line ("6. december 2026", right-aligned under the letterhead)."""
    from core.text import parse_danish_date

    m = _DANISH_DATE.fullmatch(line.strip())
    return parse_danish_date(m.group(0)) if m else None


def _decided(proposal: str) -> list[tuple]:
    """(when it was recorded, the day it was taken) of each decision with a meeting date."""
    from models import ledger

    return [(_utc(d.at), date.fromisoformat(d.payload["meeting_date"]))
            for d in ledger.decisions(proposal) if d.payload.get("meeting_date")]


def _mails(driver, proposal: str) -> list[dict]:
    from icalendar import Calendar

    from support.proofread import read_eml

    out = []
    for path in sorted((driver.stack.home / "mail").glob("*.eml")):
        raw = path.read_bytes()
        read = read_eml(raw, path.name)
        key = read.headers.get("X-DMPG-Key", "")
        if not key.startswith(f"{proposal}:"):
            continue
        message = email.message_from_bytes(raw, policy=policy.default)
        attached = [a.get_filename() for a in message.iter_attachments()]
        calendar = next((Calendar.from_ical(a.get_payload(decode=True)) for a in message.iter_attachments()
                         if a.get_content_type() == "text/calendar"), None)
        kind, round_ = key.split(":")[1:3]
        # The sink names each file after the moment it arrived, on the stack's calendar.
        sent = date(int(path.name[:4]), int(path.name[4:6]), int(path.name[6:8]))
        out.append({"name": path.name, "read": read, "to": read.headers["Delivered-To"], "kind": kind.split("/")[0],
                    "round": int(round_), "attached": attached, "calendar": calendar, "sent": sent})
    return out


def _notifications(proposal: str) -> list:
    from dmpg.mail.outbox import list_notifications

    return [n for n in list_notifications(proposal) if not n.recipient.startswith("channel:")]


def _utc(moment):
    from dmpg.state.gates_open import as_utc

    return as_utc(moment)


def _danish(day: date, weekday: bool = False) -> str:
    from core.text import danish_date

    return danish_date(day, weekday=weekday)


def _flat(text: str) -> str:
    return re.sub(r"\s+", " ", text)
