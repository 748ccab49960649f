"""Shared fixtures. Every test gets its own DMPG_HOME so no test touches the user's var/."""

from __future__ import annotations

from pathlib import Path

import pytest

PROJECT = Path(__file__).resolve().parent.parent
EXAMPLES = PROJECT / "examples"


@pytest.fixture
def dmpg_home(tmp_path, monkeypatch) -> Path:
    """A fresh DMPG_HOME (ledger, documents, mail) for one test; settings re-read from the env."""
    from dmpg.settings import get_settings

    home = tmp_path / "dmpg-home"
    monkeypatch.setenv("DMPG_HOME", str(home))
    monkeypatch.delenv("DMPG_DATABASE_URL", raising=False)
    get_settings.cache_clear()
    yield home
    get_settings.cache_clear()


@pytest.fixture
def examples() -> Path:
    return EXAMPLES
