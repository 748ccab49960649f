"""Waiting at a gate without holding a process: ``suspend_flow_run`` with the gate's input model.

Deterministic replay, as in Temporal: a resumed run re-executes from the top, and the ledger — not
Prefect — says what has happened. A gate round the ledger has decided returns its decision at once,
with no Prefect call, however many rounds and refused answers lie behind it. An undecided round
opens (``open_gate``) and suspends under the key ``{gate}-r{round}-a{attempt}``; the answer Prefect
hands back on resume is judged by the gatekeeper like any other channel's. A refused or invalid
answer is audited and the gate suspends again under the next attempt's key, so it stays pending and
the run never fails.
"""

from __future__ import annotations

from typing import Any, Literal

import pydantic
from prefect import suspend_flow_run
from prefect.input import RunInput, keyset_from_paused_state, read_flow_run_input
from prefect.states import Suspended

from core.settings import get_settings
from dmpg.gatekeeper import gate_key, next_attempt
from forms.gates import gate as gate_named
from models import ledger
from tasks.lifecycle import open_gate, take_answer


def wait_for_decision(proposal_id: str, gate: str, round: int) -> dict[str, Any]:  # noqa: A002
    """The decision of ``gate`` round ``round`` (the accepted input as JSON), waiting for it if needed."""
    return wait_for_decisions(proposal_id, (gate, round))[0]


def wait_for_decisions(proposal_id: str, *rounds: tuple[str, int]) -> list[dict[str, Any]]:
    """Open every ``(gate, round)`` at once, then take their decisions in any order they come.

    Each gate is asked (its documents and mail) before the flow waits for the first, so the people
    of every gate can answer through their channel while the run is suspended at another."""
    for gate, round_ in rounds:
        if ledger.decision(proposal_id, gate, round_) is None:
            attempt = next_attempt(proposal_id, gate, round_)
            open_gate(proposal_id, gate, round_, attempt, gate_key(gate, round_, attempt))
    return [_decided(proposal_id, gate, round_) for gate, round_ in rounds]


def _decided(proposal_id: str, gate: str, round: int) -> dict[str, Any]:  # noqa: A002
    while (decided := ledger.decision(proposal_id, gate, round)) is None:
        attempt = next_attempt(proposal_id, gate, round)
        key = gate_key(gate, round, attempt)
        form = open_gate(proposal_id, gate, round, attempt, key)
        answer = take_answer(proposal_id, gate, round, attempt, _suspend(gate, key, form))
        if answer.accepted:
            return answer.decision
    return decided.payload


def _suspend(gate: str, key: str, form: dict[str, Any]) -> dict[str, Any]:
    """Suspend under ``key`` until resumed with input; on the replay after the resume, that input.

    The Resume form's ``recorded_by`` is a choice among the people allowed at this gate: an ``enum``
    in the input's JSON schema, so the Prefect server itself refuses anyone else (and its UI never
    reports a refused answer as resumed)."""
    model = _with_recorders(gate_named(gate).input, [email for _, email in form["recorders"]])
    run_input = RunInput.subclass_from_base_model_type(model).with_initial_data(description=form["description"])
    timeout = get_settings().gate_timeout_days * 86400
    try:
        return suspend_flow_run(wait_for_input=run_input, key=key, timeout=timeout).model_dump(mode="json")
    except pydantic.ValidationError:
        # The server checks only the JSON schema; the model's own validators (e-mail addresses, …) run
        # here. The raw input then goes to the gatekeeper, which names every problem in the audit trail.
        keyset = keyset_from_paused_state(Suspended(pause_key=key))
        return read_flow_run_input(keyset["response"]) or {}


def _with_recorders(model: type[pydantic.BaseModel], emails: list[str]) -> type[pydantic.BaseModel]:
    """``model`` whose ``recorded_by`` may only be one of ``emails``."""
    field = model.model_fields["recorded_by"]
    return pydantic.create_model(
        model.__name__, __base__=model,
        recorded_by=(Literal[tuple(emails)], pydantic.Field(title=field.title, description=field.description)),
    )
