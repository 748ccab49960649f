"""``dmpg pending [--json]``: every proposal waiting at a gate, since when and on whom; and every
proposal whose lifecycle run stopped and is being recovered (or needs a person), so none stops silently."""

from __future__ import annotations

import argparse

from dmpg.cli._output import print_json, print_table


def run(args: argparse.Namespace) -> int:
    from dmpg.gates_open import open_gates
    from dmpg.recovery import open_incidents
    from core.settings import get_settings
    from models.db import ensure_schema

    ensure_schema()
    settings = get_settings()
    incidents = open_incidents()
    gates = open_gates()
    rows = [
        {
            "proposal": g.proposal,
            "title": g.title,
            "gate": g.gate,
            "round": g.round,
            "waiting_since": g.waiting_since.isoformat(),
            "waiting_on": g.waiting_on,
            "url": settings.flow_run_url(g.flow_run_id) if g.flow_run_id else None,
            "state": incidents[g.proposal].status if g.proposal in incidents else "waiting",
        }
        for g in gates
    ]
    rows += _stopped_rows(incidents, {g.proposal for g in gates}, settings)
    if args.json:
        print_json(rows)
    elif not rows:
        print("No proposal is waiting at a gate.")
    else:
        print_table(
            ["PROPOSAL", "TITLE", "GATE", "ROUND", "WAITING SINCE (UTC)", "WAITING ON", "STATE"],
            [[r["proposal"], r["title"], r["gate"] or "—", r["round"] or "",
              r["waiting_since"][:16].replace("T", " "),
              ", ".join(r["waiting_on"][:2]) + (f" +{len(r['waiting_on']) - 2}" if len(r["waiting_on"]) > 2 else ""),
              r["state"].replace("_", " ")]
             for r in rows],
        )
        if any(r["state"] != "waiting" for r in rows):
            print("\nRecovering: its run stopped and is being resumed on its own. Needs attention: see "
                  "'dmpg status PROPOSAL', then 'dmpg recover PROPOSAL' once the cause is fixed.")
    return 0


def _stopped_rows(incidents, waiting: set[str], settings) -> list[dict]:  # noqa: ANN001
    """A row for each proposal with an open incident and no open gate: its run stopped between gates."""
    from models import ledger

    rows = []
    for proposal_id, incident in sorted(incidents.items(), key=lambda item: item[1].since):
        if proposal_id in waiting:
            continue
        proposal = ledger.get_proposal(proposal_id)
        rows.append({
            "proposal": proposal.id, "title": proposal.title, "gate": None, "round": None,
            "waiting_since": incident.since.isoformat(), "waiting_on": [],
            "url": settings.flow_run_url(proposal.flow_run_id) if proposal.flow_run_id else None,
            "state": incident.status, "reason": incident.reason,
        })
    return rows
