"""What the decision page shows and takes, as plain data (no HTTP here): the page for a verified link,
the form fields of its gate, and turning a posted form into the gate's input.

A gate's form derives from its input model (``forms.gates``): its outcome field becomes a choice with
the gate's Danish outcome labels, text fields text areas, dates date fields; ``recorded_by`` is never a
field — it is the link's recipient. A gate whose input is a whole document (the revised
indstillingsskema) or a list (the appointed members) takes an uploaded file instead.
"""

from __future__ import annotations

import types
import typing
from dataclasses import dataclass, field
from datetime import date
from typing import Any

import pydantic

from core.errors import InputError
from core.identity import same_address
from core.settings import get_settings
from core.text import (
    TYPED_DATE_FORMAT,
    capitalise,
    danish_date,
    danish_message,
    date_problem,
    one_line,
    parse_danish_date,
)
from dmpg.documents.naming import document_title
from dmpg.state.agenda import meeting_of
from dmpg.state.gates_open import open_gates
from dmpg.state.links import document_url
from forms.appointments import AppointmentsInput, check_appointments
from forms.findings import blocking, finding_title
from forms.gates import APPOINTMENTS_PAGE, DECIDE_PAGE, GATES, Gate, future_dates
from forms.meetings import MINUTES_RECORDED, meeting_title
from forms.proposal import ProposalForm
from forms.vocabulary import (
    BASE_CATEGORIES,
    CHOICE_WORDS,
    DATABASE_STATUS_LABELS,
    REGION_NAMES,
    REPRESENTS_CHOICES,
    REPRESENTS_LABELS,
    SEVERITY_LABELS,
    STAGE_LABELS,
    TOPIC_KIND_LABELS,
    label,
    represents_name,
)
from models import ledger
from models.vocabulary import CHANNEL_LABELS

MEMBER_ROWS = 12  # rows for appointed members on the appointments page (more when the form has more seats)


@dataclass(frozen=True)
class Field:
    """One field of the page's form."""

    name: str
    label: str
    help: str
    kind: str  # choice | text | date
    required: bool
    choices: tuple[tuple[str, str], ...] = ()  # (code, Danish label)


@dataclass
class Page:
    """Everything the decision page shows for one link."""

    proposal_id: str
    title: str
    stage: str
    gate: Gate
    round: int
    recipient: str
    recipient_name: str
    waiting_since: str
    summary: list[tuple[str, str]]
    findings: list[dict[str, str]]
    decisions: list[dict[str, str]]
    documents: list[dict[str, str]]
    fields: list[Field]
    upload: str | None
    secretariat: str
    meeting: str | None = None
    values: dict[str, str] = field(default_factory=dict)
    problems: list[tuple[str, str]] = field(default_factory=list)
    template: str = DECIDE_PAGE
    appointments: dict[str, Any] | None = None  # the appointments page's rows, choices and rules

    @property
    def submit_label(self) -> str:
        """The button's words: what the act is ("Send rådgivningen", "Registrér beslutningen")."""
        return self.gate.wording.submit

    @property
    def form_heading(self) -> str:
        return self.gate.wording.heading

    @property
    def not_recorded(self) -> str:
        """The heading above a form sent back with problems."""
        return self.gate.wording.not_recorded

    @property
    def problem_links(self) -> list[tuple[str | None, str, str]]:
        """Each problem as ``(the id of its field or None, label, message)``: the summary links to the field."""
        ids = {f.label: field_id(f.name) for f in self.fields}
        ids["Filen"] = field_id("fil")
        return [(ids.get(label), label, message) for label, message in self.problems]

    @property
    def invalid(self) -> set[str]:
        """The names of the fields a problem names (marked ``aria-invalid``)."""
        labels = {label for label, _ in self.problems}
        return {f.name for f in self.fields if f.label in labels} | ({"fil"} if "Filen" in labels else set())


def field_id(name: str) -> str:
    """The HTML id of a form field (its label's ``for``, the problem summary's link)."""
    return f"felt-{name}"


def form_fields(gate: Gate) -> list[Field]:
    """The gate's input as form fields (see the module docstring); [] for a gate that takes a file or
    has a page of its own (the appointments)."""
    if gate.upload or gate.page != DECIDE_PAGE:
        return []
    fields = []
    for name, info in gate.input.model_fields.items():
        if name == "recorded_by":
            continue
        annotation = _unwrap(info.annotation)
        required = info.is_required()
        if typing.get_origin(annotation) is typing.Literal:
            codes = typing.get_args(annotation)
            labels = {o.code: o.label for o in gate.outcomes} if name == gate.outcome_field else {}
            fields.append(Field(name, info.title or name, info.description or "", "choice", required,
                                tuple((c, labels.get(c, c)) for c in codes)))
        elif annotation is date:
            fields.append(Field(name, info.title or name, info.description or "", "date", required))
        else:
            fields.append(Field(name, info.title or name, info.description or "", "text", required))
    return fields


def _unwrap(annotation: Any) -> Any:
    """``Annotated[date, …] | None`` -> ``date``."""
    while True:
        origin = typing.get_origin(annotation)
        if origin is typing.Annotated:
            annotation = typing.get_args(annotation)[0]
        elif origin in (typing.Union, types.UnionType):
            annotation = next(a for a in typing.get_args(annotation) if a is not type(None))
        else:
            return annotation


def payload_from_form(gate: Gate, form: dict[str, str], recipient: str) -> dict[str, Any]:
    """The gate's input from posted fields (blank fields left out, ``recorded_by`` the recipient),
    checked against the gate's model: ``InputError`` names every field in Danish."""
    fields = form_fields(gate)
    payload: dict[str, Any] = {}
    problems: list[tuple[str, str]] = []
    for f in fields:
        value = (form.get(f.name) or "").strip()
        if not value:  # a blank field is a missing one: "skal udfyldes"
            continue
        if f.kind == "date":
            try:
                value = parse_danish_date(value).isoformat()
            except ValueError:
                problems.append((f.label, date_problem(value[:40], TYPED_DATE_FORMAT)))
                continue
        payload[f.name] = value
    payload["recorded_by"] = recipient
    labels = {f.name: f.label for f in fields}
    try:
        gate.input.model_validate(payload)
    except pydantic.ValidationError as exc:
        problems += [(labels.get(str(e["loc"][0]), str(e["loc"][0])) if e["loc"] else "", danish_message(e))
                     for e in exc.errors(include_url=False) if labels.get(str(e["loc"][0])) not in {p for p, _ in problems}]
    else:
        problems += [(labels.get(name, name), message) for name, message in future_dates(gate, payload)]
    if problems:
        raise InputError("", problems)
    return payload


def build_page(row: Any) -> Page:
    """The page of a verified gate link (``models.tables.DecisionLink``)."""
    gate = GATES[row.gate]
    proposal = ledger.get_proposal(row.proposal_id)
    roster = ledger.roster()
    waiting = next((g for g in open_gates(row.proposal_id) if g.gate == row.gate and g.round == row.round), None)
    person = roster.person(row.recipient)
    name = person[1].name if person else next(
        (p.get("name") for p in proposal.form.get("proposers") or [] if same_address(p.get("email", ""), row.recipient)),
        row.recipient) or row.recipient
    decisions = [
        {"what": capitalise(GATES[d.gate].label), "round": str(d.round),
         "outcome": GATES[d.gate].outcome(d.outcome).label,
         "text": one_line(d.payload.get("summary") or d.payload.get("rationale") or d.payload.get("statement") or "", 600),
         "when": danish_date(d.payload.get("meeting_date") or d.at), "how": CHANNEL_LABELS.get(d.channel, d.channel)}
        for d in ledger.decisions(row.proposal_id)
    ]
    documents = [{"title": document_title(d), "url": document_url(d.id, d.proposal_id, row.gate, row.round)}
                 for d in ledger.documents(row.proposal_id)]
    findings = [{"severity": SEVERITY_LABELS[f.severity], "level": f.severity, "message": f.message,
                 "items": ", ".join(label(REPRESENTS_LABELS, i) for i in f.items)}
                for f in ledger.recorded_findings(row.proposal_id)]

    meeting = meeting_of(row.proposal_id, row.gate, row.round)
    on_agenda = (f"{meeting_title(meeting.body)} {danish_date(meeting.date, weekday=True)}"
                 if meeting is not None and meeting.status != MINUTES_RECORDED else None)
    return Page(
        meeting=on_agenda,
        proposal_id=proposal.id, title=proposal.title, stage=label(STAGE_LABELS, proposal.stage), gate=gate,
        round=row.round, recipient=row.recipient, recipient_name=name,
        waiting_since=danish_date(waiting.waiting_since) if waiting else "",
        summary=_summary(proposal.form), findings=findings, decisions=decisions, documents=documents,
        fields=form_fields(gate), upload=gate.upload,
        secretariat=", ".join(sorted(roster.emails("secretariat"))),
        template=gate.page,
        appointments=appointments_form(proposal.form, roster) if gate.page == APPOINTMENTS_PAGE else None,
    )


def _summary(form: dict[str, Any]) -> list[tuple[str, str]]:
    """The proposal in brief: (label, text) rows, only those the form has."""
    topic = form.get("topic") or {}
    target = topic.get("target_group") or {}
    volume = (topic.get("volume") or {}).get("patients_per_year")
    database = (topic.get("clinical_database") or {})
    covers = [text for key, text in (("regional_psychiatry", "regionspsykiatrien"), ("primary_sector", "primærsektoren"),
                                     ("child_and_adolescent", "børn og unge"), ("adult", "voksne")) if target.get(key)]
    rows = [
        ("Emne", one_line(topic.get("description") or "", 400)),
        ("Emnetype", label(TOPIC_KIND_LABELS, topic.get("kind"))),
        ("ICD-10", ", ".join(topic.get("icd_codes") or [])),
        ("Volumen", f"ca. {volume:,} patienter pr. år".replace(",", ".") if volume is not None else ""),
        ("Målgruppe", ", ".join(covers)),
        ("Klinisk kvalitetsdatabase", label(DATABASE_STATUS_LABELS, database.get("status"))),
        ("Indstillere", ", ".join(
            (p.get("name") or p.get("email") or "") + (f" ({REGION_NAMES[p['region']]})" if p.get("region") in REGION_NAMES else "")
            for p in form.get("proposers") or [])),
        ("Foreslåede retningslinjer", "; ".join(g.get("title", "") for g in (form.get("tasks") or {}).get("guidelines") or [])),
    ]
    return [(k, v) for k, v in rows if v]


# --- the appointments page ------------------------------------------------------------------------
# The secretariat records the appointed group on a page of its own, without JavaScript: a fixed number
# of member rows (name, e-mail, who appointed them, region; a tick for each of the two chairs), the
# health-professional director, and the kickoff's date, time, place and online link. The rules it is
# checked against (``forms.appointments.check_appointments``) are listed above the form, and what a
# posted list breaks is shown in their words.

MEMBER_FIELDS = (("name", "Navn"), ("email", "E-mail"), ("represents", "Udpeget af"), ("region", "Region"))
APPOINTMENT_FIELDS = {
    "director_name": "Direktørens navn", "director_email": "Direktørens e-mail", "kickoff_date": "Dato",
    "kickoff_time": "Tidspunkt", "kickoff_place": "Sted", "kickoff_online_url": "Onlinelink",
}


def appointments_form(form: dict[str, Any], roster: Any) -> dict[str, Any]:
    """What the appointments page offers: a row per seat on the proposal's form (its body preselected),
    at least :data:`MEMBER_ROWS`; the Danish choices; the organisations asked and their seats; the
    rules; the kickoff's defaults from the settings."""
    parsed = ProposalForm.model_validate(form)
    seats: list[str] = []
    asked: dict[str, int] = {}
    for seat in parsed.composition.seats if parsed.composition else []:
        seats += [seat.represents] * seat.count
        asked[seat.represents] = asked.get(seat.represents, 0) + seat.count
    rows = [{"number": n, "represents": seats[n - 1] if n <= len(seats) else ""}
            for n in range(1, max(MEMBER_ROWS, len(seats)) + 1)]
    organisations = roster.organisations
    settings = get_settings()
    return {
        "rows": rows,
        "represents": [(code, REPRESENTS_CHOICES[code] if code.isupper() else REPRESENTS_LABELS[code])
                       for code in REPRESENTS_LABELS],
        "regions": list(REGION_NAMES.items()),
        "asked": [{"name": organisations[code].name if code in organisations else represents_name(code),
                   "seats": n} for code, n in asked.items()],
        "base": [represents_name(code) for code in BASE_CATEGORIES],
        "defaults": {"kickoff_time": settings.kickoff_time, "kickoff_place": settings.kickoff_place,
                     "kickoff_online_url": settings.kickoff_online_url or ""},
    }


def appointments_payload(fields: dict[str, str], recipient: str, rows: int) -> dict[str, Any]:
    """The appointments gate's input from the page's fields: the filled member rows (a row with neither
    name nor e-mail is empty), the ticked chairs, the director and the kickoff (blank time and place
    take the settings' defaults). ``InputError`` names every problem in the page's words ("Medlem 3 ›
    E-mail"), the blocking findings of ``check_appointments`` included, so nothing incomplete is posted."""
    def value(name: str) -> str:
        return " ".join((fields.get(name) or "").split())

    problems: list[tuple[str, str]] = []
    members, chairs, where = [], [], {}
    for n in range(1, rows + 1):
        row = {key: value(f"m{n}_{key}") for key, _ in MEMBER_FIELDS}
        if not row["name"] and not row["email"]:
            if fields.get(f"m{n}_chair"):
                problems.append((f"Medlem {n}", "er valgt som formand, men har hverken navn eller e-mail"))
            continue
        where[len(members)] = n
        members.append({k: v for k, v in row.items() if v})
        if fields.get(f"m{n}_chair"):
            chairs.append(row["email"])
    payload: dict[str, Any] = {"members": members, "chairs": chairs, "recorded_by": recipient,
                               "director": {k: v for k, v in (("name", value("director_name")),
                                                              ("email", value("director_email"))) if v}}
    if not members:
        problems.append(("Medlemmer", "skriv navn og e-mail på de udpegede medlemmer"))
    date_text = value("kickoff_date")
    if date_text:
        try:
            payload["kickoff_date"] = parse_danish_date(date_text).isoformat()
        except ValueError:
            problems.append(("Kickoff-møde › Dato", date_problem(date_text[:40], TYPED_DATE_FORMAT)))
    elif not problems:
        problems.append(("Kickoff-møde › Dato", "skal udfyldes"))
    for name in ("kickoff_time", "kickoff_place", "kickoff_online_url"):
        if value(name):
            payload[name] = value(name)
    try:
        accepted = AppointmentsInput.model_validate(payload)
    except pydantic.ValidationError as exc:
        for e in exc.errors(include_url=False):
            loc = tuple(e["loc"])
            if loc[:1] == ("kickoff_date",) and any(p[0] == "Kickoff-møde › Dato" for p in problems):
                continue
            problems.append((_appointments_label(loc, where), danish_message(e, CHOICE_WORDS)))
        raise InputError("", problems) from None
    if problems:
        raise InputError("", problems)
    blockers = blocking(check_appointments(accepted))
    if blockers:
        raise InputError("", [(finding_title(f.code), f.message.split(": ", 1)[-1]) for f in blockers])
    return payload


def _appointments_label(loc: tuple, where: dict[int, int]) -> str:
    """A pydantic location in the appointments input as the page names it."""
    labels = dict(MEMBER_FIELDS)
    if loc[:1] == ("members",) and len(loc) > 1 and isinstance(loc[1], int):
        row = f"Medlem {where.get(loc[1], loc[1] + 1)}"
        return f"{row} › {labels.get(str(loc[2]), str(loc[2]))}" if len(loc) > 2 else row
    if loc[:1] == ("director",):
        return APPOINTMENT_FIELDS["director_email" if loc[-1] == "email" else "director_name"]
    if loc[:1] == ("chairs",):
        return "Formænd"
    if loc and str(loc[0]).startswith("kickoff_"):
        return f"Kickoff-møde › {APPOINTMENT_FIELDS.get(str(loc[0]), str(loc[0]))}"
    return ".".join(str(p) for p in loc) or "Udpegningen"
