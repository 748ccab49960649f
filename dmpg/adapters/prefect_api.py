"""Talking to the Prefect server from our own processes (CLI, decision page): its public REST API over
httpx, the few calls we need, without importing Prefect (that alone takes seconds, and every
``dmpg`` command would pay for it).

The server is ``PREFECT_API_URL`` when set (a production server), else the local stack's. When the
API is locked (``PREFECT_API_AUTH_STRING``), requests carry it as HTTP Basic auth, as Prefect's own
client does; with the server's CSRF protection on, state-changing requests carry a CSRF token from
``/csrf-token``. A server that does not answer is :class:`PrefectUnavailable` — one clear line.
"""

from __future__ import annotations

import base64
import logging
import os
import threading
import time
import uuid
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from core import clock
from core.errors import UserError
from core.settings import get_settings

log = logging.getLogger(__name__)

LIFECYCLE_DEPLOYMENT = "dmpg-proposal/dmpg-proposal"
MEETING_PACK_DEPLOYMENT = "dmpg-meeting-pack/dmpg-meeting-pack"
RETRY_STATUSES = (429, 502, 503)
PAGE = 200  # the server's largest page of flow runs
EVENTS_PAGE = 50  # ... and of events
RETRY_WAITS = (0.05, 0.1, 0.2, 0.4, 0.8, 1.6, 2.0, 2.0, 2.0, 2.0)  # about 11 s in all
# A burst of work can keep a SQLite Prefect server busy for a minute or more: a call that is safe to
# repeat (every read; a flow run with an idempotency key) waits it out rather than fail.
BUSY_PATIENCE = 120.0
SCHEMA_PATIENCE = 15.0  # how long a just-suspended run may take to store its Resume form (stored_form)


class PrefectUnavailable(UserError):
    """The Prefect API did not answer (or refused our credentials)."""

    exit_code = 3


@dataclass(frozen=True)
class RunState:
    """What we need of a flow run's state: its type and name, the pause key while suspended; ``id`` and
    ``since`` (the state's own id and when the run entered it) for recovery."""

    type: str            # SCHEDULED, PENDING, RUNNING, PAUSED, COMPLETED, FAILED, CRASHED, CANCELLED, ...
    name: str
    pause_key: str | None
    message: str
    id: str = ""
    since: datetime | None = None
    input_keys: dict[str, str] | None = None  # a suspension's run-input keys: schema, response, description

    @property
    def paused(self) -> bool:
        return self.type == "PAUSED"

    @property
    def final(self) -> bool:
        return self.type in ("COMPLETED", "FAILED", "CRASHED", "CANCELLED")

    @property
    def form_key(self) -> str | None:
        """The key of the Resume form's schema a suspension waiting for input has Prefect store (None: none)."""
        return (self.input_keys or {}).get("schema")

    @classmethod
    def of(cls, flow_run: dict[str, Any]) -> RunState:
        """The state of a flow run as the API returns it."""
        state = flow_run.get("state") or {}
        details = state.get("state_details") or {}
        since = datetime.fromisoformat(state["timestamp"]) if state.get("timestamp") else None
        return cls(state.get("type", ""), state.get("name", ""), details.get("pause_key"),
                   state.get("message") or "", state.get("id") or "", since, details.get("run_input_keyset"))


def api_url() -> str:
    """``PREFECT_API_URL`` when set, else the local stack's API."""
    return (os.environ.get("PREFECT_API_URL") or get_settings().local_api_url).rstrip("/")


def auth_string() -> str | None:
    """The API's auth string: ``PREFECT_API_AUTH_STRING`` when set, else the local stack's (``dmpg up``)."""
    return os.environ.get("PREFECT_API_AUTH_STRING") or get_settings().local_api_auth_string()


class PrefectAPI:
    """A short-lived connection to the Prefect REST API (use as a context manager)."""

    # One request may wait this long; a busy server (the local stack's SQLite Prefect lets a writer wait
    # 60 s for its lock) is then asked again for as long as the call's patience allows (``_request``).
    def __init__(self, url: str | None = None, auth: str | None = None, timeout: float = 30.0):
        # lazy: the Prefect adapter: httpx (0.2 s) only when Prefect is called
        import httpx

        self.url = url or api_url()
        headers = {}
        if auth := (auth if auth is not None else auth_string()):
            headers["Authorization"] = "Basic " + base64.b64encode(auth.encode()).decode()
        self._http = httpx.Client(base_url=self.url, headers=headers, timeout=timeout, trust_env=False)
        self._csrf_client = str(uuid.uuid4())
        self._csrf_token: str | None = None
        self._csrf_lock = threading.Lock()  # one token per connection, also when threads share it

    def __enter__(self) -> PrefectAPI:
        return self

    def __exit__(self, *exc: object) -> None:
        self._http.close()

    # --- plumbing -----------------------------------------------------------------------------------

    def _request(self, method: str, path: str, json: Any = None, *, missing_ok: bool = False,
                 patience: float | None = None) -> Any:
        """The call's JSON answer; ``missing_ok``: None for a 404 instead of an error. ``patience``: for a
        call that is safe to repeat, how many seconds to keep trying while the server is reachable but
        too busy to answer (timeouts, 503s); by default ``BUSY_PATIENCE`` for a read (GET), none for a
        change. A server that cannot be reached is reported at once."""
        if patience is None:
            patience = BUSY_PATIENCE if method == "GET" else 0.0
        headers = {}
        if method != "GET" and self._csrf_token is not False:
            headers = self._csrf_headers(patience)
        response = self._send(method, path, json=json, headers=headers, patience=patience)
        if response.status_code == 401:
            raise PrefectUnavailable(f"the Prefect API at {self.url} refused our credentials (401); set "
                                     "PREFECT_API_AUTH_STRING to the server's auth string")
        if response.status_code == 404 and missing_ok:
            return None
        if response.status_code >= 400:
            detail = response.text[:300].replace("\n", " ")
            raise UserError(f"the Prefect API answered {response.status_code} to {method} {path}: {detail}",
                            exit_code=3)
        return response.json() if response.content else None

    def _send(self, method: str, path: str, *, patience: float, **kwargs: Any) -> Any:
        """The server's response (an ``httpx.Response``), after the retries of a busy server (see
        ``_request``); ``PrefectUnavailable`` when there is none."""
        # lazy: the Prefect adapter: httpx (0.2 s) only when Prefect is called
        import httpx

        deadline = time.monotonic() + patience
        while True:
            for wait in (*RETRY_WAITS, None):
                try:
                    response = self._http.request(method, path, **kwargs)
                except httpx.TimeoutException as exc:
                    if time.monotonic() >= deadline:
                        raise self._unavailable(exc) from None
                    response = None
                    break
                except httpx.HTTPError as exc:
                    raise self._unavailable(exc) from None
                # The server answers 503 when its database is briefly busy ("database is locked" on SQLite)
                # and rolls the request back: try again, as Prefect's own client does.
                if response.status_code not in RETRY_STATUSES or wait is None:
                    break
                time.sleep(_retry_after(response) or wait)
            if response is not None and (response.status_code not in RETRY_STATUSES or time.monotonic() >= deadline):
                return response
            log.warning("the Prefect API at %s is busy (%s %s); trying again", self.url, method, path)

    def _unavailable(self, exc: Exception) -> PrefectUnavailable:
        return PrefectUnavailable(f"cannot reach the Prefect API at {self.url} ({type(exc).__name__}); start the "
                                  "local stack with 'dmpg up' or set PREFECT_API_URL")

    def _csrf_headers(self, patience: float = 0.0) -> dict[str, str]:
        with self._csrf_lock:
            if self._csrf_token is None:
                response = self._send("GET", "/csrf-token", params={"client": self._csrf_client}, patience=patience)
                # 422 "CSRF protection is disabled": the server wants no token.
                self._csrf_token = response.json()["token"] if response.status_code == 200 else False
        if not self._csrf_token:
            return {}
        return {"Prefect-Csrf-Token": self._csrf_token, "Prefect-Csrf-Client": self._csrf_client}

    # --- calls --------------------------------------------------------------------------------------

    def healthy(self) -> bool:
        try:
            return self._request("GET", "/health") is True
        except UserError:
            return False

    def run_state(self, flow_run_id: str) -> RunState:
        return RunState.of(self._request("GET", f"/flow_runs/{flow_run_id}"))

    def resume(self, flow_run_id: str, run_input: dict[str, Any]) -> str:
        """Prefect's resume (as the UI's Resume button): ``ACCEPT``, ``REJECT`` or ``ABORT``."""
        return self.resume_outcome(flow_run_id, run_input)[0]

    def resume_outcome(self, flow_run_id: str, run_input: dict[str, Any]) -> tuple[str, str]:
        """Prefect's resume and the server's reason: ``("ACCEPT", "")``; ``("ABORT", why)`` when the run
        was not suspended any more (someone resumed it first); ``("REJECT", why)`` when the stored form's
        schema refused the input. A rejection is logged as such: it is never a resumed run."""
        result = self._request("POST", f"/flow_runs/{flow_run_id}/resume", json={"run_input": run_input})
        status = str(result.get("status", "")).upper()
        reason = str((result.get("details") or {}).get("reason") or "")
        if status == "REJECT":
            log.error("Prefect refused to resume flow run %s (not woken): %s", flow_run_id, reason or result)
        return status, reason

    def stored_form(self, flow_run_id: str, state: RunState) -> dict[str, Any] | None:
        """The JSON schema of the Resume form Prefect stored when the run suspended into ``state`` (the
        schema a resume is checked against, whichever release wrote it); None when it has none."""
        key = state.form_key
        if not key:
            return None
        # Prefect saves the form's schema just after the run turns Paused (prefect.flow_runs.suspend_flow_run),
        # and refuses a resume in between ("Run input schema not found"): a run that has just suspended is
        # given a moment to finish. One that suspended longer ago is answered at once.
        age = (clock.wall() - state.since).total_seconds() if state.since else 0.0
        deadline = time.monotonic() + max(0.0, SCHEMA_PATIENCE - age)
        while True:
            stored = self._request("GET", f"/flow_runs/{flow_run_id}/input/{key}", missing_ok=True)
            if isinstance(stored, dict) or time.monotonic() >= deadline:
                return stored if isinstance(stored, dict) else None
            time.sleep(0.1)

    def resume_if_waiting(self, flow_run_id: str, key_prefix: str, run_input: dict[str, Any]) -> bool:
        """Resume the run with ``run_input`` when it is suspended at a key starting with ``key_prefix``;
        True when this call resumed it."""
        state = self.run_state(flow_run_id)
        if not (state.paused and (state.pause_key or "").startswith(key_prefix)):
            return False
        return self.resume(flow_run_id, run_input) == "ACCEPT"

    def flow_runs(self, filters: dict[str, Any], limit: int = 200) -> list[dict[str, Any]]:
        """Flow runs matching Prefect's filter body (``{"flow_runs": {...}, "deployments": {...}}``)."""
        return self._request("POST", "/flow_runs/filter", json={**filters, "limit": limit})

    def deployment(self, name: str) -> dict[str, Any] | None:
        """The deployment ``flow/deployment`` (with ``work_pool_name``), or None when the server has none."""
        return self._request("GET", f"/deployments/name/{name}", missing_ok=True)

    def deployment_id(self, name: str = LIFECYCLE_DEPLOYMENT) -> str:
        found = self.deployment(name)
        if found is None:
            raise UserError(
                f"the deployment {name} is not served by the Prefect server at {self.url}; start the local "
                "stack with 'dmpg up' (or run workers for the deployments in prefect.yaml)", exit_code=3)
        return found["id"]

    def create_flow_run(self, deployment_id: str, *, parameters: dict[str, Any], name: str,
                        tags: list[str], scheduled_time: datetime | None = None,
                        idempotency_key: str | None = None) -> dict[str, Any]:
        """A flow run of the deployment: now, or ``Scheduled`` for ``scheduled_time`` (aware). With
        ``idempotency_key`` the server returns the run made earlier with that key instead of a new one,
        so the call is repeated for up to ``BUSY_PATIENCE`` seconds while the server is busy."""
        body: dict[str, Any] = {"parameters": parameters, "name": name, "tags": tags}
        if scheduled_time is not None:
            body["state"] = {"type": "SCHEDULED", "name": "Scheduled",
                             "state_details": {"scheduled_time": scheduled_time.isoformat()}}
        if idempotency_key:
            body["idempotency_key"] = idempotency_key
        return self._request("POST", f"/deployments/{deployment_id}/create_flow_run", json=body,
                             patience=BUSY_PATIENCE if idempotency_key else 0.0)

    def cancel(self, flow_run_id: str, message: str) -> None:
        """Cancel a flow run that has not started (a scheduled run no longer needed)."""
        self._request("POST", f"/flow_runs/{flow_run_id}/set_state",
                      json={"state": {"type": "CANCELLED", "name": "Cancelled", "message": message}, "force": True})

    def flow_run(self, flow_run_id: str) -> dict[str, Any]:
        return self._request("GET", f"/flow_runs/{flow_run_id}")

    # --- what recovery needs (dmpg.services.recovery) ---------------------------------------------------------

    def run_states(self, flow_run_ids: Iterable[str]) -> dict[str, RunState]:
        """The current state of each of these flow runs by id (ids the server does not know are left out)."""
        ids = list(dict.fromkeys(flow_run_ids))
        found: dict[str, RunState] = {}
        for start in range(0, len(ids), PAGE):
            page = ids[start:start + PAGE]
            for run in self.flow_runs({"flow_runs": {"id": {"any_": page}}}, limit=PAGE):
                found[run["id"]] = RunState.of(run)
        return found

    def heartbeats_since(self, flow_run_ids: Iterable[str], since: datetime) -> set[str]:
        """Those of these flow runs that sent a heartbeat event (``PREFECT_FLOWS_HEARTBEAT_FREQUENCY``)
        at or after ``since``: their process is alive."""
        ids = list(dict.fromkeys(flow_run_ids))
        alive: set[str] = set()
        for start in range(0, len(ids), EVENTS_PAGE):
            resources = [f"prefect.flow-run.{i}" for i in ids[start:start + EVENTS_PAGE]]
            page = self._request("POST", "/events/filter", json={"limit": EVENTS_PAGE, "filter": {
                "occurred": {"since": since.isoformat()},
                "event": {"name": ["prefect.flow-run.heartbeat"]},
                "resource": {"id": resources, "distinct": True},
            }})
            alive |= {e["resource"]["prefect.resource.id"].removeprefix("prefect.flow-run.") for e in page["events"]}
        return alive

    def reschedule(self, flow_run_id: str, expected_state_id: str, why: str) -> bool:
        """Put the run back in Scheduled so a runner or worker starts it again from the top, if it is still
        in the state ``expected_state_id`` (False otherwise: someone else moved it meanwhile). A run left
        Pending or Running by a dead process is marked Crashed first, with ``why``, so the Prefect UI shows
        what happened."""
        state = self.run_state(flow_run_id)
        if state.id != expected_state_id:
            return False
        if state.type in ("PENDING", "RUNNING"):
            self._set_state(flow_run_id, "CRASHED", "Crashed", why)
        return self._set_state(flow_run_id, "SCHEDULED", "Scheduled", f"Rescheduled by DMPG recovery: {why}") == "ACCEPT"

    def _set_state(self, flow_run_id: str, type_: str, name: str, message: str) -> str:
        # force: a crashed run may only be moved on by an operator's decision, which this is.
        result = self._request("POST", f"/flow_runs/{flow_run_id}/set_state", json={
            "state": {"type": type_, "name": name, "message": message[:500]}, "force": True})
        return str(result.get("status", "")).upper()


def _retry_after(response: Any) -> float | None:
    try:
        return min(float(response.headers.get("Retry-After", "")), 5.0)
    except ValueError:
        return None


def resume_if_waiting(flow_run_id: str, key_prefix: str, run_input: dict[str, Any],
                      api: PrefectAPI | None = None) -> bool:
    """Resume the run with ``run_input`` when it is suspended at a key starting with ``key_prefix``;
    True when this call resumed it. ``api``: a connection to reuse (many resumes in a row)."""
    if api is None:
        with PrefectAPI() as own:
            return own.resume_if_waiting(flow_run_id, key_prefix, run_input)
    return api.resume_if_waiting(flow_run_id, key_prefix, run_input)
