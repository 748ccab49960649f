"""The local flow runner (``python -m flows.serve``): serves the deployments of ``prefect.yaml``.

``dmpg up`` starts this next to the Prefect server. In production, workers of a process work pool
run the same deployments (``prefect deploy --all`` reads the same file), so every deployment —
name, flow, description, tags, schedule — is declared once, in ``prefect.yaml``.

The runner holds the flow objects themselves (``add_flow``, as ``Flow.serve`` does): only then does
it start runs with its direct starter, which the warm start (``flows.prefect_compat``) speeds up.
"""

from __future__ import annotations

import importlib
from dataclasses import dataclass, field
from pathlib import Path

from core.settings import PROJECT_ROOT

PREFECT_YAML = PROJECT_ROOT / "prefect.yaml"
WARM_MODULES = ["prefect.flow_engine", "flows._warm", "flows.lifecycle", "flows.reminders", "flows.meetings"]


@dataclass(frozen=True)
class Deployment:
    """One deployment as ``prefect.yaml`` declares it."""

    name: str
    entrypoint: str  # "flows/lifecycle.py:proposal_lifecycle"
    description: str = ""
    tags: tuple[str, ...] = ()
    crons: tuple[tuple[str, str], ...] = field(default=())  # (cron, timezone)

    def load_flow(self):  # noqa: ANN201 - a prefect Flow
        path, _, name = self.entrypoint.partition(":")
        module = importlib.import_module(Path(path).with_suffix("").as_posix().replace("/", "."))
        return getattr(module, name)


def deployments(path: Path = PREFECT_YAML) -> list[Deployment]:
    """The deployments declared in ``prefect.yaml``."""
    import yaml

    declared = yaml.safe_load(path.read_text(encoding="utf-8"))["deployments"]
    return [
        Deployment(
            name=d["name"], entrypoint=d["entrypoint"], description=d.get("description", ""),
            tags=tuple(d.get("tags") or ()),
            crons=tuple((s["cron"], s.get("timezone", "UTC")) for s in d.get("schedules") or () if "cron" in s),
        )
        for d in declared
    ]


def build_runner():  # noqa: ANN201 - a prefect Runner
    from prefect.runner import Runner
    from prefect.schedules import Cron

    from core.settings import get_settings

    settings = get_settings()
    runner = Runner(name="dmpg-local-runner", query_seconds=settings.runner_poll_seconds,
                    pause_on_shutdown=False, limit=settings.runner_limit)
    for d in deployments():
        runner.add_flow(d.load_flow(), name=d.name, tags=list(d.tags), description=d.description,
                        schedules=[Cron(cron, timezone=tz) for cron, tz in d.crons])
    return runner


def main() -> None:
    import asyncio

    from core.settings import get_settings
    from flows.prefect_compat import install_warm_start

    warm = get_settings().runner_warm_start and install_warm_start(WARM_MODULES)
    runner = build_runner()
    names = ", ".join(d.name for d in deployments())
    # `dmpg up` waits for this line (and Prefect's own serve banner) before it calls the runner ready.
    print(f"DMPG runner ready: serving {names} (warm start {'on' if warm else 'off: Prefect default'})", flush=True)
    asyncio.run(runner.start())


if __name__ == "__main__":
    main()
