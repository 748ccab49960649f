"""Meetings on the real local stack (Prefect server, runner, outbox deliverer, mail sink): a steering
meeting decides four proposals at once, the director circle approves two, an invalid minutes file
changes nothing, and minutes recorded by a process killed half-way finish on a re-run with nothing twice."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
from meeting_helpers import (
    SECRETARIAT,
    assert_once,
    at_steering,
    cli_json,
    counts,
    minutes_file,
    soon,
)
from support.lifecycle import DIRECTOR, example_form

pytestmark = pytest.mark.prefect
PROJECT = Path(__file__).resolve().parents[2]


def _wait(predicate, what: str, timeout: float = 90):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if value := predicate():
            return value
        time.sleep(0.3)
    raise AssertionError(f"timed out waiting for {what}")


def _meeting(mid: str):
    from models import ledger

    return ledger.get_meeting(mid)


def _mails_to(mail_dir: Path, subject_part: str) -> dict[str, list]:
    import email
    from email import policy

    found: dict[str, list] = {}
    for path in mail_dir.glob("*.eml"):
        message = email.message_from_bytes(path.read_bytes(), policy=policy.default)
        if subject_part in str(message["Subject"]):
            to = str(message["To"]).split("<")[-1].rstrip(">").lower()
            found.setdefault(to, []).append(message)
    return found


def test_a_steering_meeting_decides_four_and_the_directors_approve_two(driver):
    from support.proofread import missing_attachments
    from dmpg.state.gates_open import open_gates
    from models import ledger
    from tests.documents.conftest import docx_text

    # Proposals earlier tests left waiting go on meetings of their own, far off, so that the automatic
    # agendas below hold this test's proposals only (as on a fresh installation).
    for body in ("steering_group", "director_circle"):
        cli_json(driver, "meeting", "plan", body, soon(300).isoformat())
    proposals = at_steering(driver, ("Retspsykiatri", "Hurtig opstart i BUP", "Prædiagnostisk indsats", "PTSD"))
    first, later = soon(-1), soon(40)  # minutes are recorded after their meeting: the first was yesterday

    # Planning: every proposal waiting for the steering group, in the order they came to wait.
    planned = cli_json(driver, "meeting", "plan", "steering_group", first.isoformat())
    mid = f"styregruppen-{first.isoformat()}"
    assert planned["meeting"] == mid and planned["body"] == "steering_group" and planned["date"] == first.isoformat()
    assert [i["proposal"] for i in planned["agenda"]] == proposals
    assert {(i["gate"], i["round"]) for i in planned["agenda"]} == {("steering", 1)}
    assert planned["agenda"][0]["title"] == "Retspsykiatri"
    nxt = cli_json(driver, "meeting", "plan", "steering_group", later.isoformat())
    assert nxt["agenda"] == []  # nothing waits that is not on an open meeting's agenda

    # The pack run is a flow run named after the meeting; the next meeting's is scheduled for later.
    from dmpg.adapters.prefect_api import PrefectAPI

    with PrefectAPI() as api:
        run = api.flow_run(_meeting(f"styregruppen-{later.isoformat()}").pack_flow_run_id)
    assert run["name"] == f"styregruppen-{later.isoformat()}" and run["state"]["type"] == "SCHEDULED"
    assert run["expected_start_time"][:10] == (later - __import__("datetime").timedelta(days=7)).isoformat()

    # The pack of the first meeting goes out at once (its moment has passed): one document, mailed once.
    _wait(lambda: _meeting(mid).status == "pack_sent", "the pack to be sent")
    pack = ledger.meeting_documents(mid, "meeting_pack")
    assert len(pack) == 1
    text = docx_text(pack[0].path)
    for title in ("Retspsykiatri", "Hurtig opstart i BUP", "Prædiagnostisk indsats", "PTSD"):
        assert title in text
    assert "Forslagene side om side" in text and "Grupper under etablering lige nu" in text
    assert "Indstilling til DMPG-styregruppen" in text  # the memos, appended
    pack_mails = _wait(lambda: (m := _mails_to(driver.stack.home / "mail", f"[{mid}] Mødemateriale")) and
                       len(m) >= 7 and m, "the pack mail to every member")
    from models.ledger import roster

    members = {str(p.email) for p in roster().people("steering_group")}
    assert members <= set(pack_mails) and all(len(v) == 1 for v in pack_mails.values())
    names = [part.get_filename() for part in pack_mails[sorted(members)[0]][0].iter_attachments()]
    assert names == [f"{mid}_meeting-pack_v1.docx"]
    names = [part.get_filename() for part in pack_mails[SECRETARIAT][0].iter_attachments()]
    assert names == [f"{mid}_meeting-pack_v1.docx", f"{mid}_minutes-form_v1.docx"]
    for to in (SECRETARIAT, sorted(members)[0]):  # each attaches what its text names
        message = pack_mails[to][0]
        attached = [part.get_filename() for part in message.iter_attachments()]
        assert missing_attachments(message.get_body(preferencelist=("plain",)).get_content(), attached) == []

    # An invalid minutes file: every problem named with its item and field, and nothing changes.
    before = counts(proposals, [mid])
    bad = minutes_file(driver.tmp_path, [
        {"proposal": proposals[0], "decision": "aprove", "rationale": "Klar."},
        {"proposal": proposals[1], "decision": "approve"},
        {"proposal": "DMPG-1999-999", "decision": "approve", "rationale": "Findes ikke."},
        {"proposal": proposals[2], "decision": "defer", "rationale": "Afventer.", "note": "x"},
    ], name="bad.yaml")
    code, _, err = driver.cli("meeting", "record", mid, "--minutes", str(bad), "--by", SECRETARIAT)
    assert code == 2
    assert "decisions[0].decision" in err and "mente du 'approve'" in err
    assert "decisions[1].rationale" in err and "decisions[2].proposal" in err and "DMPG-1999-999" in err
    assert "decisions[3].note" in err
    assert counts(proposals, [mid]) == before and _meeting(mid).minutes is None
    assert all(g.gate == "steering" for p in proposals for g in open_gates(p))

    # The minutes: two approved, one deferred, one sent for revision.
    good = minutes_file(driver.tmp_path, [
        {"proposal": proposals[0], "decision": "approve", "rationale": "Stort behov; målgruppen går på tværs."},
        {"proposal": proposals[1], "decision": "defer", "rationale": "Afventer RKKP's databaseplan."},
        {"proposal": proposals[2], "decision": "revise", "rationale": "Primærsektoren skal beskrives."},
        {"proposal": proposals[3], "decision": "approve", "rationale": "Klinikernes tid tillader to nye grupper."},
    ], meeting=mid)
    result = cli_json(driver, "meeting", "record", mid, "--minutes", str(good), "--by", SECRETARIAT)
    assert result["status"] == "minutes_recorded"
    assert [(d["proposal"], d["decision"]) for d in result["decisions"]] == [
        (proposals[0], "approve"), (proposals[1], "defer"), (proposals[2], "revise"), (proposals[3], "approve")]
    assert result["moved_to"] == {proposals[1]: f"styregruppen-{later.isoformat()}"}
    for p, gate in ((proposals[0], "approval"), (proposals[1], "steering"), (proposals[2], "revision"),
                    (proposals[3], "approval")):
        driver.wait_for_gate(p, gate)
    for d in (ledger.decision(p, "steering", 1) for p in proposals):
        assert d.payload["meeting_date"] == first.isoformat() and d.recorded_by == SECRETARIAT
        assert d.detail == {"meeting": mid} and d.channel == "cli"
    # The deferred proposal's next round is on the next meeting's agenda.
    shown = cli_json(driver, "meeting", "show", f"styregruppen-{later.isoformat()}")
    assert [(i["proposal"], i["round"], i["source"]) for i in shown["agenda"]] == [(proposals[1], 2, "deferred")]
    # One beslutningsreferat for the meeting, mailed once to members, proposers and the secretariat;
    # each proposal's own minutes still follow.
    referat = ledger.meeting_documents(mid, "meeting_minutes")
    assert len(referat) == 1
    text = docx_text(referat[0].path)
    assert "Godkendt" in text and "Udsat til et senere møde" in text and "Sendt tilbage til revision" in text
    minutes_mails = _wait(lambda: (m := _mails_to(driver.stack.home / "mail", f"[{mid}] Beslutningsreferat"))
                          and len(m) >= 9 and m, "the minutes mail")
    proposers = {p["email"] for p in example_form()["proposers"]}
    assert members | proposers | {SECRETARIAT} == set(minutes_mails)
    assert all(len(v) == 1 for v in minutes_mails.values())
    for [message] in minutes_mails.values():
        attached = [part.get_filename() for part in message.iter_attachments()]
        assert missing_attachments(message.get_body(preferencelist=("plain",)).get_content(), attached) == []
    for p in proposals:
        _wait(lambda p=p: ledger.find_document(p, "steering_minutes", 1), f"the steering minutes of {p}")

    # The director circle approves the two at its meeting, from the minutes form in Word.
    directors = cli_json(driver, "meeting", "plan", "director_circle", first.isoformat())
    dmid = directors["meeting"]
    assert dmid == f"direktoerkredsen-{first.isoformat()}"
    assert {i["proposal"] for i in directors["agenda"]} == {proposals[0], proposals[3]}  # in the order they came
    form = driver.tmp_path / "referat.docx"
    code, _, err = driver.cli("meeting", "form", dmid, str(form))
    assert code == 0, err
    _fill_minutes_form(form, {proposals[0]: ("Godkendt", "Tilslutter sig styregruppen."),
                              proposals[3]: ("approve", "Tilslutter sig styregruppen.")})
    result = cli_json(driver, "meeting", "record", dmid, "--minutes", str(form), "--by", DIRECTOR)
    assert sorted((d["proposal"], d["decision"]) for d in result["decisions"]) == [(proposals[0], "approve"),
                                                                                   (proposals[3], "approve")]
    for p in (proposals[0], proposals[3]):
        driver.wait_for_gate(p, "appointments")
    assert_once(counts(proposals, [mid, dmid, f"styregruppen-{later.isoformat()}"]))

    listed = cli_json(driver, "meeting", "list")
    assert {(m["meeting"], m["status"]) for m in listed} >= {(mid, "minutes_recorded"), (dmid, "minutes_recorded"),
                                                             (f"styregruppen-{later.isoformat()}", "planned")}


def _fill_minutes_form(path: Path, decisions: dict[str, tuple[str, str]]) -> None:
    from docx import Document

    doc = Document(str(path))
    table = next(t for t in doc.tables if t.rows[0].cells[0].text.strip() == "Nr.")
    for row in table.rows[1:]:
        proposal = row.cells[1].text.strip()
        if proposal in decisions:
            row.cells[3].text, row.cells[4].text = decisions[proposal]
    doc.save(str(path))


KILL_AFTER = """
import os, signal, sys
import dmpg.services.decisions as decisions
record, done = decisions.record_decision, []
def record_then_die(*args, **kwargs):
    result = record(*args, **kwargs)
    done.append(result)
    if len(done) == int(os.environ["KILL_AFTER"]):
        os.kill(os.getpid(), signal.SIGKILL)  # the process dies mid-way, as a power cut would do it
    return result
decisions.record_decision = record_then_die
from dmpg.interfaces.cli import main
sys.exit(main(sys.argv[1:]))
"""


def test_minutes_of_a_process_killed_half_way_finish_on_a_rerun_with_nothing_twice(driver):
    from models import ledger

    proposals = at_steering(driver, ("Selvskade", "Autisme", "Søvn og psykiatri"))
    day = soon(-2)
    mid = cli_json(driver, "meeting", "plan", "steering_group", day.isoformat(), *sum((["--proposal", p] for p in proposals), []))["meeting"]
    minutes = minutes_file(driver.tmp_path, [
        {"proposal": p, "decision": "approve", "rationale": f"Godkendt på mødet ({n})."} for n, p in enumerate(proposals)])
    argv = ["meeting", "record", mid, "--minutes", str(minutes), "--by", SECRETARIAT]
    killed = subprocess.run([sys.executable, "-c", KILL_AFTER, *argv], cwd=PROJECT, capture_output=True, text=True,
                            env={**os.environ, "KILL_AFTER": "2"}, timeout=120)
    assert killed.returncode == -signal.SIGKILL, killed.stderr
    assert [p for p in proposals if ledger.decision(p, "steering", 1)] == proposals[:2]  # half-way
    assert ledger.meeting_documents(mid, "meeting_minutes") == []
    assert _meeting(mid).status != "minutes_recorded"

    code, out, err = driver.cli(*argv)  # the secretariat runs it again
    assert code == 0, err
    for p in proposals:
        driver.wait_for_gate(p, "approval")
    assert _meeting(mid).status == "minutes_recorded"
    assert len(ledger.meeting_documents(mid, "meeting_minutes")) == 1
    code, _, _ = driver.cli(*argv)  # and once more: nothing happens twice
    assert code == 0
    for p in proposals:
        _wait(lambda p=p: ledger.find_document(p, "director_memo", 1), f"the director memo of {p}")
    assert_once(counts(proposals, [mid]))
    events = [e for p in proposals for e in ledger.events(p) if e.kind == "decision_recorded" and e.gate == "steering"]
    assert len(events) == 3 and {e.key.rsplit(":", 1)[1] for e in events} == {f"meeting-{mid}"}

    # Different minutes for a meeting whose minutes are recorded are refused, naming when and by whom.
    other = minutes_file(driver.tmp_path, [{"proposal": proposals[0], "decision": "reject", "rationale": "Nej."}],
                         name="other.yaml")
    code, _, err = driver.cli("meeting", "record", mid, "--minutes", str(other), "--by", SECRETARIAT)
    assert code == 1 and "siger noget andet; intet er ændret" in err


def test_minutes_wait_for_the_chair_when_the_setting_asks_for_it(driver, monkeypatch):
    from core.settings import get_settings
    from dmpg.mail.outbox import list_notifications
    from dmpg.state.gates_open import open_gates
    from models import ledger

    monkeypatch.setenv("DMPG_MINUTES_NEED_CHAIR_APPROVAL", "true")
    get_settings.cache_clear()
    [proposal] = at_steering(driver, ("Psykose hos unge",))
    mid = cli_json(driver, "meeting", "plan", "steering_group", soon(-3).isoformat(), "--proposal", proposal)["meeting"]
    minutes = minutes_file(driver.tmp_path, [{"proposal": proposal, "decision": "approve", "rationale": "Enig."}])
    result = cli_json(driver, "meeting", "record", mid, "--minutes", str(minutes), "--by", SECRETARIAT)
    assert result["status"] == "awaiting_approval"
    assert ledger.decision(proposal, "steering", 1) is None and open_gates(proposal)[0].gate == "steering"
    chair = ledger.roster().people("steering_group")[0]
    asked = [n for n in list_notifications() if n.kind == "minutes_approval" and mid in n.key]
    assert [n.recipient for n in asked] == [str(chair.email)]

    code, _, err = driver.cli("meeting", "approve", mid, "--by", "styregruppe.rkkp@example.dk")
    assert code == 1 and f"kun {chair.email} må godkende" in err

    # The chair approves from the mail: their own link shows the minutes (a GET changes nothing) and
    # one tap approves them; the decisions take effect.
    import re

    import httpx

    from dmpg.state.links import fill_links

    sent = fill_links(asked[0].body_text, asked[0].recipient)  # as the deliverer sends it (the row keeps no token)
    url = re.search(r"(https?://\S+/beslut/\S+)", sent).group(1)
    with httpx.Client(timeout=60) as browser:  # as patient as a phone's browser
        page = browser.get(url)
        assert page.status_code == 200 and "Godkend referatet" in page.text and "Psykose hos unge" in page.text
        assert _meeting(mid).approved_by is None
        csrf = re.search(r'name="csrf" value="([^"]+)"', page.text).group(1)
        done = browser.post(url, data={"csrf": csrf}, follow_redirects=True)
    assert "Tak – referatet er godkendt" in done.text
    driver.wait_for_gate(proposal, "approval")
    assert _meeting(mid).approved_by == str(chair.email) and _meeting(mid).status == "minutes_recorded"
    assert httpx.get(url).status_code == 200 and "referatet er godkendt" in httpx.get(url).text  # once only
    assert ledger.decision(proposal, "steering", 1).detail == {"meeting": mid}


def test_a_planned_meeting_is_a_calendar_invitation_changed_and_cancelled_under_one_uid(driver):
    """The body's members get an iCalendar invitation (METHOD:REQUEST, Europe/Copenhagen) when a meeting
    is planned; another time sends the change (the same UID, SEQUENCE 1), and cancelling it the
    cancellation (METHOD:CANCEL, SEQUENCE 2); the meeting's agenda is free again."""
    from icalendar import Calendar

    from support.proofread import missing_attachments
    from models.ledger import roster

    day = soon(250)
    planned = cli_json(driver, "meeting", "plan", "reference_group", day.isoformat(), "--time", "13.30",
                       "--place", "Regionshuset Viborg", "--online", "https://teams.example.dk/fg")
    mid = planned["meeting"]
    assert (planned["time"], planned["place"], planned["invitation_sequence"]) == ("13:30", "Regionshuset Viborg", 0)
    changed = cli_json(driver, "meeting", "plan", "reference_group", day.isoformat(), "--time", "14:00")
    assert changed["invitation_sequence"] == 1 and changed["time"] == "14:00"
    again = cli_json(driver, "meeting", "plan", "reference_group", day.isoformat(), "--time", "14:00")
    assert again["invitation_sequence"] == 1  # the same time again is no change
    code, out, err = driver.cli("meeting", "cancel", mid, "--json")
    assert code == 0, err
    assert __import__("json").loads(out)["status"] == "cancelled"

    members = {str(p.email).lower() for p in roster().people("reference_group")}
    seen: dict[str, list] = {}
    for subject in ("Invitation:", "Ændret:", "Aflyst:"):
        mails = _wait(lambda s=subject: (m := _mails_to(driver.stack.home / "mail", f"[{mid}] {s}")) and
                      set(m) >= members and m, f"the {subject} mail to every member")
        assert set(mails) == members and all(len(v) == 1 for v in mails.values())
        message = mails[sorted(members)[0]][0]
        attached = [a.get_filename() for a in message.iter_attachments()]
        assert missing_attachments(message.get_body(preferencelist=("plain",)).get_content(), attached) == []
        part = next(a for a in message.iter_attachments() if a.get_content_type() == "text/calendar")
        seen[subject] = Calendar.from_ical(part.get_payload(decode=True))
    events = {s: next(iter(c.walk("VEVENT"))) for s, c in seen.items()}
    assert {str(e["UID"]) for e in events.values()} == {f"{mid}@example.dk"}
    assert [(str(c["METHOD"]), int(events[s]["SEQUENCE"])) for s, c in seen.items()] == [
        ("REQUEST", 0), ("REQUEST", 1), ("CANCEL", 2)]
    assert str(events["Aflyst:"]["STATUS"]) == "CANCELLED"
    first = events["Invitation:"]
    assert first["DTSTART"].to_ical().decode() == f"{day:%Y%m%d}T133000"
    assert first["DTSTART"].params["TZID"] == "Europe/Copenhagen" and str(first["LOCATION"]) == "Regionshuset Viborg"
    assert any(c.name == "VTIMEZONE" for c in seen["Invitation:"].walk())
    assert str(events["Ændret:"]["DTSTART"].to_ical().decode()).endswith("T140000")
    code, _, err = driver.cli("meeting", "plan", "reference_group", day.isoformat())
    assert code == 1 and "er aflyst" in err
