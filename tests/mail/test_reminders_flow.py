"""The dmpg-reminders flow on the real local stack (Prefect server, outbox deliverer, mail sink): it
reminds whoever a gate has waited on too long, a second run sends nothing new, and what was queued
is delivered (by the flow's own delivery or the deliverer, whichever comes first: never both)."""

from __future__ import annotations

import time
from datetime import datetime, timedelta, timezone

import pytest

from models.vocabulary import EventKind
from tests.mail.conftest import read_eml

pytestmark = pytest.mark.prefect


def test_reminders_flow_delivers_the_backlog_and_reminds_once(local_stack, examples):
    from dmpg.mail.outbox import enqueue, list_notifications
    from flows.reminders import send_reminders
    from forms.loading import load_form
    from models.db import session_scope
    from models.ledger import create_proposal
    from models.tables import StageEvent

    form = load_form(examples / "angst-og-ocd.yaml")
    pid = create_proposal(form).id
    waiting_on = ["styregruppe.rkkp@example.dk"]
    with session_scope() as s:
        s.add(StageEvent(proposal_id=pid, key=f"{pid}:gate_opened:steering:1:test", kind=EventKind.GATE_OPENED,
                         gate="steering", round=1, at=datetime.now(timezone.utc) - timedelta(days=15),
                         detail={"waiting_on": waiting_on}))
    # A mail the outage held back: queued, never delivered.
    enqueue(pid, "receipt", 1, [{"name": "Indstiller", "email": "forslag.angst@example.dk"}], {"title": form.title})

    first = send_reminders()
    assert first["reminders_queued"] >= 1
    second = send_reminders()
    assert second["reminders_queued"] == first["reminders_queued"]  # the same keys: nothing new is sent

    deadline = time.monotonic() + 30
    while any(n.status != "sent" for n in list_notifications(pid)) and time.monotonic() < deadline:
        time.sleep(0.2)
    mine = [n for n in list_notifications(pid)]
    assert {(n.kind, n.recipient, n.status) for n in mine} == {
        ("receipt", "forslag.angst@example.dk", "sent"), ("reminder", "styregruppe.rkkp@example.dk", "sent")}
    files = [read_eml(p) for p in (local_stack.home / "mail").glob("*.eml")]
    reminders = [m for m in files if (m["X-DMPG-Key"] or "").startswith(f"{pid}:reminder/steering/1:")]
    assert len(reminders) == 1 and reminders[0]["Delivered-To"] == "styregruppe.rkkp@example.dk"
    assert reminders[0]["Subject"] == f"Påmindelse: [{pid}] Angst og OCD: styregruppens beslutning afventer"
