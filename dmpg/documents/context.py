"""The data each document template gets (its *context*), kept apart from rendering.

Two layers, so templates are testable with plain data:

- :func:`compose_context` (pure): ``kind`` + :class:`Sources` (plain data: the form, findings,
  decisions, roster, organisations) -> the template context. No database, no I/O.
- :func:`build_context` reads the :class:`Sources` of a proposal from the ledger (``models.ledger``)
  and the premise check (``forms.premises``), then composes.

Every context carries the common keys ``proposal_id``, ``document_title``, ``version``, ``date``,
``title``, ``round``, ``secretariat`` and ``form``; the keys per kind are listed in templates/README.md.
Every key a template uses is always present (``None``/``""``/``[]`` when there is nothing), because
rendering is strict about missing variables.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from typing import Any

from dmpg.documents import labels as L
from core.text import danish_number, join_danish
from dmpg.documents.naming import kind as get_kind
from forms.proposal import ProposalForm

DEFAULT_SECRETARIAT = {"name": "DMPG-sekretariatet", "email": "dmpg-sekretariatet@example.dk"}


@dataclass
class Sources:
    """Everything a document may draw on, as plain data (the ledger's rows turned into dicts)."""

    proposal_id: str
    title: str
    form: dict[str, Any]
    findings: list[dict[str, Any]] = field(default_factory=list)   # {code, severity, message, items}
    decisions: list[dict[str, Any]] = field(default_factory=list)  # {gate, round, outcome, payload, recorded_by, at}
    organisations: dict[str, dict[str, str]] = field(default_factory=dict)  # code -> {name, email}
    roster: dict[str, list[dict[str, str]]] = field(default_factory=dict)   # body -> [{name, email}]
    today: date = field(default_factory=date.today)


# ---------------------------------------------------------------- pieces


def form_view(form: ProposalForm) -> dict[str, Any]:
    """The form as display strings (Danish labels, joined lists); every key always present."""
    topic = form.topic
    tg = topic.target_group if topic else None
    volume = topic.volume if topic else None
    db = topic.clinical_database if topic else None
    tasks = form.tasks
    comp = form.composition

    target_parts = []
    if tg:
        for flag, text in ((tg.regional_psychiatry, "regionspsykiatrien"), (tg.primary_sector, "primærsektoren"),
                           (tg.child_and_adolescent, "børne- og ungdomspsykiatrien"), (tg.adult, "voksenpsykiatrien")):
            if flag:
                target_parts.append(text)
    volume_text = ""
    if volume and volume.patients_per_year is not None:
        volume_text = f"ca. {danish_number(volume.patients_per_year)} patienter pr. år"
        if volume.source:
            volume_text += f" (kilde: {volume.source})"
    database = ""
    if db and db.status:
        database = L.label(L.DATABASE_STATUS, db.status) + (f": {db.name}" if db.name else "")
    proposers = [
        {"name": p.name or "", "email": p.email or "", "organisation": p.organisation or "", "region": L.region_name(p.region)}
        for p in form.proposers
    ]
    seats = [
        {"represents": L.represents_label(s.represents), "code": s.represents, "count": s.count, "description": s.description or ""}
        for s in (comp.seats if comp else [])
    ]
    director = comp.director if comp else None
    return {
        "title": form.title,
        "submitted_on": form.submitted_on,
        "proposers": proposers,
        "proposer_names": join_danish([p["name"] for p in proposers]) or "de indstillende",
        "topic": {
            "kind": L.label(L.TOPIC_KIND, topic.kind) if topic else "",
            "description": (topic.description or "") if topic else "",
            "icd_codes": ", ".join(topic.icd_codes) if topic else "",
            "severity": (topic.severity or "") if topic else "",
            "volume": volume_text,
            "target_summary": ("Omfatter " + join_danish(target_parts)) if target_parts else "Ikke oplyst",
            "target_justification": (tg.justification or "") if tg else "",
            "database": database or "Ikke oplyst",
            "database_status": (db.status or "") if db else "",
        },
        "guidelines": [{"title": g.title, "rationale": g.rationale or ""} for g in (tasks.guidelines if tasks else [])],
        "monitoring": (tasks.monitoring or "") if tasks else "",
        "research": (tasks.research or "") if tasks else "",
        "education": (tasks.education or "") if tasks else "",
        "seats": seats,
        "seat_total": sum(s["count"] for s in seats),
        "director": f"{director.name} ({director.email})" if director else "ikke foreslået",
    }


def findings_view(findings: list[dict[str, Any]]) -> tuple[list[dict[str, str]], str]:
    """Findings as table rows (Danish severity, items joined) and a one-sentence summary."""
    rows = [
        {
            "code": f.get("code", ""),
            "severity": L.label(L.SEVERITY, f.get("severity")),
            "message": f.get("message", ""),
            "affected": ", ".join(L.represents_label(i) if i in L.REPRESENTS_LABELS else str(i) for i in (f.get("items") or [])),
        }
        for f in findings
    ]
    blocking = sum(1 for f in findings if f.get("severity") == "block")
    if blocking:
        summary = f"Forslaget opfylder ikke alle grundpræmisser: {blocking} blokerende bemærkning(er) skal rettes."
    else:
        summary = "Forslaget opfylder grundpræmisserne for etablering af en DMPG."
    return rows, summary


def _decision(src: Sources, gate: str, round: int | None = None, outcome: str | None = None) -> dict | None:
    """The decision of ``gate`` in ``round`` (default: the latest round; optionally with ``outcome``)."""
    found = [d for d in src.decisions if d["gate"] == gate and (round is None or d["round"] == round)
             and (outcome is None or d["outcome"] == outcome)]
    return max(found, key=lambda d: d["round"]) if found else None


def _advice(src: Sources) -> dict | None:
    d = _decision(src, "advice")
    if not d:
        return None
    p = d["payload"]
    return {"recommendation": L.label(L.ADVICE, p.get("recommendation")), "summary": p.get("summary", ""),
            "meeting_date": p.get("meeting_date"), "recorded_by": d.get("recorded_by", "")}


_NEXT_STEP = {
    "approve": "Forslaget indstilles til psykiatridirektørkredsens godkendelse.",
    "reject": "Forslaget afvises; de indstillende orienteres af sekretariatet.",
    "revise": "Indstillingsskemaet sendes tilbage til de indstillende til revision og forelægges igen.",
    "defer": "Sagen genoptages på et senere møde i styregruppen.",
}


def _appointed(src: Sources) -> dict[str, Any]:
    """Members, chairs and director from the accepted ``appointments`` decision (empty if none yet)."""
    d = _decision(src, "appointments")
    p = d["payload"] if d else {}
    chairs = {c.lower() for c in p.get("chairs", [])}
    members = [
        {"name": m.get("name", ""), "email": m.get("email", ""), "represents": L.represents_label(m.get("represents")),
         "region": L.region_name(m.get("region")), "chair": m.get("email", "").lower() in chairs}
        for m in p.get("members", [])
    ]
    chair_rows = [{"name": m["name"], "email": m["email"]} for m in members if m["chair"]]
    director = p.get("director") or {"name": "", "email": ""}
    return {"members": members, "chairs": chair_rows, "chair_names": join_danish([c["name"] for c in chair_rows]),
            "director": {"name": director.get("name", ""), "email": director.get("email", "")},
            "kickoff_date": p.get("kickoff_date")}


def _database_coordination(status: str) -> str:
    return {
        "existing": "Der findes en klinisk kvalitetsdatabase på området. Gruppen koordinerer sit arbejde med "
                    "databasens styregruppe i RKKP, og formandskabet vælges primært blandt dens medlemmer.",
        "planned": "En klinisk kvalitetsdatabase er planlagt. Etableringen koordineres tæt med RKKP, så "
                   "retningslinjer og indikatorer udvikles i sammenhæng.",
        "none": "Der er endnu ingen klinisk kvalitetsdatabase på området. Gruppen vurderer sammen med RKKP, "
                "om og hvordan indsatsen kan monitoreres.",
    }.get(status, "Status for en klinisk kvalitetsdatabase er ikke oplyst; afklares med RKKP.")


# ---------------------------------------------------------------- composing


def compose_context(kind_name: str, src: Sources, round: int = 1, recipient: str = "") -> dict[str, Any]:
    """The context of document ``kind_name`` from plain ``src`` (pure; see the module docstring).

    ``version`` is set to 1 here; :func:`dmpg.documents.produce.produce_document` sets the real one.
    """
    k = get_kind(kind_name)
    form = ProposalForm.model_validate(src.form)
    findings, findings_summary = findings_view(src.findings)
    secretariat = (src.roster.get("secretariat") or [DEFAULT_SECRETARIAT])[0]
    ctx: dict[str, Any] = {
        "proposal_id": src.proposal_id,
        "document_title": k.title,
        "version": 1,
        "date": src.today,
        "title": src.title or form.title,
        "round": round,
        "secretariat": {"name": secretariat.get("name", ""), "email": secretariat.get("email", "")},
        "form": form_view(form),
        "findings": findings,
        "findings_summary": findings_summary,
        "submittable": not any(f.get("severity") == "block" for f in src.findings),
    }
    if kind_name in ("steering_memo", "director_memo"):
        ctx["advice"] = _advice(src)
    if kind_name == "steering_memo":
        ctx["previous_rounds"] = [
            {"round": d["round"], "decision": L.label(L.STEERING, d["outcome"]),
             "meeting_date": d["payload"].get("meeting_date"), "rationale": d["payload"].get("rationale", "")}
            for d in sorted(src.decisions, key=lambda d: d["round"]) if d["gate"] == "steering" and d["round"] < round
        ]
    if kind_name == "steering_minutes":
        d = _decision(src, "steering", round) or {"outcome": "", "payload": {}, "recorded_by": ""}
        ctx["decision"] = {"outcome": d["outcome"], "label": L.label(L.STEERING, d["outcome"]),
                           "meeting_date": d["payload"].get("meeting_date"), "rationale": d["payload"].get("rationale", ""),
                           "recorded_by": d.get("recorded_by", ""), "next_step": _NEXT_STEP.get(d["outcome"], "")}
        ctx["steering_group"] = [{"name": p.get("name", ""), "email": p.get("email", "")} for p in src.roster.get("steering_group", [])]
    if kind_name == "director_memo":
        d = _decision(src, "steering", outcome="approve") or {"payload": {}}
        ctx["steering"] = {"meeting_date": d["payload"].get("meeting_date"), "rationale": d["payload"].get("rationale", "")}
    if kind_name == "director_letter":
        d = _decision(src, "approval") or {"outcome": "", "payload": {}}
        ctx["decision"] = {"approved": d["outcome"] == "approve", "label": L.label(L.APPROVAL, d["outcome"]),
                           "meeting_date": d["payload"].get("meeting_date"), "rationale": d["payload"].get("rationale", "")}
    if kind_name in ("terms_of_reference", "kickoff_invitation"):
        ctx.update(_appointed(src))
        approval = _decision(src, "approval", outcome="approve")
        ctx["approved_on"] = approval["payload"].get("meeting_date") if approval else None
        ctx["database_coordination"] = _database_coordination(ctx["form"]["topic"]["database_status"])
    if kind_name == "appointment_request":
        code = recipient
        org = src.organisations.get(code) or {"name": L.represents_label(code), "email": ""}
        seats = [s for s in ctx["form"]["seats"] if s["code"] == code]
        ctx["organisation"] = {"code": code, "name": org.get("name", ""), "email": org.get("email", ""),
                               "represents": L.represents_label(code)}
        ctx["seats"] = sum(s["count"] for s in seats) or 1
        ctx["seat_description"] = "; ".join(s["description"] for s in seats if s["description"])
    return ctx


def appointment_recipients(form: dict[str, Any] | ProposalForm, organisations: dict[str, Any]) -> list[str]:
    """The organisations that get an appointment request: each ``represents`` code among the seats, once,
    in seat order; ``other`` only when the roster has an organisation for it."""
    form = form if isinstance(form, ProposalForm) else ProposalForm.model_validate(form)
    codes: list[str] = []
    for seat in form.composition.seats if form.composition else []:
        if seat.represents in codes or (seat.represents == "other" and "other" not in organisations):
            continue
        codes.append(seat.represents)
    return codes


# ---------------------------------------------------------------- from the ledger


def load_sources(proposal_id: str) -> Sources:
    """Read a proposal's :class:`Sources` from the ledger (``models.ledger``) and the premise check."""
    from forms.premises import check_premises
    from models import ledger

    proposal = ledger.get_proposal(proposal_id)
    form = ProposalForm.model_validate(proposal.form)
    findings = [
        {"code": f.code, "severity": f.severity, "message": f.message, "items": list(f.items or [])}
        for f in check_premises(form, ledger.list_registry())
    ]
    decisions = [
        {"gate": d.gate, "round": d.round, "outcome": d.outcome, "payload": dict(d.payload or {}),
         "recorded_by": d.recorded_by, "at": d.at}
        for d in ledger.decisions(proposal_id)
    ]
    organisations = {}
    for code in {s.get("represents") for s in (proposal.form.get("composition") or {}).get("seats", [])} - {None}:
        org = ledger.organisation(code)
        if org is not None:
            organisations[code] = {"name": org.name, "email": org.email}
    roster = {
        body: [{"name": p.name, "email": p.email} for p in ledger.roster_people(body)]
        for body in ("secretariat", "steering_group")
    }
    return Sources(proposal_id=proposal_id, title=proposal.title, form=proposal.form, findings=findings,
                   decisions=decisions, organisations=organisations, roster=roster)


def build_context(kind: str, proposal_id: str, round: int = 1, recipient: str = "") -> dict[str, Any]:
    """The context of document ``kind`` for ``proposal_id`` read from the ledger (see module docstring)."""
    return compose_context(kind, load_sources(proposal_id), round=round, recipient=recipient)
