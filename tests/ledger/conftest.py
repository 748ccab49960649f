"""Fixtures for the ledger's tests: a fresh SQLite ledger under the test's own DMPG_HOME."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

PROJECT = Path(__file__).resolve().parents[2]


@pytest.fixture
def ledger(dmpg_home):
    """A ledger at head in this test's DMPG_HOME; engines are closed afterwards (no open files left)."""
    from models.db import dispose_engines, ensure_schema, get_engine

    ensure_schema()
    yield get_engine()
    dispose_engines()


@pytest.fixture
def form():
    from forms.proposal import ProposalForm

    return ProposalForm(title="Angst og OCD")


def run_python(code: str, home: Path) -> subprocess.Popen:
    """Start ``python -c code`` in the project with ``DMPG_HOME=home``: another process on the same ledger."""
    env = dict(os.environ, DMPG_HOME=str(home))
    env.pop("DMPG_DATABASE_URL", None)
    return subprocess.Popen([sys.executable, "-c", code], cwd=PROJECT, env=env,
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
