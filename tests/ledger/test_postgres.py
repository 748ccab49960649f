"""The ledger on PostgreSQL as production runs it, beyond what every ledger test already checks on both
backends (see conftest.py): IT's backup restores into a working ledger, and a server that keeps Danish
time changes no timestamp. Runs in every ``make test`` on the session's throwaway cluster."""

from __future__ import annotations

from datetime import date, datetime, timedelta, timezone

import pytest
from sqlalchemy import text

from models import ledger as repo

pytestmark = pytest.mark.postgres


def _snapshot(pid: str) -> dict:
    """What a user sees of a proposal and the registry (``dmpg status`` and ``dmpg registry``)."""
    return {
        "proposal": repo.get_proposal(pid).model_dump(),
        "events": [(e.key, e.kind, e.at) for e in repo.events(pid)],
        "decisions": [(d.gate, d.round, d.outcome, d.payload, d.recorded_by) for d in repo.decisions(pid)],
        "documents": [(d.kind, d.version, d.path, d.sha256) for d in repo.documents(pid, latest_only=False)],
        "registry": [(g.name, g.icd_codes, g.proposal_id) for g in repo.registry_groups()],
        "roster": repo.roster().model_dump(),
    }


def test_a_pg_dump_of_the_ledger_restores_into_an_empty_database(postgres_ledgers, form, tmp_path):
    from models.db import HEAD, current_revision

    source = postgres_ledgers.create()
    postgres_ledgers.use(source)
    pid = repo.create_proposal(form, year=2026).id
    repo.record_decision(pid, "advice", 1, "support", {"meeting_date": date(2026, 5, 1)}, "a@x.dk")
    repo.record_document(pid, "kvittering", 1, "", "/d/kvittering.docx", "a" * 64)
    repo.add_registry_group("Angst og OCD", ["F40", "F41", "F42"], date(2027, 3, 1), proposal_id=pid)
    repo.roster()
    before = _snapshot(pid)

    backup = postgres_ledgers.cluster.dump(source, tmp_path / "ledger.dump")
    target = postgres_ledgers.create()
    postgres_ledgers.cluster.restore(backup, target)
    postgres_ledgers.use(target)

    assert current_revision() == HEAD
    assert _snapshot(pid) == before
    # The restored ledger takes new writes: its id sequences continue after the restored rows.
    assert repo.record_event(pid, key=f"{pid}:after-restore", kind="gate_opened")
    assert repo.create_proposal(form, year=2026).id == "DMPG-2026-002"


def test_a_server_on_danish_time_keeps_timestamps_in_utc(postgres_ledgers, form):
    """Danish servers often run with timezone Europe/Copenhagen; the ledger stores naive UTC anyway."""
    from models.db import get_engine

    db = postgres_ledgers.create()
    postgres_ledgers.cluster.execute([f"ALTER DATABASE {db.name} SET timezone TO 'Europe/Copenhagen'"])
    postgres_ledgers.use(db)
    pid = repo.create_proposal(form, year=2026).id

    now = datetime.now(timezone.utc)
    [event] = repo.events(pid)
    assert abs(event.at - now) < timedelta(minutes=5)  # an hour or two off would be local time
    with get_engine().connect() as conn:
        assert conn.execute(text("SHOW timezone")).scalar() == "Europe/Copenhagen"
        stored = conn.execute(text("SELECT at FROM stage_events")).scalar()
    assert abs(stored - now.replace(tzinfo=None)) < timedelta(minutes=5)  # what IT's own queries see
