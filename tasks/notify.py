"""Prefect tasks of the reminders flow: thin wrappers of ``dmpg.mail`` (plain functions, keyed in the ledger).

No result caching (``cache_policy=NONE``): the outbox key is the exactly-once guarantee, and a
re-executed task must still deliver what an earlier run left pending.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from prefect import get_client, task
from prefect.cache_policies import NONE

from dmpg.mail import outbox
from dmpg.services import expiry, reminders
from dmpg.services.escalation import queue_escalations as queue
from dmpg.services.persondata import apply_retention as retain
from tasks.board import publish_timeline as publish
from tasks.board import publish_waiting


@task(name="deliver-outbox", cache_policy=NONE)
def deliver_outbox(proposal_id: str | None = None, now: datetime | None = None) -> dict[str, Any]:
    """Send every outbox row whose time has come (never raises for a failed send)."""
    return outbox.deliver_pending(proposal_id, now=now).as_dict()


@task(name="queue-reminders", cache_policy=NONE)
def queue_reminders(now: datetime | None = None) -> list[str]:
    """Enqueue reminders for gates that have waited too long; returns the outbox keys."""
    return [row.key for row in reminders.queue_reminders(now)]


@task(name="queue-escalations", cache_policy=NONE)
def queue_escalations(now: datetime | None = None) -> list[str]:
    """Escalate gates overdue ``escalate_after_days`` or more (one mail each, ever); returns the outbox keys."""
    return [row.key for row in queue(now)]


@task(name="queue-digest", cache_policy=NONE)
def queue_digest(now: datetime | None = None) -> list[str]:
    """On the digest weekday, enqueue the secretariat's weekly digest; returns the outbox keys."""
    return [row.key for row in reminders.queue_digest(now)]


@task(name="record-expired-gates", cache_policy=NONE)
def record_expired_gates() -> list[str]:
    """Gates whose suspended run Prefect failed after the gate timeout: recorded as ``gate_expired``."""
    with get_client(sync_client=True) as client:
        def state_of(flow_run_id: str) -> expiry.RunState | None:
            state = client.read_flow_run(flow_run_id).state
            return None if state is None else expiry.RunState(state.is_final(), state.name or "", state.message or "")

        return expiry.record_expired_gates(state_of)


@task(name="publish-waiting", cache_policy=NONE)
def publish_board() -> None:
    """The table of everything that waits, brought up to date (``tasks.board.publish_waiting``)."""
    publish_waiting()


@task(name="publish-timeline", cache_policy=NONE)
def publish_timeline() -> None:
    """The timeline chart and what is overdue, brought up to date (``tasks.board.publish_timeline``)."""
    publish()


@task(name="apply-retention", cache_policy=NONE)
def apply_retention(now: datetime | None = None) -> dict[str, Any]:
    """Pseudonymise the records of proposals ended ``DMPG_RETENTION_YEARS`` ago (``dmpg.services.persondata``)."""
    return retain(now, by="dmpg-reminders").to_json()
