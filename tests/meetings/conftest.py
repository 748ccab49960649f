"""Meetings on the session's local stack: the lifecycle tests' ``driver``, and proposals brought to a gate."""

from __future__ import annotations

import sys
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "lifecycle"))

from lifecycle_helpers import Driver  # noqa: E402


@pytest.fixture
def driver(local_stack, tmp_path) -> Driver:
    return Driver(local_stack, tmp_path)
