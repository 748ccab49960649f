"""`dmpg registry` through the real CLI entry point, on a fresh home (and a fresh ledger of each backend)."""

from __future__ import annotations

import json

from dmpg.interfaces.cli import main


def test_registry_json_lists_the_seven_groups(ledger_url, capsys):
    assert main(["registry", "--json"]) == 0
    rows = json.loads(capsys.readouterr().out)
    assert [r["name"] for r in rows] == [
        "ADHD", "Skizofreni", "Depression", "Bipolar", "Rusmidler og psykiatri",
        "Spiseforstyrrelser", "ECT / Stimulationsbehandling",
    ]
    skizofreni = rows[1]
    assert set(skizofreni) == {"name", "icd_codes", "database_since", "dmpg_since", "note", "proposal"}
    assert skizofreni["dmpg_since"] == "2023-03-01"
    assert skizofreni["icd_codes"][0] == "F20" and len(skizofreni["icd_codes"]) == 10
    assert skizofreni["proposal"] is None


def test_registry_table_is_danish_and_readable(dmpg_home, capsys):
    assert main(["registry"]) == 0
    out = capsys.readouterr().out
    lines = out.splitlines()
    assert lines[0].split() [:2] == ["DMPG", "DMPG"]
    skizofreni = next(line for line in lines if line.startswith("Skizofreni"))
    assert "marts 2023" in skizofreni and "2003" in skizofreni and "F20–F29" in skizofreni
    assert "7 etablerede DMPG'er." in out


def test_a_group_established_by_a_proposal_shows_its_proposal(ledger_url, capsys):
    from datetime import date

    from forms.proposal import ProposalForm
    from models import ledger as repo

    pid = repo.create_proposal(ProposalForm(title="Angst og OCD"), year=2026).id
    repo.add_registry_group("Angst og OCD", ["F40", "F41", "F42"], date(2027, 3, 1), proposal_id=pid)
    assert main(["registry", "--json"]) == 0
    last = json.loads(capsys.readouterr().out)[-1]
    assert (last["name"], last["proposal"], last["dmpg_since"]) == ("Angst og OCD", pid, "2027-03-01")
    assert main(["registry"]) == 0
    assert "Angst og OCD" in capsys.readouterr().out


def test_icd_ranges_and_month_year():
    from datetime import date

    from dmpg.interfaces.cli.registry import icd_ranges, month_year

    assert icd_ranges([f"F{n}" for n in range(20, 30)]) == "F20–F29"
    assert icd_ranges(["F32", "F33", "F90"]) == "F32–F33, F90"
    assert icd_ranges(["F40", "F42", "Z00.1"]) == "F40, F42, Z00.1"
    assert icd_ranges([]) == ""
    assert month_year(date(2025, 11, 1)) == "november 2025"
