"""Runs that stopped, as the ledger has them: each proposal's open *incident* (``dmpg.services.recovery``
notices, records and resumes them), read without Prefect and without SQLAlchemy, so ``dmpg pending`` and
``dmpg status`` show a proposal as *recovering* or as *needing attention* in a blink.

An incident is the ``run_stuck`` events of a proposal since its last ``run_recovered``: the latest says
what the problem is, what was done about it, and how many restarts it took so far.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime, timezone
from types import SimpleNamespace
from typing import Any

from models.ledger.quick import gate_events
from models.vocabulary import EventKind

# What an incident's problem is (the mail and the timeline name it).
STUCK, FAILED, CANCELLED, NO_WORKER, UNWOKEN = "stuck", "failed", "cancelled", "no_worker", "unwoken"
WAKE_REFUSED = "wake_refused"  # Prefect refused the wake-up of a recorded decision: a person must look
# What is done about it.
RESCHEDULED, WOKEN, NEEDS_ATTENTION, REPORTED = "rescheduled", "woken", "needs_attention", "reported"
# What pending/status say about a proposal with an open incident.
RECOVERING = "recovering"

INCIDENT_KINDS = (EventKind.RUN_STUCK, EventKind.RUN_RECOVERED)  # the events fold_incidents reads


@dataclass(frozen=True)
class Incident:
    """An open incident of one proposal, as the ledger has it."""

    number: int
    since: datetime
    problem: str
    run_state: str
    reason: str
    action: str
    attempts: int  # restarts so far in this incident
    detail: str = ""  # the technical particulars for IT (Prefect's own words), apart from the Danish reason

    @property
    def status(self) -> str:
        """``recovering`` (the system is on it) or ``needs_attention`` (a person must act)."""
        return NEEDS_ATTENTION if self.action in (NEEDS_ATTENTION, REPORTED) else RECOVERING

    def to_json(self) -> dict[str, Any]:
        return {"status": self.status, "incident": self.number, "since": self.since.isoformat(),
                "problem": self.problem, "run_state": self.run_state, "reason": self.reason,
                "action": self.action, "attempts": self.attempts, "detail": self.detail}


def fold_incidents(events: Iterable[Any]) -> dict[str, Incident]:
    """Pure: the open incident of each proposal among ``events`` (``run_stuck``/``run_recovered`` rows,
    oldest first; other kinds are ignored)."""
    open_: dict[str, Incident] = {}
    for e in events:
        if e.kind == EventKind.RUN_RECOVERED:
            open_.pop(e.proposal_id, None)
        elif e.kind == EventKind.RUN_STUCK:
            d = e.detail or {}
            was = open_.get(e.proposal_id)
            restarts = (was.attempts if was else 0) + (d.get("action") == RESCHEDULED)
            open_[e.proposal_id] = Incident(
                number=int(d.get("incident") or 1), since=was.since if was else utc(e.at),
                problem=d.get("problem", STUCK), run_state=d.get("run_state", ""), reason=d.get("reason", ""),
                action=d.get("action", ""), attempts=restarts, detail=d.get("detail", ""),
            )
    return open_


def open_incidents(proposal_id: str | None = None) -> dict[str, Incident]:
    """The open incident of each proposal under way (or of one), from the ledger."""
    _, events = under_way(proposal_id, INCIDENT_KINDS)
    return fold_incidents(events)


def under_way(proposal_id: str | None, kinds: tuple[str, ...]) -> tuple[dict[str, Any], list[Any]]:
    """The proposals under way (one, or all) by id, and their events of ``kinds`` oldest first, read with
    the ledger's quick reads (``dmpg pending`` and ``status`` stay free of SQLAlchemy)."""
    proposals, events = gate_events(proposal_id, kinds=kinds)
    return ({pid: SimpleNamespace(**p) for pid, p in proposals.items()}, [SimpleNamespace(**e) for e in events])


def utc(value: datetime) -> datetime:
    """A stored or Prefect timestamp in UTC (SQLite hands back naive ones, written as UTC)."""
    return value.replace(tzinfo=timezone.utc) if value.tzinfo is None else value.astimezone(timezone.utc)
