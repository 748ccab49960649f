"""Every letter and mail of a whole lifecycle, read back as its recipients get it: the Word documents
with python-docx, the mails as the real SMTP sink stored them. Nothing may need an edit before it goes
out (``dmpg.documents.proofread``), and what each reader needs is there: the proposal in two lines,
the reply deadline, that a deferred case was deferred, one thread, answers to the secretariat."""

from __future__ import annotations

import re
from collections import defaultdict
from datetime import date

import pytest
from support.lifecycle import (
    DIRECTOR,
    SECRETARIAT,
    STEERING,
    decision,
    example_form,
    fixed_form,
)

from core.workdays import deadline

pytestmark = pytest.mark.prefect

PROPOSER = "noegleperson.pf@example.dk"


def _appointments() -> dict:
    """People with people's names, one per seat category of the revised form."""
    people = [("DPS", "Anne Holm", "midtjylland"), ("DPS", "Bjarne Lund", "hovedstaden"), ("DP", "Cecilie Dahl", "syddanmark"),
              ("DASYS", "Dorthe Krog", "nordjylland"), ("patients", "Erik Sønderby", None), ("BUP", "Frida Østergaard", "sjaelland"),
              ("FYP", "Gitte Åberg", "midtjylland"), ("DSAM", "Hans Møller", "hovedstaden"), ("relatives", "Inge Bach", None),
              ("hospital_management", "Jens Fog", "syddanmark")]
    members = [{"name": n, "email": f"{n.split()[0].lower().replace('ø', 'oe').replace('å', 'aa')}@example.dk",
                "represents": code, **({"region": region} if region else {})} for code, n, region in people]
    return {"members": members, "chairs": [members[0]["email"], members[5]["email"]],
            "director": {"name": "Lise Kjær", "email": "lise.kjaer@example.dk"}, "kickoff_date": "2027-05-06",
            "recorded_by": SECRETARIAT}


def test_every_document_and_mail_of_a_lifecycle_goes_out_without_an_edit(driver):
    from dmpg.documents.proofread import check_document, check_mail, read_docx, read_eml
    from dmpg.mail.delivery import thread_index, thread_root
    from models import ledger

    # A flawed form revised once, the hearing, a deferral, a send-back for revision and a revised form,
    # approval by the steering group and the directors, the appointments: every kind, rounds 1 to 3.
    proposal = driver.propose(example_form("personlighedsforstyrrelser"))
    driver.resume(proposal, "revision", fixed_form() | {"recorded_by": PROPOSER}, round=1)
    driver.hearing(proposal, recommendation="support_with_changes", meeting_date="2027-01-07",
                   summary="Følgegruppen støtter forslaget og ønsker pårørende tydeligere med.")
    steering = [("defer", "2027-01-14", "Afventer en afklaring af snitfladen til børne- og ungdomspsykiatrien."),
                ("revise", "2027-02-11", "Målgruppen skal også omfatte unge fra 15 år."),
                ("approve", "2027-03-11", "Forslaget opfylder grundpræmisserne og har bred opbakning.")]
    for n, (outcome, held, why) in enumerate(steering, start=1):
        driver.resume(proposal, "steering", decision("steering", STEERING, decision=outcome, meeting_date=held,
                                                     rationale=why), round=n)
        if outcome == "revise":
            driver.resume(proposal, "revision", fixed_form() | {"recorded_by": SECRETARIAT}, round=2)
    driver.resume(proposal, "approval", decision("approval", DIRECTOR, meeting_date="2027-03-25",
                                                 rationale="Psykiatridirektørkredsen tilslutter sig indstillingen."))
    driver.resume(proposal, "appointments", _appointments())
    driver.wait_for_stage(proposal, "established")
    driver.wait_for_mail(proposal)

    # --- the documents -----------------------------------------------------------------------------
    rows = ledger.documents(proposal, latest_only=False)
    docs = {(d.kind, d.round, d.recipient): read_docx(d.path) for d in rows}
    assert {k for k, _, _ in docs} >= {"proposal", "hearing_letter", "steering_memo", "steering_minutes",
                                       "director_memo", "director_letter", "appointment_request",
                                       "terms_of_reference", "kickoff_invitation"}
    problems = [p for doc in docs.values() for p in check_document(doc)]
    assert problems == [], "\n".join(problems)

    # The revised form's header and text give one version; the minutes list the steering group.
    assert sorted(r for k, r, _ in docs if k == "proposal") == [1, 2, 3]
    third = docs["proposal", 3, ""]
    assert "Version 3" in third.header and "Version 3: det reviderede indstillingsskema" in third.body
    assert "Lægefaglig direktør, Region Midtjylland" in docs["steering_minutes", 1, ""].body
    # Later rounds say what happened before.
    assert "Genoptaget sag: På mødet 14. januar 2027 blev indstillingen udsat til et senere møde." in \
        docs["steering_memo", 2, ""].body
    assert "Genoptaget sag: På mødet 11. februar 2027 blev indstillingen sendt tilbage til revision." in \
        docs["steering_minutes", 3, ""].body
    # Reply deadlines: DMPG_REPLY_DAYS (21) from the day the letter's request went out, on a working day.
    hearing_sent = _first_day(proposal, "reference_group")
    hearing_deadline = _danish(deadline(hearing_sent, 21))
    assert f"senest {hearing_deadline}" in docs["hearing_letter", 1, ""].body
    approved = ledger.decision(proposal, "approval", 1).at
    request_deadline = _danish(deadline(_local(approved), 21))
    dsam = docs["appointment_request", 1, "DSAM"]
    assert f"senest {request_deadline}" in dsam.body
    assert "Til Dansk Selskab for Almen Medicin\n" in dsam.body + "\n" and "Kære" not in dsam.body

    # --- the mails ---------------------------------------------------------------------------------
    mails = []
    for path in sorted((driver.stack.home / "mail").glob("*.eml")):
        mail = read_eml(path.read_bytes(), path.name)
        if mail.headers.get("X-DMPG-Key", "").startswith(f"{proposal}:"):
            mails.append(mail)
    assert len(mails) == len(_notifications(proposal))
    # Answers go to the secretariat (apprise leaves Reply-To out of the secretariat's own copies), and
    # every mail refers to the proposal's one thread root.
    root = thread_root(proposal)
    problems = [p for m in mails for p in check_mail(
        m, reply_to=None if m.headers["Delivered-To"] == SECRETARIAT else SECRETARIAT, thread_root=root)]
    assert problems == [], "\n".join(problems)
    assert {m.headers["References"] for m in mails} == {root}
    assert {m.headers["Thread-Index"] for m in mails} == {thread_index(proposal)}  # Outlook's one conversation

    by_kind: dict[str, list] = defaultdict(list)
    for m in mails:
        kind, round_ = m.headers["X-DMPG-Key"].split(":")[1:3]
        by_kind[f"{kind.split('/')[0]}:{round_}"].append(m)

    # Every mail opens with the proposal in the same two lines (in both parts).
    summary = [f"Forslag om ny DMPG: Personlighedsforstyrrelser (sag {proposal})",
               "Diagnoseområde (ICD-10: F60) · ca. 9.000 patienter pr. år"]
    for m in mails:
        assert m.text.strip().splitlines()[:2] == summary, m.name
        assert m.html_text.splitlines()[:2] == summary, m.name

    # Requests state their deadline, the same as their letters.
    for kind in ("hearing:1", "database_request:1"):
        assert all(f"Svarfrist: {hearing_deadline}" in m.text for m in by_kind[kind]), kind
    assert by_kind["appointment_request:1"]
    assert all(f"Svarfrist: {request_deadline}" in m.text for m in by_kind["appointment_request:1"])

    # A steering round after a deferral says so, and its subject is not round 1's.
    second = by_kind["steering_memo:2"][0]
    assert second.subject.endswith("styregruppens beslutning ønskes (runde 2)")
    assert ("Sagen er genoptaget: På mødet 14. januar 2027 blev indstillingen udsat til et senere møde. "
            "Begrundelse: Afventer en afklaring af snitfladen til børne- og ungdomspsykiatrien.") in _flat(second.text)
    third_memo = _flat(by_kind["steering_memo:3"][0].text)
    assert "blev indstillingen sendt tilbage til revision" in third_memo
    assert "Indstillerne har siden indsendt en revideret indstilling." in third_memo
    assert "genoptaget" not in by_kind["steering_memo:1"][0].text

    # Salutations fit a person or an organisation.
    openings = {m.headers["Delivered-To"]: next(line for line in m.text.splitlines() if line.startswith(("Kære ", "Til ")))
                for m in mails}
    assert openings["dsam@example.dk"] == "Til Dansk Selskab for Almen Medicin"
    assert openings["foelgegruppe.regioner@example.dk"] == "Til Følgegruppen, Danske Regioner"
    assert openings["lise.kjaer@example.dk"] == "Kære Lise Kjær"
    # The revised form is thanked for as revised and, after the hearing, goes back to the steering group.
    receipt = _flat(next(m for m in by_kind["receipt:3"] if m.headers["Delivered-To"] == PROPOSER).text)
    assert "Tak for den reviderede indstilling (version 3)" in receipt and "forelægges nu DMPG-styregruppen igen" in receipt


def _notifications(proposal: str) -> list:
    from dmpg.mail.outbox import list_notifications

    return [n for n in list_notifications(proposal) if not n.recipient.startswith("channel:")]


def _first_day(proposal: str, stage: str) -> date:
    from models import ledger

    return _local(next(e.at for e in ledger.events(proposal) if e.kind == "stage_entered" and e.stage == stage))


def _local(moment) -> date:
    from dmpg.documents.context import local_day

    return local_day(moment)


def _danish(day: date) -> str:
    from core.text import danish_date

    return danish_date(day)


def _flat(text: str) -> str:
    return re.sub(r"\s+", " ", text)
