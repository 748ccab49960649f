"""The ``driver`` fixture: proposals through the lifecycle on the session's local stack."""

from __future__ import annotations

import pytest

from lifecycle_helpers import Driver


@pytest.fixture
def driver(local_stack, tmp_path) -> Driver:
    return Driver(local_stack, tmp_path)
