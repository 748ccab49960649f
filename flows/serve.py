"""The local flow runner (``python -m flows.serve``): serves the deployments of ``prefect.yaml``.

``dmpg up`` starts this next to the Prefect server. In production, workers of a process work pool
run the same deployments (``prefect deploy --all`` reads the same file), so every deployment —
name, flow, description, tags, schedule — is declared once, in ``prefect.yaml``.

The runner holds the flow objects themselves (``add_flow``, as ``Flow.serve`` does): only then does
it start runs with its direct starter, which the warm start (``flows.prefect_compat``) speeds up.

It never takes over a deployment that belongs to a work pool (one made by ``prefect deploy``): it
would silently replace what the workers run. It exits with a message saying so instead.
"""

from __future__ import annotations

import asyncio
import importlib
import sys
from dataclasses import dataclass, field
from pathlib import Path

import yaml
from prefect.runner import Runner
from prefect.schedules import Cron

from core.settings import PROJECT_ROOT, get_settings
from dmpg.adapters.prefect_api import PrefectAPI
from flows.prefect_compat import install_warm_start

PREFECT_YAML = PROJECT_ROOT / "prefect.yaml"
WARM_MODULES = ["prefect.flow_engine", "flows._warm", "flows.lifecycle", "flows.reminders", "flows.meetings"]


@dataclass(frozen=True)
class Deployment:
    """One deployment as ``prefect.yaml`` declares it."""

    name: str
    entrypoint: str  # a module path, "flows.lifecycle.proposal_lifecycle" (see prefect.yaml's pull: [])
    description: str = ""
    tags: tuple[str, ...] = ()
    crons: tuple[tuple[str, str], ...] = field(default=())  # (cron, timezone)
    work_pool: str | None = None

    @property
    def module_and_name(self) -> tuple[str, str]:
        """``("flows.lifecycle", "proposal_lifecycle")``; a file path ``flows/x.py:f`` is read the same way."""
        if ":" in self.entrypoint:
            path, _, name = self.entrypoint.partition(":")
            return Path(path).with_suffix("").as_posix().replace("/", "."), name
        module, _, name = self.entrypoint.rpartition(".")
        return module, name

    def load_flow(self):  # noqa: ANN201 - a prefect Flow
        module, name = self.module_and_name
        return getattr(importlib.import_module(module), name)


def deployments(path: Path = PREFECT_YAML) -> list[Deployment]:
    """The deployments declared in ``prefect.yaml``."""
    declared = yaml.safe_load(path.read_text(encoding="utf-8"))["deployments"]
    return [
        Deployment(
            name=d["name"], entrypoint=d["entrypoint"], description=d.get("description", ""),
            tags=tuple(d.get("tags") or ()),
            crons=tuple((s["cron"], s.get("timezone", "UTC")) for s in d.get("schedules") or () if "cron" in s),
            work_pool=(d.get("work_pool") or {}).get("name"),
        )
        for d in declared
    ]


def build_runner():  # noqa: ANN201 - a prefect Runner
    settings = get_settings()
    runner = Runner(name="dmpg-local-runner", query_seconds=settings.runner_poll_seconds,
                    pause_on_shutdown=False, limit=settings.runner_limit)
    for d in deployments():
        runner.add_flow(d.load_flow(), name=d.name, tags=list(d.tags), description=d.description,
                        schedules=[Cron(cron, timezone=tz) for cron, tz in d.crons])
    return runner


def pool_deployments(api, declared: list[Deployment]) -> list[str]:  # noqa: ANN001 - dmpg.adapters.prefect_api.PrefectAPI
    """``flow/deployment (work pool)`` of each declared deployment the server already has on a work pool."""
    taken = []
    for d in declared:
        flow_name = d.load_flow().name
        found = api.deployment(f"{flow_name}/{d.name}")
        if found and found.get("work_pool_name"):
            taken.append(f"{flow_name}/{d.name} (work pool {found['work_pool_name']!r})")
    return taken


def main() -> None:
    with PrefectAPI() as api:
        if taken := pool_deployments(api, deployments()):
            print(f"DMPG runner not started: the Prefect server at {api.url} runs {', '.join(taken)} on workers "
                  "(deployed with `prefect deploy`); serving them here would silently replace them. The local "
                  "stack has its own Prefect server under DMPG_HOME: deploy to your production server, not to "
                  "this one, or start the local stack with a fresh DMPG_HOME.", flush=True)
            sys.exit(2)
    warm = get_settings().runner_warm_start and install_warm_start(WARM_MODULES)
    runner = build_runner()
    names = ", ".join(d.name for d in deployments())
    # `dmpg up` waits for this line (and Prefect's own serve banner) before it calls the runner ready.
    print(f"DMPG runner ready: serving {names} (warm start {'on' if warm else 'off: Prefect default'})", flush=True)
    asyncio.run(runner.start())


if __name__ == "__main__":
    main()
