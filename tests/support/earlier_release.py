"""An earlier release of the engine, installed beside this checkout, and a local stack that either release runs
on one ``DMPG_HOME`` — how IT meets an upgrade with proposals waiting (IT's guide's local upgrade, docs/it.md: ``dmpg
down``, new code, ``make install``, ``dmpg up``).

- :data:`EARLIER`: the release, by commit: 0.1.0, the last landing before releases were recorded
  (1 December 2026). Its tree comes out of this repository's history (``git archive``), into a folder of
  its own with its own ``.venv``, installed by its own ``make install``.
- :class:`Release`: one installed release; ``dmpg(*args)`` runs its command line against a :class:`Home`.
- :class:`Home`: a ``DMPG_HOME`` with its ports and roster, shared by the two releases, and the
  environment each command gets (nothing of the test process's own stack leaks into it).
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import tarfile
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

PROJECT = Path(__file__).resolve().parents[2]
EARLIER = "8da5117"  # release 0.1.0, landed 2026-12-01
SECRETARIAT = "sekretariat@example.dk"


def _clean_env() -> dict[str, str]:
    return {k: v for k, v in os.environ.items()
            if not k.startswith(("DMPG_", "PREFECT_")) and k not in ("VIRTUAL_ENV", "PYTHONPATH")}


@dataclass
class Home:
    """A ``DMPG_HOME`` on free ports, with the project's roster copied beside it."""

    path: Path
    ports: dict[str, int] = field(default_factory=dict)

    @classmethod
    def make(cls, root: Path) -> Home:
        from dmpg.adapters.stack_net import free_port

        home = cls(root / "home")
        ports: list[int] = []
        while len(ports) < 3:
            if (port := free_port()) not in ports:
                ports.append(port)
        home.ports = dict(zip(("DMPG_PREFECT_PORT", "DMPG_SMTP_PORT", "DMPG_WEB_PORT"), map(str, ports)))  # type: ignore[arg-type]
        shutil.copy(PROJECT / "roster.yaml", root / "roster.yaml")
        return home

    def prefect(self) -> Any:
        """A client of this home's Prefect server (``dmpg.adapters.prefect_api.PrefectAPI``), with its auth string."""
        from core.secrets import read
        from core.settings import Settings
        from dmpg.adapters.prefect_api import PrefectAPI

        settings = Settings(home=self.path, prefect_port=int(self.ports["DMPG_PREFECT_PORT"]))
        return PrefectAPI(url=settings.local_api_url, auth=read(settings.api_auth_file) or "")

    def env(self) -> dict[str, str]:
        return {**_clean_env(), "DMPG_HOME": str(self.path), "DMPG_ROSTER": str(self.path.parent / "roster.yaml"),
                **{k: str(v) for k, v in self.ports.items()}}


@dataclass
class Release:
    """One installed release: its folder and its ``dmpg``."""

    root: Path
    name: str

    @classmethod
    def current(cls) -> Release:
        return cls(PROJECT, "this checkout")

    @classmethod
    def earlier(cls, where: Path, commit: str = EARLIER) -> Release:
        """The release ``commit`` from this repository's history, unpacked into ``where`` and installed with its
        own ``make install`` (its pinned packages come from uv's cache: no download for a release this close)."""
        found = subprocess.run(["git", "-C", str(PROJECT), "cat-file", "-e", f"{commit}^{{commit}}"],
                               capture_output=True, text=True)
        if found.returncode != 0:
            raise AssertionError(f"the earlier release {commit} is not in this clone's history (a shallow clone?); "
                                 "the upgrade test needs the repository's history")
        where.mkdir(parents=True, exist_ok=True)
        archive = where.parent / f"release-{commit}.tar"
        subprocess.run(["git", "-C", str(PROJECT), "archive", "--format=tar", "-o", str(archive), commit], check=True)
        with tarfile.open(archive) as tar:
            tar.extractall(where, filter="data")
        archive.unlink()
        done = subprocess.run(["make", "-C", str(where), "install"], env=_clean_env(), capture_output=True, text=True,
                              timeout=900)
        if done.returncode != 0:
            raise AssertionError(f"make install of release {commit} failed:\n{done.stdout[-3000:]}\n{done.stderr[-3000:]}")
        return cls(where, f"release {commit}")

    def dmpg(self, home: Home, *args: str, timeout: float = 300, check: bool = True) -> subprocess.CompletedProcess:
        done = subprocess.run([str(self.root / ".venv" / "bin" / "dmpg"), *args], env=home.env(), cwd=self.root,
                              capture_output=True, text=True, timeout=timeout, stdin=subprocess.DEVNULL)
        if check and done.returncode != 0:
            raise AssertionError(f"{self.name}: dmpg {' '.join(args)} exited {done.returncode}:\n"
                                 f"{done.stdout[-3000:]}\n{done.stderr[-3000:]}")
        return done

    def json(self, home: Home, *args: str) -> Any:
        return json.loads(self.dmpg(home, *args, "--json").stdout)

    def up(self, home: Home) -> None:
        self.dmpg(home, "up", timeout=240)

    def down(self, home: Home) -> None:
        self.dmpg(home, "down", timeout=120, check=False)

    def wait_for(self, home: Home, proposal: str, gate: str | None, timeout: float = 180) -> dict[str, Any]:
        """Until ``proposal`` waits at ``gate`` — open in the ledger and its run suspended there in Prefect —
        or, with ``gate`` None, until it has ended; its ``status --json``."""
        deadline = time.monotonic() + timeout
        while True:
            status = self.json(home, "status", proposal)
            if gate is None and status["stage"] in ("established", "rejected"):
                return status
            key = next((e["detail"].get("key") for e in reversed(status["events"])
                        if e["kind"] == "gate_opened" and e["gate"] == gate), None)
            if key and any(w["gate"] == gate for w in status.get("waiting_at", [])):
                with home.prefect() as api:
                    if api.run_state(status["flow_run_id"]).pause_key in (key, *_hearing_keys(status)):
                        return status
            if time.monotonic() > deadline:
                raise AssertionError(f"{self.name}: {proposal} never waited at {gate}: {status['stage']}, "
                                     f"{status.get('waiting_at')}")
            time.sleep(0.5)


def _hearing_keys(status: dict[str, Any]) -> list[str]:
    """At the hearing the run waits at one of two open gates (advice first): either counts as waiting."""
    return [e["detail"].get("key") for e in status["events"] if e["kind"] == "gate_opened"
            and e["gate"] in ("advice", "database")
            and any(w["gate"] == e["gate"] for w in status.get("waiting_at", []))]
