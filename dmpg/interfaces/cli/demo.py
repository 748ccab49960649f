"""``dmpg demo [--keep-running]``: see ``dmpg.interfaces.demo``."""

from __future__ import annotations

import argparse

from dmpg.interfaces.demo import run_demo


def run(args: argparse.Namespace) -> int:
    return run_demo(keep_running=args.keep_running)
