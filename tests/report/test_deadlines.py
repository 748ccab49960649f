"""When a waiting gate is overdue (``dmpg.services.deadlines``): pure rules, no ledger."""

from __future__ import annotations

from datetime import date, datetime, timezone

import pytest

from dmpg.services.deadlines import (
    MEETING,
    NO_MEETING,
    NONE,
    REPLY,
    Due,
    dues,
    overdue_label,
)
from dmpg.state.gates_open import OpenGate
from models.vocabulary import EventKind

P = "DMPG-2026-001"


def at(day: date, hour: int = 9) -> datetime:
    return datetime(day.year, day.month, day.day, hour, tzinfo=timezone.utc)


def gate(name: str, opened: date, round: int = 1) -> OpenGate:  # noqa: A002
    return OpenGate(proposal=P, title="Angst og OCD", gate=name, round=round, key=f"{name}-r{round}-a1",
                    waiting_since=at(opened))


def stage(name: str, day: date) -> dict:
    return {"proposal_id": P, "kind": EventKind.STAGE_ENTERED, "stage": name, "gate": None, "round": None,
            "at": at(day), "detail": {}}


def decided(name: str, outcome: str, day: date) -> dict:
    return {"proposal_id": P, "kind": EventKind.DECISION_RECORDED, "stage": None, "gate": name, "round": 1,
            "at": at(day), "detail": {"outcome": outcome}}


def due_of(g: OpenGate, events=(), agenda=(), today=date(2027, 6, 1)) -> Due:
    return dues([g], events, agenda, today=today, reply_days=21, meeting_due_days=91)[(g.proposal, g.gate, g.round)]


def test_the_hearing_is_due_on_the_svarfrist_of_its_letter():
    from dmpg.documents.context import Sources, reply_deadline

    events = [stage("reference_group", date(2026, 12, 10))]
    found = due_of(gate("advice", date(2026, 12, 10)), events)
    # 21 days after 10 December is 31 December, in the Christmas week: the first working day after it.
    assert found == Due(date(2027, 1, 4), REPLY)
    sources = Sources(proposal_id=P, title="", form={}, stages={"reference_group": date(2026, 12, 10)})
    assert found.deadline == reply_deadline(sources, "advice")  # the date the letter and the mail state


def test_the_appointments_are_due_21_days_after_the_directors_approved():
    events = [decided("approval", "approve", date(2027, 3, 1))]
    assert due_of(gate("appointments", date(2027, 3, 1)), events) == Due(date(2027, 3, 22), REPLY)


def test_a_meeting_gate_is_due_at_its_meeting_and_the_latest_when_moved_on():
    g = gate("steering", date(2027, 1, 12), round=2)
    first = {"proposal_id": P, "gate": "steering", "round": 2, "meeting_id": "styregruppen-2027-02-10",
             "date": date(2027, 2, 10)}
    later = {**first, "meeting_id": "styregruppen-2027-05-12", "date": date(2027, 5, 12)}
    assert due_of(g, agenda=[first]) == Due(date(2027, 2, 10), MEETING, "styregruppen-2027-02-10")
    assert due_of(g, agenda=[later, first]) == Due(date(2027, 5, 12), MEETING, "styregruppen-2027-05-12")
    other_round = {**first, "round": 1}
    # On no meeting's agenda: 91 days after it opened, a working day (Tuesday 13 April).
    assert due_of(g, agenda=[other_round]) == Due(date(2027, 4, 13), NO_MEETING)


def test_the_revision_has_no_deadline():
    found = due_of(gate("revision", date(2020, 1, 1)))
    assert found == Due(None, NONE) and not found.overdue(date(2030, 1, 1)) and found.days_overdue(date(2030, 1, 1)) == 0


@pytest.mark.parametrize(("today", "days"), [(date(2027, 2, 15), 0), (date(2027, 2, 16), 1), (date(2027, 3, 31), 44)])
def test_overdue_from_the_day_after_the_deadline(today, days):
    found = Due(date(2027, 2, 15), REPLY)
    assert (found.days_overdue(today), found.overdue(today)) == (days, days > 0)
    assert found.to_json(today) == {"deadline": "2027-02-15", "deadline_rule": "reply", "deadline_meeting": None,
                                    "overdue": days > 0, "days_overdue": days}


def test_what_people_read():
    assert overdue_label(0) == "" and overdue_label(1) == "overskredet (1 dag)"
    assert overdue_label(44) == "overskredet (44 dage)"


def test_the_deadline_recorded_at_opening_is_what_is_read():
    recorded = {"deadline": "2027-01-04", "deadline_rule": "reply"}
    assert due_of(gate("advice", date(2026, 12, 10)), [{"proposal_id": P, "kind": EventKind.GATE_OPENED,
                                                       "gate": "advice", "round": 1, "at": at(date(2026, 12, 10)),
                                                       "detail": recorded}]) == Due(date(2027, 1, 4), REPLY)
    # A meeting gate recorded as due a quarter on: a meeting planned since takes over.
    opened = {"proposal_id": P, "kind": EventKind.GATE_OPENED, "gate": "steering", "round": 1,
              "at": at(date(2027, 1, 12)), "detail": {"deadline": "2027-04-13", "deadline_rule": "no_meeting"}}
    meeting = {"proposal_id": P, "gate": "steering", "round": 1, "meeting_id": "styregruppen-2027-03-11",
               "date": date(2027, 3, 11)}
    assert due_of(gate("steering", date(2027, 1, 12)), [opened]) == Due(date(2027, 4, 13), NO_MEETING)
    assert due_of(gate("steering", date(2027, 1, 12)), [opened], [meeting]) == Due(
        date(2027, 3, 11), MEETING, "styregruppen-2027-03-11")


def test_what_a_gate_is_given_when_it_opens(dmpg_home, monkeypatch):
    from core import clock
    from dmpg.services.deadlines import at_opening
    from forms.proposal import ProposalForm
    from models import ledger

    monkeypatch.delenv(clock.ENV, raising=False)
    monkeypatch.setattr(clock, "wall", lambda: clock.at_copenhagen(date(2026, 12, 10), 10))
    pid = ledger.create_proposal(ProposalForm(title="Angst og OCD")).id
    ledger.set_stage(pid, "reference_group", key=f"{pid}:stage:reference_group:1")
    assert at_opening(pid, "advice") == {"deadline": "2027-01-04", "deadline_rule": "reply"}  # the letter's svarfrist
    assert at_opening(pid, "steering") == {"deadline": "2027-03-11", "deadline_rule": "no_meeting"}  # 91 days on
    assert at_opening(pid, "revision") == {"deadline": None, "deadline_rule": "none"}
