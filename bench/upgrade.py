"""An upgrade with proposals waiting (issue 20): N proposals (default 100) left waiting at the hearing by the
earlier release (``tests/support/earlier_release.py``: installed in a folder and venv of its own, running the
local stack), then this release:

- ``dmpg upgrade check`` against the live ledger and Prefect, before anything is switched (wall time of the
  command; every proposal must be able to carry on);
- ``dmpg down``, this release's ``dmpg up`` on the same ``DMPG_HOME``, and each proposal decided once
  (``dmpg decide … advice``, no ``--wait``) back to back: the time until all N wait at their next gate, and
  the median decision command.

    .venv/bin/python -m bench.upgrade [--waiting N]
"""

from __future__ import annotations

import argparse
import json
import statistics
import sys
import tempfile
import time
from pathlib import Path

import yaml

PROJECT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(PROJECT / "tests"))

from bench.lifecycle import SCRIPT  # noqa: E402
from dmpg.services.scripted import recorded_by  # noqa: E402
from forms.roster import load_roster  # noqa: E402
from support.earlier_release import EARLIER, Home, Release  # noqa: E402

ADVICE = SCRIPT.step("advice")  # the scripted lifecycle's advice, which each proposal gets after the upgrade
BY = recorded_by(ADVICE, load_roster(PROJECT / "roster.yaml"), "")


def _waiting_at(release: Release, home: Home) -> dict[str, set[str]]:
    rows = release.json(home, "pending")
    found: dict[str, set[str]] = {}
    for row in rows:
        found.setdefault(row["proposal"], set()).add(row["gate"])
    return found


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--waiting", type=int, default=100, help="proposals left waiting by the earlier release")
    args = parser.parse_args(argv)
    with tempfile.TemporaryDirectory(prefix="dmpg-bench-upgrade-") as tmp:
        root = Path(tmp)
        started = time.monotonic()
        earlier, current, home = Release.earlier(root / "release"), Release.current(), Home.make(root)
        print(f"earlier release {EARLIER} installed beside this one in {time.monotonic() - started:.0f} s", flush=True)
        form = yaml.safe_load(SCRIPT.straight_form.read_text("utf-8"))
        earlier.up(home)
        try:
            for n in range(args.waiting):
                path = root / f"form-{n}.yaml"
                path.write_text(yaml.safe_dump(form | {"title": f"Angst og OCD {n + 1}"}, allow_unicode=True), "utf-8")
                earlier.dmpg(home, "propose", str(path))
            deadline = time.monotonic() + 30 * 60
            while len([p for p, g in _waiting_at(earlier, home).items() if "advice" in g]) < args.waiting:
                if time.monotonic() > deadline:
                    print("the earlier release never had every proposal waiting at the hearing", file=sys.stderr)
                    return 1
                time.sleep(2)
            t0 = time.monotonic()
            check = current.dmpg(home, "upgrade", "check", "--json", check=False)
            check_s = time.monotonic() - t0
            rounds = json.loads(check.stdout)
        finally:
            earlier.down(home)
        carried = sum(r["carries_on"] for r in rounds)
        print(f"{'dmpg upgrade check, ' + str(len(rounds)) + ' waiting rounds':<58} {check_s:>9.2f} s   "
              f"(exit {check.returncode}; {carried} of {len(rounds)} can carry on)", flush=True)

        current.up(home)
        try:
            decision = SCRIPT.write_input(ADVICE, BY, root)
            proposals = sorted(_waiting_at(current, home))
            runs = [current.json(home, "status", p)["flow_run_id"] for p in proposals]
            times = []
            t0 = time.monotonic()
            for proposal in proposals:
                t = time.monotonic()
                current.dmpg(home, "decide", proposal, ADVICE.gate, "--input", str(decision), "--by", BY)
                times.append(time.monotonic() - t)
            deadline = time.monotonic() + 30 * 60
            with home.prefect() as api:
                # Moved on: the run suspended at RKKP's statement, the hearing's second gate.
                while not all(s.paused and (s.pause_key or "").startswith("database-")
                              for s in api.run_states(runs).values()):
                    if time.monotonic() > deadline:
                        print("not every proposal moved on after its decision", file=sys.stderr)
                        return 1
                    time.sleep(0.5)
            total = time.monotonic() - t0
        finally:
            current.down(home)
        print(f"{'each of ' + str(len(proposals)) + ' decided once → all at their next gate':<58} {total:>9.2f} s", flush=True)
        print(f"{'… one dmpg decide (median / slowest)':<58} {statistics.median(times):>9.2f} s   "
              f"slowest {max(times):.2f} s", flush=True)
    return 0 if check.returncode == 0 else 1


if __name__ == "__main__":
    sys.exit(main())
