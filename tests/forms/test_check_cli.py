"""`dmpg check`: human and JSON output, exit codes 0/1/2, and the registry it checks overlap against."""

from __future__ import annotations

import json
import subprocess
import sys
from datetime import date
from pathlib import Path

import pytest

from dmpg.interfaces.cli import main
from dmpg.interfaces.cli.check import load_registry
from forms.registry import SEED_GROUPS
from models.ledger.quick import sqlite_path

PROJECT = Path(__file__).resolve().parents[2]
DMPG = PROJECT / ".venv" / "bin" / "dmpg"


def run_check(capsys, *args: str) -> tuple[int, str, str]:
    code = main(["check", *map(str, args)])
    out, err = capsys.readouterr()
    return code, out, err


def test_json_of_a_submittable_form(dmpg_home, examples, capsys):
    code, out, err = run_check(capsys, examples / "angst-og-ocd.yaml", "--json")
    assert (code, err) == (0, "")
    result = json.loads(out)
    assert list(result) == ["title", "submittable", "findings"]
    assert result["title"] == "Angst og OCD" and result["submittable"] is True
    assert [list(f) for f in result["findings"]] == [["code", "severity", "message", "items"]]
    assert result["findings"][0]["code"] == "database.status"


def test_json_of_a_form_with_blocks(dmpg_home, examples, capsys):
    code, out, _ = run_check(capsys, examples / "personlighedsforstyrrelser.yaml", "--json")
    result = json.loads(out)
    assert code == 1 and result["submittable"] is False
    assert [f["code"] for f in result["findings"]] == [
        "target.primary_sector", "target.child_adult", "composition.base_members", "database.status",
    ]
    assert result["findings"][2]["items"] == ["BUP", "FYP", "DSAM", "relatives", "hospital_management"]


def test_human_output(dmpg_home, examples, capsys):
    code, out, _ = run_check(capsys, examples / "personlighedsforstyrrelser.yaml")
    assert code == 1
    lines = out.splitlines()
    assert lines[0] == "Indstillingsskema: Personlighedsforstyrrelser"
    # Danish words only: what each finding is about, the seats by name, no codes or field paths.
    assert "[BLOKERER] Primærsektoren i målgruppen" in lines
    assert "[ADVARSEL] Børne- og ungdomspsykiatri og voksenpsykiatri i målgruppen" in lines
    assert "[INFO] Klinisk kvalitetsdatabase" in lines
    text = " ".join(out.split())
    assert ("Sammensætningen mangler pladser til: Børne- og Ungdomspsykiatrisk Selskab (BUP), Foreningen af Yngre "
            "Psykiatere (FYP), Dansk Selskab for Almen Medicin (DSAM), pårørenderepræsentanter og hospitalsledelse.") in text
    for code in ("relatives", "hospital_management", "target.primary_sector", "composition.", "topic.", "(er)"):
        assert code not in out
    assert lines[-1] == (
        "Kan IKKE indsendes: 2 blokerende mangler (primærsektoren i målgruppen og basismedlemmer i sammensætningen)."
    )
    code, out, _ = run_check(capsys, examples / "angst-og-ocd.yaml")
    assert code == 0 and out.splitlines()[-1] == "Kan indsendes: ingen blokerende mangler."


def test_invalid_form_exits_2_listing_every_problem(dmpg_home, write, capsys):
    path = write("form.yaml", "topik: x\nproposers:\n  - region: Fyn\n")
    code, out, err = run_check(capsys, path, "--json")
    assert code == 2 and out == ""
    assert err.splitlines() == [
        f"dmpg check: {path}: 3 fejl i indholdet:",
        "  - title: skal udfyldes (Titel: Den foreslåede DMPG's emne, fx 'Angst og OCD'.)",
        "  - proposers[0].region: forventede en af hovedstaden, sjaelland, syddanmark, midtjylland, nordjylland "
        "(eller et navn som 'Region Sjælland'); fik teksten 'Fyn'",
        "  - topik: ukendt felt (mente du 'topic'?)",
    ]


def test_the_real_command_exit_codes(dmpg_home, examples, tmp_path):
    """Through the installed `dmpg` script: 0, 1 and 2, and never a traceback."""
    broken = tmp_path / "broken.yaml"
    broken.write_text("title: [unclosed\n", encoding="utf-8")
    results = {
        name: subprocess.run([str(DMPG), "check", str(path)], capture_output=True, text=True, timeout=60)
        for name, path in [("ok", examples / "angst-og-ocd.yaml"),
                           ("blocks", examples / "personlighedsforstyrrelser.yaml"),
                           ("broken", broken)]
    }
    assert {k: r.returncode for k, r in results.items()} == {"ok": 0, "blocks": 1, "broken": 2}
    assert "YAML-syntaksfejl i linje 2, kolonne 1" in results["broken"].stderr
    assert all("Traceback" not in r.stderr for r in results.values())


def test_overlap_with_a_group_in_the_ledger(dmpg_home, examples, capsys):
    """A group added to the real ledger is seen by `dmpg check` (read without SQLAlchemy)."""
    from models.db import dispose_engines
    from models.ledger import add_registry_group, list_registry

    try:
        add_registry_group("Angst og OCD", ["F40", "F41", "F42"], date(2027, 3, 1), proposal_id=None)
        assert load_registry() == list_registry()  # same rows, same order as the ledger's reader
        code, out, _ = run_check(capsys, examples / "angst-og-ocd.yaml", "--json")
    finally:
        dispose_engines()
    overlap = [f for f in json.loads(out)["findings"] if f["code"] == "registry.overlap"]
    assert code == 0 and overlap[0]["severity"] == "warn" and overlap[0]["items"] == ["Angst og OCD"]


def test_no_ledger_yet_means_the_seed_groups_and_no_file_is_created(dmpg_home):
    assert load_registry() == SEED_GROUPS
    assert not (dmpg_home / "ledger.db").exists()


def test_sqlite_path():
    assert sqlite_path("sqlite:////abs/ledger.db") == Path("/abs/ledger.db")
    assert sqlite_path("sqlite:///var/ledger.db") == Path("var/ledger.db")
    assert sqlite_path("sqlite:///:memory:") is None
    assert sqlite_path("postgresql+psycopg://u:p@h/db") is None


def test_check_stays_off_the_heavy_imports(dmpg_home, examples):
    """`dmpg check` must answer within 1 s: no SQLAlchemy, Prefect or docx on its path."""
    code = (
        "import sys; from dmpg.interfaces.cli import main; rc = main(['check', sys.argv[1]]); "
        "heavy = [m for m in ('sqlalchemy', 'sqlmodel', 'prefect', 'docx', 'apprise') if m in sys.modules]; "
        "print('HEAVY', heavy)"
    )
    result = subprocess.run([sys.executable, "-c", code, str(examples / "angst-og-ocd.yaml")],
                            capture_output=True, text=True, timeout=60)
    assert result.stdout.splitlines()[-1] == "HEAVY []"


def test_a_filled_word_form_gets_the_same_findings_as_its_yaml(dmpg_home, examples, tmp_path, capsys):
    """`dmpg check FORM.docx` goes through the Word reader (dmpg.documents.wordform) lazily."""
    pytest.importorskip("dmpg.documents.wordform")
    source = examples / "personlighedsforstyrrelser.yaml"
    docx = tmp_path / "skema.docx"
    assert main(["form", "render", str(source), str(docx)]) == 0
    capsys.readouterr()
    from_word = run_check(capsys, docx, "--json")
    from_yaml = run_check(capsys, source, "--json")
    assert from_word[0] == from_yaml[0] == 1
    assert json.loads(from_word[1]) == json.loads(from_yaml[1])
