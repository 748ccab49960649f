"""What every mail of a proposal says besides its own text: the two-line summary of the proposal, and
for a mail that asks for something the reply deadline and what the round before decided — the same
facts, in the same words, as the proposal's letters (``dmpg.documents.context`` writes them once).

:func:`mail_facts` is pure (a proposal's ``Sources`` in); :func:`case_context` reads them from the ledger
for a mail about to be queued (``dmpg.services.effects.mail``, the reminders and the escalation).
"""

from __future__ import annotations

from typing import Any

from dmpg.documents.context import (
    Sources,
    previous_round,
    reply_deadline,
    summary_lines,
)
from dmpg.documents.sources import load_sources
from dmpg.mail import GATE_KINDS
from forms.gates import GATES

# Mail kinds that ask for something: they state the reply deadline and the deciding meeting when known.
_ASKING_MAILS = {"reminder", "appointment_request"}


def mail_facts(src: Sources, kind: str, round: int = 1, gate: str | None = None) -> dict[str, Any]:  # noqa: A002
    """What every mail of the proposal says besides its own text (pure): ``summary`` (two lines,
    ``summary_lines``); for a mail that asks for something (a gate's opening mail, a reminder,
    an appointment request) ``deadline`` (``reply_deadline``); and ``previous``
    (``previous_round``) for a gate held again. Absent values are ``None``. (The deciding meeting
    reaches mails as ``meeting``, from ``dmpg.services.gatekeeper.meeting_context_of``.)"""
    # A request's mail (the appointment request) belongs to the gate that sends it.
    gate = gate or next((g.name for g in GATES.values() if kind in g.requests), None)
    asks = kind in GATE_KINDS or kind in _ASKING_MAILS
    deadline = reply_deadline(src, gate) if asks else None
    answers_by = None
    if gate in GATES and GATES[gate].requests and kind not in GATES[gate].requests:
        # Others answer the gate's requests (the organisations appoint members); the secretariat, asked to
        # record their answers, is told by when they were asked to answer ("answers_by"), not given a
        # deadline of its own.
        deadline, answers_by = None, deadline
    return {
        "summary": summary_lines(src),
        "deadline": deadline,
        "answers_by": answers_by,
        "previous": previous_round(src, gate, round) if asks and gate else None,
    }


def case_context(proposal_id: str, kind: str, round: int = 1, gate: str | None = None) -> dict[str, Any]:  # noqa: A002
    """:func:`mail_facts` for a mail of ``proposal_id`` read from the ledger."""
    return mail_facts(load_sources(proposal_id), kind, round, gate)
