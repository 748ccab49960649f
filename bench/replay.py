"""Replay does not grow with a proposal's history, measured paired on one real local stack: a fresh
proposal (steering round 1, 2, …) and one with nine deferrals behind it (round 10, 11, …) take
decisions alternately, A B A B …, so the machine's drift hits both alike; the figure is the ratio of
the medians of decision → next gate (target ≤ 1.2).

    .venv/bin/python -m bench.replay [--pairs N]
"""

from __future__ import annotations

import argparse
import statistics
import sys
import time

from bench.lifecycle import SCRIPT, Row, _propose, payload, running_stack


def decide(proposal: str, gate: str, answer: dict) -> float:
    """One decision through a channel (as the decision page records it) until the next gate waits."""
    from dmpg.services.decisions import record_decision, wait_for_gate

    wait_for_gate(proposal, gate, timeout=180)
    t = time.perf_counter()
    recorded = record_decision(proposal, gate, answer, channel="mail-link", identity="link")
    wait_for_gate(proposal, timeout=180, after=(recorded.gate, recorded.round))
    return time.perf_counter() - t


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--pairs", type=int, default=5)
    args = parser.parse_args(argv)
    with running_stack():
        hearing = [(step.gate, payload(step)) for step in SCRIPT.hearing()]
        defer = SCRIPT.step("steering-defer")
        deferral = payload(defer)
        fresh, long = _propose(), _propose()
        for proposal in (fresh, long):
            for gate, answer in hearing:
                decide(proposal, gate, answer)
        for _ in range(9):  # the history: nine deferrals
            decide(long, defer.gate, deferral)
        early, late = [], []
        for _ in range(args.pairs):
            early.append(decide(fresh, defer.gate, deferral))
            late.append(decide(long, defer.gate, deferral))
    ratio = statistics.median(late) / statistics.median(early)
    for row in (Row("decision → next gate, steering round 1–5 (median)", statistics.median(early), "s", "", None),
                Row("… the same after nine deferrals, round 10–14 (median)", statistics.median(late), "s", "", None),
                Row("round 10+ / round 1+ (paired, ratio of medians)", ratio, "×", "≤ 1.2", ratio <= 1.2)):
        print(row.line(), flush=True)
    return 0 if ratio <= 1.2 else 1


if __name__ == "__main__":
    sys.exit(main())
