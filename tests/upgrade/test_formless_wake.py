"""A run that turned Paused at a gate while Prefect holds no Resume form for it refuses every resume ("Run input
schema not found"). Its decision still moves it: once its process is surely gone, the run is started again from
the top and the replay takes the decision from the ledger (pure rules with a stand-in for Prefect; the real
thing is in test_refused_wake.py)."""

from __future__ import annotations

from datetime import datetime, timedelta, timezone

import pytest

from dmpg.adapters.prefect_api import RunState
from dmpg.services import wake

NOW = datetime(2026, 12, 6, 22, 41, tzinfo=timezone.utc)
KEYS = {"schema": "suspended-advice-r1-a1-schema", "response": "suspended-advice-r1-a1-response",
        "description": "suspended-advice-r1-a1-description"}


class Prefect:
    """The Prefect calls the wake-up makes, recorded."""

    def __init__(self, heartbeat: bool = False, moved: bool = True):
        self.heartbeat, self.moved, self.rescheduled = heartbeat, moved, []

    def heartbeats_since(self, ids, since):
        return set(ids) if self.heartbeat else set()

    def reschedule(self, flow_run_id, expected_state_id, why):
        self.rescheduled.append((flow_run_id, expected_state_id, why))
        return self.moved


def paused(age: float) -> RunState:
    return RunState("PAUSED", "Suspended", "advice-r1-a1", "", id="state-1", since=NOW - timedelta(seconds=age),
                    input_keys=KEYS)


@pytest.fixture(autouse=True)
def now(dmpg_home, monkeypatch):
    monkeypatch.setattr(wake.clock, "wall", lambda: NOW)


@pytest.mark.parametrize("age, heartbeat", [(5, False), (59, False), (3600, True)])
def test_a_run_whose_process_may_still_store_the_form_is_left_for_the_sweep(age, heartbeat):
    prefect = Prefect(heartbeat=heartbeat)
    woke = wake._replay_formless(prefect, "run-1", paused(age), "DMPG-2026-031")
    assert woke.outcome == wake.UNREACHABLE and not prefect.rescheduled
    assert "endnu ikke gemt formularen" in woke.reason


def test_a_run_whose_process_is_gone_is_started_again_to_take_the_decision():
    prefect = Prefect()
    woke = wake._replay_formless(prefect, "run-1", paused(61), "DMPG-2026-031")
    assert woke.woken and woke.state_id == "state-1"
    [(run_id, state_id, why)] = prefect.rescheduled
    assert (run_id, state_id) == ("run-1", "state-1")  # only while the run is still in the state judged
    assert "tager beslutningen fra sagsregistret" in why


def test_a_run_that_moved_on_meanwhile_is_left_alone():
    woke = wake._replay_formless(Prefect(moved=False), "run-1", paused(600), "DMPG-2026-031")
    assert woke.outcome == wake.ELSEWHERE
