"""The one place that leans on Prefect internals (and on its libraries' private modules): the warm start
(local runner and workers), and a quiet suspension observer. No other module names one.

Why: the runner starts every flow run — each resumption of a suspended proposal included — in a
fresh ``spawn``-ed Python process, and importing Prefect there takes over 2 s. Handing Prefect a
``forkserver`` context whose server has Prefect's engine and our flows preloaded makes a resumed run
start in about 0.1 s. Each run is still its own process.

The assumption (Prefect 3.8.8): ``prefect.flow_engine.run_flow_in_subprocess`` gets its context from
``multiprocessing.get_context("spawn")``, looking ``multiprocessing`` up as a global of
``prefect.flow_engine``. :func:`check` verifies that against the installed Prefect; when it no
longer holds (an upgrade), :func:`install_warm_start` logs why and leaves Prefect's default, and a
test fails with the same explanation so the adapter is revisited.

The workers' warm start (Prefect 3.8.8): a process worker hands each flow run to a "starter" inside
a ``FlowRunExecutorContext`` (``prefect.runner._flow_run_executor``), which tracks the process, relays
cancellation and reports a crash. :class:`WarmStarter` is such a starter: like the runner's direct
starter it starts the run with ``run_flow_in_subprocess`` (so from the forkserver above), and it
passes the worker's job environment on; :func:`run_warm` runs one flow run that way, and
:func:`command_configured` tells a work pool's own ``command`` (which the process worker runs its own way).
:func:`check_worker` verifies the assumption.

The forkserver also preloads two private modules that Prefect's run loads on first use
(:func:`preload_private`: anyio's asyncio backend, rich's emoji table); :func:`check` verifies they exist.

The suspension observer: Prefect 3.8.8 starts, for every run of a deployment, a thread with its own
event loop, API clients and a websocket subscription that watches for the run being suspended *from
outside* (``prefect.flow_engine.observe_flow_run_suspension``), and the run waits until it is
connected. Our flows only suspend themselves — ``suspend_flow_run`` inside the flow marks the
request directly — so :func:`quiet_suspension_observer` replaces it with nothing, saving a second or
so of every resume. :func:`check_observer` verifies the assumption the same way.
"""

from __future__ import annotations

import contextlib
import importlib
import importlib.util
import inspect
import logging
import multiprocessing
import types
from collections.abc import Awaitable, Callable
from typing import Any

import anyio
import prefect.flow_engine as engine
from prefect.workers.process import ProcessJobConfiguration

log = logging.getLogger("dmpg.prefect_compat")

SPAWN_CALL = 'multiprocessing.get_context("spawn")'
# Private modules Prefect's flow-run process loads on first use, preloaded by the forkserver (flows._warm).
PRIVATE_PRELOADS = ("anyio._backends._asyncio", "rich._emoji_codes")


def check() -> list[str]:
    """What no longer holds of the assumption above (empty when the warm start can be installed)."""
    problems = []
    if getattr(engine, "multiprocessing", None) is not multiprocessing:
        problems.append("prefect.flow_engine no longer imports the multiprocessing module as a global")
    starter = getattr(engine, "run_flow_in_subprocess", None)
    if starter is None:
        problems.append("prefect.flow_engine.run_flow_in_subprocess no longer exists")
    elif SPAWN_CALL not in inspect.getsource(starter):
        problems.append(f"run_flow_in_subprocess no longer calls {SPAWN_CALL}")
    if "forkserver" not in multiprocessing.get_all_start_methods():
        problems.append("this platform has no forkserver start method")
    problems += [f"{name} no longer exists (the warm start preloads it)" for name in PRIVATE_PRELOADS
                 if importlib.util.find_spec(name) is None]
    return problems


def preload_private() -> None:
    """Import :data:`PRIVATE_PRELOADS` (in the forkserver, once :func:`check` has vouched for them)."""
    for name in PRIVATE_PRELOADS:
        importlib.import_module(name)


def install_warm_start(preload: list[str]) -> bool:
    """Make Prefect's flow-run processes fork from a forkserver with ``preload`` imported.
    Returns False (and logs why) when :func:`check` finds the assumption broken."""
    if problems := check():
        log.warning("warm start off, Prefect's default process start is used: %s", "; ".join(problems))
        return False
    context = multiprocessing.get_context("forkserver")
    context.set_forkserver_preload(preload)
    engine.multiprocessing = types.SimpleNamespace(  # type: ignore[attr-defined]
        get_context=lambda method=None: context, context=multiprocessing.context
    )
    return True


OBSERVER = "observe_flow_run_suspension"


def check_observer() -> list[str]:
    """What no longer holds of the suspension observer's assumption (empty when it can be quieted)."""
    problems = []
    if not callable(getattr(engine, OBSERVER, None)):
        problems.append(f"prefect.flow_engine.{OBSERVER} no longer exists")
    setup = getattr(getattr(engine, "FlowRunEngine", None), "setup_flow_run_suspension_request", None)
    if setup is None or OBSERVER not in inspect.getsource(setup):
        problems.append(f"FlowRunEngine.setup_flow_run_suspension_request no longer calls {OBSERVER}")
    return problems


def quiet_suspension_observer() -> bool:
    """Replace Prefect's outside-suspension observer with nothing (see the module docstring)."""
    if problems := check_observer():
        log.warning("Prefect's suspension observer left as it is: %s", "; ".join(problems))
        return False
    setattr(engine, OBSERVER, lambda *args, **kwargs: contextlib.nullcontext())
    return True


EXECUTOR_MODULE = "prefect.runner._flow_run_executor"
HANDLE_MODULE = "prefect.runner._process_manager"
COMMAND_CONFIGURED = "_command_configured"  # ProcessJobConfiguration's own: a work pool set ``command``


def check_worker() -> list[str]:
    """What no longer holds of the workers' warm-start assumption (empty when workers can use it)."""
    problems = check()
    if COMMAND_CONFIGURED not in (getattr(ProcessJobConfiguration, "__private_attributes__", None) or {}):
        problems.append(f"ProcessJobConfiguration.{COMMAND_CONFIGURED} no longer exists")
    try:
        executor = importlib.import_module(EXECUTOR_MODULE)
        handle = importlib.import_module(HANDLE_MODULE)
    except ImportError as exc:
        return [*problems, f"{exc.name} no longer exists"]
    context = getattr(executor, "FlowRunExecutorContext", None)
    if context is None or not callable(getattr(context, "create_executor", None)):
        problems.append(f"{EXECUTOR_MODULE}.FlowRunExecutorContext.create_executor no longer exists")
    elif not {"starter", "resolve_flow", "propose_submitting"} <= set(inspect.signature(context.create_executor).parameters):
        problems.append("FlowRunExecutorContext.create_executor no longer takes starter, resolve_flow, propose_submitting")
    if not callable(getattr(handle, "ProcessHandle", None)):
        problems.append(f"{HANDLE_MODULE}.ProcessHandle no longer exists")
    return problems


class WarmStarter:
    """Starts one flow run in a process forked from the warm-start forkserver (a ``ProcessStarter`` of
    Prefect's executor): ``flow`` is the deployment's flow, ``env`` the worker's job environment
    (``PREFECT__FLOW_RUN_ID`` and whatever the work pool's job variables add)."""

    def __init__(self, *, flow, env: dict[str, str | None], control_channel=None) -> None:  # noqa: ANN001
        self._flow = flow
        self._env = dict(env)
        self._control_channel = control_channel

    async def start(self, flow_run, task_status=None) -> None:  # noqa: ANN001 - Prefect's FlowRun, TaskStatus
        # lazy: a private module of Prefect, imported only where check_worker has vouched for it
        from prefect.runner._process_manager import ProcessHandle

        task_status = task_status or anyio.TASK_STATUS_IGNORED
        env = dict(self._env)
        registered = False
        if self._control_channel is not None:
            try:  # the channel carries a cancellation's intent to the run; without it, cancelling kills
                port, token = self._control_channel.register(flow_run.id)
                env |= {"PREFECT__CONTROL_PORT": str(port), "PREFECT__CONTROL_TOKEN": token}
                registered = True
            except RuntimeError:
                pass
        handed_off = False
        try:
            process = engine.run_flow_in_subprocess(self._flow, flow_run=flow_run, env=env)
            task_status.started(ProcessHandle(process))
            handed_off = True
            await anyio.to_thread.run_sync(process.join)
        except BaseException:
            if registered and not handed_off:
                self._control_channel.unregister(flow_run.id)
            raise


def command_configured(configuration: Any) -> bool:
    """Whether the work pool's job configuration sets its own ``command`` (the process worker then runs it
    its own way, cold)."""
    return bool(getattr(configuration, COMMAND_CONFIGURED, False))


async def run_warm(flow_run: Any, env: dict[str, str | None], flow_of: Callable[[Any], Awaitable[Any]],
                   task_status: Any = None) -> tuple[int, int]:
    """Run ``flow_run`` (its flow from ``flow_of(flow_run)``) as Prefect's process worker does, inside its
    executor, but started by :class:`WarmStarter`; ``env``: the worker's job environment. Reports the
    process id through ``task_status`` once it runs, as a worker's ``run`` does. Returns the run's exit code
    and process id once it ends."""
    # lazy: a private module of Prefect, imported only where check_worker has vouched for it
    from prefect.runner._flow_run_executor import FlowRunExecutorContext

    task_status = task_status or anyio.TASK_STATUS_IGNORED
    flow = await flow_of(flow_run)
    execution = None
    async with FlowRunExecutorContext() as context:
        starter = WarmStarter(flow=flow, env=env, control_channel=context.control_channel)
        executor = context.create_executor(flow_run, starter, resolve_flow=flow_of, propose_submitting=False)

        async def execute(*, task_status=anyio.TASK_STATUS_IGNORED) -> None:  # noqa: ANN001
            nonlocal execution
            execution = await executor.submit(task_status=task_status)

        async with anyio.create_task_group() as group:
            handle = await group.start(execute)
            if handle.pid is None:
                raise RuntimeError("Flow run process has no PID")
            task_status.started(handle.pid)
    if execution is None or execution.status_code is None:
        raise RuntimeError("Failed to start flow run process.")
    return execution.status_code, execution.handle.pid
