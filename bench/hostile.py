"""Hostile input files: every row of the test table (``tests/hostile/hostile_files.py``) through
``dmpg check`` as a fresh process, limited to 500 MB; the slowest and the largest beside the targets
(exit 2 within 5 s and 500 MB, DESIGN.md).

    .venv/bin/python -m bench.hostile [--top N]
"""

from __future__ import annotations

import argparse
import os
import sys
import tempfile
from pathlib import Path

PROJECT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(PROJECT / "tests" / "hostile"))  # the test table is the one list of hostile files

from hostile_files import CASES, check_argv, run  # noqa: E402

SECONDS_TARGET = 5.0
MEMORY_TARGET_MB = 500


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--top", type=int, default=3, help="how many of the slowest and largest to show (default 3)")
    args = parser.parse_args(argv)
    results = []
    with tempfile.TemporaryDirectory(prefix="dmpg-bench-hostile-") as folder:
        for number, case in enumerate(CASES):
            where = Path(folder) / str(number)
            where.mkdir()
            case.make(where / case.filename)
            env = {**os.environ, "DMPG_HOME": str(where / "home")}  # the bench never reads the user's ledger
            results.append((case, run(check_argv(where / case.filename), env)))
    wrong = [(case, result) for case, result in results if result.code != 2]
    print(f"{len(results)} hostile files, {len(results) - len(wrong)} refused with exit 2")
    for case, result in wrong:
        print(f"  WRONG EXIT {result.code}: {case.name}")
    for title, key, unit, target in (("slowest", "seconds", "s", SECONDS_TARGET),
                                     ("largest", "peak_mb", " MB", MEMORY_TARGET_MB)):
        ranked = sorted(results, key=lambda pair: getattr(pair[1], key), reverse=True)[: args.top]
        for case, result in ranked:
            value = getattr(result, key)
            verdict = "ok" if value <= target else "OVER"
            print(f"{title:<8} {value:>8.2f}{unit:<3} (target {target:g}{unit.strip()})  {verdict:<5} {case.name}")
    over = any(r.seconds > SECONDS_TARGET or r.peak_mb > MEMORY_TARGET_MB for _, r in results)
    return 1 if wrong or over else 0


if __name__ == "__main__":
    sys.exit(main())
