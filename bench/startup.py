"""Start-up time of the CLI: ``dmpg --help`` (target <= 0.5 s) and ``dmpg check`` (target <= 1 s).

Each command runs as a fresh process (what a user waits for), ``--repeat`` times after one warm-up
run that fills the OS file cache; the median wall time is printed beside its target.

    .venv/bin/python -m bench.startup [--repeat N]
"""

from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

PROJECT = Path(__file__).resolve().parent.parent
DMPG = PROJECT / ".venv" / "bin" / "dmpg"

CASES: list[tuple[str, list[str], float]] = [
    ("dmpg --help", ["--help"], 0.5),
    ("dmpg check examples/angst-og-ocd.yaml", ["check", str(PROJECT / "examples" / "angst-og-ocd.yaml")], 1.0),
]


def _median_seconds(argv: list[str], repeat: int, env: dict[str, str]) -> tuple[float, int]:
    def once() -> tuple[float, int]:
        t0 = time.perf_counter()
        done = subprocess.run(argv, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, env=env, check=False)
        return time.perf_counter() - t0, done.returncode

    _, code = once()  # warm-up
    return statistics.median(once()[0] for _ in range(repeat)), code


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=10, help="runs per command (default 10)")
    args = parser.parse_args(argv)
    exe = str(DMPG) if DMPG.exists() else None
    with tempfile.TemporaryDirectory(prefix="dmpg-bench-") as home:
        # A fresh DMPG_HOME: the bench neither reads nor changes the user's ledger.
        env = {**os.environ, "DMPG_HOME": home}
        print(f"{'command':<42} {'median':>8} {'target':>8}  verdict   (runs: {args.repeat})")
        for label, cmd, target in CASES:
            via_python = [sys.executable, "-c", "import sys; from dmpg.interfaces.cli import main; sys.exit(main())"]
            full = [exe, *cmd] if exe else [*via_python, *cmd]
            seconds, code = _median_seconds(full, args.repeat, env)
            verdict = "ok" if seconds <= target else "SLOW"
            print(f"{label:<42} {seconds:>7.3f}s {target:>7.1f}s  {verdict:<8}  (exit {code})")
    return 0


if __name__ == "__main__":
    sys.exit(main())
