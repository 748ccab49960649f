"""Runs left behind on the real local stack recover on their own: the runner's process group killed
(SIGKILL) while it starts a run and in the middle of a step, a decision recorded while the Prefect server
was down, a failed run that waits for `dmpg recover`. Meanwhile `dmpg pending` and `dmpg status` say so,
the secretariat gets one mail per incident, and nothing is written twice.

The recovery sweep of the session's stack (`python -m dmpg.interfaces.sweep --local-stack`) does the work: it starts
the killed runner again, as systemd would restart a service, and reschedules what the dead one left.
The waits below are hang guards, not the bound: how long a recovery takes is measured by `make bench`.
"""

from __future__ import annotations

import json
import os
import signal

import pytest
import yaml
from support import faults
from support.lifecycle import (
    REFERENCE,
    RKKP,
    SECRETARIAT,
    assert_exactly_once,
    decision,
    example_form,
)
from support.prefect_server import wait_until

pytestmark = pytest.mark.prefect

HANG_GUARD = 300  # seconds; recoveries take well under 2 minutes (bench/topology.py measures them)


def _runner(driver) -> int:
    return int(driver.stack.stack.pid_path("runner").read_text())


def _run_id(proposal: str) -> str:
    from models import ledger

    return ledger.get_proposal(proposal).flow_run_id


def test_runner_killed_while_it_starts_a_run(driver):
    proposal = driver.propose(example_form() | {"title": "Angst og OCD (genstart under opstart)"})
    driver.wait_for_gate(proposal, "advice")
    runner = _runner(driver)
    forkserver = faults.forkserver(runner)
    assert forkserver, "the runner's warm start (forkserver) is off; see flows/prefect_compat.py"

    # The forkserver is frozen, so the runner takes the resumed run (Pending) but cannot start its process.
    # First the run's previous process must be gone and reported by the forkserver: until then the runner
    # counts it as running and would not take the same run again.
    assert wait_until(lambda: not faults.children(forkserver), 60, 0.05)
    faults.freeze([forkserver])
    driver.resume(proposal, "advice", decision("advice", REFERENCE))
    pending = wait_until(lambda: driver.run_state(proposal).type == "PENDING", 60, 0.05)
    faults.kill_group(runner)
    assert pending, "the runner never took the run"

    seen = driver.pending_states_until(proposal, driver.waits_at(proposal, "database"), HANG_GUARD)
    assert "recovering" in seen
    stuck = driver.events(proposal, "run_stuck")
    assert [e.detail["action"] for e in stuck] == ["rescheduled"] and stuck[0].detail["run_state"] in ("Pending", "Submitting")

    # The proposal carries on as if nothing happened.
    driver.resume(proposal, "database", decision("database", RKKP))
    driver.wait_for_gate(proposal, "steering")
    assert wait_until(lambda: driver.recovered(proposal), 30)
    assert_exactly_once(proposal)
    mails = driver.recovery_mails(proposal)
    assert {m.recipient for m in mails} == {SECRETARIAT} and len(mails) == 1
    assert "genoptages automatisk" in mails[0].subject


def test_runner_killed_in_the_middle_of_a_step(driver):
    proposal = driver.propose(example_form() | {"title": "Angst og OCD (genstart midt i et trin)"})
    driver.hearing(proposal)
    driver.wait_for_gate(proposal, "steering")
    runner = _runner(driver)
    forkserver = faults.forkserver(runner)
    assert forkserver, "the runner's warm start (forkserver) is off; see flows/prefect_compat.py"

    driver.interrupt_the_step_after_steering(proposal, lambda _run_id: faults.kill_group(runner),
                                             lambda: faults.children(forkserver))
    # The decision mail queued before the kill goes out once, with the rest.
    driver.assert_recovered_once(proposal, "approval", HANG_GUARD)


def test_a_decision_recorded_while_the_prefect_server_is_down_reaches_the_run_after_its_restart(driver):
    """The server restarts during a wait; a decision recorded meanwhile is in the ledger, and the sweep
    delivers its wake-up once the server is back."""
    proposal = driver.propose(example_form() | {"title": "Angst og OCD (server genstartet)"})
    driver.wait_for_gate(proposal, "advice")
    server = int(driver.stack.stack.pid_path("server").read_text())

    # The server stops; the sweep starts it again within seconds, but a start takes longer than deciding.
    os.killpg(server, signal.SIGTERM)
    assert wait_until(lambda: faults.cmdline(server) == "", 60)
    for gate, by in (("database", RKKP), ("advice", REFERENCE)):
        answer = driver.tmp_path / f"{gate}.yaml"
        answer.write_text(yaml.safe_dump(decision(gate, by)), encoding="utf-8")
        code, out, err = driver.cli("decide", proposal, gate, "--input", str(answer), "--by", by)
        assert code == 0, err
    assert "sagen tager den op, når den når dette punkt" in out  # recorded; the wake-up did not get through

    # The sweep has started the server again; it finds the run still suspended at a decided gate and wakes it.
    assert wait_until(driver.waits_at(proposal, "steering"), HANG_GUARD, 0.5)
    assert [e.detail["problem"] for e in driver.events(proposal, "run_stuck")] == ["unwoken"]
    assert wait_until(lambda: driver.recovered(proposal), 30)
    assert driver.recovery_mails(proposal) == []  # nobody noticed anything: no alarm
    assert_exactly_once(proposal)


def test_a_failed_run_waits_for_a_person_and_dmpg_recover_resumes_it(driver):
    from prefect import get_client
    from prefect.states import Failed

    proposal = driver.propose(example_form() | {"title": "Angst og OCD (fejlet kørsel)"})
    driver.wait_for_gate(proposal, "advice")
    code, out, _ = driver.cli("recover", proposal)
    assert code == 0 and "intet at genoptage" in out

    # The resumed run fails before any runner takes it, as a flow that raised an error is recorded.
    runner = _runner(driver)
    os.killpg(runner, signal.SIGSTOP)
    try:
        driver.resume(proposal, "advice", decision("advice", REFERENCE))
        with get_client(sync_client=True) as client:
            client.set_flow_run_state(_run_id(proposal), Failed(message="RuntimeError: the ledger disk is full"),
                                      force=True)
    finally:
        os.killpg(runner, signal.SIGCONT)

    def needs_attention():
        code, out, _ = driver.cli("pending", "--json")
        return [r for r in json.loads(out) if r["proposal"] == proposal and r["state"] == "needs_attention"]

    rows = wait_until(needs_attention, 60, 0.5)
    assert rows, "the failed run was not reported"
    code, out, _ = driver.cli("status", proposal, "--json")
    status = json.loads(out)
    recovery = status["recovery"]
    assert recovery["status"] == "needs_attention" and recovery["reason"] == "kørslen stoppede med en fejl"
    assert "disk is full" in recovery["detail"]  # Prefect's own words, for IT
    code, out, _ = driver.cli("status", proposal)
    assert f"dmpg recover {proposal}" in out
    mails = wait_until(lambda: driver.recovery_mails(proposal), 30)
    assert len(mails) == 1 and "kræver handling" in mails[0].subject
    assert driver.run_state(proposal).type == "FAILED"  # nothing restarted it: a failure waits for a person

    code, out, err = driver.cli("recover", proposal, "--json")
    assert code == 0, err
    assert json.loads(out)["action"] == "rescheduled"
    driver.wait_for_gate(proposal, "database", timeout=HANG_GUARD)
    assert wait_until(lambda: driver.recovered(proposal), 30)
    assert_exactly_once(proposal)
    assert len(driver.recovery_mails(proposal)) == 1
