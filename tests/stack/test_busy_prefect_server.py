"""A Prefect server that is reachable but too busy to answer (503s, answers slower than the client waits)
is waited out by calls that are safe to repeat — a submission's flow run carries an idempotency key —
and reported at once when it cannot be reached at all. A real HTTP server on loopback plays the busy one."""

from __future__ import annotations

import json
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest

from dmpg.adapters import prefect_api
from dmpg.adapters.prefect_api import PrefectAPI, PrefectUnavailable


class BusyServer(ThreadingHTTPServer):
    """Answers POSTs with the next of ``script`` ("503", "slow" = 2 s late, "201"), recording each body;
    the first ``slow_tokens`` GETs come 2 s late."""

    def __init__(self, script: list[str], slow_tokens: int = 0):
        self.script, self.bodies, self.slow_tokens = list(script), [], slow_tokens
        super().__init__(("127.0.0.1", 0), Handler)

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.server_address[1]}/api"


class Handler(BaseHTTPRequestHandler):
    def log_message(self, *args):  # quiet
        pass

    def _answer(self, status: int, body: dict) -> None:
        data = json.dumps(body).encode()
        self.send_response(status)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        self.wfile.write(data)

    def do_GET(self):  # the CSRF token, or a flow run
        if self.server.slow_tokens:
            self.server.slow_tokens -= 1
            time.sleep(2)
        if self.path.startswith("/api/csrf-token"):
            self._answer(422, {"detail": "CSRF protection is disabled."})
        else:
            self._answer(200, {"id": "run-1"})

    def do_POST(self):
        self.server.bodies.append(json.loads(self.rfile.read(int(self.headers["Content-Length"]))))
        step = self.server.script.pop(0) if self.server.script else "201"
        if step == "slow":
            time.sleep(2)
            step = "201"
        if step == "503":
            self._answer(503, {"exception_message": "Service Unavailable"})
        else:
            self._answer(201, {"id": "run-1", "name": "DMPG-2026-001-x"})


@pytest.fixture
def busy(request):
    script, slow_tokens = request.param if isinstance(request.param, tuple) else (request.param, 0)
    server = BusyServer(script, slow_tokens)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield server
    server.shutdown()
    server.server_close()


@pytest.fixture(autouse=True)
def _quick_retries(monkeypatch):
    monkeypatch.setattr(prefect_api, "RETRY_WAITS", (0.01, 0.01))
    monkeypatch.setattr(prefect_api, "BUSY_PATIENCE", 10.0)


@pytest.mark.parametrize("busy", [["503"] * 8 + ["slow", "503", "201"]], indirect=True)
def test_a_flow_run_with_an_idempotency_key_waits_out_a_busy_server_asking_with_the_same_key(busy):
    with PrefectAPI(busy.url, auth="", timeout=0.5) as api:
        run = api.create_flow_run("dep", parameters={}, name="x", tags=[], idempotency_key="DMPG-2026-001/k")
    assert run["id"] == "run-1"
    assert len(busy.bodies) == 11 and {b["idempotency_key"] for b in busy.bodies} == {"DMPG-2026-001/k"}


@pytest.mark.parametrize("busy", [(["201"], 2)], indirect=True)
def test_the_csrf_token_of_a_submission_is_waited_for_too(busy):
    with PrefectAPI(busy.url, auth="", timeout=0.5) as api:
        run = api.create_flow_run("dep", parameters={}, name="x", tags=[], idempotency_key="DMPG-2026-001/k")
    assert run["id"] == "run-1" and len(busy.bodies) == 1


@pytest.mark.parametrize("busy", [["503"] * 8], indirect=True)
def test_a_call_that_is_not_safe_to_repeat_gives_up_after_the_usual_retries(busy):
    with PrefectAPI(busy.url, auth="", timeout=0.5) as api, pytest.raises(prefect_api.UserError, match="503"):
        api.create_flow_run("dep", parameters={}, name="x", tags=[])
    assert len(busy.bodies) == 3  # the first try and two retries


def test_a_server_that_cannot_be_reached_is_reported_at_once():
    t = time.monotonic()
    with PrefectAPI("http://127.0.0.1:9/api", auth="", timeout=0.5) as api, pytest.raises(PrefectUnavailable, match="dmpg up"):
        api.create_flow_run("dep", parameters={}, name="x", tags=[], idempotency_key="k")
    assert time.monotonic() - t < prefect_api.BUSY_PATIENCE  # no waiting out a server that is not there


@pytest.mark.parametrize("busy", [(["201"], 2)], indirect=True)
def test_a_read_waits_out_a_busy_server(busy):
    """Every read is safe to repeat: a GET that times out is asked again (here two answers come late)."""
    with PrefectAPI(busy.url, auth="", timeout=0.5) as api:
        assert api.flow_run("run-1")["id"] == "run-1"
    assert busy.slow_tokens == 0
