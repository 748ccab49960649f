"""The house's one-way rule (pyproject.toml, ``[tool.importlinter]``): the folders import each other in one
direction only — flows -> tasks -> dmpg -> models -> forms -> core, and inside ``dmpg`` interfaces ->
report -> services -> mail -> documents -> state -> adapters — and nothing below the flows imports Prefect;
above ``models`` the ledger has one door, ``models.ledger`` (no ``models.db``, SQLAlchemy or sqlmodel).
Imports inside functions count as much as those at the top."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

PROJECT = Path(__file__).resolve().parents[1]


def test_every_import_goes_one_way_down_the_house():
    lint_imports = Path(sys.executable).with_name("lint-imports")
    done = subprocess.run([str(lint_imports), "--no-cache"], cwd=PROJECT, capture_output=True, text=True,
                          timeout=300, check=False)
    assert done.returncode == 0, f"an import runs against the house's one-way rule:\n{done.stdout}{done.stderr}"
