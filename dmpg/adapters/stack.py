"""The local stack behind ``dmpg up`` / ``dmpg down``: a Prefect server with its UI, the flow runner
(``python -m flows.serve``), the local SMTP mail sink (``python -m dmpg.adapters.sink``), the outbox
deliverer and the recovery sweep (``python -m dmpg.interfaces.sweep --local-stack``), all under ``DMPG_HOME`` and on
the ports of the settings, so a test run's stack and a user's run side by side.

Contract for callers (CLI, tests, ``dmpg demo``):

- ``LocalStack(settings=None, children=None)``: ``start(timeout) -> StartReport`` starts what is not
  already running and returns when every child is ready; ``stop() -> list[Stopped]`` stops exactly
  what was started (by the pid files); ``is_running()``; ``status() -> dict``; ``env()`` the
  variables the children get; ``client_env()`` the subset a client process (tests, CLI) needs.
- ``revive(timeout) -> list[str]`` starts again the children that died on their own (what systemd's
  ``Restart=`` does in production; the sweep calls it); ``started_at(name)`` when a child last started.

State, all under ``settings.run_dir``: ``<name>.pid`` (the pid, which is also the child's process
group), ``<name>.log`` (appended, never truncated), ``stack.json`` (ports, addresses, start times and
kernel start ticks so a reused pid is never taken for ours). Only loopback addresses are used.

Only the standard library is imported here: Prefect is started as a child, never imported.
"""

from __future__ import annotations

import fcntl
import importlib.util
import json
import math
import os
import re
import secrets
import sys
import time
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from subprocess import Popen

from core import clock
from core.errors import UserError
from core.private import Tightened, make_private_dir, private_umask, tighten
from core.secrets import read_or_create
from core.settings import PROJECT_ROOT, Settings, get_settings
from dmpg.adapters import stack_net as net
from dmpg.adapters import stack_procs as procs

SERVER, SINK, RUNNER, DELIVERER, WEB, SWEEP = "server", "sink", "runner", "deliverer", "web", "sweep"
STATE_FILE = "stack.json"
DEFAULT_TIMEOUT = 180.0  # server 10-20 s and runner ~10 s here, more on a busy machine
# Prefect's serve() prints the first; a custom runner may print the second once it polls.
RUNNER_READY = re.compile(r"being\s+served\s+and\s+polling|DMPG runner ready", re.IGNORECASE)


class StackError(UserError):
    """The stack could not start or stop; the message says which part, why, and what to do."""

    exit_code = 1


@dataclass(frozen=True)
class Child:
    """One process of the stack.

    ``ready(log, offset)`` says whether the child serves (``offset``: where this start's output
    begins in ``log``). ``module``: the ``python -m`` module, checked before starting; when it does
    not exist the child is reported as not started instead of failing the stack. ``needs``: names
    of children that must be ready before this one starts. ``skip``: a reason not to start it at all.
    """

    name: str
    title: str
    argv: tuple[str, ...]
    ready: Callable[[Path, int], bool]
    port: int | None = None
    port_setting: str | None = None
    module: str | None = None
    needs: tuple[str, ...] = ()
    skip: str | None = None


@dataclass
class StartReport:
    """What ``start`` did: ``started`` and ``already_running`` are child names; ``not_started`` maps
    a child name to the reason (module missing, skipped); ``pids`` covers every running child."""

    home: Path
    api: str
    ui: str
    smtp: str
    pids: dict[str, int] = field(default_factory=dict)
    started: list[str] = field(default_factory=list)
    already_running: list[str] = field(default_factory=list)
    not_started: dict[str, str] = field(default_factory=dict)
    logs: Path | None = None
    tightened: Tightened | None = None  # what start made private in an older DMPG_HOME (core.private)

    def to_json(self) -> dict:
        return {
            "ui": self.ui,
            "api": self.api,
            "smtp": self.smtp,
            "home": str(self.home),
            "pids": self.pids,
            "started": self.started,
            "already_running": self.already_running,
            "not_started": self.not_started,
            "logs": str(self.logs) if self.logs else None,
            "made_private": {"directories": self.tightened.directories, "files": self.tightened.files}
            if self.tightened else None,
        }


@dataclass(frozen=True)
class Stopped:
    name: str
    pid: int
    killed: bool  # True when SIGTERM was not enough within the grace period


def module_available(module: str) -> bool:
    """True when ``python -m module`` can run: a file in the project, or an importable module."""
    rel = Path(*module.split("."))
    if (PROJECT_ROOT / rel).with_suffix(".py").is_file() or (PROJECT_ROOT / rel / "__main__.py").is_file():
        return True
    try:
        return importlib.util.find_spec(module) is not None
    except (ImportError, ValueError):
        return False


def _module_file(module: str) -> str:
    return str(Path(*module.split(".")).with_suffix(".py"))


def default_children(settings: Settings) -> list[Child]:
    """The children of ``dmpg up`` for ``settings``."""
    py = sys.executable
    port = settings.prefect_port
    api = f"http://{net.LOOPBACK}:{port}/api"
    smtp_local = settings.smtp_host in net.LOOPBACK_NAMES
    return [
        Child(
            name=SERVER,
            title="Prefect-server og UI",
            argv=(py, "-m", "prefect", "server", "start", "--host", net.LOOPBACK, "--port", str(port)),
            ready=lambda _log, _offset: net.api_healthy(api),
            port=port,
            port_setting="DMPG_PREFECT_PORT",
        ),
        Child(
            name=SINK,
            title="mailsink (SMTP)",
            argv=(py, "-m", "dmpg.adapters.sink"),
            ready=lambda _log, _offset: net.tcp_answers(settings.smtp_port),
            port=settings.smtp_port,
            port_setting="DMPG_SMTP_PORT",
            module="dmpg.adapters.sink",
            skip=None
            if smtp_local
            else f"DMPG_SMTP_HOST is {settings.smtp_host}: mail goes to that server, no local sink",
        ),
        Child(
            name=RUNNER,
            title="flowkører",
            argv=(py, "-m", "flows.serve"),
            ready=lambda log, offset: bool(RUNNER_READY.search(procs.log_text(log, offset))),
            module="flows.serve",
            needs=(SERVER,),
        ),
        Child(
            name=WEB,
            title="beslutningsside",
            argv=(py, "-m", "dmpg.interfaces.web"),
            ready=lambda _log, _offset: net.tcp_answers(settings.web_port, settings.web_host),
            port=settings.web_port,
            port_setting="DMPG_WEB_PORT",
            module="dmpg.interfaces.web",
        ),
        Child(
            name=DELIVERER,
            title="udbakkens afsender",
            argv=(py, "-m", "dmpg.interfaces.deliverer"),
            ready=lambda log, offset: "outbox deliverer ready" in procs.log_text(log, offset),
            module="dmpg.interfaces.deliverer",
        ),
        Child(
            name=SWEEP,
            title="genoptagelse (recovery sweep)",
            argv=(py, "-m", "dmpg.interfaces.sweep", "--local-stack"),
            ready=lambda log, offset: "recovery sweep ready" in procs.log_text(log, offset),
            module="dmpg.interfaces.sweep",
            needs=(SERVER,),
        ),
    ]


class LocalStack:
    """The local stack of one ``DMPG_HOME`` (see the module docstring for the contract)."""

    def __init__(self, settings: Settings | None = None, children: Sequence[Child] | None = None, grace: float = 10.0):
        self.settings = settings or get_settings()
        self.children = list(children) if children is not None else default_children(self.settings)
        self.grace = grace
        self._procs: dict[str, Popen] = {}  # children started by this object: reaped on stop

    # ---- addresses -------------------------------------------------------------------------------

    @property
    def home(self) -> Path:
        return self.settings.home.resolve()

    @property
    def run_dir(self) -> Path:
        return self.settings.run_dir.resolve()

    @property
    def api_url(self) -> str:
        return self.settings.local_api_url

    @property
    def ui_url(self) -> str:
        return self.settings.local_ui_url

    @property
    def smtp_port(self) -> int:
        return self.settings.smtp_port

    @property
    def smtp_url(self) -> str:
        return f"smtp://{self.settings.smtp_host}:{self.settings.smtp_port}"

    def log_path(self, name: str) -> Path:
        return self.run_dir / f"{name}.log"

    def pid_path(self, name: str) -> Path:
        return self.run_dir / f"{name}.pid"

    # ---- environment -----------------------------------------------------------------------------

    @property
    def auth_string(self) -> str:
        """The local Prefect API's auth string (``user:password``), made once per DMPG_HOME."""
        return read_or_create(self.settings.api_auth_file, lambda: f"dmpg:{secrets.token_urlsafe(24)}")

    def client_env(self) -> dict[str, str]:
        """What a process talking to this stack needs (the test process, the CLI, flow runs)."""
        s = self.settings
        prefect_home = (self.home / "prefect").resolve()
        return {
            # The API is never open: every client sends the stack's auth string, and with the server's
            # CSRF protection on, a CSRF token with every change (Prefect's client fetches it).
            "PREFECT_API_AUTH_STRING": self.auth_string,
            "PREFECT_CLIENT_CSRF_SUPPORT_ENABLED": "true",
            "DMPG_HOME": str(self.home),
            "DMPG_PREFECT_PORT": str(s.prefect_port),
            "DMPG_SMTP_PORT": str(s.smtp_port),
            "DMPG_SMTP_HOST": s.smtp_host,
            "DMPG_WEB_PORT": str(s.web_port),
            **({"DMPG_PUBLIC_URL": s.public_url} if s.public_url else {}),
            "PREFECT_HOME": str(prefect_home),
            "PREFECT_API_URL": self.api_url,
            "PREFECT_UI_URL": s.prefect_ui_url,
            # The runner asks for work this often (Prefect's default of 10 s would dominate a step).
            "PREFECT_RUNNER_POLL_FREQUENCY": str(max(1, math.ceil(s.runner_poll_seconds))),
            # Each flow run sends a heartbeat this often (Prefect's minimum), so the recovery sweep can tell
            # a run whose runner died from one that is busy (dmpg.services.recovery).
            "PREFECT_FLOWS_HEARTBEAT_FREQUENCY": "30",
            # Suspended runs resume in a new process: their task results must be on disk.
            "PREFECT_RESULTS_PERSIST_BY_DEFAULT": "true",
            "PREFECT_RESULTS_LOCAL_STORAGE_PATH": str(prefect_home / "storage"),
        }

    def env(self) -> dict[str, str]:
        """Every variable the children get on top of the caller's environment."""
        prefect_home = Path(self.client_env()["PREFECT_HOME"])
        pythonpath = os.pathsep.join(p for p in (str(PROJECT_ROOT), os.environ.get("PYTHONPATH", "")) if p)
        return {
            **self.client_env(),
            "PREFECT_SERVER_API_HOST": net.LOOPBACK,
            "PREFECT_SERVER_API_PORT": str(self.settings.prefect_port),
            # Locked: credentials on every call (the UI asks for them once per browser), CORS only for
            # the UI's own origin (a page elsewhere can read nothing), CSRF tokens on every change.
            "PREFECT_SERVER_API_AUTH_STRING": self.auth_string,
            "PREFECT_SERVER_API_CORS_ALLOWED_ORIGINS": self.ui_url,
            "PREFECT_SERVER_CSRF_PROTECTION_ENABLED": "true",
            # The UI in the browser calls this; on a non-default port it must be said explicitly.
            "PREFECT_SERVER_UI_API_URL": self.api_url,
            "PREFECT_SERVER_DATABASE_CONNECTION_URL": f"sqlite+aiosqlite:///{prefect_home / 'prefect.db'}",
            # SQLite serialises writers. Prefect's default statement timeout; on SQLite the server itself
            # sets the lock wait (PRAGMA busy_timeout) to 60 s whatever this says, so under a burst of work
            # the server can stand still for up to a minute while its writers queue: our calls wait that out
            # (dmpg.adapters.prefect_api: retries, and patience for reads and submissions).
            "PREFECT_SERVER_DATABASE_TIMEOUT": "10",
            # Prefect renames each run still waiting for the runner after 15 s "Late": one more write per run,
            # which a burst of submissions turns into hundreds that fight for the one SQLite lock. The
            # sweep reports a run no runner takes (DMPG_RECOVERY_NO_WORKER_SECONDS).
            "PREFECT_SERVER_SERVICES_LATE_RUNS_ENABLED": "false",
            "PREFECT_SERVER_ANALYTICS_ENABLED": "false",
            # Prefect holds orchestration state, the ledger the record: a finished run (its parameters are
            # the proposal's form) is deleted 90 days after it ended, as deploy/dmpg.env says for production.
            "PREFECT_SERVER_SERVICES_DB_VACUUM_ENABLED": "events,flow_runs",
            "PREFECT_SERVER_SERVICES_DB_VACUUM_RETENTION_PERIOD": str(90 * 86400),
            "PREFECT_SERVER_UI_SHOW_PROMOTIONAL_CONTENT": "false",
            # flows/ and dmpg/ resolve from the project whatever the caller's working directory.
            "PYTHONPATH": pythonpath,
        }

    # ---- state -----------------------------------------------------------------------------------

    @contextmanager
    def _lock(self, blocking: bool = True) -> Iterator[bool]:
        """One ``up``/``down`` at a time per DMPG_HOME (a second waits for the first). Not ``blocking``:
        yields False at once when someone else holds it."""
        self.run_dir.mkdir(parents=True, exist_ok=True)
        with (self.run_dir / ".stack.lock").open("w") as fh:
            try:
                fcntl.flock(fh, fcntl.LOCK_EX if blocking else fcntl.LOCK_EX | fcntl.LOCK_NB)
            except BlockingIOError:
                yield False
                return
            try:
                yield True
            finally:
                fcntl.flock(fh, fcntl.LOCK_UN)

    def _read_state(self) -> dict:
        try:
            state = json.loads((self.run_dir / STATE_FILE).read_text())
            return state if isinstance(state, dict) else {}
        except (OSError, ValueError):
            return {}

    def _write_state(self, state: dict) -> None:
        path = self.run_dir / STATE_FILE
        tmp = path.with_suffix(".tmp")
        tmp.write_text(json.dumps(state, indent=2))
        tmp.replace(path)

    def _recorded(self) -> dict[str, dict]:
        """Children with a pid file: name -> {pid, ticks, log_offset, ...} (state file merged in)."""
        state = self._read_state().get("children", {})
        names = [c.name for c in self.children] + [n for n in state if n not in {c.name for c in self.children}]
        out: dict[str, dict] = {}
        for name in names:
            try:
                pid = int(self.pid_path(name).read_text().strip())
            except (OSError, ValueError):
                continue
            info = dict(state.get(name, {}))
            if info.get("pid") != pid:
                info = {}  # the state file is about another start: trust only the pid file
            info["pid"] = pid
            out[name] = info
        return out

    def _alive(self, info: dict) -> bool:
        return procs.pid_alive(info["pid"], info.get("ticks"))

    def _forget(self, names: Sequence[str]) -> None:
        state = self._read_state()
        children = state.get("children", {})
        for name in names:
            self.pid_path(name).unlink(missing_ok=True)
            children.pop(name, None)
        if children:
            self._write_state({**state, "children": children})
        else:
            (self.run_dir / STATE_FILE).unlink(missing_ok=True)

    def _clean_stale(self) -> dict[str, dict]:
        """Remove pid files whose process is gone; return the children that still run."""
        recorded = self._recorded()
        stale = [name for name, info in recorded.items() if not self._alive(info)]
        self._forget(stale)
        return {name: info for name, info in recorded.items() if name not in stale}

    # ---- start -----------------------------------------------------------------------------------

    def start(self, timeout: float = DEFAULT_TIMEOUT) -> StartReport:
        """Start every child not already running and wait until all are ready.

        ``DMPG_HOME`` is made private first (``core.private.tighten``: an older home may have files
        others can read; the report says what changed), and everything start writes, and every child,
        makes private files.

        Raises ``StackError`` (nothing left running that this call started) when a port is taken by
        another program, a child exits during start (its log's last lines are in the message), or
        the children are not ready within ``timeout`` seconds.
        """
        with private_umask():
            make_private_dir(self.home)
            tightened = tighten(self.home)
            report = self._start(timeout)
        report.tightened = tightened
        return report

    def _start(self, timeout: float) -> StartReport:
        with self._lock():
            running = self._clean_stale()
            if running:
                self._check_same_ports()
            report = StartReport(
                home=self.home, api=self.api_url, ui=self.ui_url, smtp=self.smtp_url, logs=self.run_dir
            )
            todo: list[Child] = []
            for child in self.children:
                if child.name in running:
                    report.already_running.append(child.name)
                elif child.skip:
                    report.not_started[child.name] = child.skip
                elif child.module and not module_available(child.module):
                    report.not_started[child.name] = (
                        f"{_module_file(child.module)} does not exist yet (started as `python -m {child.module}`)"
                    )
                else:
                    todo.append(child)
            self._check_ports(todo)
            self._start_children(todo, running, report, timeout)
            report.pids = {name: info["pid"] for name, info in self._recorded().items()}
            return report

    def revive(self, timeout: float = DEFAULT_TIMEOUT) -> list[str]:
        """Start again every child that died on its own (its pid file is there, its process is gone:
        killed, crashed) and wait until it is ready; returns their names. Children stopped by ``down``
        have no pid file and stay stopped; while an ``up`` or ``down`` is under way nothing is done."""
        with self._lock(blocking=False) as locked:
            recorded = self._recorded() if locked else {}
            dead = [c for c in self.children if c.name in recorded and not self._alive(recorded[c.name])]
            if not dead:
                return []
            self._forget([c.name for c in dead])
            running = {name: info for name, info in recorded.items() if name not in {c.name for c in dead}}
            report = StartReport(home=self.home, api=self.api_url, ui=self.ui_url, smtp=self.smtp_url,
                                 already_running=list(running))
            self._check_ports(dead)
            self._start_children(dead, running, report, timeout)
            return report.started

    def started_at(self, name: str) -> datetime | None:
        """When the child ``name`` was last started (None when the stack has no record of it)."""
        info = self._read_state().get("children", {}).get(name) or {}
        try:
            return datetime.fromisoformat(info["started_at"])
        except (KeyError, TypeError, ValueError):
            return None

    def _check_same_ports(self) -> None:
        state = self._read_state()
        for key, setting in (("prefect_port", "DMPG_PREFECT_PORT"), ("smtp_port", "DMPG_SMTP_PORT")):
            was, now = state.get(key), getattr(self.settings, key)
            if was is not None and was != now:
                raise StackError(
                    f"the local stack of DMPG_HOME={self.home} already runs with {setting}={was} "
                    f"(now set to {now}); run `dmpg down` first to change ports"
                )

    def _check_ports(self, todo: Sequence[Child]) -> None:
        seen: dict[int, Child] = {}
        for child in todo:
            if child.port is None:
                continue
            if child.port in seen:
                raise StackError(
                    f"the {child.title} and the {seen[child.port].title} are both set to port {child.port}; "
                    f"give them different ports ({child.port_setting} / {seen[child.port].port_setting})"
                )
            seen[child.port] = child
            if not net.port_free(child.port):
                raise StackError(
                    f"port {child.port} on {net.LOOPBACK} (the {child.title}) is already in use by another "
                    f"program; stop that program or choose another port with {child.port_setting} "
                    f"(environment or .env), e.g. {child.port_setting}={_suggest_port(child.port)}"
                )

    def _start_children(self, todo: list[Child], running: dict[str, dict], report: StartReport, timeout: float) -> None:
        deadline = time.monotonic() + timeout
        by_name = {c.name: c for c in self.children}
        offsets: dict[str, int] = {name: info.get("log_offset", 0) for name, info in running.items()}
        ready: set[str] = set()
        pending = list(todo)
        try:
            while True:
                # A dependency that is not part of this stack (or was not started) does not hold others back.
                startable = [
                    c for c in pending
                    if all(n in ready or n in report.not_started or n not in by_name for n in c.needs)
                ]
                for child in startable:
                    offsets[child.name] = self._spawn(child)
                    report.started.append(child.name)
                    pending.remove(child)
                for name in [*report.started, *report.already_running]:
                    if name in ready:
                        continue
                    self._check_alive(by_name[name], offsets[name])
                    if by_name[name].ready(self.log_path(name), offsets[name]):
                        ready.add(name)
                if not pending and ready >= {*report.started, *report.already_running}:
                    return
                if time.monotonic() > deadline:
                    self._timeout(by_name, ready, report, offsets, timeout)
                time.sleep(0.2)
        except BaseException:
            self._stop_names(report.started)
            raise

    def _spawn(self, child: Child) -> int:
        log = self.log_path(child.name)
        proc, offset = procs.spawn(child.argv, {**os.environ, **self.env()}, log)
        self._procs[child.name] = proc
        self.pid_path(child.name).write_text(f"{proc.pid}\n")
        state = self._read_state()
        state.update(
            home=str(self.home),
            api=self.api_url,
            ui=self.ui_url,
            smtp=self.smtp_url,
            prefect_port=self.settings.prefect_port,
            smtp_port=self.settings.smtp_port,
        )
        state.setdefault("children", {})[child.name] = {
            "pid": proc.pid,
            "ticks": procs.proc_start_ticks(proc.pid),
            "started_at": clock.wall().isoformat(timespec="seconds"),
            "log": str(log),
            "log_offset": offset,
            "port": child.port,
            "argv": list(child.argv),
            # The simulated calendar the child runs on (``core.clock``; the demo's), or None.
            "clock_file": os.environ.get(clock.ENV) or None,
        }
        self._write_state(state)
        return offset

    def _check_alive(self, child: Child, offset: int) -> None:
        proc = self._procs.get(child.name)
        info = self._recorded().get(child.name)
        dead = (proc.poll() is not None) if proc else (info is None or not self._alive(info))
        if not dead:
            return
        code = f" with exit code {proc.returncode}" if proc and proc.returncode is not None else ""
        tail = procs.log_tail(self.log_path(child.name), start=offset) or "(no output)"
        raise StackError(
            f"the {child.title} exited during start{code}; the other parts were stopped. "
            f"Last lines of {self.log_path(child.name)}:\n{_indent(tail)}"
        )

    def _timeout(self, by_name: dict[str, Child], ready: set[str], report: StartReport, offsets: dict, timeout: float) -> None:
        waiting = [n for n in [*report.started, *report.already_running] if n not in ready]
        parts = []
        for name in waiting:
            tail = procs.log_tail(self.log_path(name), lines=10, start=offsets.get(name, 0)) or "(no output)"
            parts.append(f"the {by_name[name].title} ({self.log_path(name)}):\n{_indent(tail)}")
        hint = " Run `dmpg down` and try again." if any(n in report.already_running for n in waiting) else ""
        raise StackError(f"not ready within {timeout:.0f} s; the parts started now were stopped.{hint}\n" + "\n".join(parts))

    # ---- stop ------------------------------------------------------------------------------------

    def stop(self) -> list[Stopped]:
        """Stop every child recorded in the pid files (dependants first), remove the pid files.

        SIGTERM to each child's process group, SIGKILL after ``grace`` seconds. Returns what was
        running; an empty list when nothing was (stale pid files are removed all the same).
        """
        with self._lock():
            return self._stop_names(None)

    def _stop_names(self, names: Sequence[str] | None) -> list[Stopped]:
        recorded = self._recorded()
        if names is not None:
            recorded = {n: info for n, info in recorded.items() if n in names}
        alive = {n: info["pid"] for n, info in recorded.items() if self._alive(info)}
        needed = {dep for c in self.children if c.name in alive for dep in c.needs}
        # Dependants (the runner) first, so they never see their server vanish under them.
        killed: list[int] = []
        for phase in ([n for n in alive if n not in needed], [n for n in alive if n in needed]):
            killed += procs.stop_groups([alive[n] for n in phase], grace=self.grace)
        for name in recorded:
            proc = self._procs.pop(name, None)
            if proc is not None:
                proc.poll()  # reap our own child
        self._forget(list(recorded))
        return [Stopped(n, pid, pid in killed) for n, pid in alive.items()]

    # ---- status ----------------------------------------------------------------------------------

    def clock_file(self) -> str | None:
        """The simulated calendar (``DMPG_CLOCK_FILE``) the running flow runner was started with, or None."""
        info = self._read_state().get("children", {}).get(RUNNER, {})
        return info.get("clock_file") if info else None

    def is_running(self) -> bool:
        """True when every child this stack would start has a live process and those with a port answer."""
        return self.status()["running"]

    def status(self) -> dict:
        """``{"home", "running", "api", "ui", "smtp", "children": {name: {"title", "pid", "alive",
        "ready", "log"}}, "not_running": [names]}``. Read-only: changes no file."""
        recorded = self._recorded()
        children: dict[str, dict] = {}
        for child in self.children:
            info = recorded.get(child.name)
            alive = bool(info) and self._alive(info)
            children[child.name] = {
                "title": child.title,
                "pid": info["pid"] if info else None,
                "alive": alive,
                "ready": alive and child.ready(self.log_path(child.name), info.get("log_offset", 0)),
                "log": str(self.log_path(child.name)),
            }
        expected = [
            c.name for c in self.children if not c.skip and (not c.module or module_available(c.module))
        ]
        not_running = [n for n in expected if not children[n]["ready"]]
        state = self._read_state()
        return {
            "home": str(self.home),
            "running": bool(expected) and not not_running,
            "api": state.get("api", self.api_url),
            "ui": state.get("ui", self.ui_url),
            "smtp": state.get("smtp", self.smtp_url),
            "children": children,
            "not_running": not_running,
        }


def _suggest_port(taken: int) -> int:
    for candidate in range(taken + 1, taken + 50):
        if net.port_free(candidate):
            return candidate
    return net.free_port()


def _indent(text: str) -> str:
    return "\n".join(f"    {line}" for line in text.splitlines())
