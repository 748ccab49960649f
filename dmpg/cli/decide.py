"""``dmpg decide PROPOSAL GATE --input FILE --by EMAIL``: record a gate's decision.

Checks everything a person can get wrong before anything is sent, and says which it was: the gate
is not waiting (exit 1), the input is invalid (exit 2, every field named), ``--by`` may not record
this gate (exit 1, written to the audit trail), another decision won the race (exit 1). The
decision is then handed to the waiting flow run through the same API call the Prefect UI's Resume
button makes; the flow records it in the ledger and moves on.
"""

from __future__ import annotations

import argparse
from pathlib import Path

from dmpg.cli._output import print_json


def run(args: argparse.Namespace) -> int:
    from dmpg.decisions import read_decision_file, require_waiting, submit_decision, wait_until_moved_on

    require_waiting(args.proposal, args.gate)  # "not waiting there" comes before "invalid file"
    payload = read_decision_file(Path(args.input), args.gate, args.by)
    accepted = submit_decision(args.proposal, args.gate, payload, args.by)
    if args.wait:
        wait_until_moved_on(accepted)
    if args.json:
        print_json(accepted.to_json())
    else:
        print(f"{accepted.proposal}: '{accepted.gate}' (round {accepted.round}) accepted from {args.by}; "
              f"the lifecycle moves on. Follow it: dmpg status {accepted.proposal}")
    return 0


