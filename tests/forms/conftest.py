"""Fixtures for the form tests: a complete, valid form as a plain dict to mutate, and a file writer."""

from __future__ import annotations

import copy
from pathlib import Path

import pytest

from forms.loading import read_data

EXAMPLES = Path(__file__).resolve().parents[2] / "examples"
_ANGST = read_data(EXAMPLES / "angst-og-ocd.yaml")


@pytest.fixture
def form_data() -> dict:
    """The 'Angst og OCD' example (passes every premise) as a fresh dict."""
    return copy.deepcopy(_ANGST)


@pytest.fixture
def write(tmp_path):
    """write(name, text) -> path of a new file under tmp_path."""

    def _write(name: str, text: str) -> Path:
        path = tmp_path / name
        path.write_text(text, encoding="utf-8")
        return path

    return _write
