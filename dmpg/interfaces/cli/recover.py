"""``dmpg recover PROPOSAL [--json]``: resume a proposal whose lifecycle run stopped, by hand.

The recovery sweep does this on its own (``dmpg.services.recovery``); this command is for what it leaves to a
person: a run that failed or was cancelled (after the cause is fixed), or one that crashed more often
than ``DMPG_RECOVERY_MAX_ATTEMPTS``. It looks at the proposal now and says what it did, or why nothing
was needed (exit 0 either way). ``--json``: ``{"proposal", "problem", "action", "message"}``.
"""

from __future__ import annotations

import argparse

from dmpg.adapters.prefect_api import PrefectAPI
from dmpg.interfaces.cli._output import print_json, print_text
from dmpg.services.recovery import recover
from models.ledger import ensure_schema


def run(args: argparse.Namespace) -> int:
    ensure_schema()
    with PrefectAPI() as api:
        action = recover(args.proposal, api)
    if args.json:
        print_json(action.to_json())
    else:
        print_text(action.message)
    return 0
