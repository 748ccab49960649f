"""Reminders for gates that wait too long (once per interval) and the weekly digest (once per week)."""

from __future__ import annotations

from datetime import datetime, timedelta, timezone

import pytest

from dmpg.mail.outbox import deliver_pending, list_notifications
from dmpg.services.reminders import (
    digest_due,
    iso_week,
    queue_digest,
    queue_reminders,
    days_waiting,
    reminder_interval,
)
from dmpg.state.gates_open import fold_events
from models.vocabulary import EventKind
from tests.mail.conftest import read_eml

OPENED = datetime(2026, 11, 2, 9, 0, tzinfo=timezone.utc)  # a Monday
WAITING_ON = ["styregruppe.sjaelland@example.dk", "styregruppe.rkkp@example.dk"]


def event(kind, gate="steering", round=1, at=OPENED, proposal="DMPG-2026-001", waiting_on=None):
    return {"proposal_id": proposal, "kind": kind, "gate": gate, "round": round, "at": at,
            "detail": {"waiting_on": waiting_on or []}}


# --- pure rules -------------------------------------------------------------------------------------


def test_a_gate_is_open_until_decided_or_expired_per_round():
    events = [
        event(EventKind.GATE_OPENED, "advice"), event(EventKind.DECISION_RECORDED, "advice"),
        event(EventKind.GATE_OPENED, "steering", 1), event(EventKind.DECISION_RECORDED, "steering", 1),
        event(EventKind.GATE_OPENED, "steering", 2, waiting_on=WAITING_ON),
        event(EventKind.GATE_OPENED, "approval", proposal="DMPG-2026-002"),
        event(EventKind.GATE_EXPIRED, "approval", proposal="DMPG-2026-002"),
        event(EventKind.STAGE_ENTERED, None),
    ]
    [gate] = fold_events(events)
    assert (gate.proposal, gate.gate, gate.round, gate.waiting_on) == ("DMPG-2026-001", "steering", 2, WAITING_ON)


@pytest.mark.parametrize(("days", "interval"), [(0, 0), (13, 0), (14, 1), (27, 1), (28, 2), (45, 3)])
def test_one_reminder_interval_per_remind_after_days(days, interval):
    assert reminder_interval(OPENED, OPENED + timedelta(days=days, hours=1), 14) == interval


@pytest.mark.parametrize(("opened", "now", "days"), [
    (datetime(2026, 12, 6, 16, 0, tzinfo=timezone.utc), datetime(2026, 12, 21, 8, 0, tzinfo=timezone.utc), 15),
    (datetime(2026, 12, 6, 22, 30, tzinfo=timezone.utc), datetime(2026, 12, 6, 23, 30, tzinfo=timezone.utc), 1),
    (datetime(2026, 12, 6, 8, 0, tzinfo=timezone.utc), datetime(2026, 12, 6, 20, 0, tzinfo=timezone.utc), 0),
])
def test_days_waiting_are_copenhagen_calendar_days(opened, now, days):
    """A gate opened on the evening of 6 December has waited 15 days on the morning of the 21st, as the
    reader of "har ventet ... i 15 dage (siden 6. december 2026)" counts; midnight is Copenhagen's."""
    assert days_waiting(opened, now) == days


def test_weeks_and_digest_day():
    assert iso_week(datetime(2026, 11, 2)) == "2026-W45"
    assert iso_week(datetime(2027, 1, 1)) == "2026-W53"
    assert digest_due(datetime(2026, 11, 2), 0) and not digest_due(datetime(2026, 11, 3), 0)


# --- against the ledger and a real SMTP server ------------------------------------------------------


@pytest.fixture
def waiting_gate(proposal):
    """The proposal's steering gate, opened on OPENED and waiting on two steering group members."""
    from models.db import session_scope
    from models.tables import StageEvent

    with session_scope() as s:
        s.add(StageEvent(proposal_id=proposal, key=f"{proposal}:gate_opened:steering:1", kind=EventKind.GATE_OPENED,
                         gate="steering", round=1, at=OPENED, detail={"waiting_on": WAITING_ON}))
    return proposal


def reminders_sent(sink):
    return sorted(read_eml(p)["Delivered-To"] for p in sink.messages() if "Påmindelse" in read_eml(p)["Subject"])


def test_reminders_go_once_per_interval_to_whoever_the_gate_waits_on(sink, waiting_gate, roster):
    assert queue_reminders(OPENED + timedelta(days=13), roster) == []
    day14 = OPENED + timedelta(days=14, hours=1)
    first = queue_reminders(day14, roster)
    assert [n.key for n in first] == [f"{waiting_gate}:reminder/steering/1:1:{e}" for e in WAITING_ON]
    queue_reminders(day14 + timedelta(days=3), roster)  # daily runs in the same interval add nothing
    deliver_pending()
    assert reminders_sent(sink) == sorted(WAITING_ON)
    msg = read_eml(sink.messages()[0])
    assert msg["Subject"] == f"Påmindelse: [{waiting_gate}] Angst og OCD: styregruppens beslutning afventer"
    text = msg.get_body(preferencelist=("plain",)).get_content()
    assert "i 14 dage (siden 2. november 2026)" in text and "http://127.0.0.1:" in text

    queue_reminders(OPENED + timedelta(days=28, hours=1), roster)  # the next interval: one more each
    deliver_pending()
    assert reminders_sent(sink) == sorted(WAITING_ON * 2)


def test_a_decided_gate_is_not_reminded(sink, waiting_gate, roster):
    from models.ledger import record_event

    record_event(waiting_gate, key=f"{waiting_gate}:decision_recorded:steering:1", kind=EventKind.DECISION_RECORDED,
                 gate="steering", round=1, by="styregruppe.rkkp@example.dk")
    assert queue_reminders(OPENED + timedelta(days=40), roster) == []


def test_weekly_digest_lists_what_waits_once_per_week_on_the_digest_day(sink, waiting_gate, roster):
    monday = OPENED + timedelta(days=14)
    assert queue_digest(monday + timedelta(days=1), roster) == []  # Tuesday: not the digest day
    [row] = queue_digest(monday, roster)
    assert row.key == "all:digest/2026-W47:1:sekretariat@example.dk" and row.proposal_id is None
    assert queue_digest(monday + timedelta(hours=5), roster)[0].id == row.id  # same week, same row
    deliver_pending()
    [path] = sink.messages()
    msg = read_eml(path)
    assert msg["Delivered-To"] == "sekretariat@example.dk"
    assert msg["Subject"] == "DMPG ugeoversigt 2026-W47: 1 sag afventer"
    text = msg.get_body(preferencelist=("plain",)).get_content()
    assert f"[{waiting_gate}] Angst og OCD: venter på styregruppens beslutning (runde 1) i 14 dage" in text
    assert len(queue_digest(monday + timedelta(days=7), roster)) == 1  # next week: a new digest
    assert len([n for n in list_notifications() if n.kind == "digest"]) == 2


def test_no_digest_when_nothing_is_pending(sink, proposal, roster):
    assert queue_digest(OPENED, roster) == []
