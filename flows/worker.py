"""The production worker: Prefect's process worker with the local runner's warm start.

A process worker starts every flow run — each resumption of a waiting proposal — as
``python -m prefect.engine`` in a fresh Python, which imports Prefect, python-docx, docxtpl and the
flows before the run can begin: about 3 s of every decision on a 2-core host. This worker forks each
run instead from a server process that has imported all of that once, at the worker's start
(``flows.prefect_compat``), as ``dmpg up``'s runner does. Each run is still a process of its own,
started, watched, cancelled and reported crashed by Prefect's own executor, exactly as the process
worker does it; only the way the process comes to life differs.

It is a Prefect worker type, ``dmpg-process``, registered through the ``prefect.collections`` entry
point (pyproject.toml) like any Prefect integration's worker, so IT starts it with Prefect's own
command:

    prefect work-pool create dmpg-process --type dmpg-process
    prefect worker start --pool dmpg-process --type dmpg-process

Its job variables are the process worker's. A deployment that sets ``command`` runs that command the
process worker's way, and when the warm start's assumption about Prefect no longer holds (an upgrade:
``flows.prefect_compat.check_worker``), or ``DMPG_RUNNER_WARM_START=false``, every run does: slower,
never wrong. Code deployed on a host reaches the runs after its workers restart (README, Upgrades).
"""

from __future__ import annotations

import importlib
import multiprocessing.forkserver
from typing import Any

from prefect.flows import load_flow_from_flow_run
from prefect.workers.process import ProcessWorker, ProcessWorkerResult

from core.settings import get_settings
from flows import prefect_compat
from flows.serve import WARM_MODULES

WORKER_TYPE = "dmpg-process"


class WarmProcessWorker(ProcessWorker):
    """Prefect's process worker whose flow runs fork from a preloaded process (see the module)."""

    type = WORKER_TYPE
    _display_name = "DMPG process (warm start)"
    _description = ("Runs DMPG flow runs as processes on the worker's host, forked from a process that has "
                    "Prefect and the DMPG flows imported already.")
    _documentation_url = "https://docs.prefect.io/v3/deploy/infrastructure-concepts/workers"

    async def __aenter__(self) -> WarmProcessWorker:
        self._warm = _start_warm(self._logger)
        self._flows: dict[str, Any] = {}
        return await super().__aenter__()

    async def run(self, flow_run, configuration, task_status=None):  # noqa: ANN001, ANN201 - as ProcessWorker.run
        if not self._warm or prefect_compat.command_configured(configuration):
            return await super().run(flow_run, configuration, task_status)
        status_code, pid = await prefect_compat.run_warm(flow_run, configuration.env, self._flow_of, task_status)
        return ProcessWorkerResult(status_code=status_code, identifier=str(pid))

    async def _flow_of(self, flow_run):  # noqa: ANN001, ANN202 - FlowRun -> Flow
        """The flow of ``flow_run``'s deployment, loaded the first time (its module is preloaded)."""
        key = str(flow_run.deployment_id)
        if key not in self._flows:
            self._flows[key] = await load_flow_from_flow_run(flow_run, use_placeholder_flow=False)
        return self._flows[key]


def _start_warm(log) -> bool:  # noqa: ANN001 - the worker's logger (its lines are in the worker's journal)
    """Install the warm start and start its forkserver now, so the first run is as fast as the rest.
    False (logged) when it is switched off or Prefect no longer fits (then runs start cold)."""
    if not get_settings().runner_warm_start:
        log.info("warm start off (DMPG_RUNNER_WARM_START=false): each flow run starts a fresh Python")
        return False
    if problems := prefect_compat.check_worker():
        log.warning("warm start off, runs start as Prefect's process worker starts them: %s", "; ".join(problems))
        return False
    if not prefect_compat.install_warm_start(WARM_MODULES):
        return False
    multiprocessing.forkserver.ensure_running()
    for module in WARM_MODULES:  # here too: the worker loads each run's flow (its first run of each deployment)
        importlib.import_module(module)
    log.info("warm start on: flow runs fork from a process with %s imported", ", ".join(WARM_MODULES))
    return True
