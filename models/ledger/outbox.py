"""The outbox's rows: every notification is written before it is sent, once per key, and claimed by one
deliverer at a time (a conditional UPDATE). What a row says and when it is tried again is
``dmpg.mail.outbox``'s; this module is the SQL."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from datetime import datetime

from sqlalchemy import and_, or_, update
from sqlmodel import Session, col, func, select

from models.ledger.rows import insert_once
from models.ledger.sessions import joined
from models.tables import Notification

PENDING, SENDING, SENT, FAILED = "pending", "sending", "sent", "failed"


def store_notifications(rows: Iterable[Notification], *, session: Session | None = None) -> list[Notification]:
    """Insert each row unless its key exists; the stored rows of those keys (the earlier ones where they
    existed), in the given order."""
    rows = list(rows)
    keys = [row.key for row in rows]
    with joined(session) as s:
        for row in rows:
            insert_once(s, row)
        stored = {n.key: n for n in s.exec(select(Notification).where(col(Notification.key).in_(keys))).all()}
    return [stored[k] for k in keys if k in stored]


def _due(now: datetime, ignore_backoff: bool):  # noqa: ANN202 - a SQL expression
    not_before = or_(Notification.next_attempt_at.is_(None), Notification.next_attempt_at <= now)
    waiting = Notification.status == PENDING if ignore_backoff else and_(Notification.status == PENDING, not_before)
    abandoned = and_(Notification.status == SENDING, Notification.next_attempt_at <= now)
    return or_(waiting, abandoned)


def due_notifications(now: datetime, ignore_backoff: bool, proposal_id: str | None = None, *,
                      session: Session | None = None) -> list[int]:
    """The ids of the rows due at ``now`` (of one proposal, or all), oldest first: ``pending`` past their
    ``next_attempt_at`` (any ``pending`` with ``ignore_backoff``), or ``sending`` whose lease ran out."""
    with joined(session) as s:
        query = select(Notification.id).where(_due(now, ignore_backoff))
        if proposal_id is not None:
            query = query.where(Notification.proposal_id == proposal_id)
        return list(s.exec(query.order_by(Notification.id)).all())


def claim_notification(row_id: int, now: datetime, ignore_backoff: bool, lease_until: datetime, *,
                       session: Session | None = None) -> bool:
    """Take the row for sending until ``lease_until``; False if another deliverer has it (or it is no
    longer due)."""
    with joined(session) as s:
        result = s.execute(
            update(Notification)
            .where(Notification.id == row_id, _due(now, ignore_backoff))
            .values(status=SENDING, next_attempt_at=lease_until)
        )
        return result.rowcount == 1


def get_notification(row_id: int, *, session: Session | None = None) -> Notification | None:
    with joined(session) as s:
        return s.get(Notification, row_id)


def record_attempt(row_id: int, outcome: Callable[[Notification], None], *,
                   session: Session | None = None) -> Notification:
    """Count one try of the row and let ``outcome(row)`` set what it led to (status, error, next try)."""
    with joined(session) as s:
        row = s.get(Notification, row_id)
        row.attempts += 1
        outcome(row)
        s.add(row)
        return row


def count_notifications(statuses: Iterable[str] | None = None, proposal_id: str | None = None, *,
                        exclude: str | None = None, session: Session | None = None) -> int:
    """How many rows have one of ``statuses`` (or any status but ``exclude``), of one proposal or all."""
    with joined(session) as s:
        query = select(func.count()).select_from(Notification)
        if statuses is not None:
            query = query.where(col(Notification.status).in_(tuple(statuses)))
        if exclude is not None:
            query = query.where(Notification.status != exclude)
        if proposal_id is not None:
            query = query.where(Notification.proposal_id == proposal_id)
        return s.exec(query).one()


def retry_failed(proposal_id: str | None = None, *, session: Session | None = None) -> int:
    """Put every ``failed`` row back to ``pending``, due now, with a fresh count of attempts
    (``last_error`` is kept until the next try). Returns how many."""
    with joined(session) as s:
        stmt = update(Notification).where(Notification.status == FAILED)
        if proposal_id is not None:
            stmt = stmt.where(Notification.proposal_id == proposal_id)
        return s.execute(stmt.values(status=PENDING, attempts=0, next_attempt_at=None)).rowcount


def list_notifications(proposal_id: str | None = None, status: str | None = None, *,
                       session: Session | None = None) -> list[Notification]:
    """The outbox rows (of one proposal and/or one status), oldest first."""
    with joined(session) as s:
        query = select(Notification)
        if proposal_id is not None:
            query = query.where(Notification.proposal_id == proposal_id)
        if status is not None:
            query = query.where(Notification.status == status)
        return list(s.exec(query.order_by(Notification.created_at, Notification.id)).all())
