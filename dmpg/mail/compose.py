"""What an e-mail says: render a mail kind's Jinja2 templates into a subject, a plain-text and an HTML body.

Templates live in ``<templates_dir>/mail/<kind>.subject.j2``, ``.txt.j2`` and ``.html.j2`` (Danish,
editable by the secretariat). They render in a sandboxed environment (a template cannot reach Python
internals), with HTML autoescaping for ``.html.j2`` and ``StrictUndefined`` (a misspelt variable is an
error, never a silently empty sentence). Optional values are tested in templates with ``is defined``.

Contract of the context (``render(kind, context)``): every kind needs ``proposal_id`` and ``title``
(except ``digest``), ``recipient`` ({name, email, role}) and ``attachments`` (file names); the keys in
``REQUIRED_CONTEXT`` per kind; optional everywhere: ``deadline`` (date), ``url`` (the gate in the
Prefect UI), ``round``. ``outbox.enqueue`` fills in proposal_id, recipient, attachments and round.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date, datetime
from functools import lru_cache
from pathlib import Path
from typing import Any

from core.errors import UserError
from core.text import capitalise, danish_date
from dmpg.mail import KINDS
from forms.gates import GATE_BODIES as GATE_BODY_OF
from forms.roster import BODY_LABELS, GATE_LABELS

# Keys each kind's templates need besides the common ones (see the module docstring).
REQUIRED_CONTEXT: dict[str, tuple[str, ...]] = {
    "receipt": ("title",),
    "revision_request": ("title", "url"),
    "hearing": ("title", "url"),
    "steering_memo": ("title", "url"),
    "director_memo": ("title", "url"),
    "decision": ("title", "gate", "outcome"),
    "appointment_request": ("title", "organisations"),
    "kickoff": ("title", "kickoff_date", "chairs", "director"),
    "reminder": ("title", "gate", "waiting_since", "days_waiting", "url"),
    "digest": ("gates", "undelivered", "week"),
}

# Danish wording shared by templates (as globals), so each phrase is written once.
# What each gate waits for, and who decides there (the roster module's Danish labels, reused).
GATE_ASKS: dict[str, str] = GATE_LABELS
GATE_BODIES: dict[str, str] = {
    gate: BODY_LABELS[body] if body else {"revision": "indstillerne", "appointments": "sekretariatet"}[gate]
    for gate, body in GATE_BODY_OF.items()
}
OUTCOMES: dict[str, dict[str, str]] = {
    "revision": {"revised": "har indsendt en revideret indstilling"},
    "advice": {
        "support": "støtter indstillingen",
        "support_with_changes": "støtter indstillingen med ændringer",
        "not_support": "støtter ikke indstillingen",
    },
    "steering": {
        "approve": "har godkendt indstillingen",
        "reject": "har afvist indstillingen",
        "revise": "har sendt indstillingen tilbage til revision",
        "defer": "har udskudt beslutningen til et senere møde",
    },
    "approval": {
        "approve": "har godkendt oprettelsen af gruppen",
        "reject": "har afvist oprettelsen af gruppen",
    },
    "appointments": {"appointed": "har registreret de udpegede medlemmer og formandskabet"},
}
# What happens after each outcome (decision mails).
NEXT_STEPS: dict[str, dict[str, str]] = {
    "revision": {"revised": "Den reviderede indstilling bliver nu tjekket mod grundpræmisserne igen."},
    "advice": {
        "support": "Indstillingen går nu videre til DMPG-styregruppen.",
        "support_with_changes": "Indstillingen går nu videre til DMPG-styregruppen sammen med følgegruppens bemærkninger.",
        "not_support": "Indstillingen går videre til DMPG-styregruppen sammen med følgegruppens rådgivning.",
    },
    "steering": {
        "approve": "Indstillingen går nu videre til psykiatridirektørkredsen.",
        "reject": "Sagen er hermed afsluttet.",
        "revise": "Indstillerne modtager en særskilt anmodning om revision.",
        "defer": "Indstillingen behandles igen på et senere styregruppemøde.",
    },
    "approval": {
        "approve": "De faglige selskaber og organisationer bliver nu bedt om at udpege medlemmer.",
        "reject": "Sagen er hermed afsluttet.",
    },
    "appointments": {"appointed": "Gruppen er nu etableret, og medlemmerne indkaldes til kickoff-møde."},
}
SEVERITY_LABELS: dict[str, str] = {"block": "Skal rettes", "warn": "Bør overvejes", "info": "Til orientering"}
ROLE_LABELS: dict[str, str] = {
    "proposer": "indstiller",
    "secretariat": "DMPG-sekretariatet",
    "reference_group": "følgegruppen",
    "steering_group": "DMPG-styregruppen",
    "director_circle": "psykiatridirektørkredsen",
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
    from core.settings import get_settings

    return get_settings().templates_dir / "mail"


@lru_cache(maxsize=4)
def _environment(directory: str):
    from jinja2 import FileSystemLoader, StrictUndefined
    from jinja2.sandbox import SandboxedEnvironment

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
        ROLE_LABELS=ROLE_LABELS, SEVERITY_LABELS=SEVERITY_LABELS,
    )
    return env


def check_context(kind: str, context: Mapping[str, Any]) -> None:
    """Raise ``UserError`` naming the kind and the missing keys, before any template runs."""
    if kind not in KINDS:
        raise UserError(f"unknown mail kind {kind!r}; expected one of: {', '.join(KINDS)}")
    missing = [key for key in (*REQUIRED_CONTEXT[kind], "recipient", "attachments") if key not in context]
    if kind != "digest" and "proposal_id" not in context:
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

    - ``decision``: ``rationale``/``meeting_date`` default to those of ``decision`` (the gate input's
      dump); the advice gate's ``summary`` serves as its rationale.
    - ``appointment_request``: ``organisations`` may be ``represents`` codes or dicts; each becomes
      ``{"code", "name", "seats"}`` (name from the Danish labels, seats None when unknown).
    - ``kickoff``: ``chairs`` may be names or ``{name, email}`` dicts, ``director`` a name or a dict.
    """
    from forms.vocabulary import REPRESENTS_LABELS

    ctx = dict(context)
    if kind == "decision" and isinstance(ctx.get("decision"), Mapping):
        decided = ctx["decision"]
        ctx.setdefault("rationale", decided.get("rationale") or decided.get("summary"))
        ctx.setdefault("meeting_date", decided.get("meeting_date"))
    if kind == "appointment_request":
        ctx["organisations"] = [
            {"code": o.get("code"), "name": o.get("name") or REPRESENTS_LABELS.get(o.get("code"), o.get("code")),
             "seats": o.get("seats")} if isinstance(o, Mapping)
            else {"code": o, "name": REPRESENTS_LABELS.get(o, o), "seats": None}
            for o in ctx.get("organisations") or []
        ]
    if kind == "kickoff":
        ctx["chairs"] = [_name(c) for c in ctx.get("chairs") or []]
        ctx["director"] = _name(ctx.get("director") or "")
    return ctx


def render(kind: str, context: Mapping[str, Any], directory: Path | None = None) -> Rendered:
    """Render ``kind`` with ``context``. The subject is one line (whitespace collapsed: no header injection).

    Raises ``UserError`` for an unknown kind, a missing context key, or a template error (naming the
    template file and line, so the secretariat can fix an edited template).
    """
    from jinja2 import TemplateError

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
