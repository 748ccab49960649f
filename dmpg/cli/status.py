"""``dmpg status PROPOSAL [--json]``: stage, timeline (audit trail), documents and notifications."""

from __future__ import annotations

import argparse

from dmpg.cli._output import print_json, print_table, print_text


def run(args: argparse.Namespace) -> int:
    from dmpg.gates_open import open_gates
    from dmpg.mail.outbox import list_notifications
    from dmpg.recovery import open_incidents
    from core.settings import get_settings
    from models import ledger
    from models.db import ensure_schema

    ensure_schema()
    proposal = ledger.get_proposal(args.proposal)
    waiting = open_gates(proposal.id)
    incident = open_incidents(proposal.id).get(proposal.id)
    data = {
        "proposal": proposal.id,
        "title": proposal.title,
        "stage": proposal.stage,
        "waiting_at": [{"gate": g.gate, "round": g.round, "since": g.waiting_since, "waiting_on": g.waiting_on}
                       for g in waiting],
        "recovery": incident.to_json() if incident else None,
        "flow_run_id": proposal.flow_run_id,
        "url": get_settings().flow_run_url(proposal.flow_run_id) if proposal.flow_run_id else None,
        "events": [{"at": e.at, "kind": e.kind, "gate": e.gate, "round": e.round, "stage": e.stage, "by": e.by,
                    "channel": e.detail.get("channel"), "detail": e.detail} for e in ledger.events(proposal.id)],
        "documents": [{"kind": d.kind, "round": d.round, "recipient": d.recipient, "version": d.version,
                       "path": d.path, "sha256": d.sha256} for d in ledger.documents(proposal.id)],
        "notifications": [{"to": n.recipient, "kind": n.kind, "subject": n.subject, "status": n.status,
                           "attempts": n.attempts} for n in list_notifications(proposal.id)],
    }
    if args.json:
        print_json(data)
        return 0
    print(f"{proposal.id} · {proposal.title}")
    print(f"Stage: {proposal.stage}" + "".join(f" — waiting at {g.gate} (round {g.round})" for g in waiting))
    if incident:
        print_text(_recovery_line(proposal.id, incident))
    if data["url"]:
        print(f"Prefect UI: {data['url']}")
    print("\nTimeline")
    print_table(["AT (UTC)", "EVENT", "GATE", "BY", "CHANNEL", "NOTE"],
                [[f"{e['at']:%Y-%m-%d %H:%M:%S}", e["kind"] if e["kind"] != "stage_entered" else f"stage → {e['stage']}",
                  f"{e['gate']} r{e['round']}" if e["gate"] else "", e["by"] or "", e["channel"] or "",
                  e["detail"].get("outcome") or e["detail"].get("reason", "")[:60]] for e in data["events"]])
    if data["documents"]:
        print("\nDocuments")
        print_table(["KIND", "ROUND", "FOR", "PATH"],
                    [[d["kind"], d["round"], d["recipient"], d["path"]] for d in data["documents"]])
    if data["notifications"]:
        print("\nNotifications")
        print_table(["TO", "SUBJECT", "STATUS"], [[n["to"], n["subject"], n["status"]] for n in data["notifications"]])
    return 0


def _recovery_line(proposal_id: str, incident) -> str:  # noqa: ANN001 - dmpg.recovery.Incident
    since = f"{incident.since:%Y-%m-%d %H:%M} UTC"
    if incident.status == "recovering":
        return f"Recovering since {since}: {incident.reason}; its run is being resumed on its own."
    return (f"Needs attention since {since}: {incident.reason}. Fix the cause, then run "
            f"'dmpg recover {proposal_id}'.")
