"""The same ledger on PostgreSQL (production). Runs only when DMPG_TEST_POSTGRES_URL names an empty
scratch database, e.g. ``postgresql+psycopg://postgres@127.0.0.1:5432/dmpg_test`` (the driver,
``psycopg``, is not a project dependency: install it where PostgreSQL is used). The test drops
everything it created."""

from __future__ import annotations

import os
import threading
from datetime import date

import pytest

URL = os.environ.get("DMPG_TEST_POSTGRES_URL")
pytestmark = pytest.mark.skipif(not URL, reason="set DMPG_TEST_POSTGRES_URL to test against PostgreSQL")


@pytest.fixture
def pg_ledger(dmpg_home, monkeypatch):
    from core.settings import get_settings
    from models.db import HEAD, current_revision, dispose_engines, downgrade, ensure_schema, get_engine

    monkeypatch.setenv("DMPG_DATABASE_URL", URL)
    get_settings.cache_clear()
    engine = get_engine()
    assert current_revision(engine) == "", "DMPG_TEST_POSTGRES_URL must name an empty scratch database"
    ensure_schema()
    assert current_revision(engine) == HEAD
    yield engine
    downgrade(engine, "base")
    dispose_engines()


def test_postgres_ledger_end_to_end(pg_ledger):
    from alembic.autogenerate import compare_metadata
    from alembic.migration import MigrationContext
    from sqlmodel import SQLModel

    from forms.proposal import ProposalForm
    from models import ledger as repo
    import models.tables  # noqa: F401

    with pg_ledger.connect() as conn:
        assert compare_metadata(MigrationContext.configure(conn, opts={"compare_type": True}), SQLModel.metadata) == []
    assert len(repo.list_registry()) == 7

    ids: list[str] = []
    threads = [threading.Thread(target=lambda: ids.append(repo.create_proposal(ProposalForm(title="Æblegrød"), year=2026).id))
               for _ in range(6)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert sorted(ids) == [f"DMPG-2026-{n:03d}" for n in range(1, 7)]

    pid = ids[0]
    assert repo.record_event(pid, key="k", kind="gate_opened")
    assert not repo.record_event(pid, key="k", kind="gate_opened")
    first = repo.record_decision(pid, "advice", 1, "support", {"meeting_date": date(2026, 5, 1)}, "a@x.dk")
    assert repo.record_decision(pid, "advice", 1, "not_support", {}, "b@x.dk").id == first.id
    repo.record_document(pid, "kvittering", 1, "", "/d/a.docx", "a" * 64)
    assert repo.record_document(pid, "kvittering", 1, "", "/d/b.docx", "b" * 64).version == 2
    assert repo.events(pid)[0].at.tzinfo is not None
    assert repo.add_registry_group("Æblegrød", ["F40"], date(2027, 1, 1), proposal_id=pid)
    for other in ids[1:]:
        assert repo.delete_proposal(other)
    repo.load_roster_into_ledger()
    assert repo.organisation("DPS") is not None
