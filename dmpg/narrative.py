"""What the Prefect UI tells a person (Danish markdown): the description above a gate's Resume form
and the proposal's summary artifact. Built from the ledger; plain Python, no Prefect.
"""

from __future__ import annotations

from core.text import one_line
from forms.findings import Finding
from forms.roster import GATE_LABELS
from forms.vocabulary import REGION_NAMES, REPRESENTS_LABELS
from models import ledger
from models.vocabulary import EventKind

STAGE_LABELS = {
    "submitted": "Indsendt",
    "needs_revision": "Afventer revision",
    "reference_group": "Hos følgegruppen",
    "steering": "Hos DMPG-styregruppen",
    "director_approval": "Hos psykiatridirektørkredsen",
    "appointments": "Udpegning af medlemmer",
    "established": "Etableret",
    "rejected": "Afvist",
}
SEVERITY_LABELS = {"block": "🛑 Blokerende", "warn": "⚠️ Advarsel", "info": "ℹ️ Info"}
OUTCOME_LABELS = {
    "support": "støtter", "support_with_changes": "støtter med ændringer", "not_support": "støtter ikke",
    "approve": "godkendt", "reject": "afvist", "revise": "tilbage til revision", "defer": "udskudt",
    "revised": "revideret", "appointed": "udpeget",
}
WHAT_IS_DECIDED = {
    "revision": "Indstillerne bedes indsende et revideret indstillingsskema, der opfylder grundpræmisserne "
                "(se de blokerende fund nedenfor). Udfyld hele skemaet i formularen.",
    "advice": "Følgegruppen bedes give sin rådgivning om indstillingen: støtter, støtter med ændringer "
              "eller støtter ikke, med et kort resumé.",
    "steering": "DMPG-styregruppen beslutter på sit møde: godkend, afvis, send tilbage til revision "
                "eller udskyd til næste møde.",
    "approval": "Psykiatridirektørkredsen godkender eller afviser oprettelsen af gruppen.",
    "appointments": "Sekretariatet registrerer de udpegede medlemmer, de to formænd (blandt de udpegede) "
                    "og den sundhedsfaglige direktør samt datoen for kickoff-mødet.",
}


def gate_description(proposal_id: str, gate: str, round: int, attempt: int) -> str:  # noqa: A002
    """The markdown above a gate's Resume form: the proposal in brief, its findings, the advice and
    decisions so far, the documents, why an earlier answer was refused, and what is being decided."""
    proposal = ledger.get_proposal(proposal_id)
    lines = [
        f"# {proposal_id} · {proposal.title}",
        f"**Afventer:** {GATE_LABELS[gate]} (runde {round})",
        "",
        f"**Hvad skal besluttes?** {WHAT_IS_DECIDED[gate]}",
        "",
    ]
    if refusal := _last_refusal(proposal_id, gate, round):
        lines += [f"> ⚠️ Et tidligere svar blev ikke godkendt ({refusal}). Indsend venligst igen.", ""]
    lines += _summary(proposal.form)
    lines += _findings_section(proposal_id)
    lines += _decisions_section(proposal_id)
    lines += _documents_section(proposal_id)
    lines += [
        "### Sådan registreres beslutningen",
        "Udfyld formularen herunder og tryk *Resume*, eller brug kommandolinjen:",
        f"`dmpg decide {proposal_id} {gate} --input beslutning.yaml --by din@email.dk`",
        "",
        "*Feltet «Registreret af» skal være en e-mail på rosteren (sekretariatet eller organets medlemmer).*",
    ]
    return "\n".join(lines)


def summary_markdown(proposal_id: str) -> str:
    """The proposal's story for its Prefect artifact: stage, summary, findings, decisions, documents."""
    proposal = ledger.get_proposal(proposal_id)
    lines = [
        f"# {proposal_id} · {proposal.title}",
        f"**Stadie:** {STAGE_LABELS.get(proposal.stage, proposal.stage)}",
        "",
    ]
    lines += _summary(proposal.form)
    lines += _findings_section(proposal_id)
    lines += _decisions_section(proposal_id)
    lines += _documents_section(proposal_id)
    lines += ["### Forløb", "| Tidspunkt (UTC) | Hændelse | Gate | Af |", "| --- | --- | --- | --- |"]
    for event in ledger.events(proposal_id):
        what = event.kind if event.kind != EventKind.STAGE_ENTERED else f"stadie: {STAGE_LABELS.get(event.stage, event.stage)}"
        gate = f"{event.gate} r{event.round}" if event.gate else ""
        lines.append(f"| {event.at:%Y-%m-%d %H:%M} | {what} | {gate} | {event.by or ''} |")
    return "\n".join(lines)


def _summary(form: dict) -> list[str]:
    topic = form.get("topic") or {}
    tasks = form.get("tasks") or {}
    seats = (form.get("composition") or {}).get("seats") or []
    proposers = form.get("proposers") or []
    lines = ["### Indstillingen i korte træk"]
    if topic.get("description"):
        lines.append(f"**Emne:** {one_line(topic['description'])}")
    if topic.get("icd_codes"):
        lines.append(f"**ICD-10:** {', '.join(topic['icd_codes'])}")
    volume = (topic.get("volume") or {}).get("patients_per_year")
    if volume is not None:
        lines.append(f"**Volumen:** ca. {volume:,} patienter pr. år".replace(",", "."))
    if proposers:
        names = ", ".join(
            f"{p.get('name') or p.get('email')}" + (f" ({REGION_NAMES.get(p['region'], p['region'])})" if p.get("region") else "")
            for p in proposers
        )
        lines.append(f"**Indstillere:** {names}")
    if tasks.get("guidelines"):
        lines.append("**Foreslåede retningslinjer:** " + "; ".join(g["title"] for g in tasks["guidelines"]))
    if seats:
        lines.append("**Sammensætning:** " + ", ".join(
            f"{s.get('count', 1)} × {REPRESENTS_LABELS.get(s['represents'], s['represents'])}" for s in seats))
    return lines + [""]


def _findings_section(proposal_id: str) -> list[str]:
    from dmpg.steps import findings_of_round

    findings: list[Finding] = findings_of_round(proposal_id)
    if not findings:
        return []
    lines = ["### Tjek af grundpræmisser (seneste runde)"]
    for f in findings:
        items = f" ({', '.join(f.items)})" if f.items else ""
        lines.append(f"- {SEVERITY_LABELS[f.severity]} `{f.code}`: {f.message}{items}")
    return lines + [""]


def _decisions_section(proposal_id: str) -> list[str]:
    rows = ledger.decisions(proposal_id)
    if not rows:
        return []
    lines = ["### Rådgivning og beslutninger indtil nu"]
    for d in rows:
        text = d.payload.get("summary") or d.payload.get("rationale") or ""
        meeting = f", møde {d.payload['meeting_date']}" if d.payload.get("meeting_date") else ""
        lines.append(f"- **{GATE_LABELS[d.gate]}** (runde {d.round}{meeting}): "
                     f"{OUTCOME_LABELS.get(d.outcome, d.outcome)}" + (f" — {one_line(text)}" if text else ""))
    return lines + [""]


def _documents_section(proposal_id: str) -> list[str]:
    from dmpg.documents.links import documents_markdown

    return [documents_markdown(proposal_id).replace("**Dokumenter**", "### Dokumenter", 1), ""]


def _last_refusal(proposal_id: str, gate: str, round: int) -> str | None:  # noqa: A002
    refused = [e for e in ledger.events(proposal_id)
               if e.gate == gate and e.round == round and e.kind in (EventKind.INPUT_REFUSED, EventKind.INPUT_INVALID)]
    return refused[-1].detail.get("reason") if refused else None

