"""The roster in force: the ledger holds it, the file is its source, and everyone reads the ledger's."""

from __future__ import annotations

import pytest
from ledger_helpers import PROJECT

from models import ledger as repo

ROSTER = PROJECT / "tests" / "ledger" / "roster.yaml"


def test_the_projects_own_roster_loads(ledger):
    """roster.yaml in the project is what `make demo` uses: every body, rkkp included."""
    held = repo.roster(PROJECT / "roster.yaml")
    assert [p.email for p in held.people("rkkp")] == ["rkkp.databaser@example.dk"]
    assert len(held.people("steering_group")) == 6 and len(held.organisations) == 10


def test_the_ledger_holds_the_files_roster(ledger):
    held = repo.roster(ROSTER)
    assert [p.email for p in held.people("secretariat")] == ["sekretariat@example.dk"]
    assert held.people("steering_group")[0].name == "Lægefaglig direktør, Region Hovedstaden"
    assert (held.organisations["DPS"].name, held.organisations["DPS"].email) == ("Dansk Psykiatrisk Selskab",
                                                                                 "dps@example.dk")
    assert "XYZ" not in held.organisations


def test_default_roster_path_comes_from_settings(ledger, monkeypatch, tmp_path):
    from core.settings import get_settings

    small = tmp_path / "roster.yaml"
    small.write_text("secretariat:\n  - {name: Sekretær, email: Sek@Example.dk}\n", encoding="utf-8")
    monkeypatch.setenv("DMPG_ROSTER", str(small))
    get_settings.cache_clear()
    assert [str(p.email) for p in repo.roster().people("secretariat")] == ["sek@example.dk"]


def test_a_changed_file_replaces_the_roster(ledger, tmp_path):
    path = tmp_path / "roster.yaml"
    path.write_text(ROSTER.read_text(encoding="utf-8"), encoding="utf-8")
    assert len(repo.roster(path).people("steering_group")) == 6
    path.write_text(
        "secretariat:\n  - {name: Ny sekretær, email: ny@example.dk}\n"
        "steering_group:\n  - {name: RKKP, email: styregruppe.rkkp@example.dk}\n"
        "organisations:\n  DPS: {name: Dansk Psykiatrisk Selskab, email: dps@example.dk}\n",
        encoding="utf-8",
    )
    held = repo.roster(path)
    assert [str(p.email) for p in held.people("secretariat")] == ["ny@example.dk"]
    assert [str(p.email) for p in held.people("steering_group")] == ["styregruppe.rkkp@example.dk"]
    assert held.people("reference_group") == [] and list(held.organisations) == ["DPS"]


def test_a_bad_roster_file_changes_nothing(ledger, tmp_path):
    from core.errors import InputError

    path = tmp_path / "roster.yaml"
    path.write_text(ROSTER.read_text(encoding="utf-8"), encoding="utf-8")
    repo.roster(path)
    path.write_text("secretariat:\n  - {name: X, email: not-an-email}\n", encoding="utf-8")
    with pytest.raises(InputError, match=r"secretariat\[0\]\.email"):
        repo.roster(path)
    path.write_text(ROSTER.read_text(encoding="utf-8"), encoding="utf-8")
    assert len(repo.roster(path).people("steering_group")) == 6
