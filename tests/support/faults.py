"""Fault injection with real signals: find the processes behind a flow run, freeze them at the moment
that matters, and kill what a crash kills.

Contract:
- ``children(pid)``, ``descendants(pid)``: live processes under ``pid`` (from /proc).
- ``runs_process(flow_run_id)``: pids of processes started for that flow run with ``PREFECT__FLOW_RUN_ID``
  in their environment (a run started cold, as ``python -m prefect.engine``; a run forked from a warm
  start's forkserver has it only in its memory: find that one by the ``infrastructure_pid`` its worker
  recorded on the flow run).
- ``forkserver(pid)``: the warm-start forkserver under a runner or worker (flows.prefect_compat).
- ``ancestors(pid)``: the processes above ``pid``, nearest first.
- ``freeze(pids)`` / ``thaw(pids)``: SIGSTOP / SIGCONT.
- ``step_until(pid, reached)``: let a process run in slices of a few milliseconds, frozen between them,
  until ``reached()`` holds while it is frozen; it stays frozen there (a crash point found without a race:
  however loaded the machine, the process cannot pass the point while the test looks).
- ``kill_group(pgid)``: SIGKILL to a process group (a runner and everything it forked), waited for.
- ``kill_unit(pid)``: SIGKILL to a service's main process and every process under it, as systemd does to
  a unit's cgroup when its main process dies (``KillMode=control-group``). A worker starts each flow run
  in a session of its own, so a process-group kill alone would leave the run going: the benign case.
"""

from __future__ import annotations

import os
import signal
from collections.abc import Iterable
from pathlib import Path

from support.prefect_server import wait_until


def _ppid(pid: int) -> int | None:
    try:
        stat = Path(f"/proc/{pid}/stat").read_text()
    except OSError:
        return None
    return int(stat[stat.rfind(")") + 2:].split()[1])


def _pids() -> list[int]:
    return [int(p.name) for p in Path("/proc").iterdir() if p.name.isdigit()]


def children(pid: int) -> list[int]:
    return [p for p in _pids() if _ppid(p) == pid]


def descendants(pid: int) -> list[int]:
    found: list[int] = []
    frontier = [pid]
    parents = {p: _ppid(p) for p in _pids()}
    while frontier:
        current = frontier.pop()
        kids = [p for p, parent in parents.items() if parent == current]
        found += kids
        frontier += kids
    return found


def cmdline(pid: int) -> str:
    try:
        return Path(f"/proc/{pid}/cmdline").read_bytes().replace(b"\0", b" ").decode(errors="replace")
    except OSError:
        return ""


def runs_process(flow_run_id: str) -> list[int]:
    marker = f"PREFECT__FLOW_RUN_ID={flow_run_id}".encode()
    found = []
    for pid in _pids():
        try:
            if marker in Path(f"/proc/{pid}/environ").read_bytes().split(b"\0"):
                found.append(pid)
        except OSError:
            continue
    return found


def parent(pid: int) -> int | None:
    return _ppid(pid)


def ancestors(pid: int) -> list[int]:
    found = []
    while (pid := _ppid(pid)) not in (None, 0):
        found.append(pid)
    return found


def forkserver(pid: int) -> int | None:
    return next((p for p in children(pid) if "multiprocessing.forkserver" in cmdline(p)), None)


def _signal(pids: Iterable[int], sig: signal.Signals) -> None:
    for pid in pids:
        try:
            os.kill(pid, sig)
        except ProcessLookupError:
            pass


def freeze(pids: Iterable[int]) -> None:
    _signal(pids, signal.SIGSTOP)


def thaw(pids: Iterable[int]) -> None:
    _signal(pids, signal.SIGCONT)


def step_until(pid: int, reached, timeout: float = 120, slice_s: float = 0.004) -> bool:
    """Run ``pid`` a slice at a time until ``reached()`` is true between slices; True with the process
    frozen there, False (the process thawed) when it ended or ``timeout`` passed first."""
    import time

    deadline = time.monotonic() + timeout
    freeze([pid])
    while time.monotonic() < deadline and not _gone(pid):
        if reached():
            return True
        thaw([pid])
        time.sleep(slice_s)
        freeze([pid])
    thaw([pid])
    return False


def _gone(pid: int) -> bool:
    try:
        stat = Path(f"/proc/{pid}/stat").read_text()
    except OSError:
        return True
    return stat[stat.rfind(")") + 2:].startswith(("Z", "X"))


def kill_group(pgid: int) -> None:
    members = [p for p in _pids() if _pgid(p) == pgid]
    try:
        os.killpg(pgid, signal.SIGKILL)
    except ProcessLookupError:
        return
    wait_until(lambda: all(_gone(p) for p in members), 10, 0.05)


def kill_unit(pid: int) -> list[int]:
    """SIGKILL ``pid`` and every process under it; returns them."""
    victims = [pid, *descendants(pid)]
    _signal(victims, signal.SIGKILL)
    wait_until(lambda: all(_gone(p) for p in victims), 10, 0.05)
    return victims


def _pgid(pid: int) -> int | None:
    try:
        return os.getpgid(pid)
    except ProcessLookupError:
        return None
