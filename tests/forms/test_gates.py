"""Each gate is declared once (forms.gates): the declaration is complete, everything else derives
from it, and one judge decides every answer."""

from __future__ import annotations

from pathlib import Path

import pytest

from forms.gates import (
    GATES,
    PROPOSERS,
    Gate,
    Outcome,
    SteeringInput,
    allowed_recorders,
    judge,
    waiting_on,
)
from forms.roster import Roster

PROJECT = Path(__file__).resolve().parents[2]
ROSTER = Roster.model_validate({
    "secretariat": [{"name": "Sekretariatet", "email": "sek@example.dk"}],
    "reference_group": [{"name": "Følgegruppen", "email": "fg@example.dk"}],
    "steering_group": [{"name": "Styregruppen", "email": "sg@example.dk"}],
    "director_circle": [{"name": "Direktør", "email": "dir@example.dk"}],
    "rkkp": [{"name": "RKKP", "email": "rkkp@example.dk"}],
})
STEERING = {"decision": "approve", "meeting_date": "2026-01-14", "rationale": "Godt forslag.", "recorded_by": "sg@example.dk"}


@pytest.mark.parametrize("gate", list(GATES.values()), ids=list(GATES))
def test_every_declaration_is_complete(gate: Gate):
    from dmpg.documents.naming import KINDS as DOCUMENTS

    templates = PROJECT / "templates"
    if gate.opening_mail:
        for part in ("subject", "txt", "html"):
            assert (templates / "mail" / f"{gate.opening_mail}.{part}.j2").is_file(), (gate.name, part)
    for kind in (*gate.opening_documents, *([gate.decision_document] if gate.decision_document else [])):
        assert (templates / DOCUMENTS[kind].template).is_file(), (gate.name, kind)
    assert gate.label and gate.question and gate.decider
    assert all(o.label and o.statement and o.next_step for o in gate.outcomes)


def test_an_incomplete_declaration_fails_when_it_is_made():
    with pytest.raises(ValueError, match="outcomes .* differ from the choices of decision"):
        Gate(name="x", input=SteeringInput, decided_by="steering_group", stage="steering", label="x",
             question="x", outcome_field="decision", outcomes=(Outcome("approve", "a", "b", "c"),))
    with pytest.raises(ValueError, match="decided_by 'board'"):
        Gate(name="x", input=SteeringInput, decided_by="board", stage="steering", label="x", question="x",
             outcome_field="decision", outcomes=GATES["steering"].outcomes)
    with pytest.raises(ValueError, match="stage 'nowhere'"):
        Gate(name="x", input=SteeringInput, decided_by="steering_group", stage="nowhere", label="x",
             question="x", outcome_field="decision", outcomes=GATES["steering"].outcomes)


def test_the_command_line_mail_and_stages_derive_from_the_declarations():
    from dmpg.interfaces.cli import build_parser
    from dmpg.mail import KINDS
    from dmpg.mail.compose import GATE_BODIES, NEXT_STEPS, OUTCOMES

    choices = build_parser("decide")._subparsers._group_actions[0].choices["decide"]._actions[2].choices
    assert list(choices) == list(GATES)
    assert {g.opening_mail for g in GATES.values() if g.opening_mail} <= set(KINDS)
    assert GATE_BODIES["database"] == "RKKP" and OUTCOMES["steering"]["defer"] == "har udsat beslutningen til et senere møde"
    assert set(NEXT_STEPS) == set(GATES)


def test_who_records_and_who_is_waited_on():
    database = GATES["database"]
    assert [e for _, e in allowed_recorders(database, ROSTER)] == ["sek@example.dk", "rkkp@example.dk"]
    assert waiting_on(database, ROSTER) == ["rkkp@example.dk"]
    assert waiting_on(GATES["revision"], ROSTER, ["indstiller@example.dk"]) == ["indstiller@example.dk"]
    assert GATES["revision"].decided_by == PROPOSERS
    assert waiting_on(GATES["appointments"], ROSTER) == ["sek@example.dk"]


def test_one_judge_for_every_channel():
    steering = GATES["steering"]
    accepted = judge(steering, STEERING, roster=ROSTER)
    assert accepted.accepted and accepted.outcome == "approve" and accepted.data["meeting_date"] == "2026-01-14"

    invalid = judge(steering, STEERING | {"decision": "aprove"}, roster=ROSTER)
    assert (invalid.accepted, invalid.refusal) == (False, "invalid")
    assert dict(invalid.problems)["decision"].endswith("(mente du 'approve'?)")

    outsider = judge(steering, STEERING | {"recorded_by": "rkkp@example.dk"}, roster=ROSTER)
    assert outsider.refusal == "not_allowed" and "medlemmerne af DMPG-styregruppen (sg@example.dk)" in outsider.reason

    statement = {"database_plan": "not_relevant", "statement": "ECT er en behandling.", "recorded_by": "rkkp@example.dk"}
    assert judge(GATES["database"], statement, roster=ROSTER).outcome == "not_relevant"

    appointments = {"members": [{"name": "A", "email": "a@example.dk", "represents": "DPS"}], "chairs": ["a@example.dk"],
                    "director": {"name": "D", "email": "d@example.dk"}, "kickoff_date": "2027-03-01",
                    "recorded_by": "sek@example.dk"}
    incomplete = judge(GATES["appointments"], appointments, roster=ROSTER)
    assert incomplete.refusal == "incomplete"
    assert {f.code for f in incomplete.findings} >= {"appointments.base_members", "appointments.chairs"}


def test_a_meeting_date_after_today_is_refused_with_the_field_named(tmp_path, monkeypatch):
    """A decision is recorded after its meeting: a meeting date in the future is an invalid input (every
    channel: the judge), said in Danish with the field, on the engine's calendar."""
    from datetime import date

    from core import clock

    monkeypatch.setenv(clock.ENV, str(tmp_path / "clock.json"))
    clock.advance_to(date(2027, 3, 10))
    steering = GATES["steering"]
    future = judge(steering, STEERING | {"meeting_date": "2027-03-11"}, roster=ROSTER)
    assert (future.accepted, future.refusal) == (False, "invalid")
    assert future.problems == (("meeting_date", "mødedatoen 11. marts 2027 ligger efter dags dato (10. marts 2027); "
                                                "en beslutning registreres, når mødet har været holdt"),)
    assert judge(steering, STEERING | {"meeting_date": "2027-03-10"}, roster=ROSTER).accepted  # today's meeting
    clock.advance_to(date(2027, 3, 12))
    assert judge(steering, STEERING | {"meeting_date": "2027-03-11"}, roster=ROSTER).accepted  # the day after
    # A kickoff or a database's expected start may lie ahead: only the day a decision was taken may not.
    statement = {"database_plan": "planned", "statement": "Ja.", "expected_start": "2028-01-01",
                 "recorded_by": "rkkp@example.dk"}
    assert judge(GATES["database"], statement, roster=ROSTER).accepted
