"""Where the time of one resume goes, on a real local stack: a decision recorded by a channel (as the
decision page does it, in a warm process) until the next gate waits, split into phases from the
ledger's and Prefect's own timestamps, plus — with ``--py-spy`` — the flow-run process's hottest
functions sampled by py-spy (a profiler that attaches from outside; nothing in the code is changed).

    .venv/bin/python -m bench.resume_profile [--rounds N] [--py-spy]

Phases (median over the decisions): the decision written; Prefect told (resume); the runner picks the
run up (Pending); the run starts (Running); replay up to the first new step; each step (task runs);
the next suspension; and the CLI's ``--wait`` seeing it. ``--rounds N`` defers the steering gate
N−1 times first, to show that replay does not grow with a proposal's history.
"""

from __future__ import annotations

import argparse
import collections
import signal
import statistics
import subprocess
import sys
import tempfile
import time
from datetime import datetime
from pathlib import Path

from bench.lifecycle import SCRIPT, _propose, _stack, payload


def _states(flow_run_id: str) -> list[tuple[str, str, datetime]]:
    from dmpg.adapters.prefect_api import PrefectAPI

    with PrefectAPI() as api:
        states = api._request("GET", f"/flow_run_states/?flow_run_id={flow_run_id}")
    return sorted(((s["type"], s["name"], datetime.fromisoformat(s["timestamp"])) for s in states), key=lambda s: s[2])


def _task_runs(flow_run_id: str, since: datetime) -> list[tuple[str, datetime, datetime]]:
    from dmpg.adapters.prefect_api import PrefectAPI

    with PrefectAPI() as api:
        runs = api._request("POST", "/task_runs/filter", json={"flow_runs": {"id": {"any_": [flow_run_id]}}})
    out = []
    for r in runs:
        if r.get("start_time") and r.get("end_time"):
            start, end = datetime.fromisoformat(r["start_time"]), datetime.fromisoformat(r["end_time"])
            if start >= since:
                out.append((r["name"].rsplit("-", 1)[0], start, end))
    return sorted(out, key=lambda r: r[1])


def one_decision(proposal: str, gate: str, answer: dict) -> dict[str, float]:
    """Record one decision as a channel does and return its phases in seconds."""
    from dmpg.services.decisions import record_decision, wait_for_gate
    from models import ledger

    t0 = time.time()
    recorded = record_decision(proposal, gate, answer, channel="mail-link", identity="link")
    t_recorded = time.time()
    wait_for_gate(proposal, timeout=120, after=(recorded.gate, recorded.round))
    t_seen = time.time()
    run = ledger.get_proposal(proposal).flow_run_id
    since = datetime.fromtimestamp(t0).astimezone()
    states = [s for s in _states(run) if s[2] >= since]
    first = {}
    for kind, name, at in states:
        first.setdefault(name, at.timestamp())
    tasks = _task_runs(run, since)
    phases = {
        "decision judged, recorded, flow woken (resume)": t_recorded - t0,
        "runner picks the run up (→ Pending)": first.get("Pending", t_recorded) - t_recorded,
        "the run starts (→ Running)": first.get("Running", 0) - first.get("Pending", 0),
        "replay up to the first new step": (tasks[0][1].timestamp() if tasks else first.get("Suspended", 0))
                                            - first.get("Running", 0),
    }
    for name, start, end in tasks:
        phases[f"step: {name}"] = phases.get(f"step: {name}", 0) + (end - start).total_seconds()
    between = (first.get("Suspended", 0) - (tasks[0][1].timestamp() if tasks else first.get("Running", 0))
               - sum((e - s).total_seconds() for _, s, e in tasks))
    phases["between steps (suspension, board, Prefect calls)"] = between
    phases["--wait sees the next gate"] = t_seen - first.get("Suspended", t_seen)
    phases["TOTAL decision → next gate waiting"] = t_seen - t0
    return phases


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rounds", type=int, default=1, help="steering rounds before the measured decisions")
    parser.add_argument("--py-spy", action="store_true", help="sample the runner's processes with py-spy")
    args = parser.parse_args(argv)
    from dmpg.services.decisions import wait_for_gate

    with tempfile.TemporaryDirectory(prefix="dmpg-bench-") as tmp:
        stack = _stack(Path(tmp) / "home")
        stack.start()
        spy = None
        try:
            advice, database, defer = (SCRIPT.step(name) for name in ("advice", "database", "steering-defer"))
            proposal = _propose()
            wait_for_gate(proposal, advice.gate, timeout=120)
            one_decision(proposal, advice.gate, payload(advice))
            measured: list[dict[str, float]] = []
            gates = [(database.gate, payload(database))]
            gates += [(defer.gate, payload(defer))] * (args.rounds - 1)
            gates += [(defer.gate, payload(defer))] * 3
            if args.py_spy:
                out = Path(tmp) / "spy.txt"
                runner = stack.pid_path("runner").read_text().split()[0]
                spy = subprocess.Popen([str(Path(sys.executable).parent / "py-spy"), "record", "--pid", runner,
                                        "--subprocesses", "--format", "raw", "--output", str(out), "--rate", "200",
                                        "--nonblocking"], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
                time.sleep(1)
            for gate, answer in gates:
                wait_for_gate(proposal, gate, timeout=120)
                measured.append(one_decision(proposal, gate, answer))
            if spy:
                spy.send_signal(signal.SIGINT)  # py-spy writes its samples on Ctrl-C
                spy.wait(30)
        finally:
            stack.stop()
        keys = list(dict.fromkeys(k for m in measured[-3:] for k in m))
        print(f"one resume, median of the last 3 of {len(measured)} decisions (history: {args.rounds} steering round(s)):")
        for k in keys:
            print(f"  {k:<58} {statistics.median(m.get(k, 0.0) for m in measured[-3:]):7.3f} s")
        if spy and (Path(tmp) / "spy.txt").exists():
            _hottest(Path(tmp) / "spy.txt")
            import shutil

            shutil.copy(Path(tmp) / "spy.txt", Path(tempfile.gettempdir()) / "dmpg-resume-spy.txt")
    return 0


def _hottest(raw: Path, top: int = 40) -> None:
    """py-spy's collapsed stacks as the functions most often on the stack (inclusive), ours first."""
    inclusive: collections.Counter[str] = collections.Counter()
    total = 0
    for line in raw.read_text().splitlines():
        stack, _, count = line.rpartition(" ")
        if not count.isdigit():
            continue
        total += int(count)
        for frame in dict.fromkeys(stack.split(";")):
            inclusive[frame.split(" (")[0] + " (" + frame.split(" (")[-1].split(":")[0].split("/")[-1]] += int(count)
    print(f"\npy-spy, the runner's processes during the measured decisions ({total} samples); frames by share:")
    shown = [(f, n) for f, n in inclusive.most_common() if not f.startswith(("process ", " main(", "<module>"))]
    for frame, n in shown[:top]:
        print(f"  {100 * n / total:5.1f}%  {frame}")


if __name__ == "__main__":
    sys.exit(main())
