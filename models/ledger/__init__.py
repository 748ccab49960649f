"""The ledger: the one door into the business records (proposals, their audit trail, decisions, documents,
the registry, the roster in force, decision links, the lifecycle's journal, meetings, the outbox and the
rows person-data requests read). Nothing outside ``models`` opens a session or writes SQL: it calls
these functions.

- One module per kind of record (``proposals``, ``audit``, ``gate_decisions``, ``proposal_documents``,
  ``registry``, ``roster_store``, ``links``, ``journal``, ``meetings``, ``outbox``, ``persondata``), each
  function taking an optional keyword ``session``; every public name is re-exported here, so callers
  write ``from models import ledger; ledger.get_proposal(...)``.
- ``transaction()`` (``sessions``): a step's one transaction; every repository function called inside
  it joins it (see ``models.ledger.sessions``).
- ``quick``: the read side for the commands that must answer in a blink (plain SQL on the database's
  own driver, no SQLAlchemy): ``from models.ledger.quick import gate_events``.
- ``ensure_schema``, ``REVISIONS``, ``HEAD``: the schema (``models.db``, which only this package and the
  migrations use).

Conventions (contracts for every caller — flows, tasks, CLI):
- Returned rows are detached, fully loaded objects when the function ran in its own transaction: safe
  to read after it closed. Inside a step they belong to the step's session until it ends.
- "Once per key" writes are idempotent *and* concurrent-safe: the unique constraint decides, the
  insert runs in a SAVEPOINT, and losing the race is the same as having written it before. A
  resumed flow run re-executes from the top, so replays are the normal case, not an error.
- A missing proposal is a ``UserError`` a user can act on.

The names load on first use (PEP 562), so importing ``models.ledger.quick`` — what ``dmpg pending`` and
``dmpg status`` do — does not import SQLAlchemy.
"""

from __future__ import annotations

from importlib import import_module
from typing import TYPE_CHECKING, Any

from models.db import HEAD, REVISIONS, ensure_schema

_MODULES: dict[str, tuple[str, ...]] = {
    "proposals": ('next_proposal_id', 'DuplicateProposal', 'create_proposal', 'delete_proposal', 'get_proposal', 'find_proposal', 'current_form', 'list_proposals', 'set_flow_run', 'set_stage', 'update_form', 'PROPOSAL_ID',),
    "audit": ('record_event', 'events', 'event', 'recorded_findings',),
    "gate_decisions": ('LinkTaken', 'record_decision', 'latest_decision', 'decision', 'decisions',),
    "proposal_documents": ('record_document', 'documents', 'document_by_id', 'find_document',),
    "registry": ('registry_groups', 'list_registry', 'add_registry_group',),
    "roster_store": ('roster', 'sync_roster',),
    "links": ('decision_link', 'get_decision_link', 'use_decision_link', 'release_decision_link',),
    "journal": ('journal_result', 'record_journal', 'NOT_DONE',),
    "meetings": ('create_meeting', 'delete_meeting', 'find_meeting', 'get_meeting', 'list_meetings', 'update_meeting', 'agenda', 'add_agenda_items', 'open_agenda_rounds', 'meetings_of_round', 'record_meeting_document', 'meeting_documents', 'OPEN_MEETING_STATUSES',),
    "outbox": ('store_notifications', 'due_notifications', 'claim_notification', 'get_notification', 'record_attempt', 'count_notifications', 'retry_failed', 'list_notifications', 'PENDING', 'SENDING', 'SENT', 'FAILED',),
    "persondata": ('person_rows', 'all_documents', 'erasable_rows', 'retention_rows', 'all_meetings', 'meeting_document_rows', 'save_rows', 'delete_rows', 'log_privacy_action',),
    "sessions": ('current', 'transaction', 'joined',),
    "rows": ('insert_once', 'jsonable', 'ID_ATTEMPTS',),
}
_WHERE = {name: module for module, names in _MODULES.items() for name in names}

__all__ = ["HEAD", "REVISIONS", "ensure_schema", *_WHERE]

if TYPE_CHECKING:
    from models.ledger.proposals import next_proposal_id, DuplicateProposal, create_proposal, delete_proposal, get_proposal, find_proposal, current_form, list_proposals, set_flow_run, set_stage, update_form, PROPOSAL_ID
    from models.ledger.audit import record_event, events, event, recorded_findings
    from models.ledger.gate_decisions import LinkTaken, record_decision, latest_decision, decision, decisions
    from models.ledger.proposal_documents import record_document, documents, document_by_id, find_document
    from models.ledger.registry import registry_groups, list_registry, add_registry_group
    from models.ledger.roster_store import roster, sync_roster
    from models.ledger.links import decision_link, get_decision_link, use_decision_link, release_decision_link
    from models.ledger.journal import journal_result, record_journal, NOT_DONE
    from models.ledger.meetings import create_meeting, delete_meeting, find_meeting, get_meeting, list_meetings, update_meeting, agenda, add_agenda_items, open_agenda_rounds, meetings_of_round, record_meeting_document, meeting_documents, OPEN_MEETING_STATUSES
    from models.ledger.outbox import store_notifications, due_notifications, claim_notification, get_notification, record_attempt, count_notifications, retry_failed, list_notifications, PENDING, SENDING, SENT, FAILED
    from models.ledger.persondata import person_rows, all_documents, erasable_rows, retention_rows, all_meetings, meeting_document_rows, save_rows, delete_rows, log_privacy_action
    from models.ledger.sessions import current, transaction, joined
    from models.ledger.rows import insert_once, jsonable, ID_ATTEMPTS


def __getattr__(name: str) -> Any:
    module = _WHERE.get(name)
    if module is None:
        raise AttributeError(f"module 'models.ledger' has no attribute {name!r}")
    value = getattr(import_module(f"models.ledger.{module}"), name)
    globals()[name] = value
    return value


def load_all() -> None:
    """Import every repository module and both database dialects (SQLite on the local stack, PostgreSQL's
    psycopg in production) now, instead of at their first use: what the runner's forkserver preloads."""
    for module in (*_MODULES, "quick"):
        import_module(f"models.ledger.{module}")
    import_module("sqlalchemy.dialects.sqlite")
    import_module("sqlalchemy.dialects.postgresql.psycopg")


def __dir__() -> list[str]:
    return sorted(set(globals()) | set(_WHERE))
