"""A gate's Resume form in the Prefect UI, in Danish as far as Prefect's form renderer allows.

Prefect builds the Resume form from the input's JSON schema and shows an ``enum``'s values as they
are, and a ``date`` as a US date picker. So the form's model (:func:`form_model`) differs from the
gate's input (``forms.gates``) in what people read, and :func:`to_form_values`/:func:`from_form_values`
translate, losslessly, between the two:

- the outcome field offers Danish labels with the code: ``"Godkendt (approve)"``;
- ``recorded_by`` offers only the people allowed at the gate, by name: ``"Anne Holm <anne@region.dk>"``
  (an ``enum``, so the Prefect server itself refuses anyone else);
- dates are text in the Danish way, ``dd.mm.åååå`` (ISO is accepted too);
- the revision gate, whose input is a whole Word form, asks only who records it: the form itself is
  uploaded on the decision page (the description links there); a resume with the full form (a
  channel waking the flow after recording it) passes through unchanged.

Pure pydantic: the flow suspends with the form model and hands :func:`from_form_values` of the
answer to the gatekeeper; a channel that recorded a decision wakes the flow with :func:`to_form_values`.
"""

from __future__ import annotations

import re
import types
import typing
from datetime import date
from typing import Any, Literal

import pydantic
from pydantic import ConfigDict, Field

from core.identity import fold_address
from core.text import parse_danish_date
from forms.gates import Gate
from forms.inputs import GateInput

DATE_PATTERN = r"^\s*(\d{1,2}\.\s*\d{1,2}\.\s*\d{4}|\d{4}-\d{2}-\d{2})\s*$"
_CODE = re.compile(r"\(([^()]*)\)\s*$")
_EMAIL = re.compile(r"<([^<>]*)>\s*$")


def form_model(gate: Gate, recorders: list[tuple[str, str]]) -> type[pydantic.BaseModel]:
    """The model Prefect renders as ``gate``'s Resume form (see the module docstring)."""
    people = tuple(_person(name, email) for name, email in recorders)
    who = "sekretariatet" if gate.decided_by == "secretariat" else f"sekretariatet eller {gate.decider}"
    recorded_by = (Literal[people], Field(title="Registreret af",  # type: ignore[valid-type]
                                          description=f"Den, beslutningen registreres for: {who}."))
    if gate.name == "revision":
        return pydantic.create_model(
            "RevideretIndstillingsskema", __config__=ConfigDict(extra="allow"), recorded_by=recorded_by)
    fields: dict[str, Any] = {}
    for name, info in gate.input.model_fields.items():
        if name == "recorded_by":
            continue
        if name == gate.outcome_field:
            choices = tuple(f"{o.label} ({o.code})" for o in gate.outcomes)
            fields[name] = (Literal[choices], Field(title=info.title, description=_plain(info.description)))  # type: ignore[valid-type]
        elif _is_date(info.annotation):
            optional = not info.is_required()
            fields[name] = (str | None if optional else str,
                            Field(None if optional else ..., title=info.title, pattern=DATE_PATTERN,
                                  description=f"{info.description or ''} Skriv datoen som dd.mm.åååå, fx 14.01.2027.".strip()))
        else:
            fields[name] = (info.annotation, info)
    return pydantic.create_model(gate.input.__name__, __base__=GateInput, **fields, recorded_by=recorded_by)


def from_form_values(gate: Gate, values: dict[str, Any]) -> dict[str, Any]:
    """The gate's input from what the Resume form sent (codes, e-mail, ISO dates); anything that is not
    in the form's shape passes through unchanged, for the gate's judge to name."""
    out = dict(values)
    if isinstance(out.get("recorded_by"), str) and (m := _EMAIL.search(out["recorded_by"])):
        out["recorded_by"] = m.group(1)
    if gate.outcome_field and isinstance(out.get(gate.outcome_field), str) and \
            (m := _CODE.search(out[gate.outcome_field])):
        out[gate.outcome_field] = m.group(1)
    for name in _date_fields(gate):
        if isinstance(out.get(name), str) and out[name].strip():
            try:
                out[name] = parse_danish_date(out[name]).isoformat()
            except ValueError:
                pass  # left as typed: the judge names the field
    return out


def to_form_values(gate: Gate, payload: dict[str, Any], recorders: list[tuple[str, str]]) -> dict[str, Any]:
    """A gate input (a decision recorded by a channel) in the Resume form's shape, to wake the flow."""
    out = dict(payload)
    names = {fold_address(email): name for name, email in recorders}
    email = str(out.get("recorded_by", ""))
    out["recorded_by"] = _person(names.get(fold_address(email), email), email)
    if gate.outcome_field and gate.outcome_field in out:
        out[gate.outcome_field] = f"{gate.outcome(str(out[gate.outcome_field])).label} ({out[gate.outcome_field]})"
    for name in _date_fields(gate):
        if out.get(name):
            d = date.fromisoformat(str(out[name]))
            out[name] = f"{d.day:02d}.{d.month:02d}.{d.year}"
    return out


def _person(name: str, email: str) -> str:
    return f"{name} <{email}>" if name and name != email else f"<{email}>"


def _plain(description: str | None) -> str:
    """A field description without the codes the form no longer shows ("approve (godkend), …")."""
    return "Vælg en af mulighederne." if description and "(" in description else (description or "")


def _is_date(annotation: Any) -> bool:
    args = [annotation]
    while args:
        tp = args.pop()
        if tp is date:
            return True
        args += list(typing.get_args(tp)) if typing.get_origin(tp) in (typing.Union, types.UnionType,
                                                                         typing.Annotated) else []
    return False


def _date_fields(gate: Gate) -> list[str]:
    return [name for name, info in gate.input.model_fields.items() if _is_date(info.annotation)]
