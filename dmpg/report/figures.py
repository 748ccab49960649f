"""The status report's figures, computed from the ledger's history alone (pure: rows in, plain data out;
no database, no Prefect, no clock of its own).

The history is the audit trail (``stage_events``), with the decisions' own dates (a meeting's date) and
the meetings' agendas. Everything is counted from events, so a proposal that went through a revision or
a deferral counts each round, and a report for a past period shows the ledger *as it stood at the
period's end* (``as_of``: the end of the last day, or now when that is later): only events before that
moment count.

Days are calendar days between Copenhagen dates (a gate opened on 3 March and decided on 10 March took
7 days). The figures:

- ``in_process``: every gate round waiting at ``as_of`` (a proposal at the hearing waits at two), with
  its stage, the days it has waited, its deadline and whether it is *overskredet* (``dmpg.services.deadlines``);
  a proposal under way that waits at no gate (its run is between two steps) is a row without a gate.
- ``decisions``: each decision whose date lies in the period: a meeting's decisions carry the meeting's
  date and are grouped by meeting (``meetings``); the other gates' (RKKP's statement, a revision, the
  appointments) the day they were recorded.
- ``gate_times``: per gate, the rounds decided in the period (decision recorded in it): how many, the
  median and the slowest number of days from opening to decision, and how many wait at ``as_of`` and
  the longest of those waits; the last row (``gate`` = ``lifecycle``) is the whole way from submission
  to an established group, for the groups established in the period.
- ``submitted``, ``established``, ``rejected``: the proposals that did so in the period.
- ``registry`` (with seed 001's phases) and ``candidates`` (seed 001's candidate topics, and where each
  stands).
- ``proposals`` and ``rounds``: every proposal active in the period (in process at some point of it) and
  each of its gate rounds: the timeline chart's data.
"""

from __future__ import annotations

import calendar
import re
import statistics
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field, fields
from datetime import date, datetime, timedelta
from typing import Any

from core import clock
from core.errors import UserError
from core.text import danish_date
from dmpg.services.deadlines import DEADLINE_EVENT_KINDS, Due, dues
from dmpg.state.gates_open import GATE_EVENT_KINDS, fold_events
from forms.gates import GATES
from forms.meetings import MEETING_BODIES
from forms.registry import CANDIDATE_TOPICS, phase_of, same_topic
from forms.vocabulary import FINAL_STAGES, STAGES
from models.vocabulary import EventKind

LIFECYCLE = "lifecycle"  # the gate_times row of the whole way, submission to established group


# --- the period --------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Period:
    """The days a report covers, ``start`` to ``end`` inclusive (Copenhagen dates)."""

    start: date
    end: date

    @property
    def start_at(self) -> datetime:
        """The period's first moment (UTC)."""
        return clock.at_copenhagen(self.start)

    @property
    def end_at(self) -> datetime:
        """The moment after the period's last day (UTC)."""
        return clock.at_copenhagen(self.end + timedelta(days=1))

    def __contains__(self, day: object) -> bool:
        return isinstance(day, date) and self.start <= day <= self.end

    @property
    def quarter(self) -> int | None:
        """1–4 when the period is exactly a calendar quarter, else None."""
        q, first = (self.start.month - 1) // 3 + 1, self.start.month in (1, 4, 7, 10)
        last = _add_months(self.start, 3) - timedelta(days=1)
        return q if first and self.start.day == 1 and self.end == last else None

    @property
    def label(self) -> str:
        """The period in Danish: "1. kvartal 2027" for a calendar quarter, else its :attr:`dates`."""
        return f"{self.quarter}. kvartal {self.start.year}" if self.quarter else self.dates

    @property
    def dates(self) -> str:
        """"1. januar – 31. marts 2027"; "1. december 2026 – 28. februar 2027" across a new year."""
        first = danish_date(self.start)
        if self.start.year == self.end.year:
            first = first.rsplit(" ", 1)[0]
        return f"{first} – {danish_date(self.end)}"


def _add_months(day: date, months: int) -> date:
    """``day`` moved ``months`` calendar months (the day clipped to the month's length)."""
    month0 = day.month - 1 + months
    year, month = day.year + month0 // 12, month0 % 12 + 1
    return date(year, month, min(day.day, calendar.monthrange(year, month)[1]))


def default_period(today: date) -> Period:
    """The three months up to and including ``today`` (on 31 March: the first quarter)."""
    return Period(_add_months(today, -3) + timedelta(days=1), today)


def parse_day(text: str, option: str) -> date:
    """``text`` as a YYYY-MM-DD date; a ``UserError`` in Danish naming ``option`` otherwise."""
    if re.fullmatch(r"\d{4}-\d{2}-\d{2}", text.strip()):
        try:
            return date.fromisoformat(text.strip())
        except ValueError:
            pass
    shown = text if len(text) <= 40 else text[:39] + "…"
    raise UserError(f"{option}: forventede en dato som ÅÅÅÅ-MM-DD (fx 2027-03-31), fik '{shown}'")


def period_of(start: str | None, end: str | None, today: date) -> Period:
    """The period of ``--from``/``--to`` (either may be left out: ``--to`` defaults to today, ``--from``
    to three months before ``--to``). ``UserError`` (Danish) for a bad date, a period that ends before
    it starts, or one that starts after today."""
    last = parse_day(end, "--to") if end is not None else today
    first = parse_day(start, "--from") if start is not None else default_period(last).start
    if first > today:
        raise UserError(f"--from ({first.isoformat()}) ligger efter i dag ({today.isoformat()}): "
                        "der er intet at opgøre endnu")
    if first > last:
        raise UserError(f"--from ({first.isoformat()}) ligger efter --to ({last.isoformat()}): "
                        "perioden skal begynde før den slutter")
    return Period(first, last)


# --- gate rounds -------------------------------------------------------------------------------------


@dataclass
class Round:
    """One round of a gate: opened (its first ``gate_opened``), and closed by a decision (``outcome``) or
    by expiry, or still open."""

    proposal: str
    gate: str
    round: int
    opened: datetime
    closed: datetime | None = None
    outcome: str | None = None
    expired: bool = False


def fold_rounds(events: Iterable[Mapping[str, Any]]) -> list[Round]:
    """Pure: every gate round among ``events`` (oldest first), in the order they opened. A refused answer
    is no event here: a round closes only by its decision or its expiry."""
    rounds: dict[tuple[str, str, int], Round] = {}
    for e in events:
        gate = e.get("gate")
        if not gate:
            continue
        slot = (e["proposal_id"], gate, int(e.get("round") or 1))
        kind = e["kind"]
        if kind == EventKind.GATE_OPENED:
            rounds.setdefault(slot, Round(*slot, opened=e["at"]))
        elif kind in (EventKind.DECISION_RECORDED, EventKind.GATE_EXPIRED) and slot in rounds:
            found = rounds[slot]
            if found.closed is None:
                found.closed = e["at"]
                found.expired = kind == EventKind.GATE_EXPIRED
                found.outcome = None if found.expired else (e.get("detail") or {}).get("outcome")
    return list(rounds.values())


# --- the figures ---------------------------------------------------------------------------------------


@dataclass
class Report:
    """The figures (see the module docstring); every value plain JSON data (dates as ISO strings)."""

    period: dict[str, Any]
    summary: dict[str, Any]
    in_process: list[dict[str, Any]] = field(default_factory=list)
    decisions: list[dict[str, Any]] = field(default_factory=list)
    meetings: list[dict[str, Any]] = field(default_factory=list)
    gate_times: list[dict[str, Any]] = field(default_factory=list)
    submitted: list[dict[str, Any]] = field(default_factory=list)
    established: list[dict[str, Any]] = field(default_factory=list)
    rejected: list[dict[str, Any]] = field(default_factory=list)
    registry: list[dict[str, Any]] = field(default_factory=list)
    candidates: list[dict[str, Any]] = field(default_factory=list)
    proposals: list[dict[str, Any]] = field(default_factory=list)
    rounds: list[dict[str, Any]] = field(default_factory=list)
    rules: dict[str, Any] = field(default_factory=dict)

    def to_json(self) -> dict[str, Any]:
        """The figures as a dict of JSON values (shared, not copied: they are read, never changed)."""
        return {f.name: getattr(self, f.name) for f in fields(self)}


@dataclass
class _AsOf:
    """The ledger as it stood at ``as_of``: its proposals and events then, each proposal's stage, when it
    was submitted and finished, and the escalations."""

    period: Period
    as_of: datetime
    as_of_day: date
    proposals: dict[str, Mapping[str, Any]]
    events: list[Mapping[str, Any]]
    stage: dict[str, str] = field(default_factory=dict)
    submitted_at: dict[str, datetime] = field(default_factory=dict)
    finished_at: dict[str, datetime] = field(default_factory=dict)
    escalated: dict[tuple[str, str, int], datetime] = field(default_factory=dict)

    @classmethod
    def of(cls, history: Mapping[str, Sequence[Mapping[str, Any]]], period: Period, now: datetime) -> _AsOf:
        as_of = min(period.end_at, now)
        proposals = {p["id"]: p for p in history.get("proposals", ()) if p["created_at"] < as_of}
        events = [e for e in history.get("events", ()) if e["at"] < as_of and e["proposal_id"] in proposals]
        ledger = cls(period, as_of, min(period.end, clock.local(now).date()), proposals, events,
                     stage=dict.fromkeys(proposals, "submitted"),
                     submitted_at={pid: p["created_at"] for pid, p in proposals.items()})
        for e in events:
            if e["kind"] == EventKind.STAGE_ENTERED and e.get("stage"):
                ledger.stage[e["proposal_id"]] = e["stage"]
                if e["stage"] in FINAL_STAGES:
                    ledger.finished_at.setdefault(e["proposal_id"], e["at"])
            elif e["kind"] == EventKind.SUBMITTED:
                ledger.submitted_at[e["proposal_id"]] = e["at"]
            elif e["kind"] == EventKind.ESCALATED and e.get("gate"):
                ledger.escalated.setdefault((e["proposal_id"], e["gate"], int(e.get("round") or 1)), e["at"])
        return ledger

    @property
    def under_way(self) -> list[str]:
        return [pid for pid in self.proposals if self.stage[pid] not in FINAL_STAGES]

    @property
    def active(self) -> list[str]:
        """The proposals in process at some moment of the period."""
        start = self.period.start_at
        return [pid for pid in self.proposals if pid not in self.finished_at or self.finished_at[pid] >= start]

    def title(self, pid: str) -> str:
        return self.proposals[pid]["title"]

    def in_period(self, moment: datetime) -> bool:
        return self.period.start_at <= moment < self.as_of

    def days(self, a: datetime, b: datetime | date) -> int:
        """Calendar days from moment ``a`` to moment or day ``b`` (Copenhagen dates)."""
        return ((b if not isinstance(b, datetime) else _day(b)) - _day(a)).days


def compute(history: Mapping[str, Sequence[Mapping[str, Any]]], period: Period, *, now: datetime,
            reply_days: int = 21, meeting_due_days: int = 91, escalate_after_days: int = 14) -> Report:
    """The report's figures for ``period`` from ``history`` (``models.ledger.quick.history``'s shape: proposals,
    events, decisions, agenda, meetings, registry), as the ledger stood at the period's end or ``now``,
    whichever is earlier. Pure."""
    ledger = _AsOf.of(history, period, now)
    in_process = _in_process(ledger, history.get("agenda", ()), reply_days, meeting_due_days)
    decisions = _decisions(ledger, history.get("decisions", ()))
    meetings = _meetings(decisions, history.get("meetings", ()), period, ledger.as_of_day, ledger.as_of)
    rounds = fold_rounds(e for e in ledger.events if e["kind"] in (EventKind.GATE_OPENED, EventKind.DECISION_RECORDED,
                                                                   EventKind.GATE_EXPIRED))
    finished = ledger.finished_at
    ended = {kind: [{"proposal": pid, "title": ledger.title(pid), kind: _day(finished[pid]).isoformat(),
                     "days": ledger.days(ledger.submitted_at[pid], finished[pid])}
                    for pid in ledger.proposals if ledger.stage[pid] == kind and ledger.in_period(finished[pid])]
             for kind in FINAL_STAGES}
    submitted = [{"proposal": pid, "title": ledger.title(pid), "submitted": _day(at).isoformat()}
                 for pid, at in ledger.submitted_at.items() if ledger.in_period(at)]
    registry = _registry(history.get("registry", ()), finished, period, ledger.as_of)
    overdue = [r for r in in_process if r["overdue"]]
    overdue_rounds = {(r["proposal"], r["gate"], r["round"]) for r in overdue}
    active = ledger.active
    shown = set(active)
    waiting = [r for r in in_process if r["gate"]]
    return Report(
        period={"from": period.start.isoformat(), "to": period.end.isoformat(), "label": period.label,
                "quarter": period.quarter, "as_of": ledger.as_of.isoformat(),
                "as_of_day": ledger.as_of_day.isoformat()},
        summary={
            "submitted": len(submitted), "decisions": len(decisions),
            "meetings": sum(1 for m in meetings if m["decisions"]), "established": len(ended["established"]),
            "rejected": len(ended["rejected"]), "in_process": len(ledger.under_way), "waiting": len(waiting),
            "overdue": len(overdue), "overdue_proposals": len({r["proposal"] for r in overdue}),
            "escalated": sum(1 for r in overdue if r["escalated"]), "registry": len(registry),
        },
        in_process=in_process, decisions=decisions, meetings=meetings,
        gate_times=_gate_times(ledger, rounds, in_process, ended["established"]),
        submitted=submitted, established=ended["established"], rejected=ended["rejected"], registry=registry,
        candidates=_candidates(registry, ledger.proposals, ledger.stage),
        proposals=[{"proposal": pid, "title": ledger.title(pid), "submitted": _day(ledger.submitted_at[pid]).isoformat(),
                    "stage": ledger.stage[pid],
                    "finished": _day(finished[pid]).isoformat() if pid in finished else None}
                   for pid in active],
        rounds=[{"proposal": r.proposal, "gate": r.gate, "round": r.round, "opened": r.opened.isoformat(),
                 "closed": r.closed.isoformat() if r.closed else None, "outcome": r.outcome, "expired": r.expired,
                 "days": ledger.days(r.opened, r.closed or ledger.as_of_day),
                 "overdue": r.closed is None and (r.proposal, r.gate, r.round) in overdue_rounds}
                for r in rounds if r.proposal in shown],
        rules={"reply_days": reply_days, "meeting_due_days": meeting_due_days,
               "escalate_after_days": escalate_after_days},
    )


def _in_process(ledger: _AsOf, agenda: Iterable[Mapping[str, Any]], reply_days: int,
                meeting_due_days: int) -> list[dict[str, Any]]:
    """Every gate round that waits at ``as_of`` with its days, deadline and escalation, and a row without
    a gate for a proposal under way that waits at none; by stage, then how long it has waited."""
    under_way = ledger.under_way
    open_rounds = fold_events([e for e in ledger.events if e["kind"] in GATE_EVENT_KINDS and e["proposal_id"] in under_way],
                              {pid: {"title": ledger.title(pid), "flow_run_id": None} for pid in under_way})
    on_agenda = [a for a in agenda if a["added_at"] is None or a["added_at"] < ledger.as_of]
    today = ledger.as_of_day
    due_of: dict[tuple[str, str, int], Due] = dues(
        open_rounds, [e for e in ledger.events if e["kind"] in DEADLINE_EVENT_KINDS], on_agenda,
        today=today, reply_days=reply_days, meeting_due_days=meeting_due_days)
    rows = []
    for g in open_rounds:
        d = due_of[(g.proposal, g.gate, g.round)]
        escalated = ledger.escalated.get((g.proposal, g.gate, g.round))
        rows.append({
            "proposal": g.proposal, "title": g.title, "stage": ledger.stage[g.proposal], "gate": g.gate,
            "round": g.round, "waiting_since": _day(g.waiting_since).isoformat(),
            "days_waiting": ledger.days(g.waiting_since, today),
            "deadline": d.deadline.isoformat() if d.deadline else None, "deadline_rule": d.rule,
            "deadline_meeting": d.meeting, "overdue": d.overdue(today), "days_overdue": d.days_overdue(today),
            "escalated": _day(escalated).isoformat() if escalated else None,
        })
    waiting = {g.proposal for g in open_rounds}
    rows += [{"proposal": pid, "title": ledger.title(pid), "stage": ledger.stage[pid], "gate": None, "round": None,
              "waiting_since": None, "days_waiting": None, "deadline": None, "deadline_rule": None,
              "deadline_meeting": None, "overdue": False, "days_overdue": 0, "escalated": None}
             for pid in under_way if pid not in waiting]
    return sorted(rows, key=lambda r: (_stage_rank(r["stage"]), r["waiting_since"] or "", r["proposal"], r["gate"] or ""))


def _decisions(ledger: _AsOf, decisions: Iterable[Mapping[str, Any]]) -> list[dict[str, Any]]:
    """The decisions dated in the period (a meeting's date; else the day recorded), by date and body."""
    rows = []
    for d in decisions:
        if d["at"] >= ledger.as_of or d["proposal_id"] not in ledger.proposals or d["gate"] not in GATES:
            continue
        meeting_date = (d.get("payload") or {}).get("meeting_date")
        day = date.fromisoformat(str(meeting_date)[:10]) if meeting_date else _day(d["at"])
        if day not in ledger.period or day > ledger.as_of_day:
            continue
        rows.append({
            "date": day.isoformat(), "body": GATES[d["gate"]].decided_by if meeting_date else None,
            "meeting": (d.get("detail") or {}).get("meeting"), "proposal": d["proposal_id"],
            "title": ledger.title(d["proposal_id"]), "gate": d["gate"], "round": d["round"], "outcome": d["outcome"],
            "recorded": _day(d["at"]).isoformat(),
        })
    return sorted(rows, key=lambda r: (r["date"], r["body"] or "~", r["gate"], r["proposal"], r["round"]))


def _gate_times(ledger: _AsOf, rounds: list[Round], in_process: list[dict[str, Any]],
                established: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """Per gate, the rounds decided in the period and what waits; last, the whole way to a group."""
    rows = []
    for name in GATES:
        decided = [(ledger.days(r.opened, r.closed), r.proposal) for r in rounds
                   if r.gate == name and r.closed and not r.expired and ledger.in_period(r.closed)]
        rows.append(_times(name, decided, [r["days_waiting"] for r in in_process if r["gate"] == name]))
    waiting = [ledger.days(ledger.submitted_at[pid], ledger.as_of_day) for pid in ledger.under_way]
    rows.append(_times(LIFECYCLE, [(r["days"], r["proposal"]) for r in established], waiting))
    return rows


def _day(moment: datetime) -> date:
    """The Copenhagen day of a ledger moment (a letter's and a report's dates are Danish)."""
    return clock.local(moment).date()


def _stage_rank(stage: str) -> int:
    """A stage's place in the lifecycle (the order of ``forms.vocabulary.STAGES``)."""
    return STAGES.index(stage) if stage in STAGES else len(STAGES)


def _times(gate: str, decided: list[tuple[int, str]], waiting: list[int]) -> dict[str, Any]:
    """A gate_times row: the decided rounds' count, median and slowest (with its proposal), and the waits."""
    slowest = max(decided, key=lambda d: d[0]) if decided else None
    return {
        "gate": gate, "decided": len(decided),
        "median_days": statistics.median(d for d, _ in decided) if decided else None,
        "slowest_days": slowest[0] if slowest else None, "slowest_proposal": slowest[1] if slowest else None,
        "waiting": len(waiting), "longest_waiting_days": max(waiting) if waiting else None,
    }


def _meetings(decisions: list[dict[str, Any]], meetings: Iterable[Mapping[str, Any]], period: Period,
              as_of_day: date, as_of: datetime) -> list[dict[str, Any]]:
    """The meetings of the period (held by ``as_of_day``): those the ledger planned and those decisions
    name by body and date, each with its number of decisions; by date."""
    found: dict[tuple[str, str], dict[str, Any]] = {}
    for m in meetings:
        if m["date"] in period and m["date"] <= as_of_day and m["created_at"] < as_of and m["body"] in MEETING_BODIES:
            found[(m["body"], m["date"].isoformat())] = {"meeting": m["id"], "body": m["body"],
                                                         "date": m["date"].isoformat(), "decisions": 0}
    for d in decisions:
        if d["body"] in MEETING_BODIES:
            row = found.setdefault((d["body"], d["date"]), {"meeting": d["meeting"], "body": d["body"],
                                                            "date": d["date"], "decisions": 0})
            row["decisions"] += 1
            row["meeting"] = row["meeting"] or d["meeting"]
    order = list(MEETING_BODIES)
    return sorted(found.values(), key=lambda m: (m["date"], order.index(m["body"])))


def _registry(groups: Iterable[Mapping[str, Any]], finished_at: Mapping[str, datetime], period: Period,
              as_of: datetime) -> list[dict[str, Any]]:
    """The established groups at ``as_of`` (a group of a proposal counts from its establishment), with
    seed 001's phase; ``new`` for a group established in the period."""
    rows = []
    for g in groups:
        pid = g.get("proposal_id")
        if pid and (pid not in finished_at or finished_at[pid] >= as_of):
            continue
        since = g["dmpg_since"] if isinstance(g["dmpg_since"], date) else date.fromisoformat(str(g["dmpg_since"])[:10])
        rows.append({"name": g["name"], "phase": phase_of(g["name"]), "dmpg_since": since.isoformat(),
                     "database_since": g.get("database_since"), "note": g.get("note"), "proposal": pid,
                     "new": bool(pid and period.start_at <= finished_at[pid] < as_of)})
    return rows


def _candidates(registry: list[dict[str, Any]], proposals: Mapping[str, Mapping[str, Any]],
                stage: Mapping[str, str]) -> list[dict[str, Any]]:
    """Seed 001's candidate topics and where each stands: ``established`` (a group of that name),
    ``in_process`` or ``rejected`` (the latest proposal of that name), or ``none``."""
    rows = []
    for topic in CANDIDATE_TOPICS:
        group = next((g for g in registry if same_topic(topic, g["name"])), None)
        latest = [pid for pid, p in proposals.items() if same_topic(topic, p["title"])]
        pid = latest[-1] if latest else None
        if group is not None:
            status = "established"
            pid = group["proposal"] or pid
        elif pid is not None:
            status = "rejected" if stage[pid] == "rejected" else "in_process"
        else:
            status = "none"
        rows.append({"topic": topic, "status": status, "proposal": pid, "stage": stage.get(pid) if pid else None})
    return rows
