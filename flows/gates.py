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

from typing import Any

import pydantic
from prefect import get_client, suspend_flow_run
from prefect.context import FlowRunContext
from prefect.exceptions import Pause, PrefectHTTPStatusError
from prefect.input import RunInput, keyset_from_paused_state, read_flow_run_input
from prefect.states import Suspended

from core.settings import get_settings
from dmpg.gatekeeper import gate_key, next_attempt
from forms.gates import gate as gate_named
from forms.resume_form import form_model, from_form_values
from models import ledger
from tasks.board import show_waiting
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
        show_waiting(proposal_id)
        answer = take_answer(proposal_id, gate, round, attempt, _suspend(gate, key, form))
        if answer.accepted:
            return answer.decision
    return decided.payload


def _suspend(gate: str, key: str, form: dict[str, Any]) -> dict[str, Any]:
    """Suspend under ``key`` until resumed with input; on the replay after the resume, that input as
    the gate's input (``forms.resume_form``: the Resume form speaks Danish and offers only the people
    allowed at the gate, so the Prefect server itself refuses anyone else)."""
    g = gate_named(gate)
    model = form_model(g, [tuple(person) for person in form["recorders"]])
    run_input = RunInput.subclass_from_base_model_type(model).with_initial_data(description=form["description"])
    timeout = get_settings().gate_timeout_days * 86400
    try:
        received = suspend_flow_run(wait_for_input=run_input, key=key, timeout=timeout).model_dump(mode="json")
    except pydantic.ValidationError:
        # The server checks only the JSON schema; the model's own validators run here. The raw input
        # then goes to the gatekeeper, which names every problem in the audit trail.
        keyset = keyset_from_paused_state(Suspended(pause_key=key))
        received = read_flow_run_input(keyset["response"]) or {}
    except PrefectHTTPStatusError as exc:
        _suspended_anyway(exc, key)
    return from_form_values(g, received)


def _suspended_anyway(exc: PrefectHTTPStatusError, key: str) -> None:
    """A busy server can store the gate form's schema and still answer 503; Prefect's client asks again
    and is told the schema exists (409). The run is suspended all the same: end the way
    ``suspend_flow_run`` ends. Anything else is raised as it came."""
    if exc.response.status_code != 409:
        raise exc
    with get_client(sync_client=True) as client:
        state = client.read_flow_run(FlowRunContext.get().flow_run.id).state
    if state is None or not state.is_paused() or state.state_details.pause_key != key:
        raise exc
    raise Pause(state=state) from None
