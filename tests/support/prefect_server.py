"""A Prefect server as a child process of the tests, on a database of their choosing (PostgreSQL in
the topology suite), with the API behind an auth string as in production.

Contract:
- ``PrefectServer(home, database_url, settings=None)``: nothing runs yet. ``home`` holds
  ``PREFECT_HOME`` and ``server.log``; ``settings`` are extra ``PREFECT_*`` variables for the server
  (e.g. a shorter scheduler loop). The auth string is ``admin:<random>``.
- ``start(timeout)`` spawns ``python -m prefect server start`` on a free loopback port in its own
  process group and returns once ``/api/health`` answers; a server that exits or is not healthy
  in time is a ``RuntimeError`` with the log's last lines (and is stopped). ``stop()`` ends it
  (SIGTERM, then SIGKILL). A stopped server can be started again on the same database.
  ``running()`` is start/stop as a context manager.
- ``request(method, path, json=None, auth=True) -> httpx.Response`` calls ``<api_url><path>``
  with the auth string (``auth=False``: without; a string: with that one instead). ``client_env()`` is what a client or worker process needs
  (``PREFECT_API_URL``, ``PREFECT_API_AUTH_STRING``, its own ``PREFECT_HOME``). ``prefect(*args)``
  runs the ``prefect`` command line with the server's own environment (``server database
  upgrade -y`` acts on the server's database).
- ``log_since_start()``, ``problems()``: the log of the current (or last) run and the tracebacks
  and ERROR/CRITICAL records in it. The server logs at INFO, so each pass of a service
  (e.g. the scheduler's "Scheduled N runs.") shows in the log.

The caller's ``PREFECT_*`` and ``DMPG_*`` variables never reach the server: the session's local
stack sets some in this process, and the server must not talk to, or store under, anything else.
"""

from __future__ import annotations

import os
import re
import secrets
import subprocess
import sys
import time
from collections.abc import Callable, Iterator, Mapping
from contextlib import contextmanager
from pathlib import Path
from typing import TypeVar

import httpx

from dmpg.adapters import stack_procs as procs
from dmpg.adapters.stack_net import LOOPBACK, api_healthy, free_port

START_TIMEOUT = 180.0  # a hang guard: the first start migrates a new database (about 15 s here)
_PROBLEM = re.compile(r"Traceback \(most recent call last\)|\|\s*(?:ERROR|CRITICAL)\s*\||^(?:ERROR|CRITICAL):", re.M)
# The first line of a log record: Prefect's "12:00:00.123 | LEVEL | ..." or uvicorn's "INFO:     ...".
T = TypeVar("T")
_RECORD = re.compile(r"^(?:\d\d:\d\d:\d\d\.\d+ \||[A-Z]+: )", re.M)


def wait_until(predicate: Callable[[], T], timeout: float, interval: float = 0.2) -> T:
    """Poll ``predicate`` until it is true or ``timeout`` seconds have passed; returns its last answer.
    A hang guard for something that happens in the background, never a timing assertion."""
    deadline = time.monotonic() + timeout
    while not (answer := predicate()):
        if time.monotonic() > deadline:
            return predicate()
        time.sleep(interval)
    return answer


def child_env(extra: Mapping[str, str]) -> dict[str, str]:
    """This process's environment without ``PREFECT_*``/``DMPG_*``, plus ``extra``: a clean start for
    a Prefect process (server, worker, client) of the tests."""
    env = {k: v for k, v in os.environ.items() if not k.startswith(("PREFECT_", "DMPG_"))}
    return {**env, **extra}


class PrefectServer:
    """One Prefect server child process (see the module docstring)."""

    def __init__(self, home: Path, database_url: str, settings: Mapping[str, str] | None = None) -> None:
        self.home = Path(home)
        self.database_url = database_url
        self.port = free_port()
        self.auth_string = f"admin:{secrets.token_urlsafe(16)}"
        self.log = self.home / "server.log"
        self._settings = dict(settings or {})
        self._proc: subprocess.Popen | None = None
        self._log_offset = 0

    @property
    def api_url(self) -> str:
        return f"http://{LOOPBACK}:{self.port}/api"

    def server_env(self) -> dict[str, str]:
        """The server's whole environment."""
        return child_env({
            "PREFECT_HOME": str(self.home / "prefect"),
            "PREFECT_SERVER_DATABASE_CONNECTION_URL": self.database_url,
            "PREFECT_SERVER_API_HOST": LOOPBACK,
            "PREFECT_SERVER_API_PORT": str(self.port),
            "PREFECT_SERVER_API_AUTH_STRING": self.auth_string,
            "PREFECT_SERVER_ANALYTICS_ENABLED": "false",
            "PREFECT_SERVER_UI_ENABLED": "false",  # the API is what these tests use
            "PREFECT_SERVER_LOGGING_LEVEL": "INFO",
            **self._settings,
        })

    def client_env(self, home: Path | None = None) -> dict[str, str]:
        """The variables a client or worker process of this server needs (its own PREFECT_HOME)."""
        return {
            "PREFECT_API_URL": self.api_url,
            "PREFECT_API_AUTH_STRING": self.auth_string,
            "PREFECT_HOME": str(home or self.home / "client"),
        }

    # ---- lifecycle -------------------------------------------------------------------------------

    def start(self, timeout: float = START_TIMEOUT) -> PrefectServer:
        if self._proc is not None:
            raise RuntimeError("the Prefect server is already running")
        argv = [sys.executable, "-m", "prefect", "server", "start", "--host", LOOPBACK, "--port", str(self.port)]
        self._proc, self._log_offset = procs.spawn(argv, self.server_env(), self.log, cwd=self.home)
        deadline = time.monotonic() + timeout
        while not api_healthy(self.api_url):
            if self._proc.poll() is not None or time.monotonic() > deadline:
                why = f"exited with {self._proc.returncode}" if self._proc.poll() is not None else f"not healthy in {timeout:.0f} s"
                self.stop()
                raise RuntimeError(f"the Prefect server {why}; {self.log}:\n{procs.log_tail(self.log, 40, self._log_offset)}")
            time.sleep(0.2)
        return self

    def stop(self) -> None:
        proc, self._proc = self._proc, None
        if proc is not None:
            procs.stop_groups([proc.pid], grace=15.0)
            proc.wait(timeout=10)

    @contextmanager
    def running(self, timeout: float = START_TIMEOUT) -> Iterator[PrefectServer]:
        self.start(timeout)
        try:
            yield self
        finally:
            self.stop()

    # ---- talking to it ---------------------------------------------------------------------------

    def request(self, method: str, path: str, json: object = None, auth: bool | str = True) -> httpx.Response:
        """One API call (``path`` below ``/api``) with the server's auth string; ``auth=False``: none,
        ``auth="user:password"``: that one instead."""
        auth_string = self.auth_string if auth is True else auth or None
        credentials = tuple(auth_string.split(":", 1)) if auth_string else None
        with httpx.Client(base_url=self.api_url, trust_env=False, timeout=30) as client:
            return client.request(method, path.lstrip("/"), json=json, auth=credentials)

    def prefect(self, *args: str, timeout: float = 300) -> subprocess.CompletedProcess:
        """``prefect <args>`` in the server's environment (its database, its PREFECT_HOME)."""
        return subprocess.run([sys.executable, "-m", "prefect", *args], env=self.server_env(), cwd=self.home,
                              capture_output=True, text=True, timeout=timeout, stdin=subprocess.DEVNULL)

    # ---- its log ---------------------------------------------------------------------------------

    def log_since_start(self) -> str:
        return procs.log_text(self.log, self._log_offset)

    def problems(self) -> list[str]:
        """Each ERROR/CRITICAL record or traceback of the current run, whole (up to the next record)."""
        text = self.log_since_start()
        found: list[str] = []
        end = 0
        for match in _PROBLEM.finditer(text):
            if match.start() < end:
                continue  # the traceback of a record already taken
            start = text.rfind("\n", 0, match.start()) + 1
            following = _RECORD.search(text, match.end())
            end = following.start() if following else len(text)
            found.append(text[start:end].rstrip())
        return found
