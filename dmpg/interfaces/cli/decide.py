"""``dmpg decide PROPOSAL GATE --input FILE --by EMAIL``: record a gate's decision.

The decision is judged by the same rules as every channel's and recorded in the ledger on the
secretariat's behalf for ``--by`` (channel ``cli``); then the waiting flow run is woken. Refusals
say which it was: the gate is not waiting (exit 1), the input is invalid (exit 2, every field
named), ``--by`` may not record this gate (exit 1), another decision came first (exit 1).
"""

from __future__ import annotations

import argparse
from pathlib import Path

from dmpg.interfaces.cli._output import print_json
from dmpg.services.decisions import (
    read_decision_file,
    record_decision,
    require_waiting,
    wait_until_moved_on,
)
from forms.gates import GATES


def run(args: argparse.Namespace) -> int:
    require_waiting(args.proposal, args.gate)  # "not waiting there" comes before "invalid file"
    payload = read_decision_file(Path(args.input), args.gate, args.by)
    recorded = record_decision(args.proposal, args.gate, payload, channel="cli")
    if args.wait:
        wait_until_moved_on(recorded)
    if args.json:
        print_json(recorded.to_json())
    else:
        then = ("sagen går videre" if recorded.woken else
                "sagen tager den op, når den når dette punkt")
        print(f"{recorded.proposal}: {GATES[recorded.gate].label} (runde {recorded.round}) er registreret for "
              f"{args.by}; {then}. Følg den: dmpg status {recorded.proposal}")
    return 0
