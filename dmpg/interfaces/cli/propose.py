"""``dmpg propose FORM [--json]``: store the proposal and start its lifecycle flow run (both or neither)."""

from __future__ import annotations

import argparse

from core.errors import printable
from dmpg.interfaces.cli._output import print_json
from dmpg.services.submission import submit_proposal
from forms.loading import load_form


def run(args: argparse.Namespace) -> int:
    submitted = submit_proposal(load_form(args.form), source=str(args.form), again=args.again)
    if args.json:
        print_json({"proposal": submitted.proposal, "flow_run_id": submitted.flow_run_id, "url": submitted.url,
                    "title": submitted.title})
    else:
        title = printable(submitted.title, newlines=False)
        print(f"{submitted.proposal} · {title}: indsendt; sagens forløb kører som {submitted.flow_run_name}")
        print(f"Følg den: dmpg status {submitted.proposal}   eller i Prefect UI: {submitted.url}")
    return 0
