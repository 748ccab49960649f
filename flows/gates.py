"""Waiting at a gate without holding a process: ``suspend_flow_run`` with the gate's input model.

Deterministic replay (as in Temporal): when a run is resumed, the flow re-executes from the top and
every ``suspend_flow_run`` whose key was already answered returns the stored input at once. Keys are
``{gate}-r{round}-a{attempt}``: the round changes when a gate is held again (defer, revise, a new
appointments round), the attempt when an answer was refused (not on the roster) or invalid — the gate
then re-suspends under the next attempt's key, so it stays pending and the flow run never fails.
"""

from __future__ import annotations

from typing import Any

import pydantic
from prefect import suspend_flow_run
from prefect._flow_run_suspension import raise_if_flow_run_suspension_requested
from prefect.input.actions import read_flow_run_input
from prefect.input.run_input import RunInput, keyset_from_base_key

from forms.gates import GATE_INPUTS
from tasks.lifecycle import judge_input, open_gate


def gate_key(gate: str, round: int, attempt: int) -> str:
    return f"{gate}-r{round}-a{attempt}"


def wait_for_decision(proposal_id: str, gate: str, round: int, timeout_days: int) -> dict[str, Any]:
    """Suspend until an accepted input arrives for ``gate`` round ``round``; return it (JSON dict).

    Refused or invalid answers are recorded (audit trail) by ``judge_input`` and the gate waits again.
    """
    model = GATE_INPUTS[gate]
    attempt = 1
    while True:
        key = gate_key(gate, round, attempt)
        description = open_gate(proposal_id, gate, round, attempt, key)
        form_cls = RunInput.subclass_from_base_model_type(model).with_initial_data(description=description)
        try:
            received = suspend_flow_run(wait_for_input=form_cls, key=key, timeout=timeout_days * 86400)
            if received is None:
                # Suspension accepted: stop here; the run ends until someone resumes it.
                raise_if_flow_run_suspension_requested()
            payload = received.model_dump(mode="json")
        except pydantic.ValidationError:
            # The server checks only the JSON schema; our validators (e-mails, ...) run here.
            payload = _raw_input(key)
        verdict = judge_input(proposal_id, gate, round, attempt, payload)
        if verdict["accepted"]:
            return verdict["input"]
        attempt += 1


def _raw_input(pause_key: str) -> dict[str, Any]:
    keyset = keyset_from_base_key(f"suspended-{pause_key}")
    return read_flow_run_input(keyset["response"]) or {}
