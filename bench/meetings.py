"""Meeting figures on a real local stack (a temporary DMPG_HOME, free ports; stack start excluded):
the minutes of a 10-proposal steering meeting recorded (``dmpg meeting record``'s work) until all 10
proposals wait at their next gate — suspended in Prefect at the director circle's gate with its memo
written (target: median ≤ 15 s). Each run brings 10 fresh proposals through the hearing first (not
timed), plans the meeting and records the minutes.

    .venv/bin/python -m bench.meetings [--proposals 10] [--runs 3]
"""

from __future__ import annotations

import argparse
import statistics
import sys
import tempfile
import time
from datetime import timedelta
from pathlib import Path

from bench.lifecycle import SCRIPT, Row, _propose, payload, running_stack


def _at_steering(n: int) -> list[str]:
    from dmpg.services.decisions import record_decision, wait_for_gate

    proposals = []
    for _ in range(n):  # one after the other: a burst of ten new runs is not what is measured
        proposals.append(p := _propose())
        wait_for_gate(p, "advice", timeout=300)
        for step in SCRIPT.hearing():  # both asked at once; recorded in the ledger, the flow takes them
            record_decision(p, step.gate, payload(step))
    for p in proposals:
        wait_for_gate(p, "steering", timeout=300)
    return proposals


def _minutes(tmp: Path, proposals: list[str]) -> Path:
    import yaml

    path = tmp / f"minutes-{time.monotonic_ns()}.yaml"
    decisions = [{"proposal": p, "decision": "approve", "rationale": "Emnet har betydelig sværhedsgrad og volumen."}
                 for p in proposals]
    path.write_text(yaml.safe_dump({"decisions": decisions}, allow_unicode=True), encoding="utf-8")
    return path


def _all_waiting_at(proposals: list[str], gate: str, timeout: float = 300) -> None:
    """Until every proposal waits at ``gate``: its round open in the ledger (documents written, mails
    queued), then its run suspended in Prefect. The ledger is polled, not the busy Prefect server."""
    from dmpg.adapters.prefect_api import PrefectAPI
    from dmpg.state.gates_open import open_gates
    from models import ledger

    deadline = time.monotonic() + timeout
    left = set(proposals)
    while left and time.monotonic() < deadline:
        left -= {g.proposal for g in open_gates() if g.gate == gate}
        time.sleep(0.2)
    with PrefectAPI() as api:
        for p in proposals:
            while not api.run_state(ledger.get_proposal(p).flow_run_id).paused:
                if time.monotonic() > deadline:
                    raise SystemExit(f"{p} did not come to wait at {gate} within {timeout:.0f} s")
                time.sleep(0.2)


def run_meeting(n: int, ahead: int, tmp: Path) -> float:
    """One meeting of ``n`` proposals, planned ``ahead`` days on (its pack not due during the run); the
    stack's simulated calendar then moves past the meeting, as the minutes are recorded after it.
    Seconds from recording the minutes until all wait at approval."""
    from core import clock
    from dmpg.services.meetings import plan_meeting, record_minutes

    proposals = _at_steering(n)
    day = clock.today() + timedelta(days=ahead)
    planned = plan_meeting("steering_group", day, proposals)
    clock.advance_to(day + timedelta(days=1))
    minutes = _minutes(tmp, proposals)
    t = time.perf_counter()
    record_minutes(planned.meeting.id, minutes, "sekretariat@example.dk")
    recorded = time.perf_counter() - t
    _all_waiting_at(proposals, "approval")
    total = time.perf_counter() - t
    print(f"  run: minutes recorded and every flow woken in {recorded:.2f} s; all at their next gate after {total:.2f} s",
          flush=True)
    return total


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--proposals", type=int, default=10)
    parser.add_argument("--runs", type=int, default=3)
    args = parser.parse_args(argv)
    from core import clock

    with tempfile.TemporaryDirectory(prefix="dmpg-bench-clock-") as calendar, \
            running_stack(**{clock.ENV: str(Path(calendar) / "clock.json")}) as (_, tmp):
        times = [run_meeting(args.proposals, 30, Path(tmp)) for _ in range(args.runs)]
    median = statistics.median(times)
    rows = [Row(f"minutes of {args.proposals} proposals → all at their next gate, median of {args.runs}",
                median, "s", "≤ 15 s", median <= 15),
            Row("… slowest", max(times), "s", "", None)]
    for row in rows:
        print(row.line(), flush=True)
    return 0 if all(r.met is not False for r in rows) else 1


if __name__ == "__main__":
    sys.exit(main())
