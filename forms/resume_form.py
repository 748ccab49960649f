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
answer to the gatekeeper.

**Waking a run that waits since an older release.** Prefect checks a resume against the JSON schema it
stored *when the run suspended*: the form of that day's release, with that day's choice labels and that
day's people. A decision recorded today must still wake it, so :func:`wake_values` builds the wake-up
against the stored schema itself — each field as close to the decision as that schema allows (a code or
its label, an ISO or a Danish date, the person by their address), and where it allows nothing true (a
person who joined the roster since, a field since dropped) a value it accepts. Prefect's copy of a
wake-up is only the alarm clock: the flow takes the decision from the ledger (``flows.gates``).
"""

from __future__ import annotations

import hashlib
import json
import re
import types
import typing
from collections.abc import Sequence
from datetime import date
from typing import Any, Literal

import pydantic
from jsonschema import Draft202012Validator
from pydantic import ConfigDict, Field

from core import clock
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
    if gate.takes_form:  # the whole indstillingsskema: Prefect's form cannot hold it, the fields pass through
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


# --- waking a suspended run (see the module docstring) ------------------------------------------------


def wake_digest(values: dict[str, Any]) -> str:
    """The digest a re-arming wake-up is recognised by when the flow reads it back from Prefect."""
    return hashlib.sha256(json.dumps(values, sort_keys=True, ensure_ascii=False, default=str).encode()).hexdigest()


class NoWakeValues(ValueError):
    """The stored schema accepts no value this code can build (the reason says which field)."""


def form_digest(model: type[pydantic.BaseModel]) -> str:
    """A short digest of a Resume form's JSON schema (its fields, choices and people): recorded when a
    gate opens, so the sweep can tell a waiting run whose form is no longer today's."""
    schema = json.dumps(model.model_json_schema(), sort_keys=True, ensure_ascii=False)
    return hashlib.sha256(schema.encode()).hexdigest()[:16]


def wake_values(gate: Gate, decision: dict[str, Any], schema: dict[str, Any],
                recorders: Sequence[tuple[str, str]], fallback_people: Sequence[str] = ()) -> dict[str, Any]:
    """Values that ``schema`` (the Resume form Prefect stored when the run suspended, from any release)
    accepts, as close to ``decision`` (the gate's input as recorded, codes and ISO dates) as it allows.

    Per field: today's form value, the raw value, or the stored choice that means the same (the code, a
    label ending in "(code)", a person "<address>"); when none fits, a required field gets a value the
    schema accepts — for a person, the first of ``fallback_people`` (the secretariat's addresses) it
    offers. ``NoWakeValues`` when even that fails."""
    today = to_form_values(gate, decision, list(recorders)) if not gate.takes_form else dict(decision)
    defs = {key: schema[key] for key in ("$defs", "definitions") if key in schema}
    properties: dict[str, Any] = schema.get("properties") or {}
    required = set(schema.get("required") or ())
    out: dict[str, Any] = {}
    for name, sub in properties.items():
        field_schema = {**sub, **defs}
        validator = Draft202012Validator(field_schema, format_checker=Draft202012Validator.FORMAT_CHECKER)
        candidates = [today.get(name), decision.get(name), *_meaning_in(sub, decision.get(name), defs)]
        if name == "recorded_by":
            candidates += [c for p in fallback_people for c in _meaning_in(sub, p, defs)]
        chosen = next((c for c in candidates if c is not None and validator.is_valid(c)), _MISSING)
        if chosen is _MISSING and name in required:
            chosen = _accepted_value(field_schema, validator)
            if chosen is _MISSING:
                raise NoWakeValues(f"the stored form's field {name!r} accepts no value this release can make")
        if chosen is not _MISSING:
            out[name] = chosen
    whole = Draft202012Validator(schema, format_checker=Draft202012Validator.FORMAT_CHECKER)
    problems = sorted(whole.iter_errors(out), key=lambda e: list(e.path))
    if problems:
        where = ".".join(str(p) for p in problems[0].path) or "(form)"
        raise NoWakeValues(f"the stored form refuses {where}: {problems[0].message}")
    return out


_MISSING = object()


def _meaning_in(sub: dict[str, Any], value: Any, defs: dict[str, Any]) -> list[Any]:
    """The stored choices of ``sub`` that mean ``value``: the code itself, "Label (code)", "Name <address>"."""
    if value is None:
        return []
    choices = _choices(sub, defs)
    wanted = str(value).strip()
    folded = fold_address(wanted)
    found = []
    for choice in choices:
        text = str(choice)
        code = _CODE.search(text)
        email = _EMAIL.search(text)
        if text == wanted or (code and code.group(1) == wanted) or (email and fold_address(email.group(1)) == folded):
            found.append(choice)
    return found


def _choices(sub: dict[str, Any], defs: dict[str, Any]) -> list[Any]:
    sub = _resolve(sub, defs)
    if "enum" in sub:
        return list(sub["enum"])
    if "const" in sub:
        return [sub["const"]]
    return [c for option in sub.get("anyOf", []) + sub.get("oneOf", []) for c in _choices(option, defs)]


def _resolve(sub: dict[str, Any], defs: dict[str, Any]) -> dict[str, Any]:
    ref = sub.get("$ref")
    if not isinstance(ref, str) or not ref.startswith("#/"):
        return sub
    node: Any = defs
    for part in ref[2:].split("/"):
        node = node.get(part, {}) if isinstance(node, dict) else {}
    return {**node, **{k: v for k, v in sub.items() if k != "$ref"}}


def _accepted_value(field_schema: dict[str, Any], validator: Any) -> Any:
    """A value the field's schema accepts, built from the schema alone (its first choice, its default, or the
    simplest value of its type, objects and lists built part by part); ``_MISSING`` when none is accepted."""
    defs = {key: field_schema[key] for key in ("$defs", "definitions") if key in field_schema}
    found = _build(field_schema, defs, 0)
    return found if found is not _MISSING and validator.is_valid(found) else _MISSING


def _build(sub: dict[str, Any], defs: dict[str, Any], depth: int) -> Any:
    """The first of the simple values of ``sub`` that ``sub`` itself accepts (see :func:`_accepted_value`)."""
    sub = _resolve(sub, defs)
    if depth > 8:
        return _MISSING
    check = Draft202012Validator({**sub, **defs}, format_checker=Draft202012Validator.FORMAT_CHECKER)
    for candidate in _tries(sub, defs, depth):
        if candidate is not _MISSING and check.is_valid(candidate):
            return candidate
    return _MISSING


def _tries(sub: dict[str, Any], defs: dict[str, Any], depth: int) -> list[Any]:
    tries: list[Any] = []
    if "default" in sub:
        tries.append(sub["default"])
    tries += _choices(sub, defs)
    for option in sub.get("anyOf", []) + sub.get("oneOf", []) + sub.get("allOf", []):
        tries.append(_build(option, defs, depth + 1))
    kinds = sub.get("type")
    kinds = kinds if isinstance(kinds, list) else [kinds] if kinds else []
    today = clock.today()
    for kind in kinds:
        if kind == "null":
            tries.append(None)
        elif kind == "string":
            text = "Registreret i DMPG-sagen".ljust(max(int(sub.get("minLength") or 0), 1), ".")
            dates = [today.isoformat(), f"{today.day:02d}.{today.month:02d}.{today.year}"]
            tries += [*dates, "sekretariat@example.dk", text] if ("pattern" in sub or "format" in sub) else \
                [text, "sekretariat@example.dk", *dates]
        elif kind in ("integer", "number"):
            tries += [sub.get("minimum", 0), 1]
        elif kind == "boolean":
            tries += [False, True]
        elif kind == "array":
            item = _build(sub.get("items") or {}, defs, depth + 1)
            count = int(sub.get("minItems") or 0)
            tries += [[] if count == 0 else _MISSING if item is _MISSING else [item] * count]
        elif kind == "object" or "properties" in sub:
            built = {name: _build(prop, defs, depth + 1) for name, prop in (sub.get("properties") or {}).items()
                     if name in (sub.get("required") or ())}
            tries.append(_MISSING if _MISSING in built.values() else built)
    return tries
