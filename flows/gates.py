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

from collections.abc import Callable
from typing import Any

import pydantic
from prefect import get_client, suspend_flow_run
from prefect.context import FlowRunContext
from prefect.exceptions import Pause, PrefectHTTPStatusError
from prefect.input import Keyset, RunInput, create_flow_run_input, keyset_from_paused_state, read_flow_run_input
from prefect.states import Suspended

from core.settings import get_settings
from dmpg.services.gatekeeper import gate_key, next_attempt
from forms.gates import gate as gate_named
from forms.resume_form import form_model, from_form_values
from models import ledger
from tasks.board import show_waiting
from tasks.lifecycle import close_rearmed, open_gate, take_answer


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
        received = _suspend(gate, key, form)
        if close_rearmed(proposal_id, gate, round, attempt, received):
            continue  # the sweep re-armed the gate: wait again, with today's Resume form
        answer = take_answer(proposal_id, gate, round, attempt, from_form_values(gate_named(gate), received))
        if answer.accepted:
            return answer.decision
    return decided.payload


def _suspend(gate: str, key: str, form: dict[str, Any]) -> dict[str, Any]:
    """Suspend under ``key`` until resumed with input; on the replay after the resume, the input exactly as
    Prefect stored it (the Resume form's values: ``forms.resume_form`` — Danish labels, the people allowed
    at the gate). Read raw, because the run may have suspended under an older release whose form today's
    model no longer reads, and because a re-arming wake-up is recognised by its exact values."""
    g = gate_named(gate)
    model = form_model(g, [tuple(person) for person in form["recorders"]])
    run_input = RunInput.subclass_from_base_model_type(model).with_initial_data(description=form["description"])
    timeout = get_settings().gate_timeout_days * 86400
    keyset = keyset_from_paused_state(Suspended(pause_key=key))
    try:
        suspend_flow_run(wait_for_input=run_input, key=key, timeout=timeout)
    except pydantic.ValidationError as exc:
        if exc.title == "FlowRunInput":
            raise  # Prefect refused to store the form itself: a gate declared against its rules
        # The answer: the server checks only the JSON schema; the gatekeeper names every problem of the raw input.
    except PrefectHTTPStatusError as exc:
        _suspended_anyway(exc, key, run_input, keyset)
    except Pause:
        _form_stored(run_input, keyset)
        raise
    received = read_flow_run_input(keyset["response"])
    if received is None:
        _still_suspended(key, run_input, keyset)  # resumed without input is impossible for an input-waiting gate
    return received or {}


def _form_stored(run_input: type[RunInput], keyset: Keyset) -> None:
    """Make sure Prefect holds the Resume form of the suspension ``keyset``: its schema (without which every
    resume is refused, "Run input schema not found") and its description. Prefect stores them after the run
    has turned Paused; on a busy server a run has been seen to end Paused with nothing stored (most likely a
    store answered 503 and then 409, "already exists"), and such a run could never be resumed. Stores what
    is missing."""
    if read_flow_run_input(keyset["schema"]) is None:
        _unless_stored(lambda: run_input.save(keyset))  # the schema, then the description
    description = run_input._description  # noqa: SLF001 - RunInput keeps the description it was given here
    if isinstance(description, str) and read_flow_run_input(keyset["description"]) is None:
        _unless_stored(lambda: create_flow_run_input(key=keyset["description"], value=description))


def _unless_stored(store: Callable[[], None]) -> None:
    """Store a run input; a 409 means an earlier try (one answered 503) stored it already."""
    try:
        store()
    except PrefectHTTPStatusError as exc:
        if exc.response.status_code != 409:
            raise


def _still_suspended(key: str, run_input: type[RunInput], keyset: Keyset) -> None:
    """``suspend_flow_run`` came back without an answer stored under ``key``. Prefect hands a run back only when
    the key was answered, but a run started by a runner that hands it the flow function by value has been seen
    to come back right after suspending. When the run is suspended at ``key``, end the way ``suspend_flow_run``
    ends (never judge an empty answer); otherwise there is nothing to wait for, and the gatekeeper names it."""
    state = _current_state()
    if state is not None and state.is_paused() and state.state_details.pause_key == key:
        _form_stored(run_input, keyset)
        raise Pause(state=state)


def _suspended_anyway(exc: PrefectHTTPStatusError, key: str, run_input: type[RunInput], keyset: Keyset) -> None:
    """A busy server can store the gate form's schema and still answer 503; Prefect's client asks again
    and is told the schema exists (409). The run is suspended all the same: end the way
    ``suspend_flow_run`` ends, once the form is surely stored. Anything else is raised as it came."""
    if exc.response.status_code != 409:
        raise exc
    state = _current_state()
    if state is None or not state.is_paused() or state.state_details.pause_key != key:
        raise exc
    _form_stored(run_input, keyset)
    raise Pause(state=state) from None


def _current_state() -> Any:
    with get_client(sync_client=True) as client:
        return client.read_flow_run(FlowRunContext.get().flow_run.id).state
