"""The rows that may name a person, for ``dmpg.services.persondata`` (GDPR: what is held about someone,
erasing it, the retention sweep), and writing its log. The person is found by the service (folded
addresses inside JSON): these are the queries, unfiltered, in a stable order."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from sqlmodel import Session, select

from models.ledger.sessions import joined
from models.tables import (
    Decision,
    DecisionLink,
    Document,
    JournalEntry,
    Meeting,
    MeetingDocument,
    Notification,
    Organisation,
    PrivacyAction,
    Proposal,
    RosterPerson,
    StageEvent,
)


def person_rows(*, session: Session | None = None) -> dict[str, list[Any]]:
    """Every row that may name a person: ``roster`` (people), ``organisations``, ``mails`` (by id),
    ``links``, ``events`` (by time), ``meetings`` (by date) and the ``privacy`` log (by id)."""
    with joined(session) as s:
        return {
            "roster": list(s.exec(select(RosterPerson)).all()),
            "organisations": list(s.exec(select(Organisation)).all()),
            "mails": list(s.exec(select(Notification).order_by(Notification.id)).all()),
            "links": list(s.exec(select(DecisionLink)).all()),
            "events": list(s.exec(select(StageEvent).order_by(StageEvent.at, StageEvent.id)).all()),
            "meetings": list(s.exec(select(Meeting).order_by(Meeting.date)).all()),
            "privacy": list(s.exec(select(PrivacyAction).order_by(PrivacyAction.id)).all()),
        }


def all_documents(*, session: Session | None = None) -> list[Document | MeetingDocument]:
    """Every version of every proposal's and meeting's document (proposals' first), by id."""
    with joined(session) as s:
        return [*s.exec(select(Document).order_by(Document.id)).all(),
                *s.exec(select(MeetingDocument).order_by(MeetingDocument.id)).all()]


def erasable_rows(*, session: Session | None = None) -> dict[str, list[Any]]:
    """The rows erasing a person may change or delete: ``mails``, ``links``, ``journal``, ``privacy``."""
    with joined(session) as s:
        return {
            "mails": list(s.exec(select(Notification)).all()),
            "links": list(s.exec(select(DecisionLink)).all()),
            "journal": list(s.exec(select(JournalEntry)).all()),
            "privacy": list(s.exec(select(PrivacyAction)).all()),
        }


def retention_rows(proposal_id: str, *, session: Session | None = None) -> dict[str, Any]:
    """A proposal's record for the retention sweep: the ``proposal`` and its ``decisions``, ``events``,
    ``mails``, ``links``, ``journal`` and ``documents``."""
    with joined(session) as s:
        return {
            "proposal": s.get(Proposal, proposal_id),
            "decisions": list(s.exec(select(Decision).where(Decision.proposal_id == proposal_id)).all()),
            "events": list(s.exec(select(StageEvent).where(StageEvent.proposal_id == proposal_id)).all()),
            "mails": list(s.exec(select(Notification).where(Notification.proposal_id == proposal_id)).all()),
            "links": list(s.exec(select(DecisionLink).where(DecisionLink.proposal_id == proposal_id)).all()),
            "journal": list(s.exec(select(JournalEntry).where(JournalEntry.proposal_id == proposal_id)).all()),
            "documents": list(s.exec(select(Document).where(Document.proposal_id == proposal_id)).all()),
        }


def all_meetings(*, session: Session | None = None) -> list[Meeting]:
    """Every meeting, in the database's order (the retention sweep's)."""
    with joined(session) as s:
        return list(s.exec(select(Meeting)).all())


def meeting_document_rows(meeting_id: str, *, session: Session | None = None) -> list[MeetingDocument]:
    """The meeting's documents, every version, in the database's order."""
    with joined(session) as s:
        return list(s.exec(select(MeetingDocument).where(MeetingDocument.meeting_id == meeting_id)).all())


def save_rows(rows: Iterable[Any], *, session: Session | None = None) -> None:
    """Write the changes made to ``rows`` (rows read through this package)."""
    with joined(session) as s:
        s.add_all(list(rows))


def delete_rows(rows: Iterable[Any], *, session: Session | None = None) -> None:
    """Delete ``rows`` (rows read through this package)."""
    with joined(session) as s:
        for row in rows:
            s.delete(row)


def log_privacy_action(action: str, subject: str, by: str, detail: dict[str, Any], *,
                       session: Session | None = None) -> None:
    """Append to the privacy log (what was exported, erased or pseudonymised, by whom)."""
    with joined(session) as s:
        s.add(PrivacyAction(action=action, subject=subject, by=by, detail=detail))
