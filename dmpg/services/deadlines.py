"""When a waiting gate round is due, and when it is *overskredet* (overdue): the one rule that
``dmpg pending``, ``dmpg status``, the Prefect UI's board, the daily digest, the escalation mail and the
status report share.

- **A request with a reply deadline** (the hearing: ``advice`` and ``database``; the appointment
  requests: ``appointments``) is due on that deadline, the *svarfrist* its letter and mail state:
  :func:`dmpg.documents.context.reply_deadline` (``DMPG_REPLY_DAYS`` after the request went out, moved to
  a working day) — the one place that date is computed.
- **A gate decided at a meeting** (``steering``, ``approval``) is due on the date of the meeting on
  whose agenda it stands (the latest, when it was moved on to a later meeting): a meeting that has passed
  without a decision recorded for it makes it overdue. Standing on no meeting's agenda, it is due
  ``DMPG_MEETING_DUE_DAYS`` (default 91: a quarter, as the bodies meet about four times a year) after it
  opened, moved to a working day.
- **The revision gate** has no deadline (the proposers revise at their own pace; reminders still go
  out): it is never overdue.

The deadline a gate is given is recorded when it opens (:func:`at_opening`: ``deadline`` and
``deadline_rule`` in its ``gate_opened`` event), so what the ledger says is what the letter said, and the
quick reads (``pending``, ``status``) need neither the gates' models nor the holiday calendar to read it;
only a meeting planned since (the meeting's date) is looked up. A round opened before deadlines were
recorded has its deadline computed by the same rules when read.

A round is overdue from the day after its deadline (Copenhagen dates); :meth:`Due.days_overdue` counts
the days since the deadline. Pure functions over plain rows (events, agenda items), so the report can
ask the same question of any moment in the past; :func:`open_dues` reads the rows with the ledger's
quick reads (no SQLAlchemy: ``pending`` and ``status`` stay fast).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import date, datetime
from functools import cache
from typing import TYPE_CHECKING, Any

from core import clock, workdays
from core.settings import get_settings
from models.ledger.quick import agenda_rounds, gate_events
from models.vocabulary import EventKind

if TYPE_CHECKING:
    from dmpg.documents.context import Sources
    from dmpg.state.gates_open import OpenGate

REPLY, MEETING, NO_MEETING, NONE = "reply", "meeting", "no_meeting", "none"
# What each rule is called where a person reads it (the report's notes, status).
RULE_LABELS: dict[str, str] = {
    REPLY: "svarfristen i brev og e-mail",
    MEETING: "mødet, sagen står på dagsordenen til",
    NO_MEETING: "intet møde planlagt",
    NONE: "ingen frist",
}
# The events a deadline is read from: the gate's opening (the deadline recorded then) and, for a round
# opened before deadlines were recorded, when a stage was first entered (the hearing's request went out)
# and the decisions (the directors' approval sent the appointment requests).
DEADLINE_EVENT_KINDS = (EventKind.GATE_OPENED, EventKind.STAGE_ENTERED, EventKind.DECISION_RECORDED)


@dataclass(frozen=True)
class Due:
    """When a gate round is due: ``deadline`` (the last day to answer; None: no deadline), by which
    ``rule`` (:data:`REPLY`, :data:`MEETING`, :data:`NO_MEETING`, :data:`NONE`) and, for a meeting,
    which (``meeting``: its id)."""

    deadline: date | None
    rule: str = NONE
    meeting: str | None = None

    def days_overdue(self, today: date) -> int:
        """Days since the deadline (0 until the day after it)."""
        return max((today - self.deadline).days, 0) if self.deadline else 0

    def overdue(self, today: date) -> bool:
        return self.days_overdue(today) > 0

    def to_json(self, today: date) -> dict[str, Any]:
        """The fields ``pending --json`` and ``status --json`` add to a waiting gate."""
        return {"deadline": self.deadline.isoformat() if self.deadline else None, "deadline_rule": self.rule,
                "deadline_meeting": self.meeting, "overdue": self.overdue(today),
                "days_overdue": self.days_overdue(today)}


OVERDUE = "overskredet"  # what a person reads for a gate past its deadline, everywhere


def overdue_label(days_overdue: int) -> str:
    """``"overskredet (12 dage)"``; ``""`` when not overdue."""
    if days_overdue <= 0:
        return ""
    return f"{OVERDUE} ({days_overdue} {'dag' if days_overdue == 1 else 'dage'})"


@cache
def meeting_gates() -> frozenset[str]:
    """The gates decided at a meeting whose request sets no reply deadline: ``steering``, ``approval``."""
    # lazy: to count a deadline only: pending and status read the recorded ones without the gates' models
    from forms.gates import GATES

    return frozenset(g.name for g in GATES.values() if g.meets and g.reply_from is None)


def due(gate: str, *, opened: date, sources: Sources | None, agenda: Iterable[tuple[str, date]] = (),
        meeting_due_days: int = 91, recorded: Mapping[str, Any] | None = None) -> Due:
    """When a round of ``gate`` opened on ``opened`` is due (see the module docstring). ``recorded``:
    the ``gate_opened`` event's detail (its ``deadline`` and ``deadline_rule``, when recorded); else
    ``sources``, the proposal as far as :func:`reply_deadline` needs it, and ``meeting_due_days`` say it.
    ``agenda``: the ``(meeting id, date)`` of each meeting with this round on its agenda."""
    meetings = sorted(agenda, key=lambda m: (m[1], m[0]))
    if recorded and "deadline_rule" in recorded:
        rule, deadline = recorded["deadline_rule"], recorded.get("deadline")
        if rule == NO_MEETING and meetings:
            return Due(meetings[-1][1], MEETING, meetings[-1][0])
        return Due(date.fromisoformat(deadline) if deadline else None, rule or NONE)
    # lazy: to count a deadline only: pending and status read the recorded ones without the gates' models
    from dmpg.documents.context import reply_deadline

    if _is_reply(gate):
        if sources is None:
            raise ValueError(f"the deadline of {gate!r} is counted from the proposal's history: sources needed")
        return Due(reply_deadline(sources, gate), REPLY)
    if gate in meeting_gates():
        if meetings:
            return Due(meetings[-1][1], MEETING, meetings[-1][0])
        return Due(workdays.deadline(opened, meeting_due_days), NO_MEETING)
    return Due(None, NONE)


def at_opening(proposal_id: str, gate: str) -> dict[str, Any]:
    """What a gate round is given when it opens, for its ``gate_opened`` event: ``deadline`` (ISO date or
    None) and ``deadline_rule`` — the reply deadline its letter and mail state (``reply_deadline``, read
    from the ledger as the letter is), or, for a meeting gate, the day it is due when no meeting takes it
    up (``DMPG_MEETING_DUE_DAYS`` on); no deadline for the revision."""
    # lazy: the ledger's SQLAlchemy (0.6 s): dmpg pending and status import this module and never open a gate
    from dmpg.documents.sources import load_sources

    settings = get_settings()
    found = due(gate, opened=clock.today(), sources=load_sources(proposal_id) if _is_reply(gate) else None,
                meeting_due_days=settings.meeting_due_days)
    return {"deadline": found.deadline.isoformat() if found.deadline else None, "deadline_rule": found.rule}


def _is_reply(gate: str) -> bool:
    # lazy: to count a deadline only: pending and status read the recorded ones without the gates' models
    from forms.gates import GATES

    return gate in GATES and GATES[gate].reply_from is not None


def sources_of(proposal_id: str, events: Iterable[Any], *, today: date, reply_days: int) -> Sources:
    """What :func:`reply_deadline` reads of a proposal, from its events (oldest first): the day it first
    entered each stage and its decisions (gate, round, outcome, when). ``load_sources`` reads the same from
    the ledger's tables; this is the light way, for many proposals at once and for any past moment."""
    # lazy: to count a deadline only: pending and status read the recorded ones without the gates' models
    from dmpg.documents.context import Sources, local_day

    stages: dict[str, date] = {}
    decisions: list[dict[str, Any]] = []
    for e in events:
        kind = _get(e, "kind")
        if kind == EventKind.STAGE_ENTERED and _get(e, "stage"):
            stages.setdefault(_get(e, "stage"), local_day(_get(e, "at")))
        elif kind == EventKind.DECISION_RECORDED and _get(e, "gate"):
            decisions.append({"gate": _get(e, "gate"), "round": int(_get(e, "round") or 1),
                              "outcome": (_get(e, "detail") or {}).get("outcome"), "payload": {},
                              "at": _get(e, "at")})
    return Sources(proposal_id=proposal_id, title="", form={}, stages=stages, decisions=decisions, today=today,
                   reply_days=reply_days)


def dues(gates: Iterable[OpenGate], events: Iterable[Any], agenda: Iterable[Any], *, today: date,
         reply_days: int, meeting_due_days: int) -> dict[tuple[str, str, int], Due]:
    """Pure: the :class:`Due` of each open gate round in ``gates``, by ``(proposal, gate, round)``.
    ``events``: the proposals' events (at least :data:`DEADLINE_EVENT_KINDS`, oldest first; others are
    ignored); ``agenda``: meeting items (``proposal_id, gate, round, meeting_id, date``)."""
    by_proposal: dict[str, list[Any]] = {}
    recorded: dict[tuple[str, str, int], Mapping[str, Any]] = {}
    for e in events:
        by_proposal.setdefault(_get(e, "proposal_id"), []).append(e)
        if _get(e, "kind") == EventKind.GATE_OPENED and _get(e, "gate"):
            # The round's first opening says what it was given (a later attempt repeats it).
            recorded.setdefault((_get(e, "proposal_id"), _get(e, "gate"), int(_get(e, "round") or 1)),
                                _get(e, "detail") or {})
    on_agenda: dict[tuple[str, str, int], list[tuple[str, date]]] = {}
    for item in agenda:
        slot = (_get(item, "proposal_id"), _get(item, "gate"), int(_get(item, "round")))
        on_agenda.setdefault(slot, []).append((_get(item, "meeting_id"), _get(item, "date")))
    sources: dict[str, Sources] = {}
    found: dict[tuple[str, str, int], Due] = {}
    for g in gates:
        slot = (g.proposal, g.gate, g.round)
        given = recorded.get(slot)
        if not (given and "deadline_rule" in given) and g.proposal not in sources:  # opened before it was recorded
            sources[g.proposal] = sources_of(g.proposal, by_proposal.get(g.proposal, []), today=today,
                                             reply_days=reply_days)
        found[slot] = due(g.gate, opened=clock.local(g.waiting_since).date(), sources=sources.get(g.proposal),
                          agenda=on_agenda.get(slot, ()), meeting_due_days=meeting_due_days, recorded=given)
    return found


def open_dues(gates: list[OpenGate], events: Iterable[Any] | None = None,
              now: datetime | None = None) -> tuple[dict[tuple[str, str, int], Due], date]:
    """The :class:`Due` of each of ``gates`` (open gate rounds, as ``dmpg.state.gates_open`` folds them) read
    from the ledger, and the Copenhagen day they are judged on (today). ``events``: the proposals' events
    when the caller has read them already (their ``gate_opened`` events hold the recorded deadlines; the
    rest of :data:`DEADLINE_EVENT_KINDS` is read only for a round opened before deadlines were recorded)."""
    today = clock.local(now).date()
    if not gates:
        return {}, today
    ids = sorted({g.proposal for g in gates})
    events = list(events) if events is not None else []
    if not _all_recorded(gates, events):
        _, events = gate_events(ids[0] if len(ids) == 1 else None, kinds=DEADLINE_EVENT_KINDS)
    settings = get_settings()
    return dues(gates, events, agenda_rounds(ids), today=today, reply_days=settings.reply_days,
                meeting_due_days=settings.meeting_due_days), today


def _all_recorded(gates: list[OpenGate], events: list[Any]) -> bool:
    """Whether every round of ``gates`` has its deadline recorded in ``events`` (its ``gate_opened``)."""
    recorded = {(_get(e, "proposal_id"), _get(e, "gate"), int(_get(e, "round") or 1)) for e in events
                if _get(e, "kind") == EventKind.GATE_OPENED and "deadline_rule" in (_get(e, "detail") or {})}
    return all((g.proposal, g.gate, g.round) in recorded for g in gates)


def _get(item: Any, name: str) -> Any:
    return item.get(name) if isinstance(item, Mapping) else getattr(item, name, None)

