"""``dmpg demo [--keep-running]``: see ``dmpg.demo``."""

from __future__ import annotations

import argparse


def run(args: argparse.Namespace) -> int:
    from dmpg.demo import run_demo

    return run_demo(keep_running=args.keep_running)
