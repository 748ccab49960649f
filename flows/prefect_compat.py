"""The one place that leans on Prefect internals: the local runner's warm start, and a quiet
suspension observer.

Why: the runner starts every flow run — each resumption of a suspended proposal included — in a
fresh ``spawn``-ed Python process, and importing Prefect there takes over 2 s. Handing Prefect a
``forkserver`` context whose server has Prefect's engine and our flows preloaded makes a resumed run
start in about 0.1 s. Each run is still its own process.

The assumption (Prefect 3.8.8): ``prefect.flow_engine.run_flow_in_subprocess`` gets its context from
``multiprocessing.get_context("spawn")``, looking ``multiprocessing`` up as a global of
``prefect.flow_engine``. :func:`check` verifies that against the installed Prefect; when it no
longer holds (an upgrade), :func:`install_warm_start` logs why and leaves Prefect's default, and a
test fails with the same explanation so the adapter is revisited.

The suspension observer: Prefect 3.8.8 starts, for every run of a deployment, a thread with its own
event loop, API clients and a websocket subscription that watches for the run being suspended *from
outside* (``prefect.flow_engine.observe_flow_run_suspension``), and the run waits until it is
connected. Our flows only suspend themselves — ``suspend_flow_run`` inside the flow marks the
request directly — so :func:`quiet_suspension_observer` replaces it with nothing, saving a second or
so of every resume. :func:`check_observer` verifies the assumption the same way.
"""

from __future__ import annotations

import inspect
import logging
import multiprocessing
import types

log = logging.getLogger("dmpg.prefect_compat")

SPAWN_CALL = 'multiprocessing.get_context("spawn")'


def check() -> list[str]:
    """What no longer holds of the assumption above (empty when the warm start can be installed)."""
    import prefect.flow_engine as engine

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
    return problems


def install_warm_start(preload: list[str]) -> bool:
    """Make Prefect's flow-run processes fork from a forkserver with ``preload`` imported.
    Returns False (and logs why) when :func:`check` finds the assumption broken."""
    import prefect.flow_engine as engine

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
    import prefect.flow_engine as engine

    problems = []
    if not callable(getattr(engine, OBSERVER, None)):
        problems.append(f"prefect.flow_engine.{OBSERVER} no longer exists")
    setup = getattr(getattr(engine, "FlowRunEngine", None), "setup_flow_run_suspension_request", None)
    if setup is None or OBSERVER not in inspect.getsource(setup):
        problems.append(f"FlowRunEngine.setup_flow_run_suspension_request no longer calls {OBSERVER}")
    return problems


def quiet_suspension_observer() -> bool:
    """Replace Prefect's outside-suspension observer with nothing (see the module docstring)."""
    import contextlib

    import prefect.flow_engine as engine

    if problems := check_observer():
        log.warning("Prefect's suspension observer left as it is: %s", "; ".join(problems))
        return False
    setattr(engine, OBSERVER, lambda *args, **kwargs: contextlib.nullcontext())
    return True
