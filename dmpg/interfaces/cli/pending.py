"""``dmpg pending [--json]``: every proposal waiting at a gate, since when and on whom, and by when
(``dmpg.services.deadlines``: the reply deadline, or the meeting that decides it); and every proposal whose
lifecycle run stopped and is being recovered (or needs a person), so none stops silently. A Danish
table for the secretariat, where a gate past its deadline reads *overskredet*; ``--json`` keeps the
codes (state: waiting, recovering, needs_attention) and adds ``deadline``, ``deadline_rule``,
``overdue`` and ``days_overdue`` to each row."""

from __future__ import annotations

import argparse
from types import SimpleNamespace

from core.settings import get_settings
from dmpg.interfaces.cli._output import print_json, print_table
from dmpg.services.deadlines import open_dues, overdue_label
from dmpg.state.gates_open import GATE_EVENT_KINDS, fold_events
from dmpg.state.incidents import INCIDENT_KINDS, fold_incidents
from models.ledger.quick import gate_events

# The state column in Danish.
STATE_LABELS = {"waiting": "venter", "recovering": "genoptages", "needs_attention": "kræver IT"}


def run(args: argparse.Namespace) -> int:
    # One quick read of the ledger (plain SQL on the driver, no SQLAlchemy): the open gates and the open
    # incidents of every proposal under way.
    settings = get_settings()
    proposals, events = gate_events(None, kinds=(*GATE_EVENT_KINDS, *INCIDENT_KINDS))
    gates = fold_events(events, proposals)
    incidents = fold_incidents(SimpleNamespace(**e) for e in events)
    dues, today = open_dues(gates, events)
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
            **({"reason": incidents[g.proposal].reason} if g.proposal in incidents else {}),
            **dues[(g.proposal, g.gate, g.round)].to_json(today),
        }
        for g in gates
    ]
    rows += _stopped_rows(incidents, {g.proposal for g in gates}, proposals, settings)
    if args.json:
        print_json(rows)
    elif not rows:
        print("Ingen forslag afventer en beslutning.")
    else:
        # lazy: the table alone names the gates: --json stays without their models (tests/report)
        from forms.gates import GATES

        print_table(
            ["FORSLAG", "TITEL", "AFVENTER", "HOS", "RUNDE", "SIDEN (UTC)", "VENTER PÅ", "FRIST", "TILSTAND"],
            [[r["proposal"], r["title"], GATES[r["gate"]].label if r["gate"] else "—",
              GATES[r["gate"]].decider if r["gate"] else "", r["round"] or "",
              r["waiting_since"][:16].replace("T", " "),
              ", ".join(r["waiting_on"][:2]) + (f" +{len(r['waiting_on']) - 2}" if len(r["waiting_on"]) > 2 else ""),
              r.get("deadline") or "", state_label(r)]
             for r in rows],
        )
        if any(r.get("overdue") for r in rows):
            print("\nOverskredet: fristen er passeret uden beslutning (svarfristen, eller mødet sagen stod på); "
                  "se 'dmpg status FORSLAG'.")
        stopped = {r["proposal"]: r for r in rows if r["state"] != "waiting"}
        if stopped:
            print()
            for proposal_id, r in stopped.items():
                todo = ("genoptages automatisk; I skal ikke gøre noget" if r["state"] == "recovering" else
                        f"bed IT rette årsagen og køre 'dmpg recover {proposal_id}' (se 'dmpg status {proposal_id}')")
                print(f"{proposal_id}: {r['reason']}. Sagen {todo}.")
    return 0


def state_label(row: dict) -> str:
    """The TILSTAND column: *overskredet (N dage)* for a waiting gate past its deadline, else the state."""
    if row["state"] == "waiting" and row.get("overdue"):
        return overdue_label(row["days_overdue"])
    return STATE_LABELS.get(row["state"], row["state"])


def _stopped_rows(incidents, waiting: set[str], proposals: dict, settings) -> list[dict]:  # noqa: ANN001
    """A row for each proposal with an open incident and no open gate: its run stopped between gates."""
    rows = []
    for proposal_id, incident in sorted(incidents.items(), key=lambda item: item[1].since):
        if proposal_id in waiting:
            continue
        proposal = proposals[proposal_id]
        rows.append({
            "proposal": proposal_id, "title": proposal["title"], "gate": None, "round": None,
            "waiting_since": incident.since.isoformat(), "waiting_on": [],
            "url": settings.flow_run_url(proposal["flow_run_id"]) if proposal["flow_run_id"] else None,
            "state": incident.status, "deadline": None, "deadline_rule": None, "deadline_meeting": None, "overdue": False,
            "days_overdue": 0,
            "reason": incident.reason,
        })
    return rows
