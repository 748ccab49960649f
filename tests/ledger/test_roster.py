"""roster.yaml into the ledger: the ledger's roster is always exactly the file's."""

from __future__ import annotations

import pytest

from ledger_helpers import PROJECT
from models import ledger as repo

ROSTER = PROJECT / "tests" / "ledger" / "roster.yaml"


def test_the_projects_own_roster_loads(ledger):
    """roster.yaml in the project is what `make demo` uses."""
    assert repo.load_roster_into_ledger(PROJECT / "roster.yaml") == (15, 10)


def test_roster_loads_into_the_ledger(ledger):
    people, organisations = repo.load_roster_into_ledger(ROSTER)
    assert (people, organisations) == (15, 10)
    assert [p.email for p in repo.roster_people("secretariat")] == ["sekretariat@example.dk"]
    assert len(repo.roster_people("steering_group")) == 6
    assert repo.roster_people("steering_group")[0].name == "Lægefaglig direktør, Region Hovedstaden"
    dps = repo.organisation("DPS")
    assert (dps.name, dps.email) == ("Dansk Psykiatrisk Selskab", "dps@example.dk")
    assert repo.organisation("XYZ") is None


def test_default_roster_path_comes_from_settings(ledger, monkeypatch, tmp_path):
    from core.settings import get_settings

    small = tmp_path / "roster.yaml"
    small.write_text("secretariat:\n  - {name: Sekretær, email: Sek@Example.dk}\n", encoding="utf-8")
    monkeypatch.setenv("DMPG_ROSTER", str(small))
    get_settings.cache_clear()
    assert repo.load_roster_into_ledger() == (1, 0)
    assert [p.email for p in repo.roster_people()] == ["sek@example.dk"]


def test_syncing_again_replaces_the_roster(ledger, tmp_path):
    repo.load_roster_into_ledger(ROSTER)
    smaller = tmp_path / "roster.yaml"
    smaller.write_text(
        "secretariat:\n  - {name: Ny sekretær, email: ny@example.dk}\n"
        "steering_group:\n  - {name: RKKP, email: styregruppe.rkkp@example.dk}\n"
        "organisations:\n  DPS: {name: Dansk Psykiatrisk Selskab, email: dps@example.dk}\n",
        encoding="utf-8",
    )
    assert repo.load_roster_into_ledger(smaller) == (2, 1)
    assert [(p.body, p.email) for p in repo.roster_people()] == [
        ("secretariat", "ny@example.dk"), ("steering_group", "styregruppe.rkkp@example.dk"),
    ]
    assert repo.organisation("BUP") is None


def test_a_bad_roster_file_changes_nothing(ledger, tmp_path):
    from core.errors import InputError

    repo.load_roster_into_ledger(ROSTER)
    bad = tmp_path / "roster.yaml"
    bad.write_text("secretariat:\n  - {name: X, email: not-an-email}\n", encoding="utf-8")
    with pytest.raises(InputError, match=r"secretariat\[0\]\.email"):
        repo.load_roster_into_ledger(bad)
    assert len(repo.roster_people()) == 15
