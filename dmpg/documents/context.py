"""The data each document template gets (its *context*), kept apart from rendering.

Two layers, so templates are testable with plain data:

- :func:`compose_context` (pure): ``kind`` + :class:`Sources` (plain data: the form, findings,
  decisions, roster) -> the template context. No database, no I/O.
- ``dmpg.documents.sources`` reads the :class:`Sources` of a proposal from the ledger (``models.ledger``):
  the findings recorded for the document's round (never re-checked against today's registry), the
  decisions, and the roster in force; its ``build_context`` is the two together.

Every context carries the common keys ``proposal_id``, ``document_title``, ``version``, ``date``,
``title``, ``round``, ``secretariat``, ``form`` and ``answers`` (every gate's latest decision, so a
new gate's answer reaches the templates without code here); the keys per kind are listed in
templates/README.md.
Every key a template uses is always present (``None``/``""``/``[]`` when there is nothing), because
rendering is strict about missing variables.

What a proposal's letters and mails say alike is written here once and used by both: the two-line
summary of the proposal (:func:`summary_lines`), the reply deadline (:func:`reply_deadline`), the
meeting that will decide a gate round when known (``Sources.meeting_dates``, see
``dmpg.documents.sources.meeting_dates``) and what the previous round of a gate decided (:func:`previous_round`).
``dmpg.mail.facts`` hands them to the mails.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any
from zoneinfo import ZoneInfo

from core import clock, workdays
from core.identity import fold_address, same_address
from core.text import (
    as_date,
    capitalise,
    danish_date,
    danish_number,
    is_person_name,
    join_danish,
    plural,
)
from dmpg.documents.naming import kind as get_kind
from forms.gates import GATES, asking_gate
from forms.meetings import meeting_gate, meeting_title
from forms.proposal import ProposalForm
from forms.vocabulary import (
    DATABASE_STATUS_LABELS,
    REGION_NAMES,
    REPRESENTS_LABELS,
    SEVERITY_LABELS,
    TOPIC_KIND_LABELS,
    label,
)


@dataclass
class Sources:
    """Everything a document may draw on, as plain data (the ledger's rows turned into dicts)."""

    proposal_id: str
    title: str
    form: dict[str, Any]
    findings: list[dict[str, Any]] = field(default_factory=list)   # {code, severity, message, items}
    decisions: list[dict[str, Any]] = field(default_factory=list)  # {gate, round, outcome, payload, recorded_by, at}
    roster: dict[str, Any] = field(default_factory=dict)  # roster.yaml's shape: bodies' people, organisations
    today: date = field(default_factory=clock.today)
    stages: dict[str, date] = field(default_factory=dict)  # the day the proposal first entered each stage
    meeting_dates: dict[tuple[str, int], date] = field(default_factory=dict)  # (gate, round) -> its meeting
    reply_days: int = 21  # settings.reply_days: how long a hearing or a request gives to answer
    # The kickoff's time, place and online link when the appointments leave them blank (settings).
    kickoff_defaults: dict[str, Any] = field(default_factory=lambda: {
        "time": "10:00", "minutes": 180, "place": "RKKP, Olof Palmes Allé 15, 8200 Aarhus N", "online_url": None})


NOT_GIVEN = ""  # a field the proposers left empty: the letter leaves its row out (never "Ikke oplyst")
UNKNOWN = "—"  # an empty cell where a row cannot be left out (the meeting pack's comparison)


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
        database = label(DATABASE_STATUS_LABELS, db.status) + (f": {db.name}" if db.name else "")
    proposers = [
        {"name": p.name or "", "email": p.email or "", "organisation": p.organisation or "", "region": label(REGION_NAMES, p.region)}
        for p in form.proposers
    ]
    seats = [
        {"represents": label(REPRESENTS_LABELS, s.represents), "code": s.represents, "count": s.count, "description": s.description or ""}
        for s in (comp.seats if comp else [])
    ]
    director = comp.director if comp else None

    def given(text: str | None) -> str:
        return text.strip() if text and text.strip() else NOT_GIVEN

    return {
        "title": form.title,
        "submitted_on": form.submitted_on,
        "proposers": proposers,
        "proposer_names": join_danish([p["name"] for p in proposers]) or "de indstillende",
        "topic": {
            "kind": label(TOPIC_KIND_LABELS, topic.kind) if topic else "",
            "description": given(topic.description if topic else None),
            "icd_codes": given(", ".join(topic.icd_codes) if topic else None),
            "severity": given(topic.severity if topic else None),
            "volume": given(volume_text),
            "target_summary": ("Omfatter " + join_danish(target_parts)) if target_parts else NOT_GIVEN,
            "target_justification": given(tg.justification if tg else None),
            "database": database or NOT_GIVEN,
            "database_status": (db.status or "") if db else "",
        },
        "guidelines": [{"title": g.title, "rationale": given(g.rationale)} for g in (tasks.guidelines if tasks else [])],
        "monitoring": given(tasks.monitoring if tasks else None),
        "research": given(tasks.research if tasks else None),
        "education": given(tasks.education if tasks else None),
        "seats": seats,
        "seat_total": sum(s["count"] for s in seats),
        "director": f"{director.name} ({director.email})" if director else "ikke foreslået",
    }


# A finding's message names the form's fields for `dmpg check` ("(felt topic.description)",
# "(topic.target_group.primary_sector)"); a letter says the same in words only.
_FIELD_REFERENCE = re.compile(r"\s*\((?:felt [\w.\[\]]+|[a-z_]+(?:\[\d+\])?(?:\.[a-z_]+(?:\[\d+\])?)+(?::[^)]*)?)\)")
_REPRESENTS_CODE = re.compile(r"(?<!\()\b(" + "|".join(sorted(REPRESENTS_LABELS, key=len, reverse=True)) + r")\b(?!\))")


def reader_message(message: str) -> str:
    """A premise finding's message as a letter says it: without the form's field paths, and with
    each represented body's Danish name instead of its code ("relatives" -> "pårørenderepræsentanter",
    "DSAM" -> "Dansk Selskab for Almen Medicin (DSAM)")."""
    def named(m: re.Match) -> str:
        code = m.group(1)
        name = REPRESENTS_LABELS[code]
        return name if code.isupper() else name[:1].lower() + name[1:]

    return _REPRESENTS_CODE.sub(named, _FIELD_REFERENCE.sub("", message))


def reader_items(items: list[str] | None) -> list[str]:
    """A finding's items as a reader knows them: bodies by their Danish names, group names as they are;
    field paths (``topic.severity``) are left out, the message says them in words."""
    return [label(REPRESENTS_LABELS, i) for i in items or [] if not re.search(r"[.\[]", str(i))]


def findings_view(findings: list[dict[str, Any]]) -> tuple[list[dict[str, str]], str]:
    """Findings as table rows (Danish severity, the message in words, items joined) and a one-sentence summary."""
    rows = [
        {
            "code": f.get("code", ""),
            "severity": label(SEVERITY_LABELS, f.get("severity")),
            "message": reader_message(f.get("message", "")),
            "affected": ", ".join(reader_items(f.get("items"))),
        }
        for f in findings
    ]
    blocking = sum(1 for f in findings if f.get("severity") == "block")
    if blocking:
        what = "én blokerende bemærkning" if blocking == 1 else plural(blocking, "", "blokerende bemærkninger").strip()
        summary = f"Forslaget opfylder ikke alle grundpræmisser: {what} skal rettes."
    else:
        summary = "Forslaget opfylder grundpræmisserne for etablering af en DMPG."
    return rows, summary


def _decision(src: Sources, gate: str, round: int | None = None, outcome: str | None = None) -> dict | None:
    """The decision of ``gate`` in ``round`` (default: the latest round; optionally with ``outcome``)."""
    found = [d for d in src.decisions if d["gate"] == gate and (round is None or d["round"] == round)
             and (outcome is None or d["outcome"] == outcome)]
    return max(found, key=lambda d: d["round"]) if found else None


def answer_view(d: dict[str, Any]) -> dict[str, Any]:
    """A decision as a template shows it: the gate's own fields (``answers.database.statement`` is RKKP's
    text), plus ``outcome`` (code), ``label`` ("Godkendt"), ``sentence`` ("Følgegruppen støtter
    indstillingen"), ``next_step``, ``round`` and ``recorded_by``."""
    g = GATES[d["gate"]]
    outcome = g.outcome(d["outcome"])
    fields = {name: d["payload"].get(name) for name in g.input.model_fields}
    return {"round": d["round"], "outcome": outcome.code, "label": outcome.label,
            "sentence": f"{capitalise(g.decider)} {outcome.statement}", "next_step": outcome.next_step,
            **fields, "recorded_by": d.get("recorded_by", "")}


def answers_view(src: Sources) -> dict[str, dict[str, Any] | None]:
    """Every gate's latest decision as :func:`answer_view`, None for a gate not decided (yet)."""
    return {name: (answer_view(d) if (d := _decision(src, name)) else None) for name in GATES}


def _advice(src: Sources) -> dict | None:
    d = _decision(src, "advice")
    if not d:
        return None
    view = answer_view(d)
    return {"recommendation": view["sentence"], "summary": view["summary"], "meeting_date": view["meeting_date"],
            "recorded_by": view["recorded_by"]}


def _appointed(src: Sources) -> dict[str, Any]:
    """Members, chairs and director from the accepted ``appointments`` decision (empty if none yet)."""
    d = _decision(src, "appointments")
    p = d["payload"] if d else {}
    chairs = {fold_address(c) for c in p.get("chairs", [])}
    members = [
        {"name": m.get("name", ""), "email": m.get("email", ""), "represents": label(REPRESENTS_LABELS, m.get("represents")),
         "region": label(REGION_NAMES, m.get("region")), "chair": fold_address(m.get("email", "")) in chairs}
        for m in p.get("members", [])
    ]
    chair_rows = [{"name": m["name"], "email": m["email"]} for m in members if m["chair"]]
    director = p.get("director") or {"name": "", "email": ""}
    defaults = src.kickoff_defaults
    start = p.get("kickoff_time") or defaults["time"]
    hour, minute = (int(x) for x in start.split(":"))
    end_minutes = hour * 60 + minute + int(defaults["minutes"])
    kickoff = {"date": p.get("kickoff_date"), "time": start, "end_time": f"{end_minutes // 60 % 24:02d}:{end_minutes % 60:02d}",
               "place": p.get("kickoff_place") or defaults["place"],
               "online_url": p.get("kickoff_online_url") or defaults.get("online_url") or ""}
    return {"members": members, "chairs": chair_rows, "chair_names": join_danish([c["name"] for c in chair_rows]),
            "director": {"name": director.get("name", ""), "email": director.get("email", "")},
            "kickoff_date": p.get("kickoff_date"), "kickoff": kickoff}


def database_text(statement: dict[str, Any]) -> str:
    """RKKP's statement in a line: "Database planlagt, forventet opstart 1. september 2027 (RKKP's udtalelse)"."""
    start = statement.get("expected_start")
    return statement["label"] + (f", forventet opstart {danish_date(start)}" if start else "") + " (RKKP's udtalelse)"


def _database_coordination(status: str | None) -> str:
    """How the group works with the clinical quality database, by RKKP's plan (or the form's status)."""
    return {
        "existing": "Der findes en klinisk kvalitetsdatabase på området. Gruppen koordinerer sit arbejde med "
                    "databasens styregruppe i RKKP, og formandskabet vælges primært blandt dens medlemmer.",
        "planned": "En klinisk kvalitetsdatabase er planlagt. Etableringen koordineres tæt med RKKP, så "
                   "retningslinjer og indikatorer udvikles i sammenhæng.",
        "none": "Der er endnu ingen klinisk kvalitetsdatabase på området. Gruppen vurderer sammen med RKKP, "
                "om og hvordan indsatsen kan monitoreres.",
        "not_relevant": "RKKP vurderer, at en klinisk kvalitetsdatabase ikke er relevant for emnet. Gruppen "
                        "aftaler med RKKP, hvordan indsatsen i stedet følges.",
    }.get(status or "", "Status for en klinisk kvalitetsdatabase er ikke oplyst; afklares med RKKP.")


def organisation_seats(form: ProposalForm) -> dict[str, int]:
    """How many members each represented body appoints (its seats on the form, added up)."""
    seats: dict[str, int] = {}
    for seat in form.composition.seats if form.composition else []:
        seats[seat.represents] = seats.get(seat.represents, 0) + seat.count
    return seats


def summary_lines(src: Sources) -> list[str]:
    """The proposal in two lines, as every mail of it opens: what is proposed (title and case), then
    the topic's kind, ICD-10 codes and yearly volume as far as the form gives them (one line when it
    gives none). The same form gives the same lines in every mail."""
    form = ProposalForm.model_validate(src.form)
    lines = [f"Forslag om ny DMPG: {src.title or form.title} (sag {src.proposal_id})"]
    topic = form.topic
    facts = []
    if topic and topic.kind:
        kind = label(TOPIC_KIND_LABELS, topic.kind)
        facts.append(kind + (f" (ICD-10: {', '.join(topic.icd_codes)})" if topic.icd_codes else ""))
    elif topic and topic.icd_codes:
        facts.append(f"ICD-10: {', '.join(topic.icd_codes)}")
    if topic and topic.volume and topic.volume.patients_per_year is not None:
        facts.append(f"ca. {danish_number(topic.volume.patients_per_year)} patienter pr. år")
    if facts:
        lines.append(" · ".join(facts))
    return lines


def reply_deadline(src: Sources, gate: str | None) -> date | None:
    """The last day to answer the request of ``gate``, ``src.reply_days`` after it was sent (the gate's
    ``reply_from``): the hearing (``advice``, ``database``) from the day the proposal went to the reference
    group, the appointment requests from the day the directors approved. Counted from the ledger, so
    the letter, its mail and a later reminder give the same date; a day off moves it to the next working
    day (``core.workdays``). ``None`` for a gate that asks for no reply by a date."""
    start = GATES[gate].reply_from if gate in GATES else None
    if start is None:
        return None
    if start in GATES:
        decided = _decision(src, start, outcome=GATES[start].outcomes[0].code)
        sent = local_day(decided["at"]) if decided and decided.get("at") else None
    else:
        sent = src.stages.get(start)
    return workdays.deadline(sent or src.today, src.reply_days)


def local_day(moment: datetime | date | str) -> date:
    """The Danish calendar day of a moment the ledger stored in UTC (a letter's dates are Danish)."""
    if isinstance(moment, datetime):
        aware = moment if moment.tzinfo else moment.replace(tzinfo=ZoneInfo("UTC"))
        return aware.astimezone(ZoneInfo("Europe/Copenhagen")).date()
    return as_date(moment)


def previous_round(src: Sources, gate: str, round: int) -> dict[str, Any] | None:  # noqa: A002
    """What the round before ``round`` of ``gate`` decided, when there was one (a steering round after
    a deferral or a revision): ``round``, ``outcome``, ``label``, ``meeting_date``, ``rationale`` and
    ``sentence`` ("På mødet 3. december 2026 blev indstillingen udsat til et senere møde.")."""
    d = _decision(src, gate, round - 1) if round > 1 else None
    if d is None:
        return None
    view = answer_view(d)
    what = view["label"][:1].lower() + view["label"][1:]
    held = danish_date(view.get("meeting_date"))
    sentence = f"På mødet {held} blev indstillingen {what}." if held else f"Indstillingen blev {what}."
    return {"round": view["round"], "outcome": view["outcome"], "label": view["label"],
            "meeting_date": view.get("meeting_date"), "rationale": view.get("rationale") or "", "sentence": sentence}


def person(src: Sources, email: str | None) -> str:
    """Someone on the roster as a reader knows them: "RKKP (styregruppe.rkkp@example.dk)"; the bare
    e-mail when the roster does not list it."""
    if not email:
        return ""
    for body, people in src.roster.items():
        if body != "organisations":
            for p in people:
                if same_address(p.get("email", ""), email):
                    return f"{p['name']} ({p['email']})"
    return email


# ---------------------------------------------------------------- composing


def compose_context(kind_name: str, src: Sources, round: int = 1, recipient: str = "") -> dict[str, Any]:
    """The context of document ``kind_name`` from plain ``src`` (pure; see the module docstring).

    ``version`` is set to 1 here; :func:`dmpg.documents.produce.produce_document` sets the real one.
    """
    k = get_kind(kind_name)
    form = ProposalForm.model_validate(src.form)
    findings, findings_summary = findings_view(src.findings)
    secretariat = src.roster["secretariat"][0]
    # The signature names the secretariat's person; a roster entry that is the unit itself
    # ("DMPG-sekretariatet") is already the signature's unit line, so it is not repeated.
    signer = secretariat["name"] if is_person_name(secretariat["name"]) else ""
    answers = answers_view(src)
    view = form_view(form)
    statement = answers.get("database")
    if statement and kind_name != "proposal":
        # RKKP's statement is the database situation once it is given: the form's status (what the
        # proposers believed) and the premise check's note on it give way, so a memo says it once.
        view["topic"]["database"] = database_text(statement)
        findings = [f for f in findings if f["code"] != "database.status"]
    ctx: dict[str, Any] = {
        "proposal_id": src.proposal_id,
        "document_title": k.title,
        "version": 1,
        "date": src.today,
        "title": src.title or form.title,
        "round": round,
        "secretariat": {"name": secretariat["name"], "email": secretariat["email"], "signer": signer},
        "form": view,
        "findings": findings,
        "findings_summary": findings_summary,
        "submittable": not any(f.get("severity") == "block" for f in src.findings),
        "answers": answers,
    }
    if kind_name in ("steering_memo", "director_memo"):
        ctx["advice"] = _advice(src)
    asking = asking_gate(kind_name)
    if asking is not None and asking.meets:
        ctx["meeting_date"] = src.meeting_dates.get((asking.name, round))
    if kind_name in ("steering_memo", "steering_minutes"):
        ctx["previous"] = previous_round(src, "steering", round)
    if kind_name == "steering_memo":
        ctx["previous_rounds"] = [
            {**answer_view(d), "decision": answer_view(d)["label"]}
            for d in sorted(src.decisions, key=lambda d: d["round"])
            if d["gate"] == asking.name and d["round"] < round  # the memo's own gate, held before
        ]
    if kind_name == "steering_minutes":
        d = _decision(src, "steering", round)
        view = answer_view(d) if d else {"outcome": "", "label": "", "meeting_date": None, "rationale": "",
                                         "recorded_by": "", "next_step": ""}
        ctx["decision"] = {key: view[key] for key in ("outcome", "label", "meeting_date", "rationale", "next_step")}
        ctx["decision"]["recorded_by"] = person(src, view["recorded_by"])
        ctx["steering_group"] = [{"name": p["name"], "email": p["email"]} for p in src.roster.get("steering_group", [])]
    if kind_name == "director_memo":
        d = _decision(src, "steering", outcome="approve") or {"payload": {}}
        ctx["steering"] = {"meeting_date": d["payload"].get("meeting_date"), "rationale": d["payload"].get("rationale", "")}
    if asking is not None and asking.reply_from is not None:
        ctx["deadline"] = reply_deadline(src, asking.name)
    if kind_name == "director_letter":
        d = _decision(src, "approval")
        view = answer_view(d) if d else {"outcome": "", "label": "", "meeting_date": None, "rationale": ""}
        ctx["decision"] = {"approved": view["outcome"] == "approve", "label": view["label"],
                           "meeting_date": view["meeting_date"], "rationale": view["rationale"]}
    if kind_name in ("terms_of_reference", "kickoff_invitation"):
        ctx.update(_appointed(src))
        approval = _decision(src, "approval", outcome="approve")
        ctx["approved_on"] = approval["payload"].get("meeting_date") if approval else None
        plan = answers["database"]["database_plan"] if answers.get("database") else None
        ctx["database_coordination"] = _database_coordination(plan or ctx["form"]["topic"]["database_status"])
    if kind_name == "appointment_request":
        code = recipient
        org = src.roster.get("organisations", {}).get(code) or {"name": label(REPRESENTS_LABELS, code), "email": ""}
        seats = [s for s in ctx["form"]["seats"] if s["code"] == code]
        ctx["organisation"] = {"code": code, "name": org["name"], "email": org["email"],
                               "represents": label(REPRESENTS_LABELS, code)}
        ctx["seats"] = organisation_seats(form).get(code) or 1
        ctx["seat_description"] = "; ".join(s["description"] for s in seats if s["description"])
    return ctx


# ---------------------------------------------------------------- a meeting's documents


@dataclass
class MeetingSources:
    """Everything a meeting's documents draw on, as plain data: the meeting, its agenda (each item's
    proposal as :class:`Sources`), the minutes as taken, and the groups being established right now."""

    meeting: dict[str, Any]          # {id, body, date, status, minutes_by, approved_by}
    items: list[tuple[dict[str, Any], Sources]]  # ({proposal, gate, round, source}, the proposal's Sources)
    roster: dict[str, Any]
    minutes: list[dict[str, Any]] = field(default_factory=list)  # {proposal, gate, round, decision, rationale}
    workload: dict[str, list[dict[str, Any]]] = field(default_factory=dict)  # see workload_view
    today: date = field(default_factory=clock.today)


def _finding(src: Sources, code: str) -> dict[str, Any] | None:
    return next((f for f in src.findings if f.get("code") == code), None)


def candidate_view(src: Sources) -> dict[str, Any]:
    """One proposal as a column of the meeting pack's comparison: topic, target group (primary sector,
    children/adults), volume, database (the form's status and RKKP's statement), overlap with
    established groups, composition, findings and the reference group's advice."""
    form = form_view(ProposalForm.model_validate(src.form))
    tg = ((src.form.get("topic") or {}).get("target_group")) or {}
    ages = [text for flag, text in ((tg.get("child_and_adolescent"), "børn og unge"), (tg.get("adult"), "voksne")) if flag]
    overlap = _finding(src, "registry.overlap")
    missing = _finding(src, "composition.base_members")
    answers = answers_view(src)
    database = answers.get("database")
    advice = answers.get("advice")
    blocking = sum(1 for f in src.findings if f.get("severity") == "block")
    warnings = sum(1 for f in src.findings if f.get("severity") == "warn")
    return {
        "proposal_id": src.proposal_id,
        "title": src.title or form["title"],
        "topic": " · ".join(p for p in (form["topic"]["kind"], form["topic"]["icd_codes"]) if p) or UNKNOWN,
        "description": form["topic"]["description"],
        "target": form["topic"]["target_summary"],
        "primary_sector": "Ja" if tg.get("primary_sector") else "Nej",
        "child_adult": capitalise(join_danish(ages)) if ages else UNKNOWN,
        "volume": form["topic"]["volume"] or UNKNOWN,
        "volume_short": _volume_short(src.form),
        "database": database_text(database) if database else (form["topic"]["database"] or UNKNOWN),
        "rkkp": f"{database['label']}: {database['statement']}" if database else "RKKP's udtalelse foreligger ikke",
        "overlap": ", ".join(overlap.get("items") or []) or overlap.get("message", "") if overlap else "Ingen",
        "composition": (f"Mangler: {', '.join(label(REPRESENTS_LABELS, i) for i in missing.get('items') or [])}"
                        if missing else f"Komplet ({form['seat_total']} pladser)"),
        "findings": (f"{blocking} blokerende, {plural(warnings, 'advarsel', 'advarsler')}" if blocking or warnings
                     else "Ingen blokerende bemærkninger eller advarsler"),
        "advice": f"{advice['sentence']}: {advice['summary']}" if advice else "Følgegruppens rådgivning foreligger ikke",
    }


def _volume_short(form: dict[str, Any]) -> str:
    n = (((form.get("topic") or {}).get("volume")) or {}).get("patients_per_year")
    return f"ca. {danish_number(n)} patienter pr. år" if n is not None else UNKNOWN


COMPARED_SIDE_BY_SIDE = 4  # candidates per comparison table (its columns): more would not fit the page's width


def workload_view(workload: dict[str, list[dict[str, Any]]]) -> list[dict[str, Any]]:
    """How many groups are being established right now (the clinicians' time), as table rows:
    ``{"what", "count", "names"}`` for each of ``appointments`` (approved, members being appointed),
    ``director_approval`` (awaiting the directors) and ``recent`` (established in the last 12 months)."""
    rows = (("appointments", "Godkendt, udpegning af medlemmer i gang"),
            ("director_approval", "Godkendt af styregruppen, afventer psykiatridirektørkredsen"),
            ("recent", "Etableret inden for de seneste 12 måneder"))
    return [{"what": text, "count": len(workload.get(key, [])),
             "names": join_danish([g["name"] for g in workload.get(key, [])]) or "—"} for key, text in rows]


def compose_meeting_context(kind_name: str, src: MeetingSources) -> dict[str, Any]:
    """The context of a meeting's document ``kind_name`` (``meeting_pack``, ``meeting_minutes``) from
    plain ``src`` (pure). Keys: templates/README.md."""
    k = get_kind(kind_name)
    m = src.meeting
    g = meeting_gate(m["body"])
    secretariat = src.roster["secretariat"][0]
    agenda = []
    for number, (item, psrc) in enumerate(src.items, start=1):
        agenda.append({"number": number, "proposal_id": psrc.proposal_id, "title": psrc.title,
                       "round": item["round"], "proposers": form_view(ProposalForm.model_validate(psrc.form))["proposer_names"],
                       "deferred": item.get("source") == "deferred"})
    ctx: dict[str, Any] = {
        "document_title": k.title,
        "version": 1,
        "date": src.today,
        "meeting": {"id": m["id"], "title": meeting_title(m["body"]), "body": capitalise(g.decider),
                    "date": m["date"], "gate": g.label, "question": g.question},
        "secretariat": {"name": secretariat["name"], "email": secretariat["email"]},
        "members": [{"name": p["name"], "email": p["email"]} for p in src.roster.get(m["body"], [])],
        "agenda": agenda,
    }
    if kind_name == "meeting_pack":
        ctx["candidates"] = [candidate_view(psrc) for _, psrc in src.items]
        blank = dict.fromkeys(ctx["candidates"][0], "") if ctx["candidates"] else {}
        ctx["candidate_groups"] = [
            (ctx["candidates"][i:i + COMPARED_SIDE_BY_SIDE] + [blank] * COMPARED_SIDE_BY_SIDE)[:COMPARED_SIDE_BY_SIDE]
            for i in range(0, len(ctx["candidates"]), COMPARED_SIDE_BY_SIDE)]
        ctx["workload"] = workload_view(src.workload)
        ctx["choices"] = [{"code": o.code, "label": o.label} for o in g.outcomes]
    if kind_name == "meeting_minutes":
        titles = {psrc.proposal_id: psrc.title for _, psrc in src.items}
        decided = {d["proposal"] for d in src.minutes}
        ctx["decisions"] = [{"proposal_id": d["proposal"], "title": titles.get(d["proposal"], d["proposal"]),
                             "label": g.outcome(d["decision"]).label, "rationale": d["rationale"],
                             "next_step": g.outcome(d["decision"]).next_step} for d in src.minutes]
        ctx["not_decided"] = [a for a in agenda if a["proposal_id"] not in decided]
        ctx["recorded_by"] = m.get("minutes_by") or ""
        ctx["approved_by"] = m.get("approved_by") or ""
    return ctx
