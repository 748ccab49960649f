"""Lifecycle figures on a real local stack (a temporary DMPG_HOME, free ports; stack start excluded):

- decision → next gate as a person meets it: ``dmpg decide … --wait`` from the process's start until it
  returns with the next gate waiting, its documents written and its mails in the outbox — median over
  the lifecycle's gates (target ≤ 3 s, aim 1.5 s); then the same with Prefect's defaults (10 s
  polling, a freshly spawned process per run) and the ratio;
- the whole lifecycle, propose to established with scripted decisions (target ≤ 25 s);
- N proposals submitted back to back (default 200): how long a submission takes (a SQLite Prefect
  server can stand still for up to a minute under the burst; submissions wait it out), then all N
  waiting at a gate at once: flow-run processes alive while they wait (target 0) and ``dmpg pending``
  wall time (target ≤ 2 s).

    .venv/bin/python -m bench.lifecycle [--waiting N] [--skip-default-polling]
"""

from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from dmpg.services import scripted

PROJECT = Path(__file__).resolve().parent.parent
SCRIPT = scripted.load()  # the scripted lifecycle (examples/lifecycle/): its straight way, its forms
FORM = SCRIPT.straight_form  # meets the premises: the hearing opens at once


@dataclass
class Row:
    what: str
    value: float
    unit: str
    target: str
    met: bool | None

    def line(self) -> str:
        verdict = "" if self.met is None else ("met" if self.met else "MISSED")
        return f"{self.what:<58} {self.value:>9.2f} {self.unit:<3} {self.target:>9}  {verdict}"


def _stack(home: Path, **env: str):
    """A LocalStack on free ports under ``home``; ``env`` goes to its runner (e.g. polling)."""
    from core.settings import Settings
    from dmpg.adapters.stack import LocalStack
    from dmpg.adapters.stack_net import free_port

    os.environ.update(env)
    settings = Settings(home=home, prefect_port=free_port(), smtp_port=free_port(), web_port=free_port())
    stack = LocalStack(settings)
    for key, value in stack.client_env().items():
        os.environ[key] = value
    from core.settings import get_settings

    get_settings.cache_clear()
    return stack


@contextmanager
def running_stack(**env: str) -> Iterator[tuple[Any, Path]]:
    """A local stack (:func:`_stack`) started under a fresh temporary directory, stopped and ``env``
    taken back afterwards; yields the stack and the directory."""
    with tempfile.TemporaryDirectory(prefix="dmpg-bench-") as tmp:
        stack = _stack(Path(tmp) / "home", **env)
        stack.start()
        try:
            yield stack, Path(tmp)
        finally:
            stack.stop()
            for key in env:
                os.environ.pop(key, None)


def _propose(form_path: Path = FORM) -> str:
    from dmpg.services.submission import submit_proposal
    from forms.loading import load_form

    return submit_proposal(load_form(form_path), source="bench", tags=("bench",), again=True).proposal


def payload(step: scripted.Step) -> dict[str, Any]:
    """The script's ``step`` as its gate takes it, recorded by :func:`recorder` and dated today."""
    return SCRIPT.input(step, recorder(step))


def recorder(step: scripted.Step) -> str:
    """Who records ``step``: the first member of its body on the roster in force (or the form's proposer)."""
    from forms.loading import load_form
    from models.ledger import roster

    return scripted.recorded_by(step, roster(), str(load_form(FORM).proposers[0].email))


def run_lifecycle() -> tuple[list[float], float]:
    """One proposal propose → established, every decision as a person meets it on the command line:
    ``dmpg decide … --wait``, a fresh process from its start until it returns with the next gate
    waiting (documents written, mails in the outbox). Returns (those times, total seconds)."""
    from dmpg.services.decisions import wait_for_gate

    t0 = time.perf_counter()
    proposal = _propose()
    wait_for_gate(proposal, timeout=120)
    steps = []
    with tempfile.TemporaryDirectory(prefix="dmpg-bench-input-") as folder:
        for step in SCRIPT.straight():
            by = recorder(step)
            path = SCRIPT.write_input(step, by, Path(folder))
            wait_for_gate(proposal, step.gate, timeout=120)
            t = time.perf_counter()
            subprocess.run([str(PROJECT / ".venv/bin/dmpg"), "decide", proposal, step.gate, "--input", str(path),
                            "--by", by, "--wait"], check=True, stdout=subprocess.DEVNULL, env={**os.environ})
            steps.append(time.perf_counter() - t)
    return steps, time.perf_counter() - t0


def measure_tuned(waiting: int) -> list[Row]:
    rows: list[Row] = []
    with running_stack() as (stack, _):
        run_lifecycle()  # warm-up: the first run starts the forkserver
        steps, total = run_lifecycle()
        rows.append(Row("dmpg decide --wait → next gate waiting, median",
                        statistics.median(steps), "s", "≤ 3 s", statistics.median(steps) <= 3))
        rows.append(Row("decision → next gate, slowest", max(steps), "s", "", None))
        rows.append(Row("whole lifecycle, propose → established", total, "s", "≤ 25 s", total <= 25))
        if waiting:
            rows += measure_waiting(stack, waiting)
    return rows


def measure_waiting(stack, n: int) -> list[Row]:
    from core.errors import UserError
    from dmpg.state.gates_open import open_gates

    submissions = []
    for _ in range(n):
        t = time.perf_counter()
        try:
            _propose()
        except UserError as exc:  # the figure is how far the burst got, and why it stopped
            print(f"submission {len(submissions) + 1} of {n} refused after {time.perf_counter() - t:.0f} s: {exc}",
                  flush=True)
            return [Row(f"{n} submissions back to back: submitted before one was refused", len(submissions), "",
                        f"{n}", False)]
        submissions.append(time.perf_counter() - t)
    deadline = time.monotonic() + 60 + 5 * n  # each new proposal renders its hearing documents: seconds of CPU
    def waiting_proposals() -> int:  # a proposal at the hearing waits at two gates at once
        return len({g.proposal for g in open_gates()})

    while time.monotonic() < deadline and waiting_proposals() < n:
        time.sleep(1)
    waiting = waiting_proposals()
    time.sleep(3)  # let the last suspended runs exit
    processes = _flow_run_processes(stack)
    env = {**os.environ}
    t = time.perf_counter()
    subprocess.run([str(PROJECT / ".venv/bin/dmpg"), "pending", "--json"], env=env, check=True,
                   stdout=subprocess.DEVNULL)
    pending = time.perf_counter() - t
    return [
        Row(f"{n} submissions back to back: median", statistics.median(submissions), "s", "", None),
        Row("… the slowest (SQLite Prefect stalls under the burst)", max(submissions), "s", "", None),
        Row(f"proposals waiting at a gate (of {n} proposed)", waiting, "", f"{n}", waiting >= n),
        Row(f"flow-run processes alive while {waiting} wait", processes, "", "0", processes == 0),
        Row(f"dmpg pending with {waiting} waiting", pending, "s", "≤ 2 s", pending <= 2),
    ]


def _flow_run_processes(stack) -> int:
    """Processes under the runner other than the forkserver itself (each would be a flow run)."""
    runner = int(stack.pid_path("runner").read_text().split()[0])
    out = subprocess.run(["ps", "-eo", "pid,ppid,args"], capture_output=True, text=True).stdout
    children: dict[int, list[tuple[int, str]]] = {}
    for line in out.splitlines()[1:]:
        pid, ppid, args = line.strip().split(None, 2)
        children.setdefault(int(ppid), []).append((int(pid), args))
    count, todo = 0, [runner]
    while todo:
        for pid, args in children.get(todo.pop(), []):
            todo.append(pid)
            if "forkserver" not in args and "resource_tracker" not in args:
                count += 1
    return count


def measure_default_polling() -> list[Row]:
    with running_stack(DMPG_RUNNER_POLL_SECONDS="10", DMPG_RUNNER_WARM_START="false"):
        steps, total = run_lifecycle()
    return [
        Row("dmpg decide --wait, median, with Prefect's defaults (10 s, spawn)", statistics.median(steps), "s", "", None),
        Row("whole lifecycle with Prefect's defaults", total, "s", "", None),
    ]


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--waiting", type=int, default=200, help="proposals waiting at once (0 to skip)")
    parser.add_argument("--skip-default-polling", action="store_true")
    args = parser.parse_args(argv)
    rows = measure_tuned(args.waiting)
    if not args.skip_default_polling:
        defaults = measure_default_polling()
        rows += defaults + [Row("… Prefect's defaults / ours (ratio of the medians)", defaults[0].value / rows[0].value,
                                "×", "", None)]
    for row in rows:
        print(row.line(), flush=True)
    return 0 if all(r.met is not False for r in rows) else 1


if __name__ == "__main__":
    sys.exit(main())
