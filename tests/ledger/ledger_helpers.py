"""Helpers for the ledger's tests (a module of its own: ``conftest`` names collide across test dirs)."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

PROJECT = Path(__file__).resolve().parents[2]


def run_python(code: str, home: Path) -> subprocess.Popen:
    """Start ``python -c code`` in the project with ``DMPG_HOME=home``: another process on the same ledger."""
    env = dict(os.environ, DMPG_HOME=str(home))
    env.pop("DMPG_DATABASE_URL", None)
    return subprocess.Popen([sys.executable, "-c", code], cwd=PROJECT, env=env,
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
