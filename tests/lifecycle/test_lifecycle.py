"""Every branch of the lifecycle on a real Prefect server, checked in the ledger, audit trail and registry."""

from __future__ import annotations

import json
import threading
from pathlib import Path

import pytest
import yaml
from support.lifecycle import (
    DIRECTOR,
    REFERENCE,
    RKKP,
    SECRETARIAT,
    STEERING,
    appointments_input,
    assert_exactly_once,
    decision,
    example_form,
    fixed_form,
)

pytestmark = pytest.mark.prefect


def _events(proposal: str) -> list:
    from models import ledger

    return ledger.events(proposal)


def _kinds(proposal: str) -> list[str]:
    return [e.kind for e in _events(proposal)]


_assert_exactly_once = assert_exactly_once


def test_whole_lifecycle_to_established(driver):
    from models import ledger

    form = example_form("angst-og-ocd")
    proposal = driver.propose(form)

    driver.hearing(proposal)
    driver.resume(proposal, "steering", decision("steering", STEERING), round=1)
    driver.resume(proposal, "approval", decision("approval", DIRECTOR))
    driver.resume(proposal, "appointments", appointments_input(form))
    driver.wait_for_stage(proposal, "established")
    assert driver.wait_for_final_run(proposal).type == "COMPLETED"

    outcomes = [(d.gate, d.round, d.outcome, d.recorded_by) for d in ledger.decisions(proposal)]
    assert outcomes == [
        ("advice", 1, "support", REFERENCE),
        ("database", 1, "planned", RKKP),
        ("steering", 1, "approve", STEERING),
        ("approval", 1, "approve", DIRECTOR),
        ("appointments", 1, "appointed", SECRETARIAT),
    ]
    stages = [e.stage for e in _events(proposal) if e.kind == "stage_entered"]
    assert stages == ["reference_group", "steering", "director_approval", "appointments", "established"]
    group = next(g for g in ledger.list_registry() if g.name == "Angst og OCD")
    assert group.dmpg_since.isoformat() == "2027-03-01"
    assert set(group.icd_codes) >= {"F40", "F41", "F42"}
    _assert_exactly_once(proposal)

    # The whole set of documents exists, each with the sha256 the ledger recorded.
    import hashlib

    kinds = {d.kind for d in ledger.documents(proposal)}
    assert {"proposal", "hearing_letter", "steering_memo", "steering_minutes", "director_memo", "director_letter",
            "appointment_request", "terms_of_reference", "kickoff_invitation"} <= kinds
    for d in ledger.documents(proposal):
        assert hashlib.sha256(Path(d.path).read_bytes()).hexdigest() == d.sha256

    # The mails as delivered by real SMTP to the session's sink: one file per recipient.
    driver.wait_for_mail(proposal)
    _assert_mails(driver.stack.home / "mail", proposal, form)

    # The status JSON contract.
    code, out, _ = driver.cli("status", proposal, "--json")
    status = json.loads(out)
    assert code == 0 and status["stage"] == "established" and status["proposal"] == proposal
    assert {"at", "kind", "gate", "by"} <= set(status["events"][0])
    assert {"kind", "path", "sha256"} <= set(status["documents"][0])
    assert {"to", "subject", "status"} <= set(status["notifications"][0])


def _assert_mails(mail_dir: Path, proposal: str, form: dict) -> None:
    import email
    from email import policy

    mails = []
    for path in mail_dir.glob("*.eml"):
        message = email.message_from_bytes(path.read_bytes(), policy=policy.default)
        if message["Subject"] and message["Subject"].startswith(f"[{proposal}]"):
            mails.append(message)

    def to(kind_words: str) -> dict[str, email.message.EmailMessage]:
        return {str(m["To"]).split("<")[-1].rstrip(">").lower(): m for m in mails if kind_words in m["Subject"]}

    proposers = {p["email"] for p in form["proposers"]}
    assert set(to("modtaget")) == proposers | {SECRETARIAT}  # the receipt
    hearing = to("følgegruppen")
    assert {"foelgegruppe.regioner@example.dk", "foelgegruppe.sst@example.dk"} <= set(hearing)
    kickoff = [m for m in mails if "kickoff" in m["Subject"].lower()]
    chairs = appointments_input(form)["chairs"]
    assert {str(m["To"]).split("<")[-1].rstrip(">") for m in kickoff} >= set(chairs) | {"direktoer.ny@example.dk"}
    message = kickoff[0]
    assert "Angst og OCD" in message["Subject"]
    names = sorted(part.get_filename() for part in message.iter_attachments())
    assert names == [f"{proposal}_kickoff-invitation_r1_v1.docx", f"{proposal}_kickoff_kalenderinvitation_v1.ics",
                     f"{proposal}_terms-of-reference_r1_v1.docx"]
    body = message.get_body(preferencelist=("plain",)).get_content()
    assert "Direktør Åse Øberg" in body and "Medlem DPS Ærø" in body  # names with æøå intact
    requests = to("udpeg")
    assert {"dps@example.dk", "bup@example.dk", "patienter@example.dk"} <= set(requests)
    letter = [p.get_filename() for p in requests["dps@example.dk"].iter_attachments()]
    assert letter == [f"{proposal}_appointment-request_r1_DPS_v1.docx"]


def test_flawed_form_is_revised_then_steering_defers_revises_and_rejects(driver):
    from models import ledger

    proposal = driver.propose(example_form("personlighedsforstyrrelser"))
    gate = driver.wait_for_gate(proposal, "revision", round=1)
    assert gate.waiting_on == ["noegleperson.pf@example.dk"]
    assert driver.stage(proposal) == "needs_revision"
    checked = [e for e in _events(proposal) if e.kind == "premises_checked"]
    assert checked[0].detail["submittable"] is False

    # The proposers send the revised form through the CLI.
    revised = driver.tmp_path / "revised.yaml"
    revised.write_text(yaml.safe_dump(fixed_form(), allow_unicode=True), encoding="utf-8")
    code, _, err = driver.cli("decide", proposal, "revision", "--input", str(revised),
                              "--by", "noegleperson.pf@example.dk", "--wait")
    assert code == 0, err
    driver.wait_for_gate(proposal, "advice")
    assert ledger.get_proposal(proposal).form["topic"]["target_group"]["primary_sector"] is True

    driver.hearing(proposal, recommendation="support_with_changes")
    driver.resume(proposal, "steering", decision("steering", STEERING, decision="defer"), round=1)
    driver.resume(proposal, "steering", decision("steering", STEERING, decision="revise"), round=2)
    driver.resume(proposal, "revision", fixed_form() | {"recorded_by": SECRETARIAT}, round=2)
    driver.resume(proposal, "steering", decision("steering", STEERING, decision="reject"), round=3)
    driver.wait_for_stage(proposal, "rejected")
    assert driver.wait_for_final_run(proposal).type == "COMPLETED"

    steering = [(d.round, d.outcome) for d in ledger.decisions(proposal) if d.gate == "steering"]
    assert steering == [(1, "defer"), (2, "revise"), (3, "reject")]
    assert "rejected" in _kinds(proposal)
    minutes = sorted(d.round for d in ledger.documents(proposal) if d.kind == "steering_minutes")
    assert minutes == [1, 2, 3]
    assert not any(g.name == "Personlighedsforstyrrelser" for g in ledger.list_registry())
    _assert_exactly_once(proposal)


def test_directors_reject(driver):
    proposal = driver.propose(example_form() | {"title": "PTSD"})
    driver.hearing(proposal)
    driver.resume(proposal, "steering", decision("steering", STEERING))
    driver.resume(proposal, "approval", decision("approval", DIRECTOR, decision="reject"))
    driver.wait_for_stage(proposal, "rejected")
    rejected = [e for e in _events(proposal) if e.kind == "rejected"]
    assert rejected[0].gate == "approval" and rejected[0].by == DIRECTOR
    # The rejection reaches the proposers with its reasons and the directors' letter.
    from dmpg.mail.outbox import list_notifications

    driver.wait_for_mail(proposal)
    told = [n for n in list_notifications(proposal) if n.kind == "decision" and "oprettelsen" in n.subject]
    proposers = {p["email"] for p in example_form()["proposers"]}
    assert proposers <= {n.recipient for n in told}
    for n in told:
        assert "har afvist oprettelsen af gruppen" in n.body_text and "Sagen er hermed afsluttet." in n.body_text
        assert "Begrundelse: " + decision("approval", DIRECTOR)["rationale"] in " ".join(n.body_text.split())
        assert any("director-letter" in a for a in n.attachments)


def test_refused_and_invalid_answers_leave_the_gate_pending(driver):
    from dmpg.adapters.prefect_api import PrefectAPI
    from dmpg.state.gates_open import open_gates

    proposal = driver.propose(example_form() | {"title": "Retspsykiatri"})
    first = driver.wait_for_gate(proposal, "advice")

    # Someone not allowed at the gate, through Prefect's resume (the UI's path): the Prefect server
    # itself refuses, because the Resume form offers only the people allowed; the gate keeps waiting.
    with PrefectAPI() as api:
        assert api.resume(first.flow_run_id, decision("advice", "udenforstaaende@example.dk")) == "REJECT"
    assert driver.wait_for_gate(proposal, "advice", round=1).key == first.key

    # A steering-group member may not record the reference group's advice (CLI path): audited.
    answer = driver.tmp_path / "advice.yaml"
    answer.write_text(yaml.safe_dump(decision("advice", STEERING)), encoding="utf-8")
    code, _, err = driver.cli("decide", proposal, "advice", "--input", str(answer), "--by", STEERING)
    assert code == 1 and "må ikke registrere" in err
    refused = [e for e in _events(proposal) if e.kind == "input_refused"]
    assert refused and refused[0].by == STEERING and refused[0].detail["channel"] == "cli"

    # An answer that passes the server's JSON schema but not our model (a blank summary): recorded as
    # invalid with the field named, and the gate waits again under the next attempt's key.
    driver.resume(proposal, "advice", decision("advice", REFERENCE, summary="   "))
    second = driver.wait_for_gate(proposal, "advice", round=1)
    assert second.key != first.key
    invalid = [e for e in _events(proposal) if e.kind == "input_invalid"]
    assert invalid and "summary" in invalid[0].detail["reason"]

    # An invalid file through the CLI names the field and changes nothing.
    bad = driver.tmp_path / "bad.yaml"
    bad.write_text(yaml.safe_dump(decision("advice", REFERENCE, recommendation="maybe")), encoding="utf-8")
    code, _, err = driver.cli("decide", proposal, "advice", "--input", str(bad), "--by", REFERENCE)
    assert code == 2 and "recommendation" in err

    # A gate that is not waiting.
    code, _, err = driver.cli("decide", proposal, "steering", "--input", str(answer), "--by", STEERING)
    assert code == 1 and "venter ikke ved 'steering'" in err

    # The flow run never failed; a valid answer moves on.
    driver.hearing(proposal)
    driver.wait_for_gate(proposal, "steering")
    assert [g.gate for g in open_gates(proposal)] == ["steering"]
    _assert_exactly_once(proposal)


def test_incomplete_appointments_are_sent_back_for_correction(driver):
    form = example_form() | {"title": "Prædiagnostisk indsats"}
    proposal = driver.propose(form)
    driver.hearing(proposal)
    driver.resume(proposal, "steering", decision("steering", STEERING))
    driver.resume(proposal, "approval", decision("approval", DIRECTOR))
    incomplete = appointments_input(form)
    incomplete["chairs"] = [incomplete["members"][0]["email"], "ikke.medlem@example.dk"]
    first = driver.resume(proposal, "appointments", incomplete)
    again = driver.wait_for_gate(proposal, "appointments")
    assert again.key != first.key
    invalid = [e for e in _events(proposal) if e.kind == "input_invalid" and e.gate == "appointments"]
    assert any(f["code"] == "appointments.chairs" for f in invalid[0].detail["findings"])
    driver.resume(proposal, "appointments", appointments_input(form))
    driver.wait_for_stage(proposal, "established")
    _assert_exactly_once(proposal)


def test_two_decisions_racing_for_one_gate_exactly_one_wins(driver):
    from core.errors import UserError
    from dmpg.services.decisions import record_decision
    from models import ledger

    proposal = driver.propose(example_form() | {"title": "Hurtig opstart i børne- og ungdomspsykiatrien"})
    driver.wait_for_gate(proposal, "advice")
    results: list[str] = []
    barrier = threading.Barrier(2)

    def answer(recommendation: str) -> None:
        payload = decision("advice", REFERENCE, recommendation=recommendation)
        barrier.wait()
        try:
            record_decision(proposal, "advice", payload)
            results.append("accepted")
        except UserError as exc:
            results.append(str(exc))

    threads = [threading.Thread(target=answer, args=(r,)) for r in ("support", "not_support")]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert sorted(results)[0] == "accepted", results
    assert "blev registreret først" in sorted(results)[1] or "er allerede registreret" in sorted(results)[1], results
    driver.resume(proposal, "database", decision("database", RKKP))
    driver.wait_for_gate(proposal, "steering")
    assert len([d for d in ledger.decisions(proposal) if d.gate == "advice"]) == 1


def test_pending_lists_waiting_proposals_with_the_contract_fields(driver):
    proposal = driver.propose(example_form() | {"title": "Angst hos ældre"})
    driver.wait_for_gate(proposal, "advice")
    code, out, _ = driver.cli("pending", "--json")
    assert code == 0
    row = next(r for r in json.loads(out) if r["proposal"] == proposal)
    assert row["gate"] == "advice" and row["round"] == 1
    assert set(row) >= {"proposal", "title", "gate", "round", "waiting_since", "waiting_on", "url"}
    assert REFERENCE in row["waiting_on"] and row["url"].startswith(driver.stack.ui_url)


def test_a_gate_that_expires_is_recorded_once_and_no_longer_pending(driver):
    from prefect import get_client
    from prefect.states import Failed

    from dmpg.state.gates_open import open_gates
    from tasks.notify import record_expired_gates

    proposal = driver.propose(example_form() | {"title": "Spiseforstyrrelser hos børn"})
    gate = driver.wait_for_gate(proposal, "advice")
    # What Prefect's pause-expiry service does when DMPG_GATE_TIMEOUT_DAYS have passed.
    with get_client(sync_client=True) as client:
        client.set_flow_run_state(gate.flow_run_id, Failed(message="The flow was paused and never resumed."),
                                  force=True)

    assert {f"{proposal}:advice:1", f"{proposal}:database:1"} <= set(record_expired_gates.fn())
    assert record_expired_gates.fn() == []  # once
    expired = [e for e in _events(proposal) if e.kind == "gate_expired"]
    assert len(expired) == 2 and {e.detail["message"] for e in expired} == {"The flow was paused and never resumed."}
    assert open_gates(proposal) == []
    code, out, _ = driver.cli("pending", "--json")
    assert proposal not in out


def test_rkkp_may_answer_before_the_reference_group_and_the_memo_shows_both(driver):
    """The hearing asks both at once: RKKP's statement recorded from the command line while the run
    waits for the reference group is taken up without another suspension."""
    from models import ledger
    from tests.documents.conftest import docx_text

    proposal = driver.propose(example_form() | {"title": "Angst og OCD hos unge"})
    driver.wait_for_gate(proposal, "advice")
    code, out, _ = driver.cli("pending", "--json")
    assert {r["gate"] for r in json.loads(out) if r["proposal"] == proposal} == {"advice", "database"}

    statement = driver.tmp_path / "database.yaml"
    statement.write_text(yaml.safe_dump(decision("database", RKKP)), encoding="utf-8")
    code, out, err = driver.cli("decide", proposal, "database", "--input", str(statement), "--by", RKKP)
    assert code == 0, err
    assert "sagen tager den op, når den når dette punkt" in out
    recorded = ledger.decision(proposal, "database", 1)
    assert (recorded.recorded_by, recorded.channel, recorded.identity) == (RKKP, "cli", "secretariat")

    driver.resume(proposal, "advice", decision("advice", REFERENCE))
    driver.wait_for_gate(proposal, "steering")
    memo = next(d for d in ledger.documents(proposal) if d.kind == "steering_memo")
    text = docx_text(memo.path)
    assert "RKKP's udtalelse om den kliniske kvalitetsdatabase" in text
    assert "Database planlagt" in text and "indikatorer & mål <udvikles> sammen med gruppen" in text
    assert "1. september 2027" in text
    opened = [e.detail["key"] for e in _events(proposal) if e.kind == "gate_opened" and e.gate == "database"]
    assert opened == ["database-r1-a1"]  # asked once, never suspended at
    code, out, _ = driver.cli("status", proposal, "--json")
    events = json.loads(out)["events"]
    assert any(e["kind"] == "decision_recorded" and e["gate"] == "database" and e["channel"] == "cli" for e in events)
    _assert_exactly_once(proposal)
