"""``dmpg status PROPOSAL [--json]``: stage, timeline (audit trail), documents and notifications.

The table speaks Danish to the secretariat (stages, events, gates, outcomes, channels by their Danish
labels); ``--json`` keeps the codes (contract: DESIGN.md).
"""

from __future__ import annotations

import argparse
from datetime import date
from types import SimpleNamespace

from core.release import describe
from core.settings import get_settings
from core.text import one_line
from dmpg.documents.naming import document_title
from dmpg.interfaces.cli._output import print_json, print_table
from dmpg.services.deadlines import MEETING, RULE_LABELS, open_dues, overdue_label
from dmpg.state.gates_open import fold_events
from dmpg.state.incidents import open_incidents
from forms.vocabulary import STAGE_LABELS, label
from models.ledger.quick import FINAL_STAGES, proposal_status
from models.vocabulary import CHANNEL_SHORT, EVENT_LABELS, EventKind


def run(args: argparse.Namespace) -> int:
    # The ledger's quick reads (plain SQL on the driver): status answers without importing SQLAlchemy.
    found = proposal_status(args.proposal)
    proposal = found["proposal"]
    events = [{**e, "proposal_id": proposal["id"]} for e in found["events"]]
    waiting = fold_events(events, {proposal["id"]: proposal}) if proposal["stage"] not in FINAL_STAGES else []
    dues, today = open_dues(waiting, events)
    incident = open_incidents(proposal["id"]).get(proposal["id"])
    data = {
        "proposal": proposal["id"],
        "title": proposal["title"],
        "stage": proposal["stage"],
        "waiting_at": [{"gate": g.gate, "round": g.round, "since": g.waiting_since, "waiting_on": g.waiting_on,
                        **dues[(g.proposal, g.gate, g.round)].to_json(today)} for g in waiting],
        "recovery": incident.to_json() if incident else None,
        "release": proposal["release"],
        "rounds": _rounds(found["events"]),
        "flow_run_id": proposal["flow_run_id"],
        "url": get_settings().flow_run_url(proposal["flow_run_id"]) if proposal["flow_run_id"] else None,
        "events": [{"at": e["at"], "kind": e["kind"], "gate": e["gate"], "round": e["round"], "stage": e["stage"],
                    "by": e["by"], "channel": e["detail"].get("channel"), "detail": e["detail"]} for e in found["events"]],
        "documents": [{"kind": d["kind"], "round": d["round"], "recipient": d["recipient"], "version": d["version"],
                       "path": d["path"], "sha256": d["sha256"]} for d in found["documents"]],
        "notifications": [{"to": n["recipient"], "kind": n["kind"], "subject": n["subject"], "status": n["status"],
                           "attempts": n["attempts"]} for n in found["notifications"]],
    }
    if args.json:
        print_json(data)
        return 0
    print_danish(data, waiting)
    return 0


def _rounds(events: list[dict]) -> list[dict]:
    """Each gate round the proposal has waited at: when it opened, under which release, and the version of
    the gate's input it opened with (``None`` for a round an older release opened)."""
    rounds: dict[tuple[str, int], dict] = {}
    for e in events:
        if e["kind"] == "gate_opened" and (e["gate"], e["round"]) not in rounds:
            rounds[(e["gate"], e["round"])] = {"gate": e["gate"], "round": e["round"], "opened_at": e["at"],
                                               "schema_version": e["detail"].get("schema_version"),
                                               "release": e["detail"].get("release")}
    return list(rounds.values())


def recovery_line(proposal_id: str, recovery: dict) -> str:
    """The Danish lines for an open incident (``dmpg.state.incidents.Incident.to_json()``): what happened, and what
    the secretariat can do."""
    since = recovery["since"][:16].replace("T", " ") + " UTC"
    if recovery["status"] == "recovering":
        return f"Kørslen gik i stå {since}: {recovery['reason']}. Den genoptages automatisk; I skal ikke gøre noget."
    line = (f"Kræver IT siden {since}: {recovery['reason']}. Bed IT rette årsagen og derefter køre "
            f"'dmpg recover {proposal_id}'; så går sagen videre.")
    if recovery.get("detail"):
        line += f"\nTeknisk oplysning til IT: {recovery['detail']}"
    return line


def deadline_line(waiting: dict) -> str:
    """The Danish line about a waiting gate's deadline (``dmpg.services.deadlines``): when, by which rule, and
    *overskredet* with the days since it passed."""
    # lazy: the Danish text alone names the gates: --json stays without their models (tests/report)
    from forms.gates import GATES

    day = date.fromisoformat(waiting["deadline"])
    why = (f"mødet {waiting['deadline_meeting']}" if waiting["deadline_rule"] == MEETING
           else RULE_LABELS.get(waiting["deadline_rule"], waiting["deadline_rule"]))
    line = f"Frist for {GATES[waiting['gate']].label}: {day:%d.%m.%Y} ({why})"
    if waiting["overdue"]:
        line += f" — {overdue_label(waiting['days_overdue'])}"
    return line


def print_danish(data: dict, waiting: list) -> None:
    # lazy: the Danish text alone names the gates: --json stays without their models (tests/report)
    from forms.gates import GATES

    def gate(code: str | None, round_: int | None) -> str:
        return f"{GATES[code].label}, runde {round_}" if code in GATES else ""

    def note(e: dict) -> str:
        outcome = e["detail"].get("outcome")
        if outcome and e["gate"] in GATES:
            return next((o.label for o in GATES[e["gate"]].outcomes if o.code == outcome), outcome)
        return one_line(e["detail"].get("reason", ""), 60)

    print(f"{data['proposal']} · {data['title']}")
    print(f"Stadie: {label(STAGE_LABELS, data['stage'])}"
          + "".join(f" — afventer {gate(g.gate, g.round)} (siden {g.waiting_since:%d.%m.%Y})" for g in waiting))
    for w in data["waiting_at"]:
        if w["deadline"]:
            print(deadline_line(w))
    if data["recovery"]:
        print(recovery_line(data["proposal"], data["recovery"]))
    if data["url"]:
        print(f"Prefect UI: {data['url']}")
    print(f"Startet under version: {describe(data['release'])}")
    print("\nForløb")
    print_table(["TIDSPUNKT (UTC)", "HÆNDELSE", "GATE", "AF", "KANAL", "BEMÆRKNING"],
                [[f"{e['at']:%Y-%m-%d %H:%M:%S}",
                  label(EVENT_LABELS, e["kind"]) if e["kind"] != EventKind.STAGE_ENTERED
                  else f"Stadie → {label(STAGE_LABELS, e['stage'])}",
                  gate(e["gate"], e["round"]), e["by"] or "", label(CHANNEL_SHORT, e["channel"]), note(e)]
                 for e in data["events"]])
    if data["documents"]:
        print("\nDokumenter")
        print_table(["DOKUMENT", "VERSION", "FIL"],
                    [[document_title(SimpleNamespace(**d)), d["version"], d["path"]] for d in data["documents"]])
    if data["notifications"]:
        print("\nE-mails")
        states = {"sent": "sendt", "pending": "venter", "sending": "sendes", "failed": "fejlet"}
        print_table(["TIL", "EMNE", "STATUS"],
                    [[n["to"], n["subject"], states.get(n["status"], n["status"])] for n in data["notifications"]])
