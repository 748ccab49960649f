"""Which gates are waiting, from the ledger (the system of record; no Prefect call needed).

A gate round is open when it has a ``gate_opened`` event and no ``decision_recorded`` or
``gate_expired`` event for the same (proposal, gate, round). Used by ``dmpg pending``, ``dmpg decide``
and the reminders.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from datetime import datetime, timezone
from typing import Any

from models.ledger.quick import gate_events
from models.vocabulary import EventKind

_CLOSING = (EventKind.DECISION_RECORDED, EventKind.GATE_EXPIRED)
GATE_EVENT_KINDS = (EventKind.GATE_OPENED, *_CLOSING)  # the events fold_events reads


@dataclass
class OpenGate:
    proposal: str
    title: str
    gate: str
    round: int
    key: str                 # the suspension key of the latest attempt (what the run waits on)
    waiting_since: datetime  # when the round first opened
    waiting_on: list[str] = field(default_factory=list)
    flow_run_id: str | None = None


def fold_events(events: Iterable[Any], proposals: Mapping[str, Any] | None = None) -> list[OpenGate]:
    """Pure: the open gate rounds among ``events`` (rows or dicts with ``proposal_id, kind, gate,
    round, at, detail``, oldest first), oldest first. ``proposals`` maps ids to rows with ``title``
    and ``flow_run_id``. A later attempt of the same round updates its key and waiting list."""
    proposals = proposals or {}
    gates: dict[tuple[str, str, int], OpenGate] = {}
    for e in events:
        kind, gate = _get(e, "kind"), _get(e, "gate")
        if not gate:
            continue
        slot = (_get(e, "proposal_id"), gate, int(_get(e, "round") or 1))
        if kind in _CLOSING:
            gates.pop(slot, None)
            continue
        if kind != EventKind.GATE_OPENED:
            continue
        detail = _get(e, "detail") or {}
        if slot in gates:
            gates[slot].key = detail.get("key", gates[slot].key)
            gates[slot].waiting_on = list(detail.get("waiting_on", []))
            continue
        proposal = proposals.get(slot[0])
        gates[slot] = OpenGate(
            proposal=slot[0], title=_get(proposal, "title") if proposal else "", gate=gate, round=slot[2],
            key=detail.get("key", ""), waiting_since=as_utc(_get(e, "at")),
            waiting_on=list(detail.get("waiting_on", [])), flow_run_id=_get(proposal, "flow_run_id") if proposal else None,
        )
    return sorted(gates.values(), key=lambda g: (g.waiting_since, g.proposal))


def open_gates(proposal_id: str | None = None) -> list[OpenGate]:
    """Every open gate round in the ledger (of one proposal, or of all that are not final), oldest first."""
    proposals, events = gate_events(proposal_id, kinds=GATE_EVENT_KINDS)
    return fold_events(events, proposals)


def _get(item: Any, name: str) -> Any:
    return item.get(name) if isinstance(item, Mapping) else getattr(item, name, None)


def as_utc(value: datetime) -> datetime:
    """SQLite may hand back naive datetimes; they were written as UTC."""
    return value.replace(tzinfo=timezone.utc) if value.tzinfo is None else value
