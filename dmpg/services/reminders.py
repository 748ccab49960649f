"""Reminders for gates that wait too long, and the secretariat's weekly digest (issue 5, point 5).

Pure rules first (``reminder_interval``, ``iso_week``, ``digest_due``), then the two
functions the reminders flow calls, which read the ledger and enqueue outbox rows:

- ``queue_reminders(now)``: every open gate that has waited ``remind_after_days`` or more gets a
  reminder to whoever it waits on (the ``waiting_on`` e-mails of its ``gate_opened`` event), at most
  once per interval: interval ``n`` covers days ``[n*N, (n+1)*N)``, and the outbox key carries
  ``{gate}/{n}``, so running the flow hourly, daily or twice in a row sends the same reminders.
- ``queue_digest(now)``: on ``settings.digest_weekday`` the secretariat gets one digest per ISO week
  (key scope ``2026-W47``) listing every open gate — those past their deadline first, marked
  *overskredet* (``dmpg.services.deadlines``) — and the number of undelivered mails; nothing is sent when
  nothing is pending.

Which gates are open comes from ``dmpg.state.gates_open`` (the same answer ``dmpg pending`` gives).
"""

from __future__ import annotations

from datetime import date, datetime
from typing import TYPE_CHECKING

from core import clock
from core.settings import get_settings
from dmpg.mail.facts import case_context
from dmpg.mail.outbox import enqueue, undelivered_count
from dmpg.mail.recipients import recipients_for
from dmpg.services.deadlines import open_dues
from dmpg.services.gatekeeper import meeting_context_of
from dmpg.state.gates_open import as_utc, open_gates
from dmpg.state.links import personal_urls
from forms.proposal import ProposalForm
from models.ledger import get_proposal, roster

if TYPE_CHECKING:
    from forms.roster import Roster
    from models.tables import Notification


def days_waiting(opened_at: datetime, now: datetime) -> int:
    """Days on the calendar from the day the gate opened to ``now``'s day, both in Copenhagen: a gate
    opened on 6 December in the evening has waited 15 days on the morning of 21 December, as its reader
    counts (not 14 periods of 24 hours)."""
    return max((clock.local(as_utc(now)).date() - clock.local(as_utc(opened_at)).date()).days, 0)


def reminder_interval(opened_at: datetime, now: datetime, remind_after_days: int) -> int:
    """0 while the gate has waited less than ``remind_after_days``; then 1, 2, ... one per period."""
    if remind_after_days <= 0:
        return 0
    return days_waiting(opened_at, now) // remind_after_days


def iso_week(day: date | datetime) -> str:
    year, week, _ = day.isocalendar()
    return f"{year}-W{week:02d}"


def digest_due(now: datetime, weekday: int) -> bool:
    return now.weekday() == weekday


# --- ledger-facing --------------------------------------------------------------------------------


def _now(now: datetime | None) -> datetime:
    return as_utc(now) if now else clock.now()


def _roster() -> Roster:
    return roster()


def _gate_url(flow_run_id: str | None) -> str:
    settings = get_settings()
    return settings.flow_run_url(flow_run_id) if flow_run_id else settings.prefect_ui_url


def queue_reminders(now: datetime | None = None, roster: Roster | None = None) -> list[Notification]:
    """Enqueue the reminders due at ``now`` (see the module docstring); returns their outbox rows."""
    now = _now(now)
    after = get_settings().remind_after_days
    rows: list[Notification] = []
    for gate in open_gates():
        interval = reminder_interval(gate.waiting_since, now, after)
        if interval < 1 or not gate.waiting_on:
            continue
        roster = roster or _roster()
        proposal = get_proposal(gate.proposal)
        form = ProposalForm.model_validate(proposal.form)
        recipients = recipients_for("reminder", form=form, roster=roster, waiting_on=gate.waiting_on)
        context = {
            **case_context(gate.proposal, "reminder", gate.round, gate.gate),
            "title": proposal.title, "gate": gate.gate, "waiting_since": gate.waiting_since,
            "days_waiting": days_waiting(gate.waiting_since, now),
            **meeting_context_of(gate.proposal, gate.gate, gate.round),
        }
        rows += enqueue(gate.proposal, "reminder", gate.round, recipients, context,
                        scope=f"{gate.gate}/{interval}", personal=personal_urls(gate.proposal, (gate.gate, gate.round)))
    return rows


def queue_digest(now: datetime | None = None, roster: Roster | None = None, *, force: bool = False) -> list[Notification]:
    """On the digest weekday (or with ``force``), enqueue this ISO week's digest to the secretariat."""
    now = _now(now)
    if not force and not digest_due(now, get_settings().digest_weekday):
        return []

    gates = open_gates()
    undelivered = undelivered_count()
    if not gates and not undelivered:
        return []
    dues, today = open_dues(gates, now=now)
    items = []
    for gate in gates:
        proposal = get_proposal(gate.proposal)
        due = dues[(gate.proposal, gate.gate, gate.round)]
        items.append({
            "proposal": gate.proposal, "title": proposal.title, "gate": gate.gate, "round": gate.round,
            "waiting_since": gate.waiting_since, "days": days_waiting(gate.waiting_since, now),
            "url": _gate_url(proposal.flow_run_id), "deadline": due.deadline,
            "overdue": due.overdue(today), "days_overdue": due.days_overdue(today),
        })
    items.sort(key=lambda item: not item["overdue"])  # overdue first; each part stays oldest first
    roster = roster or _roster()
    placeholder = ProposalForm(title="DMPG")  # the secretariat does not depend on a form
    recipients = recipients_for("digest", form=placeholder, roster=roster)
    context = {"gates": items, "undelivered": undelivered, "week": iso_week(now),
               "overdue": sum(1 for item in items if item["overdue"])}
    return enqueue(None, "digest", 1, recipients, context, scope=iso_week(now))
