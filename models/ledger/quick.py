"""Reads that must answer in a blink (``dmpg pending``, ``dmpg status``, ``dmpg check``'s registry, and
which gates wait, which the flow asks at every gate): plain SQL on the database's own DB-API driver —
``sqlite3`` for the default SQLite ledger, ``psycopg`` for PostgreSQL — so they import neither
SQLAlchemy nor the models (that alone takes longer than the answer).

The read side of the ledger's one door (``models.ledger``): the tables are ``models.tables``'s; timestamps
come back as aware UTC datetimes and JSON columns as Python values, as the repository functions give
them. A SQLite ledger that does not exist yet reads as empty (and is not created). Inside a step's
transaction (``models.ledger.transaction()``) they read on the step's own connection, so a step sees
what it wrote before it commits.
"""

from __future__ import annotations

import json
import re
import sqlite3
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from datetime import date, datetime, timezone
from pathlib import Path
from typing import Any

from core.errors import UserError
from core.settings import get_settings
from models.db import mask_url
from models.ledger.sessions import current

FINAL_STAGES = ("established", "rejected")  # forms.vocabulary's; the CLI's fast path must not import pydantic
_SQLITE_URL = re.compile(r"^sqlite(\+\w+)?:///([^?]+)$")


def sqlite_path(url: str) -> Path | None:
    """The file of a ``sqlite:///path`` URL; None for other databases and in-memory SQLite."""
    match = _SQLITE_URL.match(url)
    return None if not match or match.group(2) == ":memory:" else Path(match.group(2))


@contextmanager
def _connect(url: str | None = None) -> Iterator[Any]:
    """A read-only DB-API connection to the ledger, or None when a SQLite ledger does not exist yet; the
    step's own connection inside a step's transaction."""
    if url is None and (step := current()) is not None:
        step.flush()
        yield step.connection().connection.driver_connection
        return
    url = url or get_settings().ledger_url
    if (path := sqlite_path(url)) is not None:
        if not path.is_file():
            yield None
            return
        con = sqlite3.connect(f"{path.resolve().as_uri()}?mode=ro", uri=True, timeout=30)
        try:
            yield con
        finally:
            con.close()
        return
    try:
        # lazy: the PostgreSQL driver (0.14 s) only for a PostgreSQL ledger
        import psycopg
    except ImportError:
        raise UserError(f"the ledger database driver for {url.split(':', 1)[0]} is not installed") from None
    dsn = re.sub(r"^postgresql\+\w+://", "postgresql://", url)
    try:
        with psycopg.connect(dsn) as con:
            yield con
    except psycopg.OperationalError as exc:
        raise UserError(f"cannot open the ledger database {mask_url(url)}: {str(exc).strip().splitlines()[0]}") from None


def _rows(con: Any, sql: str, params: Sequence[Any] = ()) -> list[dict[str, Any]]:
    if con is None:
        return []
    if not isinstance(con, sqlite3.Connection):
        sql = sql.replace("?", "%s")
    try:
        cursor = con.execute(sql, tuple(params))
    except sqlite3.OperationalError as exc:
        if "no such table" in str(exc):
            return []  # a ledger file older than its schema: nothing to read yet
        raise
    names = [d[0] for d in cursor.description]
    return [dict(zip(names, row)) for row in cursor.fetchall()]


def _utc(value: Any) -> datetime | None:
    if value is None or isinstance(value, datetime):
        return value.replace(tzinfo=timezone.utc) if value is not None and value.tzinfo is None else value
    return datetime.fromisoformat(str(value)).replace(tzinfo=timezone.utc)


def _day(value: Any) -> date:
    return value if isinstance(value, date) else date.fromisoformat(str(value)[:10])


def _json(value: Any) -> Any:
    return json.loads(value) if isinstance(value, str) else value


def _events(rows: list[dict[str, Any]]) -> list[dict[str, Any]]:
    return [{**r, "at": _utc(r["at"]), "detail": _json(r["detail"]) or {}} for r in rows]


# --- queries ---------------------------------------------------------------------------------------


def gate_events(proposal_id: str | None, kinds: Sequence[str]) -> tuple[dict[str, dict[str, Any]], list[dict[str, Any]]]:
    """The proposals still under way (one, or all) by id, and their events of ``kinds``, oldest first."""
    where = f"stage NOT IN ({', '.join('?' * len(FINAL_STAGES))})" + (" AND id = ?" if proposal_id else "")
    with _connect() as con:
        proposals = {p["id"]: p for p in _rows(
            con, f"SELECT id, title, stage, flow_run_id FROM proposals WHERE {where}",
            [*FINAL_STAGES, *([proposal_id] if proposal_id else [])])}
        if not proposals:
            return {}, []
        ids = list(proposals)
        events = _rows(con, f"SELECT proposal_id, kind, gate, round, stage, at, detail FROM stage_events "
                            f"WHERE kind IN ({', '.join('?' * len(kinds))}) "
                            f"AND proposal_id IN ({', '.join('?' * len(ids))}) ORDER BY at, id", [*kinds, *ids])
    return proposals, _events(events)


def agenda_rounds(proposal_ids: Sequence[str] | None = None) -> list[dict[str, Any]]:
    """Every gate round on a meeting's agenda (of ``proposal_ids``, or all): ``proposal_id, gate, round,
    meeting_id, date`` (a ``date``), ``status`` and ``added_at``, by meeting date."""
    if proposal_ids is not None and not proposal_ids:
        return []
    with _connect() as con:
        return _agenda(con, proposal_ids)


def _agenda(con: Any, proposal_ids: Sequence[str] | None) -> list[dict[str, Any]]:
    where, params = "", []
    if proposal_ids is not None:
        where, params = f"WHERE i.proposal_id IN ({', '.join('?' * len(proposal_ids))})", list(proposal_ids)
    rows = _rows(con, "SELECT i.proposal_id, i.gate, i.round, i.added_at, m.id AS meeting_id, m.date, m.status "
                      f"FROM meeting_items i JOIN meetings m ON m.id = i.meeting_id {where} ORDER BY m.date, m.id",
                 params)
    return [{**r, "date": _day(r["date"]), "added_at": _utc(r["added_at"])} for r in rows]


def history() -> dict[str, list[dict[str, Any]]]:
    """Everything the status report counts, read at one moment: ``proposals`` (id, title, stage,
    created_at), ``events`` (every audit event but refused answers and refused links, oldest first),
    ``decisions`` (proposal_id, gate, round, outcome, payload, detail, at), ``agenda`` (as
    :func:`agenda_rounds`), ``meetings`` (id, body, date, status, created_at) and ``registry`` (as
    :func:`registry`)."""
    with _connect() as con:
        proposals = _rows(con, "SELECT id, title, stage, created_at FROM proposals ORDER BY created_at, id")
        events = _rows(con, "SELECT proposal_id, kind, gate, round, stage, at, detail FROM stage_events "
                            "WHERE kind NOT IN ('input_refused', 'input_invalid', 'link_refused') ORDER BY at, id")
        decisions = _rows(con, "SELECT proposal_id, gate, round, outcome, payload, detail, at FROM decisions "
                               "ORDER BY at, id")
        meetings = _rows(con, "SELECT id, body, date, status, created_at FROM meetings ORDER BY date, id")
        agenda = _agenda(con, None)
        groups = _registry(con)
    return {
        "proposals": [{**p, "created_at": _utc(p["created_at"])} for p in proposals],
        "events": _events(events),
        "decisions": [{**d, "at": _utc(d["at"]), "payload": _json(d["payload"]) or {}, "detail": _json(d["detail"]) or {}}
                      for d in decisions],
        "agenda": agenda,
        "meetings": [{**m, "date": _day(m["date"]), "created_at": _utc(m["created_at"])} for m in meetings],
        "registry": groups,
    }


def proposal_status(proposal_id: str) -> dict[str, Any]:
    """What ``dmpg status`` shows: the proposal, its audit trail, the latest version of each document,
    and its notifications. ``UserError`` for an unknown proposal."""
    with _connect() as con:
        found = _proposal_rows(con, "WHERE id = ?", [proposal_id])
        if not found:
            raise UserError(f"no proposal {proposal_id} (see dmpg status/pending)")
        events = _rows(con, "SELECT at, kind, gate, round, stage, by, detail FROM stage_events "
                            "WHERE proposal_id = ? ORDER BY at, id", [proposal_id])
        documents = _rows(con, "SELECT d.id, d.proposal_id, d.kind, d.round, d.recipient, d.version, d.path, d.sha256 "
                               "FROM documents d WHERE d.proposal_id = ? AND d.version = (SELECT MAX(version) "
                               "FROM documents e WHERE e.proposal_id = d.proposal_id AND e.kind = d.kind "
                               "AND e.round = d.round AND e.recipient = d.recipient) ORDER BY d.created_at, d.id",
                          [proposal_id])
        notifications = _rows(con, "SELECT recipient, kind, subject, status, attempts FROM notifications "
                                   "WHERE proposal_id = ? ORDER BY created_at, id", [proposal_id])
    return {"proposal": found[0], "events": _events(events), "documents": documents, "notifications": notifications}


def _proposal_rows(con: Any, where: str, params: Sequence[Any]) -> list[dict[str, Any]]:
    """Proposals with their release (``None`` for a ledger older than migration 0006, which has no such
    column yet: ``dmpg upgrade check`` reads a ledger before its upgrade)."""
    try:
        rows = _rows(con, f"SELECT id, title, stage, flow_run_id, release FROM proposals {where}", params)
    except Exception as exc:  # noqa: BLE001 - sqlite3 and psycopg name a missing column differently
        if "release" not in str(exc):
            raise
        if not isinstance(con, sqlite3.Connection):
            con.rollback()
        rows = [{**r, "release": None} for r in _rows(con, f"SELECT id, title, stage, flow_run_id FROM proposals {where}",
                                                      params)]
    return [{**r, "release": _json(r["release"])} for r in rows]


def waiting_proposals() -> tuple[dict[str, dict[str, Any]], list[dict[str, Any]]]:
    """The proposals under way with their release, and their gate events (opened, decided, expired,
    re-armed), oldest first: what ``dmpg upgrade check`` reads."""
    where = f"WHERE stage NOT IN ({', '.join('?' * len(FINAL_STAGES))})"
    with _connect() as con:
        proposals = {p["id"]: p for p in _proposal_rows(con, where, FINAL_STAGES)}
        if not proposals:
            return {}, []
        ids = list(proposals)
        events = _rows(con, f"SELECT proposal_id, kind, gate, round, at, detail FROM stage_events "
                            f"WHERE gate IS NOT NULL AND proposal_id IN ({', '.join('?' * len(ids))}) "
                            f"ORDER BY at, id", ids)
    return proposals, _events(events)


def ledger_revision() -> str | None:
    """The ledger's migration (``alembic_version``), or None for a ledger not made yet."""
    with _connect() as con:
        rows = _rows(con, "SELECT version_num FROM alembic_version")
    return rows[0]["version_num"] if rows else None


def first_of(body: str) -> dict[str, Any] | None:
    """The first person of ``body`` on the roster in force (``name``, ``email``): the secretariat's
    signature, a body's chair. None when the ledger lists nobody there (or does not exist yet)."""
    with _connect() as con:
        found = _rows(con, "SELECT name, email FROM roster_people WHERE body = ? ORDER BY id LIMIT 1", [body])
    return found[0] if found else None


def registry() -> list[dict[str, Any]]:
    """The registry's rows (name, icd_codes, database_since, dmpg_since, note, proposal_id) by DMPG start."""
    with _connect() as con:
        return _registry(con)


def _registry(con: Any) -> list[dict[str, Any]]:
    rows = _rows(con, "SELECT name, icd_codes, database_since, dmpg_since, note, proposal_id FROM registry "
                      "ORDER BY dmpg_since, id")
    return [{**r, "icd_codes": list(_json(r["icd_codes"]) or [])} for r in rows]
