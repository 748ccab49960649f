"""The demo: one proposal from the seed's candidate topics through the whole lifecycle on the local
stack, with scripted decisions recorded through the same path as the Prefect UI (``resume_flow_run``),
including one revision round and one deferral. Safe to rerun under the same ``DMPG_HOME``.
"""

from __future__ import annotations

import os
import time
from dataclasses import dataclass
from pathlib import Path

from core.settings import PROJECT_ROOT, get_settings

EXAMPLES = PROJECT_ROOT / "examples"


@dataclass(frozen=True)
class Step:
    gate: str
    input: Path
    body: str  # whose member records it: a roster body, or "proposers"
    says: str  # what the demo prints (English, like the CLI)


SCRIPT: tuple[Step, ...] = (
    Step("revision", EXAMPLES / "personlighedsforstyrrelser-revideret.yaml", "proposers",
         "the proposers send a revised form"),
    Step("advice", EXAMPLES / "decisions/advice.yaml", "reference_group",
         "the reference group advises: support with changes"),
    Step("database", EXAMPLES / "decisions/database.yaml", "rkkp",
         "RKKP states its database plan: a database is planned"),
    Step("steering", EXAMPLES / "decisions/steering-defer.yaml", "steering_group",
         "the steering group defers to its next meeting"),
    Step("steering", EXAMPLES / "decisions/steering-approve.yaml", "steering_group",
         "the steering group approves"),
    Step("approval", EXAMPLES / "decisions/approval.yaml", "director_circle",
         "the psychiatry directors approve"),
    Step("appointments", EXAMPLES / "decisions/appointments.yaml", "secretariat",
         "the secretariat records members, chairs and director"),
)
FORM = EXAMPLES / "personlighedsforstyrrelser.yaml"


def run_demo(keep_running: bool = False) -> int:
    from rich.console import Console

    from dmpg.stack import LocalStack

    console = Console(highlight=False)
    settings = get_settings()
    stack = LocalStack(settings)
    started_here = not stack.is_running()
    # The demo always talks to its own local stack, whatever PREFECT_API_URL says.
    os.environ["PREFECT_API_URL"] = stack.api_url
    t0 = time.monotonic()
    try:
        with console.status("Starting the local stack (Prefect server + UI, flow runner, mail sink) …"):
            stack.start()
        console.print(f"[green]✓[/] Local stack {'started' if started_here else 'already running'}: "
                      f"Prefect UI at {stack.ui_url}, mail sink on port {settings.smtp_port}")
        proposal = _lifecycle(console)
        _summary(console, proposal, stack, time.monotonic() - t0)
    finally:
        if started_here and not keep_running:
            with console.status("Stopping the local stack …"):
                stack.stop()
            console.print("[green]✓[/] Local stack stopped (run [bold]make demo DEMO_ARGS=--keep-running[/] "
                          "or [bold]dmpg demo --keep-running[/] to browse the UI afterwards).")
        elif keep_running:
            console.print(f"The stack keeps running: open {stack.ui_url} — stop it with [bold]dmpg down[/].")
    return 0


def _lifecycle(console) -> str:
    from dmpg.decisions import (
        read_decision_file,
        resume_through_prefect,
        wait_for_gate,
        wait_until_moved_on,
    )
    from dmpg.submission import submit_proposal
    from forms.loading import load_form
    from models.ledger import roster as roster_in_force

    form = load_form(FORM)
    proposal = submit_proposal(form, source=str(FORM.relative_to(PROJECT_ROOT)), tags=("demo",), again=True)
    console.print(f"[green]✓[/] Submitted [bold]{proposal.proposal} · {proposal.title}[/] (a form with known gaps)")

    roster = roster_in_force()
    with console.status("Checking the form against the basic premises …"):
        gate = wait_for_gate(proposal.proposal, timeout=180)
    _show_gate(console, proposal.proposal, gate)
    for step in SCRIPT:
        by = form.proposers[0].email if step.body == "proposers" else roster.people(step.body)[0].email
        payload = read_decision_file(step.input, step.gate, str(by))
        started = time.monotonic()
        with console.status(f"{step.gate}: {step.says} …"):
            resumed = resume_through_prefect(proposal.proposal, step.gate, payload)
            gate = wait_until_moved_on(resumed, timeout=180)
        console.print(f"[green]✓[/] {step.gate} (round {resumed.round}): {step.says} — recorded by {by} "
                      f"[dim]({time.monotonic() - started:.1f} s to the next step)[/]")
        _show_gate(console, proposal.proposal, gate)
    return proposal.proposal


def _show_gate(console, proposal_id: str, gate) -> None:
    from forms.vocabulary import STAGE_LABELS
    from models import ledger

    if gate is None:
        stage = ledger.get_proposal(proposal_id).stage
        console.print(f"  → [bold]{stage}[/] ({STAGE_LABELS.get(stage, stage)})")
    else:
        console.print(f"  → waiting at [bold]{gate.gate}[/] (round {gate.round}) on {', '.join(gate.waiting_on[:3])}"
                      + (" …" if len(gate.waiting_on) > 3 else ""))


def _summary(console, proposal_id: str, stack, seconds: float) -> None:
    from dmpg.mail.outbox import list_notifications
    from models import ledger

    settings = get_settings()
    documents = ledger.documents(proposal_id)
    sent = [n for n in list_notifications(proposal_id) if n.status == "sent"]
    mails = sorted(settings.mail_dir.glob("*.eml"))
    group = next((g for g in ledger.list_registry() if g.name == ledger.get_proposal(proposal_id).title), None)
    console.rule(f"{proposal_id} is {ledger.get_proposal(proposal_id).stage} after {seconds:.0f} s")
    console.print(f"Documents ({len(documents)}): {settings.documents_dir / proposal_id}")
    console.print(f"E-mails ({len(sent)} sent for this proposal; {len(mails)} .eml files in all): {settings.mail_dir}")
    if group:
        console.print(f"Registry: '{group.name}' is now a DMPG (since {group.dmpg_since:%Y-%m-%d}) — see [bold]dmpg registry[/]")
    console.print(f"Timeline: [bold]dmpg status {proposal_id}[/]   Prefect UI: {stack.ui_url}")
