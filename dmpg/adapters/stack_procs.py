"""Process plumbing for the local stack: spawn a child in its own process group, tell whether a
recorded pid is still *that* process, stop a group (SIGTERM, grace, SIGKILL), read a log's tail.

Plain standard library, POSIX only (the local stack is a Linux/macOS developer tool). No knowledge
of Prefect or of which children the stack has: that is ``dmpg.adapters.stack``.
"""

from __future__ import annotations

import os
import signal
import subprocess
import time
from collections.abc import Mapping, Sequence
from pathlib import Path

from core.private import UMASK


def proc_start_ticks(pid: int) -> int | None:
    """The kernel's start time of ``pid`` (clock ticks since boot), or None when unknown.

    Recorded beside a pid so that a pid reused by an unrelated process after a reboot or a crash is
    never mistaken for ours (and never signalled).
    """
    try:
        stat = Path(f"/proc/{pid}/stat").read_text()
    except OSError:
        return None
    # The command name (field 2) may contain spaces and parentheses: split after the last ')'.
    fields = stat[stat.rfind(")") + 2 :].split()
    try:
        return int(fields[19])  # field 22 of stat(5); fields[0] is field 3
    except (IndexError, ValueError):
        return None


def _is_zombie(pid: int) -> bool:
    try:
        stat = Path(f"/proc/{pid}/stat").read_text()
    except OSError:
        return False
    return stat[stat.rfind(")") + 2 :].startswith("Z")


def pid_alive(pid: int, start_ticks: int | None = None) -> bool:
    """True when ``pid`` runs and (if ``start_ticks`` is given and knowable) is the same process."""
    if pid <= 0:
        return False
    _reap(pid)
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return False  # another user's process: the pid was reused, it is not ours
    if _is_zombie(pid):
        return False  # exited, its parent has not collected it yet
    if start_ticks is not None:
        now = proc_start_ticks(pid)
        if now is not None and now != start_ticks:
            return False
    return True


def group_alive(pgid: int) -> bool:
    """True while any process of the group ``pgid`` runs (an exited child of ours is reaped first)."""
    _reap(pgid)
    try:
        os.killpg(pgid, 0)
    except (ProcessLookupError, PermissionError):
        return False
    return True


def _reap(pid: int) -> None:
    """Collect ``pid``'s exit status if it is our own exited child (else nothing happens)."""
    try:
        os.waitpid(pid, os.WNOHANG)
    except ChildProcessError:
        pass


def spawn(
    argv: Sequence[str], env: Mapping[str, str], log: Path, cwd: Path | None = None
) -> tuple[subprocess.Popen, int]:
    """Start ``argv`` detached in a new session (its own process group) with output appended to ``log``.

    Returns the process and the byte offset in ``log`` where its own output begins (after a header
    line naming the command, so readiness markers are never matched in the command line itself).
    The child outlives the calling process (``dmpg up`` returns while the stack runs); stdin is
    /dev/null so it never waits on a terminal. It runs with the umask ``core.private.UMASK``: every
    file it makes (a ledger, a document, a message, a log) is its owner's alone, as is the log.
    """
    log.parent.mkdir(mode=0o700, parents=True, exist_ok=True)
    fd = os.open(log, os.O_WRONLY | os.O_APPEND | os.O_CREAT, 0o600)
    with os.fdopen(fd, "ab") as out:
        out.write(f"--- {time.strftime('%Y-%m-%d %H:%M:%S')} starting: {' '.join(argv)}\n".encode())
        out.flush()
        offset = out.tell()
        proc = subprocess.Popen(
            list(argv),
            env=dict(env),
            cwd=cwd,
            stdin=subprocess.DEVNULL,
            stdout=out,
            stderr=subprocess.STDOUT,
            start_new_session=True,
            close_fds=True,
            umask=UMASK,
        )
    return proc, offset


def stop_groups(pgids: Sequence[int], grace: float = 10.0) -> list[int]:
    """SIGTERM each process group, wait up to ``grace`` seconds, then SIGKILL what is left.

    Returns the groups that had to be killed. The caller must have checked that each pgid is one
    of ours (see ``pid_alive`` with start ticks): a group id is a pid.
    """
    live = [g for g in pgids if group_alive(g)]
    for g in live:
        _signal_group(g, signal.SIGTERM)
    deadline = time.monotonic() + grace
    while live and time.monotonic() < deadline:
        time.sleep(0.1)
        live = [g for g in live if group_alive(g)]
    for g in live:
        _signal_group(g, signal.SIGKILL)
    deadline = time.monotonic() + 5.0
    while any(group_alive(g) for g in live) and time.monotonic() < deadline:
        time.sleep(0.05)
    return live


def _signal_group(pgid: int, sig: signal.Signals) -> None:
    try:
        os.killpg(pgid, sig)
    except (ProcessLookupError, PermissionError):
        pass


def log_text(log: Path, start: int = 0) -> str:
    """Everything ``log`` holds after byte offset ``start`` (for readiness markers)."""
    try:
        with log.open("rb") as fh:
            fh.seek(start)
            return fh.read().decode("utf-8", errors="replace")
    except OSError:
        return ""


def log_tail(log: Path, lines: int = 20, start: int = 0) -> str:
    """The last ``lines`` lines of ``log`` written after byte offset ``start`` ('' if none)."""
    return "\n".join(log_text(log, start).rstrip().splitlines()[-lines:])
