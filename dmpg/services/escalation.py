"""Escalation: a gate round overdue for ``DMPG_ESCALATE_AFTER_DAYS`` days or more (``dmpg.services.deadlines``)
brings ONE mail to the chair of the body that decides it — the first member listed for the body on the
roster — or, for a gate no body's chair answers for (the appointments, which the secretariat records), to
the secretariat (``dmpg.mail.recipients.escalation_recipients``).

Once per gate round: the mail is keyed in the outbox (``{proposal}:escalation/{gate}:{round}:{email}``)
and the escalation is an audit event (``escalated``, key ``{proposal}:escalated:{gate}:{round}``) that
``dmpg status`` shows and the report counts. A round once escalated is never escalated again, also
when the roster names another chair later; a new round (a deferral) has its own deadline. The reminders
flow calls :func:`queue_escalations` daily; running it again, or more often, sends nothing twice.
"""

from __future__ import annotations

from datetime import datetime
from typing import TYPE_CHECKING, Any

from core import clock
from core.settings import get_settings
from dmpg.mail.facts import case_context
from dmpg.mail.outbox import enqueue
from dmpg.mail.recipients import recipients_for
from dmpg.services.deadlines import open_dues
from dmpg.services.gatekeeper import meeting_context_of
from dmpg.state.gates_open import as_utc, open_gates
from dmpg.state.links import personal_urls
from forms.gates import GATES
from forms.proposal import ProposalForm
from models import ledger
from models.vocabulary import EventKind

if TYPE_CHECKING:
    from forms.roster import Roster
    from models.tables import Notification


def escalation_key(proposal_id: str, gate: str, round: int) -> str:  # noqa: A002
    """The audit key of a gate round's escalation."""
    return f"{proposal_id}:{EventKind.ESCALATED}:{gate}:{round}"


def queue_escalations(now: datetime | None = None, roster: Roster | None = None) -> list[Notification]:
    """Escalate every open gate round overdue ``escalate_after_days`` or more at ``now`` and not escalated
    before: its mail queued (with the recipient's own decision link) and its ``escalated`` event recorded.
    Returns the outbox rows queued now."""
    now = as_utc(now) if now else clock.now()
    after = get_settings().escalate_after_days
    gates = open_gates()
    dues, today = open_dues(gates, now=now)
    rows: list[Notification] = []
    for g in gates:
        due = dues[(g.proposal, g.gate, g.round)]
        key = escalation_key(g.proposal, g.gate, g.round)
        if due.days_overdue(today) < after or ledger.event(g.proposal, key) is not None:
            continue
        roster = roster or ledger.roster()
        proposal = ledger.get_proposal(g.proposal)
        form = ProposalForm.model_validate(proposal.form)
        recipients = recipients_for("escalation", form=form, roster=roster, gate=g.gate)
        context: dict[str, Any] = {
            **case_context(g.proposal, "escalation", g.round, g.gate),
            "title": proposal.title, "gate": g.gate, "waiting_since": g.waiting_since,
            "due_date": due.deadline, "rule": due.rule, "days_overdue": due.days_overdue(today),
            "chair": GATES[g.gate].decided_by in {r.role for r in recipients},
            **meeting_context_of(g.proposal, g.gate, g.round),
        }
        rows += enqueue(g.proposal, "escalation", g.round, recipients, context, scope=g.gate,
                        personal=personal_urls(g.proposal, (g.gate, g.round)))
        ledger.record_event(g.proposal, key=key, kind=EventKind.ESCALATED, gate=g.gate, round=g.round,
                            detail={"deadline": due.deadline.isoformat() if due.deadline else None, "rule": due.rule,
                                    "days_overdue": due.days_overdue(today), "to": [r.email for r in recipients]})
    return rows
