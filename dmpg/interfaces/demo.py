"""The demo: one proposal from the seed's candidate topics through the whole lifecycle on the local
stack, with the scripted decisions (``dmpg.services.scripted``: ``examples/lifecycle/script.yaml``) recorded
through the same path as the Prefect UI (``resume_flow_run``), including one revision round and one
deferral. Safe to rerun under the same ``DMPG_HOME``.

The demo tells its story on a simulated calendar (``core.clock``, like Temporal's time-skipping test
server): it starts its stack with ``DMPG_CLOCK_FILE`` set, and moves the calendar forward before each
step as the script says, as months pass in a real case, so every letter's date, every meeting and every
reply deadline falls where it would. A decision's meeting is held the day it is recorded and the kickoff
a few weeks after the appointments: the dates written in the example files are replaced by these. Real
runs never simulate.
"""

from __future__ import annotations

import os
import time
from datetime import date, timedelta
from pathlib import Path

from rich.console import Console

from core import clock, workdays
from core.settings import PROJECT_ROOT, get_settings
from core.text import danish_date
from dmpg.adapters.stack import LocalStack
from dmpg.mail.outbox import list_notifications
from dmpg.services import scripted
from dmpg.services.decisions import resume_through_prefect, wait_for_gate, wait_until_moved_on
from dmpg.services.submission import submit_proposal
from forms.gates import GATES
from forms.loading import load_form
from forms.vocabulary import STAGE_LABELS
from models import ledger
from models.ledger import roster as roster_in_force


def clock_file() -> Path:
    """The demo's simulated calendar (``core.clock``), under ``DMPG_HOME/run``: a rerun goes on from
    where the last one left the calendar."""
    return get_settings().run_dir / "demo-clock.json"


def run_demo(keep_running: bool = False) -> int:
    console = Console(highlight=False)
    settings = get_settings()
    stack = LocalStack(settings)
    started_here = not stack.is_running()
    # The demo always talks to its own local stack, whatever PREFECT_API_URL says.
    os.environ["PREFECT_API_URL"] = stack.api_url
    # Its stack runs on the demo's simulated calendar: every process reads the same clock file.
    if started_here or stack.clock_file() == str(clock_file()):
        os.environ[clock.ENV] = str(clock_file())
    t0 = time.monotonic()
    try:
        with console.status("Starter den lokale stak (Prefect-server og UI, flowkører, mailsink) …"):
            stack.start()
        console.print(f"[green]✓[/] Lokal stak {'startet' if started_here else 'kører allerede'}: "
                      f"Prefect UI på {stack.ui_url}, mailsink på port {settings.smtp_port}")
        if clock.simulated():
            console.print(f"  Demoens kalender er simuleret: den starter {danish_date(clock.today())} og springer "
                          "frem fra trin til trin, så datoerne i breve og mails hænger sammen.")
        else:
            console.print("  [yellow]Stakken blev startet uden demoens kalender ('dmpg up'): datoerne er dagens.[/]")
        proposal = _lifecycle(console)
        _summary(console, proposal, stack, time.monotonic() - t0)
    finally:
        if started_here and not keep_running:
            with console.status("Stopper den lokale stak …"):
                stack.stop()
            console.print("[green]✓[/] Lokal stak stoppet (kør [bold]make demo DEMO_ARGS=--keep-running[/] "
                          "eller [bold]dmpg demo --keep-running[/] for at se UI'et bagefter).")
        elif keep_running:
            console.print(f"Stakken kører videre: åbn {stack.ui_url} — stop den med [bold]dmpg down[/].")
    return 0


def _next_day(days: int) -> date:
    """The working day ``days`` after the calendar's today: where the simulated calendar moves to."""
    return workdays.next_working_day(clock.today() + timedelta(days=days))


def _advance(days: int) -> date:
    """Move the simulated calendar on (nothing happens on the machine's clock) and return the day."""
    if clock.simulated():
        clock.advance_to(_next_day(days))
    return clock.today()


def _lifecycle(console) -> str:
    script = scripted.load()
    form = load_form(script.form).model_copy(update={"submitted_on": clock.today()})
    proposal = submit_proposal(form, source=str(script.form.relative_to(PROJECT_ROOT)), tags=("demo",), again=True)
    console.print(f"[green]✓[/] {danish_date(clock.today())} · Indsendt [bold]{proposal.proposal} · {proposal.title}[/] "
                  "(et skema med kendte mangler)")

    roster = roster_in_force()
    with console.status("Tjekker skemaet mod grundpræmisserne …"):
        gate = wait_for_gate(proposal.proposal, timeout=180)
    _show_gate(console, proposal.proposal, gate)
    for step in script.steps:
        _wait_for_mail(proposal.proposal)  # the step's mails leave on its day, before the calendar moves on
        day = _advance(step.days)
        by = scripted.recorded_by(step, roster, str(form.proposers[0].email))
        payload = script.input(step, by)
        started = time.monotonic()
        with console.status(f"{step.says} …"):
            resumed = resume_through_prefect(proposal.proposal, step.gate, payload)
            gate = wait_until_moved_on(resumed, timeout=180)
        console.print(f"[green]✓[/] {danish_date(day)} · {step.says} (runde {resumed.round}) — registreret af {by} "
                      f"[dim]({time.monotonic() - started:.1f} s til næste trin)[/]")
        _show_gate(console, proposal.proposal, gate)
    return proposal.proposal


def _show_gate(console, proposal_id: str, gate) -> None:
    if gate is None:
        stage = ledger.get_proposal(proposal_id).stage
        console.print(f"  → [bold]{STAGE_LABELS.get(stage, stage)}[/]")
    else:
        console.print(f"  → venter på {GATES[gate.gate].label} (runde {gate.round}) hos {', '.join(gate.waiting_on[:3])}"
                      + (" …" if len(gate.waiting_on) > 3 else ""))


def _wait_for_mail(proposal_id: str, timeout: float = 60.0) -> None:
    """Until the outbox deliverer has sent what the last step queued: the demo counts every mail it caused."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if all(n.status == "sent" for n in list_notifications(proposal_id)):
            return
        time.sleep(0.2)


def _summary(console, proposal_id: str, stack, seconds: float) -> None:
    settings = get_settings()
    with console.status("Venter på, at de sidste mails er leveret …"):
        _wait_for_mail(proposal_id)
    documents = ledger.documents(proposal_id)
    mails = [n for n in list_notifications(proposal_id) if not n.recipient.startswith("channel:")]
    sent = [n for n in mails if n.status == "sent"]
    files = sorted(settings.mail_dir.glob("*.eml"))
    stage = ledger.get_proposal(proposal_id).stage
    group = next((g for g in ledger.list_registry() if g.name == ledger.get_proposal(proposal_id).title), None)
    console.rule(f"{proposal_id}: {STAGE_LABELS.get(stage, stage).lower()} efter {seconds:.0f} s "
                 f"(simuleret: {danish_date(clock.today())})")
    console.print(f"Dokumenter ({len(documents)}): {settings.documents_dir / proposal_id}")
    console.print(f"E-mails: {len(sent)} af {len(mails)} sendt for denne sag ({len(files)} .eml-filer i alt): "
                  f"{settings.mail_dir}")
    if group:
        console.print(f"Registret: '{group.name}' er nu en DMPG (siden {danish_date(group.dmpg_since)}) — "
                      "se [bold]dmpg registry[/]")
    console.print(f"Forløbet: [bold]dmpg status {proposal_id}[/]   Prefect UI: {stack.ui_url}")
