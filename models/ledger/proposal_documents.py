"""A proposal's rendered documents: each a new version of (proposal, kind, round, recipient)."""

from __future__ import annotations

from pathlib import Path

from sqlmodel import Session, col, func, select

from core.errors import UserError
from models.ledger.rows import ID_ATTEMPTS, insert_once, load_proposal
from models.ledger.sessions import joined
from models.tables import Document

def record_document(
    proposal_id: str,
    kind: str,
    round: int,  # noqa: A002
    recipient: str,
    path: str | Path,
    sha256: str,
    *,
    session: Session | None = None,
) -> Document:
    """Record a rendered document as a new version of (proposal, kind, round, recipient)."""
    with joined(session) as s:
        load_proposal(s, proposal_id)
        for _ in range(ID_ATTEMPTS):
            latest = _latest_version(s, proposal_id, kind, round, recipient)
            row = Document(proposal_id=proposal_id, kind=kind, round=round, recipient=recipient,
                           version=latest + 1, path=str(path), sha256=sha256)
            if insert_once(s, row):
                return row
        raise UserError(f"could not record document {kind} for {proposal_id}: too many writers at once")


def _latest_version(s: Session, proposal_id: str, kind: str, round: int, recipient: str) -> int:  # noqa: A002
    query = select(func.max(Document.version)).where(
        Document.proposal_id == proposal_id, Document.kind == kind,
        Document.round == round, Document.recipient == recipient,
    )
    return s.exec(query).one() or 0


def documents(proposal_id: str, latest_only: bool = True, *, session: Session | None = None) -> list[Document]:
    """The proposal's documents, oldest first; by default only the latest version of each
    (kind, round, recipient)."""
    with joined(session) as s:
        query = select(Document).where(Document.proposal_id == proposal_id)
        rows = list(s.exec(query.order_by(Document.created_at, Document.id)).all())
    if not latest_only:
        return rows
    latest: dict[tuple[str, int, str], Document] = {}
    for row in rows:
        slot = (row.kind, row.round, row.recipient)
        if slot not in latest or row.version > latest[slot].version:
            latest[slot] = row
    return sorted(latest.values(), key=lambda d: (d.created_at, d.id or 0))


def document_by_id(document_id: int, *, session: Session | None = None) -> Document | None:
    with joined(session) as s:
        return s.get(Document, document_id)


def find_document(
    proposal_id: str, kind: str, round: int, recipient: str = "", *, session: Session | None = None  # noqa: A002
) -> Document | None:
    """The latest version of that document, or None if it was never rendered."""
    with joined(session) as s:
        query = select(Document).where(
            Document.proposal_id == proposal_id, Document.kind == kind,
            Document.round == round, Document.recipient == recipient,
        )
        return s.exec(query.order_by(col(Document.version).desc())).first()
