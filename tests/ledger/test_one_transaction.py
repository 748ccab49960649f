"""A step is one ledger transaction (``models.ledger.transaction()``): opening a gate writes its stage,
documents' rows, outbox rows, links and events in one, reading the roster once; a step that fails leaves
nothing; and the quick reads inside a step see what the step wrote. Runs on SQLite and PostgreSQL."""

from __future__ import annotations

from pathlib import Path

import pytest
from sqlalchemy import event


@pytest.fixture
def counted(ledger, monkeypatch):
    """Counts of the ledger's transactions (``begin`` on the engine) and of roster.yaml reads."""
    from core.settings import get_settings

    counts = {"transactions": 0, "roster_reads": 0}
    roster_file = get_settings().roster.resolve()

    def begin(_connection):
        counts["transactions"] += 1

    event.listen(ledger, "begin", begin)
    real_read = Path.read_bytes

    def read_bytes(self):
        if self.resolve() == roster_file:
            counts["roster_reads"] += 1
        return real_read(self)

    monkeypatch.setattr(Path, "read_bytes", read_bytes)
    yield counts
    event.remove(ledger, "begin", begin)


def test_opening_a_gate_is_one_transaction_reading_the_roster_once(counted, examples):
    from dmpg.services.gatekeeper import open_gate
    from dmpg.services.steps import check_submission
    from forms.loading import load_form
    from models import ledger

    form = load_form(examples / "angst-og-ocd.yaml")
    pid = ledger.create_proposal(form).id
    check_submission(pid, form.model_dump(mode="json"), 1)
    counted.update(transactions=0, roster_reads=0)

    opened = open_gate(pid, "steering", 1, 1, "steering-r1-a1")
    assert counted == {"transactions": 1, "roster_reads": 1}
    assert opened["gate"] == "steering" and opened["recorders"] and "Afventer" in opened["description"]
    assert ledger.event(pid, f"{pid}:gate_opened:steering-r1-a1") is not None
    assert ledger.get_proposal(pid).stage == "steering"
    assert ledger.list_notifications(pid)

    counted.update(transactions=0, roster_reads=0)
    assert open_gate(pid, "steering", 1, 1, "steering-r1-a1")["recorders"] == opened["recorders"]  # a replay
    assert counted["transactions"] == 1


def test_a_step_that_fails_leaves_nothing_and_its_quick_reads_see_its_writes(ledger, examples):
    from forms.loading import load_form
    from models import ledger as repo
    from models.ledger.quick import gate_events

    pid = repo.create_proposal(load_form(examples / "angst-og-ocd.yaml")).id
    key = f"{pid}:gate_opened:advice-r1-a1"
    with pytest.raises(RuntimeError), repo.transaction():
        repo.record_event(pid, key=key, kind="gate_opened", gate="advice", round=1, detail={"key": "advice-r1-a1"})
        _, seen = gate_events(pid, kinds=("gate_opened",))
        assert [e["gate"] for e in seen] == ["advice"]  # the step's own connection
        raise RuntimeError("the step fails")
    assert repo.event(pid, key) is None
    assert gate_events(pid, kinds=("gate_opened",))[1] == []
