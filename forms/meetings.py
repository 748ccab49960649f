"""Meetings of the deciding bodies, the pure part: which gate a body decides, meeting ids, choosing an
agenda, and checking a meeting's minutes item by item (DESIGN.md "Meetings"). No ledger, no Prefect:
``dmpg.services.meetings`` reads the ledger, calls these and writes what they decided.

A meeting's id is readable and stable: the body's Danish short name (ASCII) and the ISO date,
``styregruppen-2027-03-11``, ``foelgegruppen-2027-03-11``, ``direktoerkredsen-2027-03-11``. One body
meets at most once a day; planning the same body and date again is the same meeting. Ids are read
case-insensitively and with Danish letters spelt either way (``følgegruppen-…`` = ``foelgegruppen-…``).

Minutes (YAML/JSON, or the meeting's minutes form in Word) say, per proposal on the agenda, the gate's
own choice and the reason: ``decisions: [{proposal, decision, rationale}, ...]``; for the reference
group ``decision`` is its recommendation (``support``, ...) and ``rationale`` its summary. An optional
top-level ``meeting`` must name the meeting the minutes are recorded for. The meeting's date is every
decision's ``meeting_date``; ``--by`` is every decision's ``recorded_by``.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date
from typing import TYPE_CHECKING, Any

import pydantic
from pydantic import BaseModel, ConfigDict, Field

from core.text import slugify
from forms.gates import GATES, Gate, judge, may_record
from forms.validation import describe_validation_error

if TYPE_CHECKING:
    from forms.roster import Roster

# body -> (the id's short name, the Danish name as a heading)
MEETING_BODIES: dict[str, tuple[str, str]] = {
    "reference_group": ("foelgegruppen", "Følgegruppen"),
    "steering_group": ("styregruppen", "DMPG-styregruppen"),
    "director_circle": ("direktoerkredsen", "Psykiatridirektørkredsen"),
}
PLANNED, PACK_SENT, AWAITING_APPROVAL, MINUTES_RECORDED = "planned", "pack_sent", "awaiting_approval", "minutes_recorded"
CANCELLED = "cancelled"  # dmpg meeting cancel: its agenda is free again, its invitation cancelled
STATUS_LABELS: dict[str, str] = {
    PLANNED: "Planlagt",
    PACK_SENT: "Mødemateriale udsendt",
    AWAITING_APPROVAL: "Referat afventer formandens godkendelse",
    MINUTES_RECORDED: "Referat registreret",
    CANCELLED: "Aflyst",
}
STATUSES: tuple[str, ...] = tuple(STATUS_LABELS)
_ID = re.compile(r"^(?P<short>[a-z]+)-(?P<date>\d{4}-\d{2}-\d{2})$")


def meeting_title(body: str) -> str:
    """The meeting in Danish, without its date: "DMPG-styregruppens møde"."""
    return f"{MEETING_BODIES[body][1]}s møde"


def meeting_gate(body: str) -> Gate:
    """The gate a meeting of ``body`` decides (the gate ``decided_by`` the body that has a meeting date)."""
    if body not in MEETING_BODIES:
        raise ValueError(f"unknown meeting body {body!r}; expected one of {', '.join(MEETING_BODIES)}")
    return next(g for g in GATES.values() if g.decided_by == body and "meeting_date" in g.input.model_fields)


def meeting_id(body: str, day: date) -> str:
    """``styregruppen-2027-03-11``."""
    meeting_gate(body)
    return f"{MEETING_BODIES[body][0]}-{day.isoformat()}"


def normalise_meeting_id(text: str) -> str:
    """A meeting id as typed (any case, æøå or their ASCII spelling) in its stored form."""
    return slugify(text, fallback="")


def parse_meeting_id(text: str) -> tuple[str, date] | None:
    """The body and date of a well-formed meeting id, or None."""
    m = _ID.match(normalise_meeting_id(text))
    if not m:
        return None
    body = next((b for b, (short, _) in MEETING_BODIES.items() if short == m["short"]), None)
    try:
        return (body, date.fromisoformat(m["date"])) if body else None
    except ValueError:
        return None


# --- the agenda ----------------------------------------------------------------------------------


@dataclass(frozen=True)
class AgendaItem:
    """A gate round a meeting decides: ``proposal`` waits at ``gate`` round ``round``."""

    proposal: str
    title: str
    gate: str
    round: int

    def to_json(self) -> dict[str, Any]:
        return {"proposal": self.proposal, "title": self.title, "gate": self.gate, "round": self.round}


def select_agenda(body: str, waiting: Sequence[Any], named: Sequence[str] = (), *,
                  taken: Mapping[tuple[str, str, int], str] | None = None,
                  known: Callable[[str], str | None] = lambda _p: None) -> tuple[list[AgendaItem], list[str]]:
    """The agenda of a meeting of ``body``, and the problems with ``named`` proposals (empty when fine).

    ``waiting``: the open gate rounds (``proposal, title, gate, round``; oldest first, as
    ``dmpg.state.gates_open`` gives them). Without ``named``, every round waiting at the body's gate that is
    not on another open meeting's agenda (``taken``: round -> meeting id); with ``named``, exactly
    those, in that order. ``known(proposal)`` says where an unknown-here proposal is instead (a
    sentence), or None when there is no such proposal."""
    gate = meeting_gate(body)
    taken = taken or {}
    at_gate = {w.proposal: w for w in waiting if w.gate == gate.name}
    if not named:
        items = [AgendaItem(w.proposal, w.title, w.gate, w.round) for w in at_gate.values()
                 if (w.proposal, w.gate, w.round) not in taken]
        return items, []
    items, problems, seen = [], [], set()
    for proposal in named:
        if proposal in seen:
            continue
        seen.add(proposal)
        w = at_gate.get(proposal)
        if w is None:
            where = known(proposal)
            problems.append(f"{proposal}: {where}" if where else f"{proposal}: ingen sådan sag (se dmpg pending)")
        elif (w.proposal, w.gate, w.round) in taken:
            problems.append(f"{proposal}: står allerede på dagsordenen for {taken[(w.proposal, w.gate, w.round)]}")
        else:
            items.append(AgendaItem(w.proposal, w.title, w.gate, w.round))
    return items, problems


# --- the minutes -----------------------------------------------------------------------------------


class MinutesDecision(BaseModel):
    """One decision in a meeting's minutes."""

    model_config = ConfigDict(extra="forbid", strict=True, str_strip_whitespace=True)

    proposal: str = Field(min_length=1, title="Sag", description="Forslagets id, fx DMPG-2027-003.")
    decision: str = Field(min_length=1, title="Beslutning", description="Gatens eget valg, fx approve eller defer.")
    rationale: str = Field(min_length=1, title="Begrundelse", description="Begrundelsen til beslutningsreferatet.")


MINUTES_KEYS = ("meeting", "decisions")


@dataclass(frozen=True)
class Naming:
    """How a problem names an item of the minutes and its fields, in the file's own words: YAML/JSON
    ``decisions[1].rationale``; the Word form ``Beslutninger, række 2 › Begrundelse``."""

    rows: Sequence[str] = ()          # the Word form's name of each item (empty: YAML/JSON)
    labels: Mapping[str, str] = field(default_factory=dict)  # field -> the Word form's label

    def item(self, i: int) -> str:
        return self.rows[i] if self.rows else f"decisions[{i}]"

    def field(self, i: int, name: str) -> str:
        if self.rows:
            return f"{self.rows[i]} › {self.labels.get(name, name)}" if name else self.rows[i]
        return f"decisions[{i}].{name}" if name else f"decisions[{i}]"


@dataclass(frozen=True)
class ItemState:
    """Where an agenda item stands in the ledger: ``waiting`` (its round is open), ``decided_here``
    (this meeting's minutes recorded it already: ``decided`` is that payload), ``decided_elsewhere``
    (another channel decided the round: ``decided``, ``by``), or ``not_waiting`` (``where`` it is)."""

    item: AgendaItem
    status: str
    decided: Mapping[str, Any] | None = None
    by: str = ""
    where: str = ""


@dataclass(frozen=True)
class Decided:
    """A decision of the minutes that stands: the gate's payload, and whether it is recorded already."""

    item: AgendaItem
    payload: dict[str, Any]
    outcome: str
    recorded: bool


@dataclass
class MinutesCheck:
    decisions: list[Decided] = field(default_factory=list)
    problems: list[tuple[str, str]] = field(default_factory=list)


def minutes_payload(g: Gate, decision: Mapping[str, Any], day: date, by: str) -> dict[str, Any]:
    """The gate's input for one decision of the minutes (what ``judge`` and the ledger see)."""
    payload = {g.outcome_field: decision.get("decision"), "meeting_date": day.isoformat(), "recorded_by": by}
    if g.reason_field:
        payload[g.reason_field] = decision.get("rationale")
    return payload


def check_minutes(data: object, *, meeting: str, body: str, day: date, by: str, states: Sequence[ItemState],
                  roster: Roster, naming: Naming = Naming(),
                  known: Callable[[str], str | None] = lambda _p: None) -> MinutesCheck:
    """Check a meeting's whole minutes without writing anything: every problem, each named by its item
    and field (``naming``). Pure: ``states`` says where each agenda item stands in the ledger and
    ``known(proposal)`` where a proposal off the agenda is (None: no such proposal)."""
    g = meeting_gate(body)
    check = MinutesCheck()
    problems = check.problems
    if not isinstance(data, Mapping):
        problems.append(("", "forventede 'decisions: [{proposal, decision, rationale}, ...]' øverst i filen"))
        return check
    for key in data:
        if key not in MINUTES_KEYS:
            problems.append((str(key), f"ukendt felt (forventede et af: {', '.join(MINUTES_KEYS)})"))
    named = data.get("meeting")
    if named is not None and normalise_meeting_id(str(named)) != meeting:
        problems.append(("meeting", f"referatet er til {named!r}, ikke til {meeting}"))
    allowed, why = may_record(g, by, roster)
    if not allowed:
        problems.append(("--by", why))
    decisions = data.get("decisions")
    if not isinstance(decisions, list) or not decisions:
        problems.append(("decisions", "skal udfyldes: en liste med {proposal, decision, rationale}, én pr. behandlet sag"))
        return check
    on_agenda = {s.item.proposal: s for s in states}
    first: dict[str, int] = {}
    for i, raw in enumerate(decisions):
        try:
            entry = MinutesDecision.model_validate(raw)
        except pydantic.ValidationError as exc:
            problems += [(naming.field(i, path), message)
                         for path, message in describe_validation_error(exc, MinutesDecision)]
            entry = None
        proposal = str(raw.get("proposal") or "").strip().upper() if isinstance(raw, Mapping) else ""
        if not proposal:
            continue
        if proposal in first:
            problems.append((naming.field(i, "proposal"), f"{proposal} står to gange i referatet "
                                                          f"(også {naming.item(first[proposal])})"))
            continue
        first[proposal] = i
        state = on_agenda.get(proposal)
        if state is None:
            where = known(proposal)
            problems.append((naming.field(i, "proposal"), f"{proposal} står ikke på dagsordenen for {meeting}"
                                                          + (f" ({where})" if where else ": ingen sådan sag")))
            continue
        if entry is None:
            continue
        payload = minutes_payload(g, entry.model_dump(), day, by)
        if state.status == "decided_here":
            if not _same_decision(g, state.decided or {}, payload):
                problems.append((naming.item(i), f"{proposal}: mødets referat har allerede registreret "
                                                 f"'{(state.decided or {}).get(g.outcome_field)}' for den"))
            else:
                check.decisions.append(Decided(state.item, dict(state.decided or {}),
                                               g.outcome_of(state.decided or {}), recorded=True))
            continue
        if state.status == "decided_elsewhere":
            outcome = (state.decided or {}).get(g.outcome_field)
            problems.append((naming.item(i), f"{proposal} er allerede afgjort ('{outcome}', registreret af "
                                             f"{state.by}); der er intet tilbage at beslutte"))
            continue
        if state.status != "waiting":
            problems.append((naming.item(i), f"{proposal} venter ikke på {g.label} (runde "
                                             f"{state.item.round}): {state.where}"))
            continue
        verdict = judge(g, payload, roster=roster)
        if verdict.accepted:
            check.decisions.append(Decided(state.item, verdict.data or {}, verdict.outcome or "", recorded=False))
        elif verdict.refusal == "invalid":
            problems += [(naming.field(i, _minutes_field(g, path)), f"{proposal}: {message}")
                         for path, message in verdict.problems]
        elif allowed:  # not allowed is reported once, for --by
            problems.append((naming.item(i), f"{proposal}: {verdict.reason}"))
    return check


def _minutes_field(g: Gate, path: str) -> str:
    """The minutes' name of a gate field: its outcome is ``decision``, its reason ``rationale``."""
    head = path.split(".")[0].split("[")[0]
    return {g.outcome_field: "decision", g.reason_field: "rationale"}.get(head, path)


def _same_decision(g: Gate, decided: Mapping[str, Any], payload: Mapping[str, Any]) -> bool:
    """Whether ``payload`` says what was decided (choice and reason; who typed it in may differ)."""
    fields = [f for f in (g.outcome_field, g.reason_field) if f]
    return all(str(decided.get(f) or "").strip() == str(payload.get(f) or "").strip() for f in fields)
