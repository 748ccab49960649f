"""The ledger's database: one engine per URL, transactional sessions, and the schema at Alembic head.

Contracts:
- ``get_engine(url=None)``: the engine for ``url`` (default ``get_settings().ledger_url``), cached per
  URL so tests with different ``DMPG_HOME`` never share one. SQLite: the parent directory is
  created, WAL journal, ``busy_timeout`` 30 s, foreign keys ON, and every transaction starts with
  ``BEGIN IMMEDIATE`` — the CLI, the flow runner and several flow-run processes write at the same
  time, and taking the write lock up front means a read-then-write transaction (next id, once-per-key
  inserts) waits for its turn instead of failing with "database is locked".
- ``session_scope()``: a session that commits on success and rolls back on error; objects stay
  readable after it closes (``expire_on_commit=False``). The first use per engine in a process brings
  the schema to head, so a flow-run process on a fresh home just works.
- ``ensure_schema(engine=None)``: brings the database to ``HEAD``. Cheap when already there (one
  query; for the default SQLite file no SQLAlchemy import at all), because the CLI calls it on every
  command. Safe when two processes call it at once on a new file.
- A bad ``DMPG_DATABASE_URL``, a missing driver or an unreachable database is a ``UserError`` that
  names the (password-masked) URL — never a traceback.

Heavy imports (sqlalchemy, sqlmodel, alembic) happen inside functions: the CLI's start-up path
imports this module.
"""

from __future__ import annotations

import re
import sqlite3
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import TYPE_CHECKING

from core.errors import UserError
from core.settings import get_settings

if TYPE_CHECKING:
    from sqlalchemy.engine import Engine
    from sqlmodel import Session

# The migrations this code knows, oldest first; HEAD is the schema the code expects.
# Adding a revision in models/migrations/versions means appending it here (a test checks they agree).
REVISIONS: tuple[str, ...] = ("0001", "0002", "0003", "0004", "0005", "0006", "0007", "0008")
HEAD: str = REVISIONS[-1]

ALEMBIC_INI = Path(__file__).resolve().parent / "alembic.ini"
SQLITE_BUSY_TIMEOUT_MS = 30_000

_engines: dict[str, Engine] = {}
_at_head: set[str] = set()  # URLs this process has already brought to head
_lock = threading.RLock()


def mask_url(url: str) -> str:
    """The URL as it may be shown to a user: any password replaced by ``***``."""
    return re.sub(r"(://[^:/@]*:)[^@/]*@", r"\1***@", url)


def _url_help(url: str) -> str:
    return (
        f"the ledger database URL {mask_url(url)!r} (DMPG_DATABASE_URL; expected e.g. "
        "'sqlite:////srv/dmpg/ledger.db' or 'postgresql+psycopg://user:password@host/dmpg')"
    )


def _sqlite_file(url: str) -> Path | None:
    """The file of a plain ``sqlite:///path`` URL (no query string, not in-memory), else None."""
    if not url.startswith("sqlite:///") or "?" in url:
        return None
    path = url[len("sqlite:///"):]
    return Path(path) if path and path != ":memory:" else None


def get_engine(url: str | None = None) -> Engine:
    """The engine for ``url`` (default: the settings' ledger URL), created once per URL per process."""
    url = url or get_settings().ledger_url
    with _lock:
        engine = _engines.get(url)
        if engine is None:
            engine = _engines[url] = _create_engine(url)
        return engine


def _create_engine(url: str) -> Engine:
    # lazy: SQLAlchemy, Alembic (0.6 s) only past the schema's fast check: the quick commands import this
    from sqlalchemy import create_engine, event
    from sqlalchemy.engine import make_url
    from sqlalchemy.exc import ArgumentError, NoSuchModuleError

    try:
        parsed = make_url(url)
    except ArgumentError:
        raise UserError(f"cannot parse {_url_help(url)}") from None
    is_sqlite = parsed.get_backend_name() == "sqlite"
    if is_sqlite and parsed.database and parsed.database != ":memory:":
        try:
            Path(parsed.database).expanduser().parent.mkdir(parents=True, exist_ok=True)
        except OSError as exc:
            raise UserError(f"cannot create the ledger's directory for {mask_url(url)}: {exc.strerror}") from None
    try:
        engine = create_engine(url, pool_pre_ping=not is_sqlite)
    except NoSuchModuleError:
        raise UserError(f"unknown database kind {parsed.drivername!r} in {_url_help(url)}") from None
    except ImportError as exc:
        raise UserError(
            f"the database driver for {parsed.drivername!r} is not installed ({exc.name}); "
            f"needed by {_url_help(url)}"
        ) from None
    if is_sqlite:
        @event.listens_for(engine, "connect")
        def _sqlite_connect(dbapi_connection, _record):  # noqa: ANN001 - DB-API object
            # Autocommit at the driver level: SQLAlchemy's "begin" hook below issues BEGIN itself,
            # which also makes SAVEPOINTs work as documented.
            dbapi_connection.isolation_level = None
            cursor = dbapi_connection.cursor()
            cursor.execute(f"PRAGMA busy_timeout = {SQLITE_BUSY_TIMEOUT_MS}")
            cursor.execute("PRAGMA foreign_keys = ON")
            cursor.execute("PRAGMA journal_mode = WAL")
            cursor.close()

        @event.listens_for(engine, "begin")
        def _sqlite_begin(connection):  # noqa: ANN001
            connection.exec_driver_sql("BEGIN IMMEDIATE")
    return engine


def dispose_engines() -> None:
    """Close every cached engine and forget what is known about their schemas (tests; a process that
    changes DMPG_HOME or deletes its ledger file)."""
    with _lock:
        for engine in _engines.values():
            engine.dispose()
        _engines.clear()
        _at_head.clear()


# --- schema ---------------------------------------------------------------------------------------


def _sqlite_revision_fast(path: Path) -> str | None:
    """The stored revision of a SQLite ledger read with the stdlib driver ('' if none yet)."""
    if not path.exists():
        return ""
    try:
        con = sqlite3.connect(f"file:{path}?mode=ro", uri=True, timeout=SQLITE_BUSY_TIMEOUT_MS / 1000)
        try:
            row = con.execute("SELECT version_num FROM alembic_version").fetchone()
        finally:
            con.close()
    except sqlite3.Error:
        return None  # no version table yet, or unreadable: let the full path decide and explain
    return row[0] if row else ""


def current_revision(engine: Engine | None = None) -> str:
    """The revision stored in the database's ``alembic_version`` ('' for a new, empty database)."""
    # lazy: SQLAlchemy, Alembic (0.6 s) only past the schema's fast check: the quick commands import this
    from sqlalchemy import inspect, text
    from sqlalchemy.exc import SQLAlchemyError

    engine = engine or get_engine()
    try:
        with engine.connect() as conn:
            if not inspect(conn).has_table("alembic_version"):
                return ""
            row = conn.execute(text("SELECT version_num FROM alembic_version")).first()
    except SQLAlchemyError as exc:
        where = engine.url.render_as_string(hide_password=True)
        raise UserError(f"cannot open the ledger database {where}: {_reason(exc)}") from None
    return row[0] if row else ""


def _reason(exc: Exception) -> str:
    orig = getattr(exc, "orig", None)
    return str(orig or exc).strip().splitlines()[0]


def _check_known(revision: str, url: str) -> None:
    if revision and revision not in REVISIONS:
        raise UserError(
            f"the ledger {mask_url(url)} has schema revision {revision!r}, newer than this dmpg knows "
            f"({HEAD}); upgrade dmpg before using this ledger"
        )


def ensure_schema(engine: Engine | None = None) -> None:
    """Bring the ledger to ``HEAD`` (no-op, one query, when it is there already)."""
    url = get_settings().ledger_url if engine is None else engine.url.render_as_string(hide_password=False)
    if url in _at_head:
        return
    sqlite_file = _sqlite_file(url)
    if engine is None and sqlite_file is not None and _sqlite_revision_fast(sqlite_file) == HEAD:
        _at_head.add(url)  # the common case: no SQLAlchemy import at all
        return
    engine = engine or get_engine(url)
    revision = current_revision(engine)
    _check_known(revision, url)
    if revision != HEAD:
        with _migration_lock(engine):
            upgrade(engine, "head")
    _at_head.add(url)


@contextmanager
def _migration_lock(engine: Engine) -> Iterator[None]:
    """Serialise migrations between processes: a lock file beside a SQLite ledger; elsewhere the
    migration's own transaction (``BEGIN IMMEDIATE`` on SQLite, transactional DDL on PostgreSQL)
    plus catch-and-recheck in ``upgrade``."""
    database = engine.url.database if engine.url.get_backend_name() == "sqlite" else None
    if not database or database == ":memory:":
        yield
        return
    try:
        import fcntl
    except ImportError:  # not POSIX: rely on BEGIN IMMEDIATE and catch-and-recheck alone
        yield
        return

    with open(f"{database}.migrate.lock", "a") as fh:
        fcntl.flock(fh, fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(fh, fcntl.LOCK_UN)


def _alembic_config(connection):  # noqa: ANN001, ANN202 - alembic objects, imported lazily
    # lazy: SQLAlchemy, Alembic (0.6 s) only past the schema's fast check: the quick commands import this
    from alembic.config import Config

    config = Config(str(ALEMBIC_INI))
    config.attributes["connection"] = connection
    return config


def upgrade(engine: Engine | None = None, revision: str = "head") -> None:
    """Run ``alembic upgrade <revision>`` on the ledger. If it fails but another process brought the
    database to the target meanwhile (two first starts at once), that counts as success."""
    # lazy: SQLAlchemy, Alembic (0.6 s) only past the schema's fast check: the quick commands import this
    from alembic import command
    from sqlalchemy.exc import SQLAlchemyError

    engine = engine or get_engine()
    url = engine.url.render_as_string(hide_password=False)
    try:
        with engine.begin() as conn:
            command.upgrade(_alembic_config(conn), revision)
    except SQLAlchemyError as exc:
        target = HEAD if revision == "head" else revision
        try:
            if current_revision(engine) == target:
                return
        except UserError:
            pass
        raise UserError(f"cannot bring the ledger {mask_url(url)} to schema {target}: {_reason(exc)}") from None
    finally:
        _at_head.discard(url)


def downgrade(engine: Engine | None = None, revision: str = "base") -> None:
    """Run ``alembic downgrade <revision>`` on the ledger (maintenance and tests)."""
    # lazy: SQLAlchemy, Alembic (0.6 s) only past the schema's fast check: the quick commands import this
    from alembic import command

    engine = engine or get_engine()
    with engine.begin() as conn:
        command.downgrade(_alembic_config(conn), revision)
    _at_head.discard(engine.url.render_as_string(hide_password=False))


# --- sessions -------------------------------------------------------------------------------------


@contextmanager
def session_scope(engine: Engine | None = None) -> Iterator[Session]:
    """A transactional session: commit when the block ends, roll back (and re-raise) on error."""
    # lazy: SQLAlchemy, Alembic (0.6 s) only past the schema's fast check: the quick commands import this
    from sqlalchemy.exc import OperationalError
    from sqlmodel import Session

    engine = engine or get_engine()
    ensure_schema(engine)
    session = Session(engine, expire_on_commit=False)
    try:
        yield session
        session.commit()
    except OperationalError as exc:
        session.rollback()
        raise UserError(f"the ledger database failed: {_reason(exc)}") from None
    except BaseException:
        session.rollback()
        raise
    finally:
        session.close()
