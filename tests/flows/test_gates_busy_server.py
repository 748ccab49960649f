"""A busy Prefect server can store a gate form's schema and still answer 503; Prefect's client asks again
and hears 409 ("a flow run input with this key already exists"). The run is suspended all the same, so
the gate ends the way suspend_flow_run ends (Pause) instead of failing the proposal's run — and only once
Prefect surely holds the form: CI saw a 503-then-409 leave a run Paused with no form stored, which no
resume could ever wake ("Run input schema not found")."""

from __future__ import annotations

from types import SimpleNamespace

import httpx
import pytest
from prefect.exceptions import Pause, PrefectHTTPStatusError
from prefect.input import keyset_from_paused_state
from prefect.states import Running, Suspended

import flows.gates as gates


def _http_error(status: int) -> PrefectHTTPStatusError:
    request = httpx.Request("POST", "http://prefect/api/flow_runs/x/input")
    response = httpx.Response(status, request=request, json={"detail": "A flow run input with this key already exists."})
    return PrefectHTTPStatusError.from_httpx_error(httpx.HTTPStatusError("conflict", request=request, response=response))


@pytest.fixture
def run_state(monkeypatch):
    """The state the server holds for the current flow run (set by each test)."""
    holder = SimpleNamespace(state=None)

    class Client:
        def __enter__(self):
            return self

        def __exit__(self, *exc):
            return False

        def read_flow_run(self, flow_run_id):
            return SimpleNamespace(id=flow_run_id, state=holder.state)

    monkeypatch.setattr(gates, "get_client", lambda sync_client: Client())
    monkeypatch.setattr(gates.FlowRunContext, "get", classmethod(lambda cls: SimpleNamespace(flow_run=SimpleNamespace(id="run-1"))))
    return holder


KEYSET = keyset_from_paused_state(Suspended(pause_key="advice-r1-a1"))


@pytest.fixture
def stored(monkeypatch):
    """Prefect's flow run inputs of the current run, as a dict (read and created through Prefect's input API)."""
    inputs: dict[str, object] = {}
    monkeypatch.setattr(gates, "read_flow_run_input", lambda key: inputs.get(key))

    def create(key, value):
        if key in inputs:
            raise _http_error(409)
        inputs[key] = value

    monkeypatch.setattr(gates, "create_flow_run_input", create)
    return inputs


@pytest.fixture
def form(stored):
    """The gate's Resume form as ``suspend_flow_run`` gets it: saving it stores the schema, then the description."""

    class Form:
        _description = "Følgegruppens rådgivning"

        @classmethod
        def save(cls, keyset):
            gates.create_flow_run_input(key=keyset["schema"], value={"title": "Form"})
            gates.create_flow_run_input(key=keyset["description"], value=cls._description)

    return Form


def test_a_conflict_on_a_run_already_suspended_at_the_key_ends_as_a_suspension(run_state, stored, form):
    run_state.state = Suspended(pause_key="advice-r1-a1")
    stored.update({KEYSET["schema"]: {"title": "Form"}, KEYSET["description"]: "Følgegruppens rådgivning"})
    with pytest.raises(Pause) as raised:
        gates._suspended_anyway(_http_error(409), "advice-r1-a1", form, KEYSET)
    assert raised.value.state is run_state.state


def test_a_conflict_that_left_no_form_stored_stores_it_before_the_run_ends_suspended(run_state, stored, form):
    run_state.state = Suspended(pause_key="advice-r1-a1")
    with pytest.raises(Pause):
        gates._suspended_anyway(_http_error(409), "advice-r1-a1", form, KEYSET)
    assert stored == {KEYSET["schema"]: {"title": "Form"}, KEYSET["description"]: "Følgegruppens rådgivning"}


def test_a_missing_description_alone_is_stored_again(stored, form):
    stored[KEYSET["schema"]] = {"title": "Form"}
    gates._form_stored(form, KEYSET)
    assert stored[KEYSET["description"]] == "Følgegruppens rådgivning"


@pytest.mark.parametrize("state", [Suspended(pause_key="advice-r1-a0"), Running(), None])
def test_a_conflict_anywhere_else_is_raised_as_it_came(run_state, stored, form, state):
    run_state.state = state
    error = _http_error(409)
    with pytest.raises(PrefectHTTPStatusError) as raised:
        gates._suspended_anyway(error, "advice-r1-a1", form, KEYSET)
    assert raised.value is error
    assert stored == {}


def test_other_errors_are_raised_as_they_came(run_state, stored, form):
    error = _http_error(500)
    with pytest.raises(PrefectHTTPStatusError) as raised:
        gates._suspended_anyway(error, "advice-r1-a1", form, KEYSET)
    assert raised.value is error
