"""The ledger's schema: Alembic brings any database to head, and head is what models/tables.py says."""

from __future__ import annotations

from datetime import date

import pytest
from ledger_helpers import run_python as _python
from ledger_helpers import sqlite_only
from sqlalchemy import inspect, text

LEDGER_TABLES = {
    "proposals", "stage_events", "decisions", "documents", "notifications",
    "roster_people", "organisations", "registry",
}


def _tables(engine) -> set[str]:
    return set(inspect(engine).get_table_names())


def test_new_empty_database_upgrades_to_head(dmpg_home):
    from models.db import HEAD, current_revision, ensure_schema, get_engine

    assert not (dmpg_home / "ledger.db").exists()
    ensure_schema()
    engine = get_engine()
    assert (dmpg_home / "ledger.db").exists()
    assert current_revision(engine) == HEAD
    assert LEDGER_TABLES <= _tables(engine)


def test_database_at_0001_upgrades_to_head_and_gets_the_seed(ledger_url):
    from models.db import HEAD, current_revision, ensure_schema, get_engine, upgrade

    engine = get_engine()
    upgrade(engine, "0001")
    assert current_revision(engine) == "0001"
    with engine.connect() as conn:
        assert conn.execute(text("SELECT count(*) FROM registry")).scalar() == 0

    ensure_schema()
    assert current_revision(engine) == HEAD
    with engine.connect() as conn:
        assert conn.execute(text("SELECT count(*) FROM registry")).scalar() == 7


def test_downgrade_to_base_removes_everything_and_upgrades_again(ledger):
    from models.db import HEAD, current_revision, downgrade, ensure_schema

    downgrade(ledger, "base")
    assert current_revision(ledger) == ""
    assert _tables(ledger) <= {"alembic_version"}
    ensure_schema(ledger)
    assert current_revision(ledger) == HEAD


def test_downgrading_the_seed_keeps_groups_added_by_proposals(ledger, form):
    from models import ledger as repo
    from models.db import downgrade

    proposal = repo.create_proposal(form, year=2026)
    repo.add_registry_group("Angst og OCD", ["F40", "F41", "F42"], date(2027, 3, 1), proposal_id=proposal.id)
    downgrade(ledger, "0001")
    with ledger.connect() as conn:  # plain SQL: the repository would bring the ledger to head again
        assert conn.execute(text("SELECT name FROM registry")).scalars().all() == ["Angst og OCD"]


def test_head_schema_matches_the_models(ledger):
    """The migrations and models/tables.py describe the same tables, columns, types and indexes."""
    from alembic.autogenerate import compare_metadata
    from alembic.migration import MigrationContext
    from sqlmodel import SQLModel

    import models.tables  # noqa: F401

    with ledger.connect() as conn:
        diffs = compare_metadata(MigrationContext.configure(conn, opts={"compare_type": True}), SQLModel.metadata)
    assert diffs == []


def test_revisions_in_code_match_the_migration_scripts():
    from alembic.config import Config
    from alembic.script import ScriptDirectory

    from models.db import ALEMBIC_INI, HEAD, REVISIONS

    scripts = ScriptDirectory.from_config(Config(str(ALEMBIC_INI)))
    chain = [s.revision for s in scripts.walk_revisions("base", "heads")][::-1]
    assert tuple(chain) == REVISIONS
    assert scripts.get_current_head() == HEAD


def test_registry_is_seeded_with_exactly_the_seven_groups_of_seed_001(ledger):
    from forms.registry import SEED_GROUPS
    from models.ledger import list_registry

    assert list_registry() == sorted(SEED_GROUPS, key=lambda g: g.dmpg_since)
    assert len(list_registry()) == 7


def test_a_ledger_from_a_newer_dmpg_is_refused_clearly(ledger):
    from core.errors import UserError
    from models.db import dispose_engines, ensure_schema

    with ledger.begin() as conn:
        conn.execute(text("UPDATE alembic_version SET version_num = '0999'"))
    dispose_engines()  # a new process: nothing remembered about this ledger
    with pytest.raises(UserError, match="revision '0999', newer than this dmpg"):
        ensure_schema()


def test_processes_starting_at_once_on_a_new_ledger_all_succeed(ledger_url, dmpg_home):
    """The CLI, the runner and flow-run processes may all be the first to touch a fresh home."""
    from models.ledger import list_registry

    code = "from models.db import ensure_schema; ensure_schema(); print('ok')"
    procs = [_python(code, dmpg_home) for _ in range(3)]
    results = [p.communicate(timeout=120) for p in procs]
    assert [p.returncode for p in procs] == [0, 0, 0], results
    assert len(list_registry()) == 7


@sqlite_only
def test_a_ledger_at_head_is_checked_without_alembic_or_sqlalchemy(ledger, dmpg_home):
    """What keeps `dmpg check` fast: at head, ensure_schema is one stdlib sqlite3 query."""
    code = (
        "import sys; from models.db import ensure_schema; ensure_schema(); "
        "print(sorted(m for m in ('alembic', 'sqlalchemy', 'sqlmodel') if m in sys.modules))"
    )
    out, err = _python(code, dmpg_home).communicate(timeout=60)
    assert out.strip() == "[]", err
