"""A busy Prefect server can store a gate form's schema and still answer 503; Prefect's client asks again
and hears 409 ("a flow run input with this key already exists"). The run is suspended all the same, so
the gate ends the way suspend_flow_run ends (Pause) instead of failing the proposal's run."""

from __future__ import annotations

from types import SimpleNamespace

import httpx
import pytest
from prefect.exceptions import Pause, PrefectHTTPStatusError
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


def test_a_conflict_on_a_run_already_suspended_at_the_key_ends_as_a_suspension(run_state):
    run_state.state = Suspended(pause_key="advice-r1-a1")
    with pytest.raises(Pause) as raised:
        gates._suspended_anyway(_http_error(409), "advice-r1-a1")
    assert raised.value.state is run_state.state


@pytest.mark.parametrize("state", [Suspended(pause_key="advice-r1-a0"), Running(), None])
def test_a_conflict_anywhere_else_is_raised_as_it_came(run_state, state):
    run_state.state = state
    error = _http_error(409)
    with pytest.raises(PrefectHTTPStatusError) as raised:
        gates._suspended_anyway(error, "advice-r1-a1")
    assert raised.value is error


def test_other_errors_are_raised_as_they_came(run_state):
    error = _http_error(500)
    with pytest.raises(PrefectHTTPStatusError) as raised:
        gates._suspended_anyway(error, "advice-r1-a1")
    assert raised.value is error
