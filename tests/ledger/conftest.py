"""Fixtures for the ledger's tests: each test that asks for a ledger runs twice, on a fresh SQLite
file under its own DMPG_HOME (the default) and on a fresh database of the session's PostgreSQL
cluster (production). A test about one backend only says so with ``ledger_helpers.sqlite_only``."""

from __future__ import annotations

import itertools
from typing import TYPE_CHECKING

import pytest

if TYPE_CHECKING:
    from support.postgres import Database, PostgresCluster

_database_numbers = itertools.count(1)


class PostgresLedgers:
    """Ledger databases in the session's PostgreSQL cluster for one test: ``create()`` a new empty
    one, ``use(db)`` to point ``DMPG_DATABASE_URL`` at it (also for the test's child processes)."""

    def __init__(self, cluster: PostgresCluster, monkeypatch: pytest.MonkeyPatch) -> None:
        self.cluster = cluster
        self._monkeypatch = monkeypatch
        self._created: list[Database] = []

    def create(self) -> Database:
        db = self.cluster.create_database(f"ledger_{next(_database_numbers)}")
        self._created.append(db)
        return db

    def use(self, db: Database) -> str:
        from core.settings import get_settings
        from models.db import dispose_engines

        dispose_engines()
        self._monkeypatch.setenv("DMPG_DATABASE_URL", db.sqlalchemy_url)
        get_settings.cache_clear()
        return db.sqlalchemy_url

    def drop_all(self) -> None:
        from models.db import dispose_engines

        dispose_engines()
        for db in self._created:
            self.cluster.drop_database(db)


@pytest.fixture
def postgres_ledgers(postgres, dmpg_home, monkeypatch):
    """A ``PostgresLedgers``; every database it created is dropped afterwards."""
    ledgers = PostgresLedgers(postgres, monkeypatch)
    try:
        yield ledgers
    finally:
        ledgers.drop_all()


@pytest.fixture(params=["sqlite", pytest.param("postgresql", marks=pytest.mark.postgres)])
def ledger_url(request, dmpg_home) -> str:
    """The URL of an empty ledger database: the SQLite file under DMPG_HOME, or a new PostgreSQL
    database named in ``DMPG_DATABASE_URL``. Engines are closed afterwards."""
    from core.settings import get_settings
    from models.db import dispose_engines

    if request.param == "postgresql":
        ledgers = request.getfixturevalue("postgres_ledgers")
        yield ledgers.use(ledgers.create())
        return  # postgres_ledgers closes the engines and drops the database
    yield get_settings().ledger_url
    dispose_engines()


@pytest.fixture
def ledger(ledger_url):
    """A ledger at head (see ``ledger_url``); yields its engine."""
    from models.db import ensure_schema, get_engine

    ensure_schema()
    return get_engine()


@pytest.fixture
def form():
    from forms.proposal import ProposalForm

    return ProposalForm(title="Angst og OCD")
