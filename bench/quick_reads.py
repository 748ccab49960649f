"""The secretariat's quick looks with a ledger of a region's years: 1,000 proposals (800 established
or rejected, 200 waiting at a gate), each with its audit trail. ``dmpg pending`` and ``dmpg status``
as fresh processes, median wall time (target ≤ 0.5 s each), and ``dmpg --help`` (target ≤ 0.1 s).

    .venv/bin/python -m bench.quick_reads [--proposals N] [--repeat N]
"""

from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import sys
import tempfile
import time

from bench.lifecycle import FORM, PROJECT, Row

DMPG = PROJECT / ".venv" / "bin" / "dmpg"


def seed(n: int) -> str:
    """``n`` proposals with realistic trails in the current DMPG_HOME; returns one waiting proposal's id."""
    from dmpg.services.deadlines import at_opening
    from forms.loading import load_form
    from models import ledger

    form = load_form(FORM)
    waiting = ""
    with ledger.transaction() as s:
        for i in range(n):
            pid = ledger.create_proposal(form, session=s).id
            for gate, round_, outcome in (("advice", 1, "support"), ("database", 1, "planned"), ("steering", 1, "approve")):
                # As the engine records the steering gate's opening: with the deadline it is given (dmpg.services.deadlines).
                given = at_opening(pid, gate) if gate == "steering" else {}
                ledger.record_event(pid, key=f"{pid}:gate_opened:{gate}-r{round_}-a1", kind="gate_opened", gate=gate,
                                    round=round_, detail={"key": f"{gate}-r{round_}-a1", "waiting_on": ["x@example.dk"],
                                                          **given}, session=s)
                if i % 5 or gate != "steering":  # one in five still waits for the steering group
                    ledger.record_event(pid, key=f"{pid}:answer:{gate}:r{round_}:a1", kind="decision_recorded",
                                        gate=gate, round=round_, by="x@example.dk", detail={"outcome": outcome}, session=s)
            if i % 5:
                ledger.set_stage(pid, "established" if i % 2 else "rejected", key=f"{pid}:stage:final", session=s)
            else:
                waiting = pid
    return waiting


def timed(argv: list[str], repeat: int) -> float:
    def once() -> float:
        t = time.perf_counter()
        subprocess.run([str(DMPG), *argv], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, check=True)
        return time.perf_counter() - t

    once()  # the OS file cache
    return statistics.median(once() for _ in range(repeat))


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--proposals", type=int, default=1000)
    parser.add_argument("--repeat", type=int, default=7)
    args = parser.parse_args(argv)
    with tempfile.TemporaryDirectory(prefix="dmpg-bench-") as home:
        os.environ["DMPG_HOME"] = home
        os.environ.pop("DMPG_DATABASE_URL", None)
        waiting = seed(args.proposals)
        rows = [
            Row(f"dmpg pending, {args.proposals} proposals ({args.proposals // 5} waiting)",
                timed(["pending"], args.repeat), "s", "≤ 0.5 s", None),
            Row(f"dmpg status {waiting}", timed(["status", waiting], args.repeat), "s", "≤ 0.5 s", None),
            Row("dmpg --help", timed(["--help"], args.repeat), "s", "≤ 0.1 s", None),
        ]
    for row, target in zip(rows, (0.5, 0.5, 0.1)):
        row.met = row.value <= target
        print(row.line(), flush=True)
    return 0 if all(r.met for r in rows) else 1


if __name__ == "__main__":
    sys.exit(main())
