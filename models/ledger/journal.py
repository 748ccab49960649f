"""The lifecycle's journal: the recorded result of each step the flow finished, once per key."""

from __future__ import annotations

from typing import Any

from sqlmodel import Session, select

from models.ledger.rows import insert_once, jsonable
from models.ledger.sessions import joined
from models.tables import JournalEntry

NOT_DONE = object()  # what journal_result returns for a step not done yet (None is a valid result)


def journal_result(key: str, *, session: Session | None = None) -> Any:
    """The recorded result of the step ``key``, or :data:`NOT_DONE`."""
    with joined(session) as s:
        row = s.exec(select(JournalEntry).where(JournalEntry.key == key)).first()
    return NOT_DONE if row is None else row.result


def record_journal(proposal_id: str, key: str, result: Any, *, session: Session | None = None) -> None:
    """Record that step ``key`` finished with ``result`` (JSON); a second record of the key is a no-op."""
    with joined(session) as s:
        insert_once(s, JournalEntry(proposal_id=proposal_id, key=key, result=jsonable(result)))
