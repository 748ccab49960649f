"""The local flow runner: serves the project's deployments (``python -m flows.serve``).

``dmpg up`` starts this next to the Prefect server. In production, workers of a process work pool
run the same deployments from ``prefect.yaml`` instead.

Why a warm start: the runner starts every flow run — including each resumption of a suspended
proposal — in a fresh process, and importing Prefect alone takes over 2 s here. Prefect's direct
starter uses a ``spawn`` multiprocessing context; we hand it a ``forkserver`` context whose server
has Prefect's engine and our flow modules preloaded, so a resumed run starts in ~0.1 s instead of
~2.5 s. Each run is still its own process. If Prefect's internals change, we fall back to its default.
"""

from __future__ import annotations

import logging
import multiprocessing
import types

log = logging.getLogger("dmpg.serve")

WARM_MODULES = ["prefect.flow_engine", "flows._warm", "flows.lifecycle", "flows.reminders"]


def install_warm_start(preload: list[str]) -> bool:
    """Make Prefect's flow-run subprocesses fork from a preloaded forkserver. Returns False if unsupported."""
    import prefect.flow_engine as engine

    if not hasattr(engine, "multiprocessing") or "forkserver" not in multiprocessing.get_all_start_methods():
        return False
    context = multiprocessing.get_context("forkserver")
    context.set_forkserver_preload(preload)
    # flow_engine.run_flow_in_subprocess calls ``multiprocessing.get_context("spawn")``.
    engine.multiprocessing = types.SimpleNamespace(
        get_context=lambda method=None: context, context=multiprocessing.context
    )
    return True


def build_runner():
    """A Runner holding the flow objects themselves (``add_flow``, as ``Flow.serve`` does): only then
    does it start runs with its direct starter — the one the warm start speeds up — instead of
    ``python -m prefect.engine`` re-importing the code from storage."""
    from prefect.runner import Runner
    from prefect.schedules import Cron

    from core.settings import get_settings
    from flows.lifecycle import FLOW_NAME, proposal_lifecycle
    from flows.reminders import send_reminders

    settings = get_settings()
    runner = Runner(name="dmpg-local-runner", query_seconds=settings.runner_poll_seconds,
                    pause_on_shutdown=False, limit=settings.runner_limit)
    runner.add_flow(
        proposal_lifecycle, name=FLOW_NAME, tags=["dmpg"],
        description="Et forslag til ny DMPG fra indstillingsskema til etableret gruppe.",
    )
    runner.add_flow(
        send_reminders, name="dmpg-reminders", tags=["dmpg"],
        schedules=[Cron(settings.reminder_cron, timezone="Europe/Copenhagen")],
        description="Daglige påmindelser om ventende beslutninger og ugentligt overblik til sekretariatet.",
    )
    return runner


def main() -> None:
    import asyncio

    from core.settings import get_settings

    warm = get_settings().runner_warm_start and install_warm_start(WARM_MODULES)
    runner = build_runner()
    # `dmpg up` waits for this line (and Prefect's own serve banner) before it calls the runner ready.
    print(f"DMPG runner ready: serving dmpg-proposal and dmpg-reminders "
          f"(warm start {'on' if warm else 'off: Prefect default'})", flush=True)
    asyncio.run(runner.start())


if __name__ == "__main__":
    main()
