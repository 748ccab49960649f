"""What an e-mail says: render a mail kind's Jinja2 templates into a subject, a plain-text and an HTML body.

Templates live in ``<templates_dir>/mail/<kind>.subject.j2``, ``.txt.j2`` and ``.html.j2`` (Danish,
editable by the secretariat). They render in a sandboxed environment (a template cannot reach Python
internals), with HTML autoescaping for ``.html.j2`` and ``StrictUndefined`` (a misspelt variable is an
error, never a silently empty sentence). Optional values are tested in templates with ``is defined``.

Contract of the context (``render(kind, context)``): every kind needs ``proposal_id`` and ``title``
(except ``digest`` and a meeting's mails, which need ``meeting``), ``recipient`` ({name, email, role};
``salutation`` is added: "Kære Anne Holm" or "Til Dansk Psykiatrisk Selskab", see
``dmpg.mail.recipients.salutation``) and ``attachments`` (file names); the keys in ``REQUIRED_CONTEXT``
per kind; optional everywhere: ``summary`` (the proposal in two lines, which the mail opens with),
``deadline`` (the reply deadline, a date), ``meeting`` (the meeting that will decide: ``{id, body,
title, date}``), ``previous`` (what the previous round of the gate decided), ``url`` (the recipient's
link), ``round``. ``outbox.enqueue`` fills in proposal_id, recipient, attachments and round;
``dmpg.services.effects.mail`` adds summary, deadline and previous (``dmpg.mail.facts.mail_facts``).
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Any

from jinja2 import FileSystemLoader, StrictUndefined, TemplateError
from jinja2.sandbox import SandboxedEnvironment

from core.errors import UserError
from core.settings import get_settings
from core.text import capitalise, danish_date
from dmpg.documents.context import reader_items, reader_message
from dmpg.mail import GATE_KINDS, KINDS, MEETING_KINDS
from dmpg.mail.recipients import salutation
from forms.gates import GATES
from forms.vocabulary import BODY_LABELS, REPRESENTS_LABELS, SEVERITY_LABELS

# Keys each kind's templates need besides the common ones (see the module docstring); a gate's
# opening mail needs what every gate mail has.
REQUIRED_CONTEXT: dict[str, tuple[str, ...]] = {
    "receipt": ("title",),
    "decision": ("title", "gate", "outcome"),
    "appointment_request": ("title", "organisations"),
    "kickoff": ("title", "kickoff", "chairs", "director"),
    "established": ("title", "kickoff", "chairs", "director", "members"),
    "reminder": ("title", "gate", "waiting_since", "days_waiting", "url"),
    "digest": ("gates", "undelivered", "week"),
    # dmpg.services.recovery: problem stuck|failed|cancelled|no_worker, action rescheduled|needs_attention|none
    "recovery": ("title", "problem", "action", "since"),
    # dmpg.services.escalation: rule reply|meeting|no_meeting (dmpg.services.deadlines), due_date the deadline that passed
    "escalation": ("title", "gate", "waiting_since", "due_date", "rule", "days_overdue", "url"),
    **{kind: ("title", "url") for kind in GATE_KINDS},
    "appointments_record": ("title", "url", "organisations"),
    "meeting_pack": ("meeting", "agenda"),
    "meeting_invitation": ("meeting", "invitation", "pack_days"),
    "meeting_minutes": ("meeting", "decisions"),
    "minutes_approval": ("meeting", "decisions"),
}

# Danish wording the templates share (as globals), derived from the gates' declarations: what each
# gate waits for, who decides it, what each outcome means and what happens next.
GATE_ASKS: dict[str, str] = {g.name: g.label for g in GATES.values()}
GATE_BODIES: dict[str, str] = {g.name: g.decider for g in GATES.values()}
OUTCOMES: dict[str, dict[str, str]] = {g.name: {o.code: o.statement for o in g.outcomes} for g in GATES.values()}
NEXT_STEPS: dict[str, dict[str, str]] = {g.name: {o.code: o.next_step for o in g.outcomes} for g in GATES.values()}
# How an answer is announced ("Følgegruppen har givet sin rådgivning": advice is not a decision) and
# the heading of its text ("Rådgivningen", "Udtalelsen", "Begrundelse").
ANNOUNCED: dict[str, str] = {g.name: g.announced for g in GATES.values()}
REASON_TITLES: dict[str, str] = {g.name: g.reason_title for g in GATES.values()}
# What a decision mail attaches, as its text names it (the gate's decision_document).
DECISION_RECORDS: dict[str, str] = {g.name: g.wording.decision_record for g in GATES.values() if g.decision_document}
# A reminder asks for what the gate waits for ("så snart <READY>"), and its button says what to do.
REMINDER_ASKS: dict[str, str] = {g.name: g.wording.reminder for g in GATES.values()}
READY: dict[str, str] = {g.name: g.wording.ready for g in GATES.values()}
GATE_BUTTONS: dict[str, str] = {g.name: g.wording.button for g in GATES.values()}
# Whose answers the secretariat follows up besides the deciders (the organisations appointing members),
# and the gates whose answer advises or states rather than decides (their mails announce, not decide).
ANSWERERS: dict[str, str] = {g.name: g.answerers for g in GATES.values()}
ADVISORY: frozenset[str] = frozenset(g.name for g in GATES.values() if g.advisory)
ROLE_LABELS: dict[str, str] = {
    **BODY_LABELS,
    "proposer": "indstiller",
    "organisation": "organisationens kontaktperson",
    "chair": "formand",
    "director": "sundhedsfaglig direktør",
    "member": "medlem",
    "waiting": "modtager",
}


@dataclass(frozen=True)
class Rendered:
    subject: str
    text: str
    html: str


def templates_dir() -> Path:
    return get_settings().templates_dir / "mail"


@lru_cache(maxsize=4)
def _environment(directory: str):
    env = SandboxedEnvironment(
        loader=FileSystemLoader(directory),
        autoescape=lambda name: bool(name) and name.endswith(".html.j2"),
        undefined=StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
        keep_trailing_newline=False,
    )
    env.filters["dato"] = danish_date
    env.filters["stort"] = capitalise
    env.globals.update(
        GATE_ASKS=GATE_ASKS, GATE_BODIES=GATE_BODIES, OUTCOMES=OUTCOMES, NEXT_STEPS=NEXT_STEPS,
        ROLE_LABELS=ROLE_LABELS, SEVERITY_LABELS=SEVERITY_LABELS, ANNOUNCED=ANNOUNCED, REASON_TITLES=REASON_TITLES,
        DECISION_RECORDS=DECISION_RECORDS, REMINDER_ASKS=REMINDER_ASKS, GATE_BUTTONS=GATE_BUTTONS,
        READY=READY, ANSWERERS=ANSWERERS, ADVISORY=ADVISORY,
    )
    return env


def check_context(kind: str, context: Mapping[str, Any]) -> None:
    """Raise ``UserError`` naming the kind and the missing keys, before any template runs."""
    if kind not in KINDS:
        raise UserError(f"unknown mail kind {kind!r}; expected one of: {', '.join(KINDS)}")
    missing = [key for key in (*REQUIRED_CONTEXT[kind], "recipient", "attachments") if key not in context]
    if kind not in ("digest", *MEETING_KINDS) and "proposal_id" not in context:
        missing.insert(0, "proposal_id")
    if missing:
        raise UserError(f"mail {kind!r}: the context lacks {', '.join(missing)}")
    if "gate" in context and context["gate"] not in GATE_ASKS:
        raise UserError(f"mail {kind!r}: unknown gate {context['gate']!r}; expected one of: {', '.join(GATE_ASKS)}")
    if kind == "decision" and context["outcome"] not in OUTCOMES[context["gate"]]:
        expected = ", ".join(OUTCOMES[context["gate"]])
        raise UserError(f"mail 'decision': unknown outcome {context['outcome']!r} at gate {context['gate']!r}; expected one of: {expected}")


def _name(item: Any) -> str:
    return str(item.get("name") or item.get("email") or "") if isinstance(item, Mapping) else str(item)


def normalise(kind: str, context: Mapping[str, Any]) -> dict[str, Any]:
    """Accept the shapes callers naturally have, so templates see one shape:

    - every kind: ``recipient.salutation`` from the recipient's name and role, unless given.
    - ``decision``: ``rationale`` and ``decided_on`` (the meeting that decided) default to those of
      ``decision`` (the gate input's dump: its ``meeting_date``). The advice gate's ``summary``
      serves as its rationale.
    - ``findings``: each finding's ``message`` and ``items`` as a reader knows them (no field paths,
      Danish names instead of codes: ``dmpg.documents.context.reader_message``).
    - ``appointment_request``: ``organisations`` may be ``represents`` codes or dicts; each becomes
      ``{"code", "name", "seats"}`` (name from the Danish labels, seats None when unknown).
    - ``kickoff``, ``established``: ``chairs`` may be names or ``{name, email}`` dicts, ``director`` a name
      or a dict; ``kickoff`` is the meeting (``dmpg.calendar.Meeting.as_context``: start, time, end_time,
      place, online_url).
    """
    ctx = dict(context)
    if isinstance(ctx.get("recipient"), Mapping) and "salutation" not in ctx["recipient"]:
        person = ctx["recipient"]
        ctx["recipient"] = {**person, "role": str(person.get("role") or ""),
                            "salutation": salutation(str(person.get("name") or person.get("email") or ""),
                                                     str(person.get("role") or ""))}
    if kind == "decision":
        decided = ctx["decision"] if isinstance(ctx.get("decision"), Mapping) else {}
        ctx["decision"] = decided
        reason = GATES[ctx["gate"]].reason_field
        ctx.setdefault("decided_on", decided.get("meeting_date"))
        ctx.setdefault("rationale", decided.get(reason) if reason else None)
    if isinstance(ctx.get("findings"), list):
        ctx["findings"] = [{**f, "message": reader_message(str(f.get("message", ""))), "items": reader_items(f.get("items"))}
                           if isinstance(f, Mapping) else f for f in ctx["findings"]]
    if kind == "appointment_request":
        ctx["organisations"] = [
            {"code": o.get("code"), "name": o.get("name") or REPRESENTS_LABELS.get(o.get("code"), o.get("code")),
             "seats": o.get("seats")} if isinstance(o, Mapping)
            else {"code": o, "name": REPRESENTS_LABELS.get(o, o), "seats": None}
            for o in ctx.get("organisations") or []
        ]
    if kind in ("kickoff", "established"):
        ctx["chairs"] = [_name(c) for c in ctx.get("chairs") or []]
        ctx["director"] = _name(ctx.get("director") or "")
    return ctx


def render(kind: str, context: Mapping[str, Any], directory: Path | None = None) -> Rendered:
    """Render ``kind`` with ``context``. The subject is one line (whitespace collapsed: no header injection).

    Raises ``UserError`` for an unknown kind, a missing context key, or a template error (naming the
    template file and line, so the secretariat can fix an edited template).
    """
    check_context(kind, context)
    context = normalise(kind, context)
    env = _environment(str(directory or templates_dir()))
    parts = {}
    for part in ("subject", "txt", "html"):
        name = f"{kind}.{part}.j2"
        try:
            parts[part] = env.get_template(name).render(**context)
        except TemplateError as exc:
            line = getattr(exc, "lineno", None)
            where = f"{name}, line {line}" if line else name
            raise UserError(f"mail template {where}: {exc}") from exc
    subject = re.sub(r"\s+", " ", parts["subject"]).strip()
    text = re.sub(r"\n{3,}", "\n\n", parts["txt"]).strip() + "\n"
    return Rendered(subject=subject, text=text, html=parts["html"].strip() + "\n")
