"""The ledger's transactions: a step's one transaction, and how every repository function joins it.

Contracts:
- ``transaction()``: a step's unit of work (``with ledger.transaction() as s:``). Every repository
  function called inside the block — directly or from deep down (documents, mails, links) — joins it,
  so the step's rows are all in the ledger when the block ends, or none of them are (an error rolls
  back). A ``transaction()`` inside another joins the outer one. The session is the context's (a
  ``contextvars.ContextVar``): another thread or a Prefect task in its own worker starts its own.
- Repository functions take an optional keyword ``session``: given, the work joins it; else they join
  the step's transaction when one is open, else they open their own and commit before returning.
- The quick reads (``models.ledger.quick``) inside a step read on the step's own connection, so they
  see what the step wrote.

Light on purpose: no SQLAlchemy import here (``dmpg pending``/``status`` import the quick reads, which
ask whether a step is open).
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from typing import TYPE_CHECKING

from models.db import session_scope

if TYPE_CHECKING:
    from sqlmodel import Session

_step: ContextVar[Session | None] = ContextVar("dmpg_ledger_step", default=None)


def current() -> Session | None:
    """The session of the step's transaction open in this context, or None."""
    return _step.get()


@contextmanager
def transaction() -> Iterator[Session]:
    """One step, one transaction: commit when the block ends, roll back (and re-raise) on error."""
    if (outer := _step.get()) is not None:
        yield outer
        return
    with session_scope() as session:
        token = _step.set(session)
        try:
            yield session
        finally:
            _step.reset(token)


@contextmanager
def joined(session: Session | None) -> Iterator[Session]:
    """The caller's session as is, else the step's transaction, else a fresh committed-on-exit one."""
    if session is not None:
        yield session
    elif (step := _step.get()) is not None:
        yield step
    else:
        with session_scope() as own:
            yield own
