"""What every repository module shares: the once-per-key insert, loading a proposal, JSON payloads."""

from __future__ import annotations

from typing import Any

from pydantic_core import to_jsonable_python
from sqlalchemy.exc import IntegrityError
from sqlmodel import Session

from core.errors import UserError
from models.tables import Proposal

ID_ATTEMPTS = 20  # concurrent writers racing for the same number retry with the next one


def insert_once(session: Session, row: Any) -> bool:
    """Insert ``row`` in a SAVEPOINT; False (and nothing written) when a unique constraint refuses it.
    The caller's transaction stays usable either way. The building block of every once-per-key write."""
    try:
        with session.begin_nested():
            session.add(row)
    except IntegrityError:
        return False
    return True


def load_proposal(session: Session, proposal_id: str) -> Proposal:
    """The proposal; ``UserError`` 'no proposal DMPG-... (see dmpg status/pending)' when unknown."""
    proposal = session.get(Proposal, proposal_id)
    if proposal is None:
        raise UserError(f"no proposal {proposal_id} (see dmpg status/pending)")
    return proposal


def jsonable(payload: dict[str, Any]) -> dict[str, Any]:
    """Dates and other pydantic-serialisable values as JSON (a gate input's ``model_dump()``)."""
    return to_jsonable_python(payload)
