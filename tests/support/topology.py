"""The production topology of ``deploy/`` on one machine, for the tests: the systemd units' own command
lines and environment files, run as child processes instead of services.

What is taken from ``deploy/`` as it is: each unit's ``ExecStart``, ``Environment=``, ``EnvironmentFile=``
and ``WorkingDirectory=`` (with systemd's ``%i``, ``%H`` and ``%%``), and ``deploy/dmpg.env`` whole. What the
tests choose, as IT's guide (docs/it.md) says the operator does: the paths of the layout (:data:`LAYOUT`: the
checkout, ``/etc/dmpg/site.env``, ``/var/lib/dmpg``, ``/var/backups/dmpg``) and the values of
``site.env``, whose keys must be those of ``deploy/site.env.example`` (plus documented ``DMPG_*``
settings). ``User=`` is not switched to: the tests run as whoever runs them.

Contract:
- ``parse_unit(path, instance=None) -> Unit`` and ``read_env_file(path) -> dict``: systemd's syntax, the
  subset ``deploy/`` uses; a construct systemd would read differently from how it looks (quotes inside
  an unquoted value, a trailing comment) is an error here, so the files stay unambiguous.
- ``Topology(root, site)``: writes ``site.env`` under ``root``. ``start(unit, instance=None)`` starts a
  unit's command in its own session with the unit's environment on a minimal base (as systemd does) and
  waits for its readiness; ``stop(unit, instance)`` is ``systemctl stop`` (SIGTERM, then SIGKILL);
  ``pid(unit, instance)``; ``run(*argv)`` runs a command the way IT runs it on a host (the site's
  environment, in the checkout); ``client_env()`` is that environment for an in-process client.
- ``follow(name, substitutions)`` carries out IT's guide's procedure ``name``: the ``sh`` blocks that
  follow ``<!-- procedure: name -->``, with ``systemctl`` done on these units and every other line run by
  bash exactly as written (the layout's paths, and ``substitutions`` such as a backup's file name, put in).
"""

from __future__ import annotations

import os
import re
import shlex
import socket
import subprocess
import sys
import time
from dataclasses import dataclass, field
from pathlib import Path

from core.settings import PROJECT_ROOT
from dmpg.adapters import stack_procs as procs
from dmpg.adapters.stack_net import api_healthy

DEPLOY = PROJECT_ROOT / "deploy"
PROCEDURES = PROJECT_ROOT / "docs" / "it.md"  # IT's guide: the procedures the tests follow word for word
START_TIMEOUT = 240.0  # a hang guard: a Prefect server's first start migrates its database


@dataclass(frozen=True)
class Unit:
    name: str
    exec_start: tuple[str, ...]
    environment: dict[str, str]
    environment_files: tuple[str, ...]
    working_directory: str | None
    oneshot: bool = False


def _specifiers(text: str, instance: str | None) -> str:
    """systemd's %i (instance), %H (host name) and %%."""
    out = {"i": instance or "", "H": socket.gethostname(), "%": "%"}
    return re.sub(r"%(.)", lambda m: out[m.group(1)] if m.group(1) in out else m.group(0), text)


def parse_unit(path: Path, instance: str | None = None) -> Unit:
    """The [Service] section of a unit file as systemd reads it."""
    section, service = None, {"Environment": [], "EnvironmentFile": []}
    for raw in path.read_text(encoding="utf-8").splitlines():
        line = raw.strip()
        if not line or line.startswith(("#", ";")):
            continue
        if line.startswith("["):
            section = line
            continue
        if section != "[Service]":
            continue
        key, _, value = line.partition("=")
        value = _specifiers(value.strip(), instance)
        if key in ("Environment", "EnvironmentFile"):
            service[key].append(value)
        else:
            service[key] = value
    environment = {}
    for assignment in service["Environment"]:
        for word in shlex.split(assignment):
            name, _, value = word.partition("=")
            environment[name] = value
    return Unit(path.name, tuple(shlex.split(service["ExecStart"])), environment,
                tuple(service["EnvironmentFile"]), service.get("WorkingDirectory"), service.get("Type") == "oneshot")


_ASSIGNMENT = re.compile(r"^([A-Za-z_][A-Za-z0-9_]*)=(.*)$")


def read_env_file(path: Path) -> dict[str, str]:
    """``KEY=VALUE`` lines as systemd's ``EnvironmentFile=`` reads them (comments on their own line; a
    value may be wrapped whole in single or double quotes)."""
    env = {}
    for number, raw in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
        line = raw.strip()
        if not line or line.startswith(("#", ";")):
            continue
        match = _ASSIGNMENT.match(line)
        if not match:
            raise ValueError(f"{path}:{number}: not KEY=VALUE: {raw!r}")
        key, value = match.groups()
        if len(value) >= 2 and value[0] == value[-1] and value[0] in "'\"":
            value = value[1:-1]
        elif any(c in value for c in "'\"\\") or " #" in value:
            raise ValueError(f"{path}:{number}: systemd would not read {key}'s value as written; quote it whole")
        env[key] = value
    return env


@dataclass
class _Process:
    proc: subprocess.Popen
    log: Path
    offset: int


@dataclass
class Topology:
    """The units of ``deploy/`` under ``root`` with ``site`` as ``/etc/dmpg/site.env`` (see the module docstring)."""

    root: Path
    site: dict[str, str]
    extra_path: tuple[str, ...] = ()
    running: dict[str, _Process] = field(default_factory=dict)
    mail: MailServer | None = None  # the site's SMTP server (``install``)

    def __post_init__(self) -> None:
        self.root.mkdir(parents=True, exist_ok=True)
        for directory in ("state", "backups", "logs"):
            (self.root / directory).mkdir(exist_ok=True)
        template = set(read_env_file(DEPLOY / "site.env.example"))
        missing = template - set(self.site)
        assert not missing, f"site.env lacks what deploy/site.env.example asks for: {sorted(missing)}"
        extra = [k for k in set(self.site) - template if not k.startswith("DMPG_")]
        assert not extra, f"site.env sets what neither the template nor the DMPG settings know: {extra}"
        lines = [f"{k}='{v}'" if any(c in v for c in "\"[]") else f"{k}={v}" for k, v in self.site.items()]
        (self.root / "site.env").write_text("\n".join(lines) + "\n", encoding="utf-8")

    # ---- the layout ------------------------------------------------------------------------------

    @property
    def layout(self) -> dict[str, str]:
        """The documented paths and where they are here (longest first, so none replaces part of another)."""
        return {
            "/etc/dmpg/site.env": str(self.root / "site.env"),
            "/var/backups/dmpg": str(self.root / "backups"),
            "/var/lib/dmpg": str(self.root / "state"),
            "/opt/dmpg-next": str(self.root / "next"),  # the new release, installed beside for its check
            "/opt/dmpg": str(PROJECT_ROOT),
        }

    def _here(self, text: str) -> str:
        for documented, actual in self.layout.items():
            text = text.replace(documented, actual)
        return text

    @property
    def home(self) -> Path:
        return Path(self.site["DMPG_HOME"])

    # ---- environments ----------------------------------------------------------------------------

    def _base(self) -> dict[str, str]:
        """What systemd gives a service before its own settings: a minimal PATH and the user's HOME."""
        path = os.pathsep.join([*self.extra_path, "/usr/local/bin", "/usr/bin", "/bin"])
        return {"PATH": path, "HOME": str(self.root / "state"), "LANG": "C.UTF-8"}

    def _shell(self) -> dict[str, str]:
        """What IT's shell has for a procedure: the services' base, plus the way to the package registry
        (proxies, CA certificates, pip's and uv's settings) and uv's cache, which installing a release needs."""
        passed = {k: v for k, v in os.environ.items()
                  if k.startswith(("PIP_", "UV_", "SSL_", "REQUESTS_CA", "CURL_CA"))
                  or k.lower() in ("http_proxy", "https_proxy", "no_proxy", "all_proxy")}
        cache = os.environ.get("UV_CACHE_DIR") or str(Path(os.environ.get("XDG_CACHE_HOME") or Path.home() / ".cache") / "uv")
        return {**self._base(), **passed, "UV_CACHE_DIR": cache}

    def unit(self, name: str, instance: str | None = None) -> Unit:
        return parse_unit(DEPLOY / name, instance)

    def unit_env(self, unit: Unit) -> dict[str, str]:
        env = {**self._base(), **{k: self._here(v) for k, v in unit.environment.items()}}
        for file in unit.environment_files:
            env.update(read_env_file(Path(self._here(file))))
        return env

    def client_env(self) -> dict[str, str]:
        """The environment of a command IT runs on a host: the code's settings and the site's."""
        return {**read_env_file(DEPLOY / "dmpg.env"), **self.site}

    # ---- running ---------------------------------------------------------------------------------

    @staticmethod
    def _key(name: str, instance: str | None) -> str:
        return name.replace("@.", f"@{instance}.") if instance else name

    def start(self, name: str, instance: str | None = None, timeout: float = START_TIMEOUT) -> int:
        """``systemctl start`` of a unit: its ExecStart with its environment; returns once it is ready
        (a ``Type=oneshot`` unit: once it has finished, which must be with exit status 0)."""
        key = self._key(name, instance)
        unit = self.unit(name, instance)
        argv = [self._here(a) for a in unit.exec_start]
        cwd = Path(self._here(unit.working_directory)) if unit.working_directory else self.root / "state"
        cwd.mkdir(parents=True, exist_ok=True)
        if unit.oneshot:
            result = subprocess.run(argv, env=self.unit_env(unit), cwd=cwd, capture_output=True, text=True,
                                    timeout=timeout, stdin=subprocess.DEVNULL)
            assert result.returncode == 0, f"{key} failed: {result.stdout}{result.stderr}"
            return 0
        log = self.root / "logs" / f"{key}.log"
        proc, offset = procs.spawn(argv, self.unit_env(unit), log, cwd=cwd)
        self.running[key] = _Process(proc, log, offset)
        deadline = time.monotonic() + timeout
        while not self._ready(key):
            if proc.poll() is not None or time.monotonic() > deadline:
                why = f"exited with {proc.returncode}" if proc.poll() is not None else f"not ready in {timeout:.0f} s"
                self.stop(name, instance)
                raise RuntimeError(f"{key} {why}; {log}:\n{procs.log_tail(log, 40, offset)}")
            time.sleep(0.2)
        return proc.pid

    def _ready(self, key: str) -> bool:
        running = self.running[key]
        text = procs.log_text(running.log, running.offset)
        if key.startswith("prefect-server"):
            return api_healthy(self.site["PREFECT_API_URL"])
        if key.startswith("dmpg-worker"):
            return "started!" in text
        if key.startswith("dmpg-web"):
            from dmpg.adapters.stack_net import tcp_answers

            return tcp_answers(int(self.site["DMPG_WEB_PORT"]), self.site["DMPG_WEB_HOST"])
        return " ready" in text  # the deliverer's and the sweep's first line

    def pid(self, name: str, instance: str | None = None) -> int:
        return self.running[self._key(name, instance)].proc.pid

    def stop(self, name: str, instance: str | None = None) -> None:
        """``systemctl stop``: SIGTERM to the unit's processes, SIGKILL after a grace period."""
        process = self.running.pop(self._key(name, instance), None)
        if process is not None:
            procs.stop_groups([process.proc.pid], grace=15.0)
            process.proc.wait(timeout=10)

    def forget(self, name: str, instance: str | None = None) -> None:
        """After a unit was killed from outside: reap its process."""
        process = self.running.pop(self._key(name, instance), None)
        if process is not None:
            process.proc.wait(timeout=10)

    def stop_all(self) -> None:
        """Every unit, the last started first, and the SMTP server."""
        for key in reversed(list(self.running)):
            name, _, rest = key.partition("@")
            self.stop(f"{name}@.service" if rest else name, rest.split(".")[0] if rest else None)
        if self.mail is not None:
            self.mail.stop()

    def log(self, name: str, instance: str | None = None) -> str:
        """Everything the unit has logged, over all its starts (a journal)."""
        return procs.log_text(self.root / "logs" / f"{self._key(name, instance)}.log")

    def run(self, *argv: str, timeout: float = 600) -> subprocess.CompletedProcess:
        """A command as IT runs it on a host: the site's environment, in the checkout."""
        return subprocess.run([self._here(a) for a in argv], env={**self._base(), **self.client_env()},
                              cwd=PROJECT_ROOT, capture_output=True, text=True, timeout=timeout,
                              stdin=subprocess.DEVNULL)

    # ---- the procedures of IT's guide (docs/it.md) ------------------------------------------------

    def follow(self, name: str, substitutions: dict[str, str] | None = None) -> list[str]:
        """Carry out IT's guide's procedure ``name`` (see :func:`procedure`) step by step: ``systemctl``
        lines on these units, every other run of lines as one bash script (from ``/``, on the minimal
        base environment: the block sets up what it needs). Returns the scripts' output; a failing step
        raises ``AssertionError`` with its output."""
        outputs = []
        for chunk in procedure(name):
            text = self._here("\n".join(chunk))
            for placeholder, value in (substitutions or {}).items():
                text = text.replace(placeholder, value)
            if chunk[0].startswith("systemctl "):
                for line in text.splitlines():
                    self.systemctl(shlex.split(line)[1:])
                continue
            result = subprocess.run(["bash", "-euo", "pipefail", "-c", text], env=self._shell(), cwd="/",
                                    capture_output=True, text=True, timeout=900, stdin=subprocess.DEVNULL)
            assert result.returncode == 0, f"docs/it.md procedure {name!r} failed at:\n{text}\n{result.stdout}{result.stderr}"
            outputs.append(result.stdout + result.stderr)
        return outputs

    def systemctl(self, args: list[str]) -> None:
        """``systemctl start|stop|restart|enable --now UNIT...`` on these units; ``dmpg-worker@*`` is every
        running worker."""
        verb, units = args[0], [a for a in args[1:] if not a.startswith("--")]
        # A timer only schedules its service (the backup); the tests start that service themselves.
        for unit in [u for u in units if not u.endswith(".timer")]:
            if unit.endswith("@*"):
                prefix = unit[:-1]
                targets = [(f"{prefix}.service", key[len(prefix):].removesuffix(".service"))
                           for key in list(self.running) if key.startswith(prefix)]
            else:
                name, _, instance = unit.removesuffix(".service").partition("@")
                targets = [(f"{name}@.service", instance) if instance else (f"{name}.service", None)]
            for file, instance in targets:
                if verb in ("stop", "restart"):
                    self.stop(file, instance)
                if verb in ("start", "restart", "enable"):
                    self.start(file, instance)


def procedure(name: str) -> list[list[str]]:
    """IT's guide's procedure ``name``: the ``sh`` block(s) after ``<!-- procedure: name -->`` in
    :data:`PROCEDURES`, as runs of lines that are either all ``systemctl`` or all shell (comments and blank
    lines dropped)."""
    guide = PROCEDURES.read_text(encoding="utf-8")
    blocks = re.findall(rf"<!-- procedure: {re.escape(name)} -->\s*```sh\n(.*?)```", guide, re.S)
    assert blocks, f"{PROCEDURES.relative_to(PROJECT_ROOT)} has no procedure {name!r}"
    chunks: list[list[str]] = []
    for block in blocks:
        for line in block.splitlines():
            line = line.strip()
            if not line or line.startswith("#"):
                continue
            kind = line.startswith("systemctl ")
            if chunks and chunks[-1][0].startswith("systemctl ") == kind:
                chunks[-1].append(line)
            else:
                chunks.append([line])
    return chunks


# ---- a whole installation for the tests and the bench ------------------------------------------------


@dataclass
class MailServer:
    """The site's SMTP server, here the project's mail sink (``python -m dmpg.adapters.sink``) writing each
    message to ``directory`` as an ``.eml`` file. ``start()``/``stop()`` (an outage)."""

    root: Path
    port: int
    _proc: subprocess.Popen | None = None

    @property
    def directory(self) -> Path:
        return self.root / "mail"

    def start(self) -> None:
        from dmpg.adapters.stack_net import tcp_answers

        env = {k: v for k, v in os.environ.items() if not k.startswith(("PREFECT_", "DMPG_"))}
        env.update(DMPG_HOME=str(self.root), DMPG_SMTP_PORT=str(self.port), DMPG_SMTP_HOST="127.0.0.1")
        self._proc, _ = procs.spawn([sys.executable, "-m", "dmpg.adapters.sink"], env,
                                    self.root / "sink.log", cwd=PROJECT_ROOT)
        deadline = time.monotonic() + 60
        while not tcp_answers(self.port):
            assert self._proc.poll() is None and time.monotonic() < deadline, procs.log_tail(self.root / "sink.log")
            time.sleep(0.1)

    def stop(self) -> None:
        proc, self._proc = self._proc, None
        if proc is not None:
            procs.stop_groups([proc.pid], grace=5.0)
            proc.wait(timeout=10)


def install(cluster, root: Path, extra_site: dict[str, str] | None = None) -> Topology:  # noqa: ANN001 - support.postgres.PostgresCluster
    """A production installation on one machine: databases on ``cluster`` (made as IT's guide's
    database administrator does), ``site.env`` with this machine's addresses, the site's SMTP server
    (``.mail``) and the guide's first start. ``extra_site``: documented settings the operator may add.
    ``stop_all()`` stops it all again."""
    import json
    import secrets

    from dmpg.adapters.stack_net import free_port

    prefect_db = cluster.create_database("prefect", extensions=["pg_trgm"])
    ledger_db = cluster.create_database("dmpg")
    port, smtp, web = free_port(), free_port(), free_port()
    ui = f"http://127.0.0.1:{port}"
    auth = f"dmpg:{secrets.token_urlsafe(18)}"
    shared = root / "shared"  # the shared filesystem every worker host mounts
    site = {
        "PREFECT_API_URL": f"{ui}/api",
        "PREFECT_API_AUTH_STRING": auth,
        "PREFECT_SERVER_API_AUTH_STRING": auth,
        "PREFECT_SERVER_API_HOST": "127.0.0.1",
        "PREFECT_SERVER_API_PORT": str(port),
        "PREFECT_SERVER_DATABASE_CONNECTION_URL": prefect_db.asyncpg_url,
        "PREFECT_UI_URL": ui,
        "PREFECT_SERVER_UI_API_URL": f"{ui}/api",
        "PREFECT_SERVER_API_CORS_ALLOWED_ORIGINS": ui,
        "DMPG_UI_URL": ui,
        "DMPG_DATABASE_URL": ledger_db.sqlalchemy_url,
        "DMPG_HOME": str(shared),
        "PREFECT_RESULTS_LOCAL_STORAGE_PATH": str(shared / "prefect-results"),
        "DMPG_ROSTER": str(PROJECT_ROOT / "roster.yaml"),
        "DMPG_MAIL_FROM": "dmpg@example.dk",
        "DMPG_APPRISE_URLS": json.dumps([f"mailto://127.0.0.1:{smtp}?from=dmpg@example.dk"]),
        "DMPG_SECRETARIAT_APPRISE_URLS": "[]",
        "DMPG_PUBLIC_URL": f"http://127.0.0.1:{web}",
        "DMPG_WEB_HOST": "127.0.0.1",
        "DMPG_WEB_PORT": str(web),
        "DMPG_LINK_KEYS": json.dumps([secrets.token_urlsafe(32)]),
        **(extra_site or {}),
    }
    # IT's own shell has the tools of an install on its PATH: PostgreSQL's, and the Python (with uv) that
    # `make install` builds a release's venv with (the upgrade check installs the new release beside).
    topology = Topology(root, site, extra_path=(str(cluster.bindir), str(Path(sys.base_prefix) / "bin")),
                        mail=MailServer(root / "smtp", smtp))
    topology.mail.start()
    try:
        topology.follow("first-start")
    except BaseException:
        topology.stop_all()
        raise
    return topology
