"""Overdue gates escalate: after ``DMPG_ESCALATE_AFTER_DAYS`` past the deadline, ONE mail to the chair of
the body that decides (or the secretariat), kept once in the outbox and the audit trail; and the weekly
digest lists what is overdue first. Real SMTP (the sink), a real ledger."""

from __future__ import annotations

from datetime import date, datetime, timedelta, timezone

import pytest

from core import clock
from models.vocabulary import EventKind
from tests.mail.conftest import read_eml

HEARING = datetime(2026, 11, 2, 9, 0, tzinfo=timezone.utc)  # a Monday: the svarfrist is Monday 23 November


def on(day: date) -> datetime:
    return clock.at_copenhagen(day, 10)


@pytest.fixture
def hearing(proposal):
    """The proposal at the hearing since HEARING: the reference group and RKKP both asked."""
    from models.db import session_scope
    from models.tables import StageEvent

    with session_scope() as s:
        s.add(StageEvent(proposal_id=proposal, key=f"{proposal}:stage:reference_group:1", kind=EventKind.STAGE_ENTERED,
                         stage="reference_group", at=HEARING))
        for gate, who in (("advice", "foelgegruppe.sst@example.dk"), ("database", "rkkp.databaser@example.dk")):
            s.add(StageEvent(proposal_id=proposal, key=f"{proposal}:gate_opened:{gate}-r1-a1", kind=EventKind.GATE_OPENED,
                             gate=gate, round=1, at=HEARING, detail={"key": f"{gate}-r1-a1", "waiting_on": [who]}))
    return proposal


def test_an_overdue_gate_is_escalated_once_to_its_bodys_chair(sink, hearing, roster):
    from dmpg.mail.outbox import deliver_pending
    from dmpg.services.escalation import queue_escalations
    from models import ledger

    assert queue_escalations(on(date(2026, 12, 6)), roster) == []  # 13 days past the svarfrist: not yet
    rows = queue_escalations(on(date(2026, 12, 7)), roster)
    assert sorted(r.key for r in rows) == [f"{hearing}:escalation/advice:1:foelgegruppe.regioner@example.dk",
                                           f"{hearing}:escalation/database:1:rkkp.databaser@example.dk"]
    assert queue_escalations(on(date(2026, 12, 8)), roster) == []  # once, ever
    events = [e for e in ledger.events(hearing) if e.kind == EventKind.ESCALATED]
    assert [(e.gate, e.detail["deadline"], e.detail["days_overdue"], e.detail["to"]) for e in events] == [
        ("advice", "2026-11-23", 14, ["foelgegruppe.regioner@example.dk"]),
        ("database", "2026-11-23", 14, ["rkkp.databaser@example.dk"])]

    deliver_pending()
    [mail] = [read_eml(p) for p in sink.messages() if read_eml(p)["Delivered-To"] == "foelgegruppe.regioner@example.dk"]
    assert mail["Subject"] == f"Frist overskredet: [{hearing}] Angst og OCD: følgegruppens rådgivning"
    text = mail.get_body(preferencelist=("plain",)).get_content()
    assert "Til Følgegruppen, Danske Regioner" in text  # the roster names a seat: greeted as one
    assert ("har siden 2. november 2026 ventet på følgegruppens rådgivning. Svarfristen var 23. november 2026. "
            "Fristen er nu overskredet med 14 dage.") in text
    assert "Du får denne besked som formand for følgegruppen." in text
    assert "/beslut/" in text and "Linket er personligt" in text  # the chair's own


def test_who_an_overdue_gate_is_escalated_to(roster):
    from dmpg.mail.recipients import escalation_recipients
    from forms.gates import GATES

    def to(gate: str) -> list[tuple[str, str]]:
        return [(r.email, r.role) for r in escalation_recipients(GATES[gate], roster)]

    assert to("steering") == [("styregruppe.sjaelland@example.dk", "steering_group")]  # the first member: the chair
    assert to("approval") == [("direktoer.nordjylland@example.dk", "director_circle")]
    assert to("appointments") == [("sekretariat@example.dk", "secretariat")]  # no body's chair: the secretariat
    assert to("revision") == [("sekretariat@example.dk", "secretariat")]


def test_the_digest_lists_what_is_overdue_first(sink, hearing, roster, form):
    from dmpg.mail.outbox import deliver_pending
    from dmpg.services.reminders import queue_digest
    from models.db import session_scope
    from models.ledger import create_proposal
    from models.tables import StageEvent

    earlier = create_proposal(form, year=2026).id  # waits longer, at the steering group, with no meeting planned
    with session_scope() as s:
        s.add(StageEvent(proposal_id=earlier, key=f"{earlier}:gate_opened:steering-r1-a1", kind=EventKind.GATE_OPENED,
                         gate="steering", round=1, at=HEARING - timedelta(days=30), detail={"waiting_on": []}))
    [row] = queue_digest(on(date(2026, 12, 7)), roster, force=True)
    assert row.subject == "DMPG ugeoversigt 2026-W50: 3 sager afventer, 2 overskredet"
    deliver_pending()
    [path] = sink.messages()
    text = read_eml(path).get_body(preferencelist=("plain",)).get_content()
    items = [line for line in text.splitlines() if line.startswith("- ")]
    assert [line.split("[")[0] for line in items] == [
        "- Overskredet 14 dage (frist 23. november 2026): ", "- Overskredet 14 dage (frist 23. november 2026): ", "- "]
    assert f"[{earlier}] Angst og OCD: venter på styregruppens beslutning" in items[2]
