"""Decision links: the rows behind each personal link in a mail, and their one use."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import update
from sqlmodel import Session, col, select

from core.identity import fold_address
from models.ledger.rows import insert_once
from models.ledger.sessions import joined
from models.tables import DecisionLink, utcnow

def decision_link(*, purpose: str, recipient: str, make_id: Any, expires_at: datetime,
                  proposal_id: str | None = None, gate: str | None = None, round: int | None = None,  # noqa: A002
                  meeting_id: str | None = None, session: Session | None = None) -> DecisionLink:
    """The unused link row for (purpose, proposal, gate, round, meeting, recipient), made when there is
    none (``make_id()`` names it): mailing again reuses the link; a used one is never handed out again.
    Recipients compare as ``core.identity.fold_address`` does."""
    recipient = fold_address(recipient)

    def existing(s: Session) -> DecisionLink | None:
        same = [col(getattr(DecisionLink, name)).is_(None) if value is None else getattr(DecisionLink, name) == value
                for name, value in (("purpose", purpose), ("proposal_id", proposal_id), ("gate", gate),
                                    ("round", round), ("meeting_id", meeting_id), ("recipient", recipient))]
        return s.exec(select(DecisionLink).where(*same, col(DecisionLink.used_at).is_(None))).first()

    with joined(session) as s:
        if (found := existing(s)) is not None:
            return found
        row = DecisionLink(id=make_id(), purpose=purpose, proposal_id=proposal_id, gate=gate, round=round,
                           meeting_id=meeting_id, recipient=recipient, expires_at=expires_at)
        insert_once(s, row)
        return existing(s) or row


def get_decision_link(link_id: str, *, session: Session | None = None) -> DecisionLink | None:
    with joined(session) as s:
        return s.get(DecisionLink, link_id)


def use_decision_link(link_id: str, *, session: Session | None = None) -> bool:
    """Mark a link used; True only for the one call that found it unused (a conditional update)."""
    with joined(session) as s:
        result = s.execute(update(DecisionLink).where(
            DecisionLink.id == link_id, col(DecisionLink.used_at).is_(None)).values(used_at=utcnow()))
        return result.rowcount == 1


def release_decision_link(link_id: str, *, session: Session | None = None) -> None:
    """Undo :func:`use_decision_link` (the decision posted through the link was refused)."""
    with joined(session) as s:
        s.execute(update(DecisionLink).where(DecisionLink.id == link_id).values(used_at=None))
