"""Helpers for the ledger's tests (a module of its own: ``conftest`` names collide across test dirs)."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

PROJECT = Path(__file__).resolve().parents[2]


# For a test of one backend's own behaviour: its ledger fixtures (``ledger_url``, ``ledger``) run on
# that backend only, e.g. SQLite's fast path without SQLAlchemy, or a PostgreSQL backup.
sqlite_only = pytest.mark.parametrize("ledger_url", ["sqlite"], indirect=True)
postgres_only = pytest.mark.parametrize(
    "ledger_url", [pytest.param("postgresql", marks=pytest.mark.postgres)], indirect=True
)


def run_python(code: str, home: Path) -> subprocess.Popen:
    """Start ``python -c code`` in the project with ``DMPG_HOME=home``: another process on the same
    ledger (the test's ``DMPG_DATABASE_URL``, if it set one, else the SQLite file under ``home``)."""
    env = dict(os.environ, DMPG_HOME=str(home))
    return subprocess.Popen([sys.executable, "-c", code], cwd=PROJECT, env=env,
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
