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
from dmpg.mail import GATE_KINDS, KINDS
from forms.gates import GATES
from forms.vocabulary import BODY_LABELS, SEVERITY_LABELS

# Keys each kind's templates need besides the common ones (see the module docstring); a gate's
# opening mail needs what every gate mail has.
REQUIRED_CONTEXT: dict[str, tuple[str, ...]] = {
    "receipt": ("title",),
    "decision": ("title", "gate", "outcome"),
    "appointment_request": ("title", "organisations"),
    "kickoff": ("title", "kickoff_date", "chairs", "director"),
    "reminder": ("title", "gate", "waiting_since", "days_waiting", "url"),
    "digest": ("gates", "undelivered", "week"),
    # dmpg.recovery: problem stuck|failed|cancelled|no_worker, action rescheduled|needs_attention|none
    "recovery": ("title", "problem", "action", "since"),
    **{kind: ("title", "url") for kind in GATE_KINDS},
}

# Danish wording the templates share (as globals), derived from the gates' declarations: what each
# gate waits for, who decides it, what each outcome means and what happens next.
GATE_ASKS: dict[str, str] = {g.name: g.label for g in GATES.values()}
GATE_BODIES: dict[str, str] = {g.name: g.decider for g in GATES.values()}
OUTCOMES: dict[str, dict[str, str]] = {g.name: {o.code: o.statement for o in g.outcomes} for g in GATES.values()}
NEXT_STEPS: dict[str, dict[str, str]] = {g.name: {o.code: o.next_step for o in g.outcomes} for g in GATES.values()}
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
