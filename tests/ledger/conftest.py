"""Fixtures for the ledger's tests: a fresh SQLite ledger under the test's own DMPG_HOME."""

from __future__ import annotations

import pytest


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
