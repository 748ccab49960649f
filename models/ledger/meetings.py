"""Meetings: a body's meeting, its agenda and its documents."""

from __future__ import annotations

from datetime import date
from pathlib import Path
from typing import Any

from sqlalchemy import func, update
from sqlmodel import Session, col, delete, select

from core.errors import UserError
from models.ledger.rows import ID_ATTEMPTS, insert_once
from models.ledger.sessions import joined
from models.tables import Meeting, MeetingDocument, MeetingItem, utcnow

OPEN_MEETING_STATUSES = ("planned", "pack_sent", "awaiting_approval")  # minutes not in force yet


def create_meeting(meeting_id: str, body: str, day: date, *, session: Session | None = None) -> tuple[Meeting, bool]:
    """The meeting ``meeting_id`` (``planned``), created once: ``(row, created)``."""
    with joined(session) as s:
        if (found := s.get(Meeting, meeting_id)) is not None:
            return found, False
        row = Meeting(id=meeting_id, body=body, date=day, status="planned")
        if insert_once(s, row):
            return row, True
        return s.get(Meeting, meeting_id), False


def delete_meeting(meeting_id: str, *, session: Session | None = None) -> None:
    """Remove a meeting and its agenda (a meeting whose pack could not be scheduled). Not once it
    has documents: those went out."""
    with joined(session) as s:
        s.exec(delete(MeetingItem).where(MeetingItem.meeting_id == meeting_id))
        s.exec(delete(Meeting).where(Meeting.id == meeting_id))


def find_meeting(meeting_id: str, *, session: Session | None = None) -> Meeting | None:
    with joined(session) as s:
        return s.get(Meeting, meeting_id)


def get_meeting(meeting_id: str, *, session: Session | None = None) -> Meeting:
    """The meeting; ``UserError`` naming the command that lists them when unknown."""
    found = find_meeting(meeting_id, session=session)
    if found is None:
        raise UserError(f"no meeting {meeting_id} (see dmpg meeting list)", exit_code=1)
    return found


def list_meetings(body: str | None = None, *, session: Session | None = None) -> list[Meeting]:
    """The meetings (of one body), by date."""
    with joined(session) as s:
        query = select(Meeting).order_by(Meeting.date, Meeting.id)
        if body is not None:
            query = query.where(Meeting.body == body)
        return list(s.exec(query).all())


def update_meeting(meeting_id: str, *, only_if: dict[str, Any] | None = None, session: Session | None = None,
                   **values: Any) -> bool:
    """Set ``values`` on the meeting; with ``only_if`` (column -> value) only when the row still has
    those values (a compare-and-set: two processes never both take the same step). True if updated."""
    with joined(session) as s:
        stmt = update(Meeting).where(Meeting.id == meeting_id)
        for column, value in (only_if or {}).items():
            attr = getattr(Meeting, column)
            stmt = stmt.where(attr.is_(None) if value is None else attr == value)
        return s.execute(stmt.values(**values, updated_at=utcnow())).rowcount == 1


def agenda(meeting_id: str, *, session: Session | None = None) -> list[MeetingItem]:
    """The meeting's agenda items in order."""
    with joined(session) as s:
        query = select(MeetingItem).where(MeetingItem.meeting_id == meeting_id)
        return list(s.exec(query.order_by(MeetingItem.position, MeetingItem.id)).all())


def add_agenda_items(meeting_id: str, items: list[tuple[str, str, int]], source: str, *,
                     session: Session | None = None) -> list[MeetingItem]:
    """Put ``(proposal, gate, round)`` items on the meeting's agenda after those there, each proposal
    once; returns the items added now."""
    added = []
    with joined(session) as s:
        position = s.exec(select(func.max(MeetingItem.position)).where(MeetingItem.meeting_id == meeting_id)).one() or 0
        for proposal_id, gate, round_ in items:
            position += 1
            row = MeetingItem(meeting_id=meeting_id, proposal_id=proposal_id, gate=gate, round=round_,
                              position=position, source=source)
            if insert_once(s, row):
                added.append(row)
    return added


def open_agenda_rounds(*, session: Session | None = None) -> dict[tuple[str, str, int], str]:
    """Every gate round on the agenda of a meeting whose minutes are not in force yet -> that meeting."""
    with joined(session) as s:
        rows = s.exec(
            select(MeetingItem, Meeting.id).join(Meeting, Meeting.id == MeetingItem.meeting_id)
            .where(col(Meeting.status).in_(OPEN_MEETING_STATUSES))
        ).all()
        return {(item.proposal_id, item.gate, item.round): mid for item, mid in rows}


def meetings_of_round(proposal_id: str, gate: str, round: int, *,  # noqa: A002
                      session: Session | None = None) -> list[Meeting]:
    """The meetings with that gate round on their agenda, by date."""
    with joined(session) as s:
        return list(s.exec(
            select(Meeting).join(MeetingItem, MeetingItem.meeting_id == Meeting.id)
            .where(MeetingItem.proposal_id == proposal_id, MeetingItem.gate == gate, MeetingItem.round == round)
            .order_by(Meeting.date, Meeting.id)
        ).all())


def record_meeting_document(meeting_id: str, kind: str, basis: str, path: str | Path, sha256: str, *,
                            session: Session | None = None) -> MeetingDocument:
    """Record a rendered meeting document as a new version of (meeting, kind)."""
    with joined(session) as s:
        for _ in range(ID_ATTEMPTS):
            latest = s.exec(select(func.max(MeetingDocument.version)).where(
                MeetingDocument.meeting_id == meeting_id, MeetingDocument.kind == kind)).one() or 0
            row = MeetingDocument(meeting_id=meeting_id, kind=kind, version=latest + 1, basis=basis,
                                  path=str(path), sha256=sha256)
            if insert_once(s, row):
                return row
        raise UserError(f"could not record document {kind} for {meeting_id}: too many writers at once")


def meeting_documents(meeting_id: str, kind: str | None = None, *,
                      session: Session | None = None) -> list[MeetingDocument]:
    """The meeting's documents (of ``kind``), oldest version first."""
    with joined(session) as s:
        query = select(MeetingDocument).where(MeetingDocument.meeting_id == meeting_id)
        if kind is not None:
            query = query.where(MeetingDocument.kind == kind)
        return list(s.exec(query.order_by(MeetingDocument.kind, MeetingDocument.version)).all())
