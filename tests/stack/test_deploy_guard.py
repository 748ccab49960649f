"""`prefect deploy --all` pointed at the local stack's own Prefect server fails loudly and leaves the
deployments that `dmpg up` serves as they were (the local server has no work pool)."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

pytestmark = pytest.mark.prefect

PROJECT = Path(__file__).resolve().parents[2]


def test_prefect_deploy_at_the_local_stack_fails_and_changes_nothing(local_stack):
    from dmpg.adapters.prefect_api import PrefectAPI

    with PrefectAPI() as api:
        before = api.deployment("dmpg-proposal/dmpg-proposal")
    result = subprocess.run([str(Path(sys.executable).parent / "prefect"), "--no-prompt", "deploy", "--all"],
                            cwd=PROJECT, env=dict(os.environ), capture_output=True, text=True, timeout=300,
                            stdin=subprocess.DEVNULL)
    output = " ".join((result.stdout + result.stderr).split())  # Prefect wraps its messages
    assert result.returncode != 0, output
    assert "work pool 'dmpg-process'" in output and "does not exist" in output
    with PrefectAPI() as api:
        after = api.deployment("dmpg-proposal/dmpg-proposal")
    assert after["work_pool_name"] is None and after["updated"] == before["updated"]
