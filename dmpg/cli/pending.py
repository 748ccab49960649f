"""``dmpg pending [--json]``: every proposal waiting at a gate, since when and on whom (a Danish
table for the secretariat; ``--json`` keeps the codes)."""

from __future__ import annotations

import argparse

from dmpg.cli._output import print_json, print_table


def run(args: argparse.Namespace) -> int:
    from dmpg.gates_open import open_gates
    from core.settings import get_settings
    from models.db import ensure_schema

    ensure_schema()
    settings = get_settings()
    rows = [
        {
            "proposal": g.proposal,
            "title": g.title,
            "gate": g.gate,
            "round": g.round,
            "waiting_since": g.waiting_since.isoformat(),
            "waiting_on": g.waiting_on,
            "url": settings.flow_run_url(g.flow_run_id) if g.flow_run_id else None,
        }
        for g in open_gates()
    ]
    if args.json:
        print_json(rows)
    elif not rows:
        print("Ingen forslag afventer en beslutning.")
    else:
        from forms.gates import GATES

        print_table(
            ["FORSLAG", "TITEL", "AFVENTER", "HOS", "RUNDE", "SIDEN (UTC)", "VENTER PÅ"],
            [[r["proposal"], r["title"], GATES[r["gate"]].label, GATES[r["gate"]].decider, r["round"],
              r["waiting_since"][:16].replace("T", " "),
              ", ".join(r["waiting_on"][:2]) + (f" +{len(r['waiting_on']) - 2}" if len(r["waiting_on"]) > 2 else "")]
             for r in rows],
        )
    return 0
