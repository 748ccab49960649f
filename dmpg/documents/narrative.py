"""What the Prefect UI tells a person (Danish markdown): the description above a gate's Resume form
and the proposal's story for its artifact. Built from the ledger and the gates' declarations;
plain Python, no Prefect.

Every text that comes from a form or an answer goes through ``markdown_literal``: a proposal can
never put a link, an image or markup into the UI.
"""

from __future__ import annotations

from core.text import capitalise, danish_date, danish_number, one_line
from core.text import markdown_literal as lit
from dmpg.documents.links import documents_markdown
from dmpg.state.agenda import meeting_of
from dmpg.state.gates_open import open_gates
from forms.findings import Finding
from forms.gates import GATES
from forms.gates import gate as gate_named
from forms.meetings import MINUTES_RECORDED, meeting_title
from forms.vocabulary import (
    REGION_NAMES,
    REPRESENTS_LABELS,
    SEVERITY_LABELS,
    STAGE_LABELS,
    label,
)
from models import ledger
from models.vocabulary import CHANNEL_LABELS, EVENT_LABELS, EventKind

SEVERITY_MARKS = {"block": "🛑", "warn": "⚠️", "info": "ℹ️"}


def gate_description(proposal_id: str, gate: str, round: int) -> str:  # noqa: A002
    """The markdown above a gate's Resume form: what is being decided, the proposal in brief, its
    findings, the advice and decisions so far, the documents, and why an earlier answer was refused."""
    g = gate_named(gate)
    proposal = ledger.get_proposal(proposal_id)
    lines = [
        f"# {proposal_id} · {lit(proposal.title)}",
        f"**Afventer:** {g.label} (runde {round}) — besluttes af {g.decider}",
        "",
        f"**Hvad skal besluttes?** {g.question}",
        "",
    ]
    if g.takes_form:
        lines += [_upload_line(proposal_id), ""]
    if meeting := _meeting_line(proposal_id, gate, round):
        lines += [meeting, ""]
    if refusal := _last_refusal(proposal_id, gate, round):
        lines += [f"> ⚠️ Et tidligere svar blev ikke godkendt: {lit(refusal)}. Indsend venligst igen.", ""]
    lines += _summary(proposal.form)
    lines += _findings_section(ledger.recorded_findings(proposal_id))
    lines += _decisions_section(proposal_id)
    lines += _documents_section(proposal_id, (gate, round))
    lines += [
        "### Sådan registreres beslutningen",
        f"{capitalise(g.decider)} beslutter selv via det personlige link i "
        "deres e-mail. Sekretariatet kan registrere beslutningen på deres vegne: udfyld formularen herunder og "
        "tryk *Resume*, eller brug kommandolinjen:",
        f"`dmpg decide {proposal_id} {gate} --input beslutning.yaml --by din@email.dk`",
        "",
        "*Feltet «Registreret af» er den person, beslutningen registreres for: sekretariatet eller "
        f"{g.decider}.*",
    ]
    return "\n".join(lines)


def summary_markdown(proposal_id: str) -> str:
    """The proposal's story for its Prefect artifact: stage, summary, findings, decisions, documents, timeline."""
    proposal = ledger.get_proposal(proposal_id)
    lines = [
        f"# {proposal_id} · {lit(proposal.title)}",
        f"**Stadie:** {label(STAGE_LABELS, proposal.stage)}",
        "",
    ]

    waiting = open_gates(proposal_id)
    lines += [m for g in waiting if (m := _meeting_line(proposal_id, g.gate, g.round))]
    lines += _summary(proposal.form)
    lines += _findings_section(ledger.recorded_findings(proposal_id))
    lines += _decisions_section(proposal_id)
    # Document links live as long as a gate round waits: linked for the first waiting one, plain titles after.
    lines += _documents_section(proposal_id, (waiting[0].gate, waiting[0].round) if waiting else None)
    lines += ["### Forløb", "| Tidspunkt (UTC) | Hændelse | Gate | Af |", "| --- | --- | --- | --- |"]
    for event in ledger.events(proposal_id):
        what = label(EVENT_LABELS, event.kind)
        if event.kind == EventKind.STAGE_ENTERED:
            what = f"Stadie: {label(STAGE_LABELS, event.stage)}"
        where = f"{GATES[event.gate].label} (runde {event.round})" if event.gate in GATES else ""
        lines.append(f"| {event.at:%Y-%m-%d %H:%M} | {what} | {where} | {lit(event.by or '')} |")
    return "\n".join(lines)


def _summary(form: dict) -> list[str]:
    topic = form.get("topic") or {}
    tasks = form.get("tasks") or {}
    seats = (form.get("composition") or {}).get("seats") or []
    proposers = form.get("proposers") or []
    lines = ["### Indstillingen i korte træk"]
    if topic.get("description"):
        lines.append(f"**Emne:** {lit(one_line(topic['description']))}")
    if topic.get("icd_codes"):
        lines.append(f"**ICD-10:** {lit(', '.join(topic['icd_codes']))}")
    volume = (topic.get("volume") or {}).get("patients_per_year")
    if volume is not None:
        lines.append(f"**Volumen:** ca. {danish_number(volume)} patienter pr. år")
    if proposers:
        names = ", ".join(
            lit(p.get("name") or p.get("email") or "") + (f" ({REGION_NAMES.get(p['region'], p['region'])})"
                                                       if p.get("region") else "")
            for p in proposers
        )
        lines.append(f"**Indstillere:** {names}")
    if tasks.get("guidelines"):
        lines.append("**Foreslåede retningslinjer:** " + "; ".join(lit(g["title"]) for g in tasks["guidelines"]))
    if seats:
        lines.append("**Sammensætning:** " + ", ".join(
            f"{s.get('count', 1)} × {label(REPRESENTS_LABELS, s['represents'])}" for s in seats))
    return lines + [""]


def _findings_section(findings: list[Finding]) -> list[str]:
    if not findings:
        return []
    lines = ["### Tjek af grundpræmisser"]
    for f in findings:
        items = f" ({lit(', '.join(f.items))})" if f.items else ""
        lines.append(f"- {SEVERITY_MARKS[f.severity]} {SEVERITY_LABELS[f.severity]}: {lit(f.message)}{items}")
    return lines + [""]


def _decisions_section(proposal_id: str) -> list[str]:
    rows = ledger.decisions(proposal_id)
    if not rows:
        return []
    lines = ["### Rådgivning og beslutninger indtil nu"]
    for d in rows:
        g = GATES[d.gate]
        text = d.payload.get("summary") or d.payload.get("rationale") or d.payload.get("statement") or ""
        meeting = f", møde {danish_date(d.payload['meeting_date'])}" if d.payload.get("meeting_date") else ""
        how = f" — registreret {CHANNEL_LABELS.get(d.channel, d.channel)} for {lit(d.recorded_by)}"
        lines.append(f"- **{capitalise(g.label)}** (runde {d.round}{meeting}): "
                     f"{g.outcome(d.outcome).label}" + (f" — {lit(one_line(text))}" if text else "") + how)
    return lines + [""]


def _documents_section(proposal_id: str, at: tuple[str, int] | None) -> list[str]:
    return [documents_markdown(proposal_id, at).replace("**Dokumenter**", "### Dokumenter", 1), ""]


def _upload_line(proposal_id: str) -> str:
    """Where the revised Word form is uploaded: the decision page, through the personal link in the
    revision request (the Resume form below only says who records it). No link here: this text is
    kept in Prefect's database and the ledger's journal, and a stored link must not work."""
    return ("**Det reviderede indstillingsskema (Word) uploades på beslutningssiden** via det personlige link i "
            "e-mailen med anmodningen om revision: indstillerne og sekretariatet har hver fået deres eget. "
            f"Eller fra kommandolinjen: `dmpg decide {proposal_id} revision --input skema.docx --by din@email.dk`.")


def _meeting_line(proposal_id: str, gate: str, round: int) -> str | None:  # noqa: A002
    """"**Behandles på:** DMPG-styregruppens møde torsdag den 11. marts 2027 (…)" when on an open agenda."""
    meeting = meeting_of(proposal_id, gate, round)
    if meeting is None or meeting.status == MINUTES_RECORDED:
        return None
    return (f"**Behandles på:** {meeting_title(meeting.body)} {danish_date(meeting.date, weekday=True)} "
            f"({lit(meeting.id)})")


def _last_refusal(proposal_id: str, gate: str, round: int) -> str | None:  # noqa: A002
    refused = [e for e in ledger.events(proposal_id)
               if e.gate == gate and e.round == round and e.kind in (EventKind.INPUT_REFUSED, EventKind.INPUT_INVALID)]
    return refused[-1].detail.get("reason") if refused else None
