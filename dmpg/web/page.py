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

from core.identity import same_address
from core.text import capitalise, danish_date, one_line, parse_danish_date
from forms.gates import GATES, Gate
from forms.vocabulary import (
    DATABASE_STATUS_LABELS,
    REGION_NAMES,
    REPRESENTS_LABELS,
    SEVERITY_LABELS,
    STAGE_LABELS,
    TOPIC_KIND_LABELS,
    label,
)
from models import ledger
from models.vocabulary import CHANNEL_LABELS

UPLOAD_GATES = {"revision": ".docx", "appointments": ".yaml"}  # input as a file: the Word form / a YAML list


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


def form_fields(gate: Gate) -> list[Field]:
    """The gate's input as form fields (see the module docstring); [] for a gate that takes a file."""
    if gate.name in UPLOAD_GATES:
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
    import pydantic

    from core.errors import InputError
    from core.text import danish_message

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
                problems.append((f.label, f"forventede en dato som dd.mm.åååå (fx 14.01.2027), fik '{value[:40]}'"))
                continue
        payload[f.name] = value
    payload["recorded_by"] = recipient
    try:
        gate.input.model_validate(payload)
    except pydantic.ValidationError as exc:
        labels = {f.name: f.label for f in fields}
        problems += [(labels.get(str(e["loc"][0]), str(e["loc"][0])) if e["loc"] else "", danish_message(e))
                     for e in exc.errors(include_url=False) if labels.get(str(e["loc"][0])) not in {p for p, _ in problems}]
    if problems:
        raise InputError("", problems)
    return payload


def build_page(row: Any) -> Page:
    """The page of a verified gate link (``models.tables.DecisionLink``)."""
    from dmpg.documents.naming import document_title
    from dmpg.gates_open import open_gates
    from dmpg.links import document_url

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
    from dmpg.agenda import meeting_of
    from forms.meetings import MINUTES_RECORDED, meeting_title

    meeting = meeting_of(row.proposal_id, row.gate, row.round)
    on_agenda = (f"{meeting_title(meeting.body)} {danish_date(meeting.date, weekday=True)}"
                 if meeting is not None and meeting.status != MINUTES_RECORDED else None)
    return Page(
        meeting=on_agenda,
        proposal_id=proposal.id, title=proposal.title, stage=label(STAGE_LABELS, proposal.stage), gate=gate,
        round=row.round, recipient=row.recipient, recipient_name=name,
        waiting_since=danish_date(waiting.waiting_since) if waiting else "",
        summary=_summary(proposal.form), findings=findings, decisions=decisions, documents=documents,
        fields=form_fields(gate), upload=UPLOAD_GATES.get(gate.name),
        secretariat=", ".join(sorted(roster.emails("secretariat"))),
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
