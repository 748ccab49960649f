"""The audit trail: a proposal's events, each once per key, and the premise findings recorded in it."""

from __future__ import annotations

from typing import Any

from sqlmodel import Session, col, select

from forms.findings import Finding
from models.ledger.rows import insert_once, load_proposal
from models.ledger.sessions import joined
from models.tables import StageEvent
from models.vocabulary import EventKind

def event_row(proposal_id: str, *, key: str, kind: str, stage: str | None = None, gate: str | None = None,
               round: int | None = None, by: str | None = None, detail: dict[str, Any] | None = None) -> StageEvent:
    return StageEvent(proposal_id=proposal_id, key=key, kind=kind, stage=stage, gate=gate, round=round,
                      by=by, detail=dict(detail or {}))


def record_event(
    proposal_id: str,
    *,
    key: str,
    kind: str,
    stage: str | None = None,
    gate: str | None = None,
    round: int | None = None,  # noqa: A002 - the domain's word (a gate's round)
    by: str | None = None,
    detail: dict[str, Any] | None = None,
    session: Session | None = None,
) -> bool:
    """Append an audit event once per ``key``: True if this call inserted it, False if it existed."""
    with joined(session) as s:
        load_proposal(s, proposal_id)
        if s.exec(select(StageEvent.id).where(StageEvent.key == key)).first() is not None:
            return False
        return insert_once(s, event_row(proposal_id, key=key, kind=kind, stage=stage, gate=gate,
                                          round=round, by=by, detail=detail))


def events(proposal_id: str, *, session: Session | None = None) -> list[StageEvent]:
    """The proposal's audit trail, oldest first (time, then insertion order)."""
    with joined(session) as s:
        query = select(StageEvent).where(StageEvent.proposal_id == proposal_id)
        return list(s.exec(query.order_by(StageEvent.at, StageEvent.id)).all())


def event(proposal_id: str, key: str, *, session: Session | None = None) -> StageEvent | None:
    """The audit event with ``key``, or None."""
    with joined(session) as s:
        return s.exec(select(StageEvent).where(StageEvent.key == key)).first()


def recorded_findings(proposal_id: str, round: int | None = None, *, session: Session | None = None) -> list[Finding]:  # noqa: A002
    """The premise findings recorded for ``round`` of the premise check (default: the latest round).

    What a document or a page shows is what was recorded then: the registry may grow meanwhile, and
    a recorded verdict never changes after the fact."""
    with joined(session) as s:
        query = select(StageEvent).where(StageEvent.proposal_id == proposal_id,
                                         StageEvent.kind == EventKind.PREMISES_CHECKED)
        if round is not None:
            query = query.where(StageEvent.round == round)
        row = s.exec(query.order_by(col(StageEvent.round).desc(), col(StageEvent.id).desc())).first()
    return [Finding(**f) for f in row.detail["findings"]] if row else []
