"""The status report with a region's years in the ledger: 1,000 proposals submitted over two years, each
with its whole trail (the hearing, steering rounds with deferrals, the directors, the appointments, a
rejection now and then), written with explicit timestamps; the youngest are still in process, some of
them overdue. ``dmpg report OUT.docx`` for the last three months as a fresh process, median wall time
(target ≤ 5 s), and the same with ``--json``; the figures it counted are printed under it.

    .venv/bin/python -m bench.report [--proposals N] [--repeat N]
"""

from __future__ import annotations

import argparse
import json
import os
import random
import statistics
import subprocess
import sys
import tempfile
import time
from datetime import datetime, timedelta, timezone
from pathlib import Path

from bench.lifecycle import PROJECT, Row

DMPG = PROJECT / ".venv" / "bin" / "dmpg"
TARGET = 5.0


def seed(n: int, now: datetime) -> None:
    """``n`` proposals with realistic trails in the current DMPG_HOME, submitted evenly over the two years
    before ``now``; a step that would fall after ``now`` has not happened (its gate still waits)."""
    from forms.proposal import ProposalForm
    from models import ledger
    from models.ledger import ensure_schema
    from models.tables import Decision, Proposal, StageEvent

    ensure_schema()
    rng = random.Random(24)
    topics = ("Angst og OCD", "PTSD", "Retspsykiatri", "Personlighedsforstyrrelser", "Prædiagnostisk indsats",
              "Hurtig opstart i BUP", "Autisme", "Demens og psykiatri")
    with ledger.transaction() as s:
        for i in range(n):
            pid = f"DMPG-{2000 + i // 999}-{i % 999 + 1:03d}"
            t = now - timedelta(days=730) + timedelta(days=725 * i / n)
            title = f"{topics[i % len(topics)]} {i}"
            s.add(Proposal(id=pid, title=title, slug=f"p{i}", stage="submitted",
                           form=ProposalForm(title=title).model_dump(mode="json"), created_at=t, updated_at=t))
            s.flush()  # the proposal before its decisions (their foreign key)
            events: list[StageEvent] = [StageEvent(proposal_id=pid, key=f"{pid}:submitted", kind="submitted",
                                                   stage="submitted", at=t)]

            def stage(name: str, at: datetime, round_: int = 1) -> None:
                events.append(StageEvent(proposal_id=pid, key=f"{pid}:stage:{name}:{round_}", kind="stage_entered",
                                         stage=name, at=at))

            def gate(name: str, at: datetime, wait: float, outcome: str, round_: int = 1, meeting: bool = False) -> datetime | None:
                """Open the round at ``at``; decided ``wait`` days later unless that is after now."""
                events.append(StageEvent(proposal_id=pid, key=f"{pid}:gate_opened:{name}-r{round_}-a1",
                                         kind="gate_opened", gate=name, round=round_, at=at,
                                         detail={"key": f"{name}-r{round_}-a1", "waiting_on": ["x@example.dk"]}))
                decided = at + timedelta(days=wait)
                if decided > now:
                    return None
                payload = {"meeting_date": decided.date().isoformat()} if meeting else {}
                s.add(Decision(proposal_id=pid, gate=name, round=round_, outcome=outcome, payload=payload,
                               recorded_by="x@example.dk", channel="cli", at=decided))
                events.append(StageEvent(proposal_id=pid, key=f"{pid}:answer:{name}:r{round_}", kind="decision_recorded",
                                         gate=name, round=round_, at=decided, detail={"outcome": outcome}))
                return decided

            final = None
            stage("reference_group", t)
            db = gate("database", t, rng.uniform(5, 30), "planned")
            advice = gate("advice", t, rng.uniform(15, 45), "support", meeting=True)
            at = max(db, advice) if db and advice else None
            round_ = 1
            while at is not None:
                stage("steering", at, round_)
                choice = rng.random()
                outcome = "defer" if choice < 0.15 and round_ < 3 else "reject" if choice > 0.93 else "approve"
                at = gate("steering", at, rng.uniform(20, 60), outcome, round_, meeting=True)
                if at is None or outcome != "defer":
                    break
                round_ += 1
            if at is not None and outcome == "reject":
                stage("rejected", at)
                final = "rejected"
            elif at is not None:
                stage("director_approval", at)
                at = gate("approval", at, rng.uniform(14, 40), "approve", meeting=True)
                if at is not None:
                    stage("appointments", at)
                    at = gate("appointments", at, rng.uniform(20, 45), "appointed")
                    if at is not None:
                        stage("established", at)
                        events.append(StageEvent(proposal_id=pid, key=f"{pid}:established", kind="established",
                                                 stage="established", at=at))
                        final = "established"
            s.add_all(events)
            s.flush()
            s.get(Proposal, pid).stage = final or next(e.stage for e in reversed(events) if e.stage)


def timed(argv: list[str], repeat: int) -> tuple[float, str]:
    def once() -> tuple[float, str]:
        t = time.perf_counter()
        done = subprocess.run([str(DMPG), *argv], capture_output=True, text=True, check=True)
        return time.perf_counter() - t, done.stdout

    _, out = once()  # the OS file cache
    runs = [once() for _ in range(repeat)]
    return statistics.median(r[0] for r in runs), out


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--proposals", type=int, default=1000)
    parser.add_argument("--repeat", type=int, default=5)
    args = parser.parse_args(argv)
    with tempfile.TemporaryDirectory(prefix="dmpg-bench-") as home:
        os.environ["DMPG_HOME"] = home
        os.environ.pop("DMPG_DATABASE_URL", None)
        started = time.perf_counter()
        seed(args.proposals, datetime.now(timezone.utc))
        seeded = time.perf_counter() - started
        out = Path(home) / "statusrapport.docx"
        docx, _ = timed(["report", str(out)], args.repeat)
        as_json, printed = timed(["report", str(out), "--json"], args.repeat)
        size = out.stat().st_size
    report = json.loads(printed)
    s = report["summary"]
    rows = [Row(f"dmpg report OUT.docx, {args.proposals} proposals", docx, "s", f"≤ {TARGET:.0f} s", docx <= TARGET),
            Row("dmpg report OUT.docx --json", as_json, "s", f"≤ {TARGET:.0f} s", as_json <= TARGET)]
    for row in rows:
        print(row.line(), flush=True)
    print(f"  (seeded in {seeded:.1f} s; {report['period']['label']}: {s['in_process']} in process, {s['waiting']} "
          f"gate rounds waiting, {s['overdue']} overdue, {s['decisions']} decisions, {len(report['rounds'])} rounds "
          f"of {len(report['proposals'])} active proposals; the .docx is {size / 1024:.0f} KiB)", flush=True)
    return 0 if all(r.met for r in rows) else 1


if __name__ == "__main__":
    sys.exit(main())
