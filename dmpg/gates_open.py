"""Which gates are waiting, from the ledger (the system of record; no Prefect call needed).

A gate round is open when it has a ``gate_opened`` event and no ``decision_recorded`` or
``gate_expired`` event for the same (proposal, gate, round). Used by ``dmpg pending``, ``dmpg decide``
and the reminders.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime

from models.vocabulary import FINAL_STAGES, EventKind

_CLOSING = (EventKind.DECISION_RECORDED, EventKind.GATE_EXPIRED)


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


def open_gates(proposal_id: str | None = None) -> list[OpenGate]:
    """Every open gate round, oldest first (one per proposal in practice)."""
    from sqlmodel import select

    from models.db import session_scope
    from models.tables import Proposal, StageEvent

    with session_scope() as s:
        query = select(Proposal).where(Proposal.stage.not_in(FINAL_STAGES))
        if proposal_id:
            query = query.where(Proposal.id == proposal_id)
        proposals = {p.id: p for p in s.exec(query).all()}
        if not proposals:
            return []
        events = s.exec(
            select(StageEvent)
            .where(StageEvent.proposal_id.in_(list(proposals)))
            .where(StageEvent.kind.in_([EventKind.GATE_OPENED, *_CLOSING]))
            .order_by(StageEvent.at, StageEvent.id)
        ).all()
        gates: dict[tuple[str, str, int], OpenGate] = {}
        for e in events:
            slot = (e.proposal_id, e.gate, e.round)
            if e.kind in _CLOSING:
                gates.pop(slot, None)
                continue
            p = proposals[e.proposal_id]
            if slot in gates:  # a later attempt: same round, new key and waiting list
                gates[slot].key = e.detail.get("key", gates[slot].key)
                gates[slot].waiting_on = list(e.detail.get("waiting_on", []))
            else:
                gates[slot] = OpenGate(
                    proposal=p.id, title=p.title, gate=e.gate, round=e.round, key=e.detail.get("key", ""),
                    waiting_since=e.at, waiting_on=list(e.detail.get("waiting_on", [])), flow_run_id=p.flow_run_id,
                )
        return sorted(gates.values(), key=lambda g: g.waiting_since)
