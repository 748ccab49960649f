"""Decisions: a gate round's accepted input, once per (proposal, gate, round), with its event and the
decision link it came through in the same transaction."""

from __future__ import annotations

from typing import Any

from sqlalchemy import func, update
from sqlmodel import Session, col, select

from core.errors import UserError
from models.ledger.audit import event_row
from models.ledger.rows import insert_once, jsonable, load_proposal
from models.ledger.sessions import joined
from models.tables import Decision, DecisionLink, StageEvent, utcnow
from models.vocabulary import EventKind

class LinkTaken(UserError):
    """The decision link was used by another request first (or is used already): nothing was recorded."""

    exit_code = 1


def record_decision(
    proposal_id: str,
    gate: str,
    round: int,  # noqa: A002
    outcome: str,
    payload: dict[str, Any],
    recorded_by: str,
    *,
    channel: str = "prefect-ui",
    identity: str = "secretariat",
    detail: dict[str, Any] | None = None,
    event_key: str | None = None,
    event_detail: dict[str, Any] | None = None,
    link_id: str | None = None,
    session: Session | None = None,
) -> tuple[Decision, bool]:
    """Store a gate's accepted input once per (proposal, gate, round), with how it was recorded — and, in
    the same transaction, its ``decision_recorded`` event (``event_key``, ``event_detail``) and the use of
    the decision link it came through (``link_id``): all of it is in the ledger, or none of it (a process
    killed half-way leaves the link unused and the gate waiting).

    Returns ``(row, created)``: when a decision for that round exists already (a replay, or another
    person's decision that came first), that row and False — the first decision stands, and the link is
    left unused. :class:`LinkTaken` when the link was used by another request first."""
    with joined(session) as s:
        load_proposal(s, proposal_id)
        if link_id is not None:
            # First, so that a second request through the same link waits for the first one's transaction
            # and then finds the link used (it is shown what the first recorded).
            used = s.execute(update(DecisionLink).where(
                DecisionLink.id == link_id, col(DecisionLink.used_at).is_(None)).values(used_at=utcnow()))
            if used.rowcount != 1:
                raise LinkTaken("the decision link was used by another request first")
        if (found := _decision(s, proposal_id, gate, round)) is not None:
            if link_id is not None:  # decided through another channel: the link decided nothing
                s.execute(update(DecisionLink).where(DecisionLink.id == link_id).values(used_at=None))
            return found, False
        row = Decision(proposal_id=proposal_id, gate=gate, round=round, outcome=outcome,
                       payload=jsonable(payload), recorded_by=recorded_by, channel=channel,
                       identity=identity, detail=dict(detail or {}))
        if not insert_once(s, row):
            found = _decision(s, proposal_id, gate, round)
            assert found is not None  # the unique constraint refused it, so it exists
            if link_id is not None:  # the link decided nothing: it stays usable (its gate is closed now)
                s.execute(update(DecisionLink).where(DecisionLink.id == link_id).values(used_at=None))
            return found, False
        if event_key is not None:
            insert_once(s, event_row(proposal_id, key=event_key, kind=EventKind.DECISION_RECORDED, gate=gate,
                                      round=round, by=recorded_by, detail=event_detail))
        s.flush()
        return row, True


def _decision(s: Session, proposal_id: str, gate: str, round: int) -> Decision | None:  # noqa: A002
    query = select(Decision).where(Decision.proposal_id == proposal_id, Decision.gate == gate, Decision.round == round)
    return s.exec(query).first()


def latest_decision(proposal_id: str, gate: str, *, session: Session | None = None) -> Decision | None:
    """The decision of the gate's latest round, when that round is decided (None while it waits or
    before it ever opened)."""
    with joined(session) as s:
        opened = s.exec(select(func.max(StageEvent.round)).where(
            StageEvent.proposal_id == proposal_id, StageEvent.gate == gate,
            StageEvent.kind == EventKind.GATE_OPENED)).one()
        return _decision(s, proposal_id, gate, opened) if opened else None


def decision(proposal_id: str, gate: str, round: int, *, session: Session | None = None) -> Decision | None:  # noqa: A002
    """The decision of (proposal, gate, round), or None while the gate round is undecided."""
    with joined(session) as s:
        return _decision(s, proposal_id, gate, round)


def decisions(proposal_id: str, *, session: Session | None = None) -> list[Decision]:
    """The proposal's decisions, oldest first."""
    with joined(session) as s:
        query = select(Decision).where(Decision.proposal_id == proposal_id)
        return list(s.exec(query.order_by(Decision.at, Decision.id)).all())
