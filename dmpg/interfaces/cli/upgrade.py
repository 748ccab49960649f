"""``dmpg upgrade check [--json]``: before an upgrade, whether the release installed here can carry on every
proposal that waits (``dmpg.services.upgrade``). Read-only. Exit 0 when every one can, 1 when one cannot (the table
says which and why). ``--json``: ``[{"proposal", "gate", "round", "started_under", "carries_on", "why", …}]``.
"""

from __future__ import annotations

import argparse

from core.release import current, describe
from dmpg.interfaces.cli._output import print_json, print_table
from dmpg.services.upgrade import check, open_prefect


def run(args: argparse.Namespace) -> int:
    prefect = open_prefect()
    try:
        verdicts = check(prefect)
    finally:
        if prefect is not None:
            prefect.__exit__(None, None, None)
    if args.json:
        print_json([v.to_json() for v in verdicts])
    else:
        print(f"Installeret version: {describe(current())}")
        if not verdicts:
            print("Ingen forslag venter ved en gate; opgraderingen berører ingen sager.")
        else:
            print_table(["FORSLAG", "GATE", "RUNDE", "STARTET UNDER", "KAN FORTSÆTTE", "HVORFOR"],
                        [[v.proposal, v.gate, v.round, v.started_under, "ja" if v.carries_on else "NEJ", v.why]
                         for v in verdicts])
            stuck = [v for v in verdicts if not v.carries_on]
            print(f"\n{len(verdicts) - len(stuck)} af {len(verdicts)} ventende runder kan fortsætte med denne version."
                  + (" Skift ikke version, før årsagerne ovenfor er løst." if stuck else ""))
    return 0 if all(v.carries_on for v in verdicts) else 1
