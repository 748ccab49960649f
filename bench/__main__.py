"""All benchmarks, one table: ``make bench`` (or ``.venv/bin/python -m bench [--waiting N]``).

Each part runs as its own process (what a user meets; nothing shared between measurements) and
prints its own lines; the targets are DESIGN.md's. Prints the machine it ran on first.
"""

from __future__ import annotations

import os
import platform
import subprocess
import sys
from pathlib import Path

PROJECT = Path(__file__).resolve().parent.parent


def _machine() -> str:
    memory = ""
    try:
        kb = int(next(line for line in open("/proc/meminfo") if line.startswith("MemTotal")).split()[1])
        memory = f", {kb / 1024 / 1024:.0f} GiB"
    except (OSError, StopIteration, ValueError):
        pass
    return f"{platform.machine()}, {os.cpu_count()} cores{memory}, Python {platform.python_version()}, {platform.system()}"


def main(argv: list[str] | None = None) -> int:
    argv = list(sys.argv[1:] if argv is None else argv)
    print(f"machine: {_machine()}\n", flush=True)
    failed = 0
    for title, module, args in [
        ("CLI start-up", "bench.startup", []),
        ("Hostile input files", "bench.hostile", []),
        ("Document rendering vs the python-docx floor", "bench.render", []),
        ("Lifecycle on the local stack", "bench.lifecycle", argv),
        ("Where the time of one resume goes", "bench.resume_profile", []),
        ("Replay at round 10 vs round 1 (paired)", "bench.replay", []),
        ("pending, status and --help with 1,000 proposals", "bench.quick_reads", []),
        ("The status report with 1,000 proposals", "bench.report", []),
        ("Meetings on the local stack", "bench.meetings", []),
        ("The decision page on the local stack", "bench.decision_page", []),
        ("Production topology (PostgreSQL, two workers) beside the local stack", "bench.topology", []),
        ("An upgrade with 100 proposals waiting under the earlier release", "bench.upgrade", []),
    ]:
        print(f"== {title}", flush=True)
        failed |= subprocess.run([sys.executable, "-m", module, *args], cwd=PROJECT).returncode
        print(flush=True)
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
