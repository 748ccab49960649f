"""How the recovery sweep judges a lifecycle run, and how the ledger's events fold into an incident
(pure rules; the real thing runs on the local stack and the worker topology)."""

from __future__ import annotations

from datetime import datetime, timedelta, timezone
from types import SimpleNamespace

import pytest

from dmpg.adapters.prefect_api import RunState
from dmpg.services.recovery import diagnose
from dmpg.state.incidents import (
    CANCELLED,
    FAILED,
    NEEDS_ATTENTION,
    NO_WORKER,
    RECOVERING,
    RESCHEDULED,
    STUCK,
    UNWOKEN,
    fold_incidents,
)

NOW = datetime(2026, 11, 30, 12, 0, tzinfo=timezone.utc)
RULES = dict(now=NOW, stale=timedelta(seconds=60), wake_after=timedelta(seconds=20),
             no_worker_after=timedelta(minutes=10), orphaned_before=None)


def run(type_: str, name: str = "", age: float = 5, key: str | None = None, message: str = "") -> RunState:
    return RunState(type_, name or type_.title(), key, message, id="s1", since=NOW - timedelta(seconds=age))


@pytest.mark.parametrize("state, alive, problem", [
    (run("PAUSED", key="steering-r1-a1"), False, None),                      # waits at an undecided gate
    (run("COMPLETED"), False, None),
    (run("PENDING", age=30), False, None),                                   # a worker is starting it
    (run("PENDING", "Submitting", age=61), False, STUCK),                    # ... and never did
    (run("RUNNING", age=300), True, None),                                   # a long step, heartbeats come
    (run("RUNNING", age=61), False, STUCK),                                  # no heartbeat: its process is gone
    (run("RUNNING", age=10), False, None),                                   # too early to tell
    (run("CRASHED", message="Flow run process exited with -9"), False, STUCK),
    (run("FAILED", message="ValueError: boom"), False, FAILED),
    (run("FAILED", message="The flow was suspended and never resumed."), False, None),  # an expired gate
    (run("CANCELLED"), False, CANCELLED),
    (run("SCHEDULED", "Late", age=120), False, None),                        # waits for a worker, for now
    (run("SCHEDULED", "Late", age=601), False, NO_WORKER),
])
def test_what_a_run_state_means(state, alive, problem):
    assert diagnose(state, alive=alive, decided_at=None, **RULES).problem == problem


def test_a_run_still_suspended_at_a_decided_gate_is_woken_after_a_grace_time():
    paused = run("PAUSED", key="steering-r2-a1")
    just_now = diagnose(paused, alive=False, decided_at=NOW - timedelta(seconds=3), **RULES)
    assert just_now.problem is None and not just_now.healthy  # `dmpg decide` is waking it right now
    later = diagnose(paused, alive=False, decided_at=NOW - timedelta(seconds=25), **RULES)
    assert later.problem == UNWOKEN and later.wake == ("steering", 2)


def test_under_a_runner_started_since_a_pending_or_running_run_is_orphaned_at_once():
    restarted = {**RULES, "orphaned_before": NOW - timedelta(seconds=2)}
    assert diagnose(run("RUNNING", age=4), alive=True, decided_at=None, **restarted).problem == STUCK
    assert diagnose(run("PENDING", age=1), alive=False, decided_at=None, **restarted).problem is None


def _event(kind: str, at: int, **detail) -> SimpleNamespace:
    return SimpleNamespace(proposal_id="DMPG-2026-001", kind=kind, at=NOW + timedelta(seconds=at), detail=detail)


def test_events_fold_into_the_open_incident_with_its_restarts():
    stuck = [
        _event("run_stuck", 0, incident=1, problem=STUCK, action=RESCHEDULED, reason="no heartbeat"),
        _event("run_stuck", 90, incident=1, problem=STUCK, action=RESCHEDULED, reason="crashed"),
    ]
    incident = fold_incidents(stuck)["DMPG-2026-001"]
    assert (incident.number, incident.attempts, incident.status) == (1, 2, RECOVERING)
    assert incident.since == NOW and incident.reason == "crashed"

    gave_up = stuck + [_event("run_stuck", 200, incident=1, problem=STUCK, action=NEEDS_ATTENTION, reason="x")]
    assert fold_incidents(gave_up)["DMPG-2026-001"].status == NEEDS_ATTENTION
    assert fold_incidents(gave_up + [_event("run_recovered", 300, incident=1)]) == {}
