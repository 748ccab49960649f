"""Explaining a pydantic ``ValidationError`` to a person: every error as ``(field path, plain Danish
message)``, with the field's Danish title and a suggestion for a misspelt name or choice.

Apart from ``forms.loading`` (which reads files and needs YAML and the Word form's reader), so that the
gates' declarations and the meetings' rules can explain their errors without loading either: the quick
commands (``dmpg pending``, ``dmpg status``) import the gates.
"""

from __future__ import annotations

import difflib
import re
import types
from datetime import date
from functools import lru_cache
from typing import Annotated, Any, Union, get_args, get_origin

from pydantic import BaseModel, ValidationError
from pydantic.fields import FieldInfo

from core.text import date_problem
from forms.vocabulary import REGION_NAMES


# --- explaining validation errors ---------------------------------------------------------------


def format_path(loc: tuple[int | str, ...]) -> str:
    """``('proposers', 0, 'region')`` -> ``proposers[0].region``."""
    out = ""
    for part in loc:
        if isinstance(part, int) and not isinstance(part, bool):
            out += f"[{part}]"
        elif part == "[key]":  # pydantic's marker for "the dict key itself": the key is already in the path
            continue
        else:
            out += f".{part}" if out else str(part)
    return out


def describe_validation_error(exc: ValidationError, model: type[BaseModel]) -> list[tuple[str, str]]:
    """Every error of ``exc`` as ``(field path, plain message)``, in the order pydantic found them.

    ``model`` (the validated class) lets the messages suggest the right name for an unknown field and
    show a required field's Danish title.
    """
    problems: list[tuple[str, str]] = []
    for err in exc.errors(include_url=False):
        loc = tuple(err.get("loc", ()))
        if err.get("type") == "invalid_key":  # the loc ends with the bad key itself, not a list index
            problems.append((format_path(loc[:-1]), _bad_key(err.get("input"))))
            continue
        problems.append((format_path(loc), _message(err, loc, model)))
    return problems


def _message(err: dict[str, Any], loc: tuple[int | str, ...], model: type[BaseModel] | None) -> str:
    kind = err.get("type", "")
    value = err.get("input")
    ctx = err.get("ctx") or {}
    if "[key]" in loc:  # a mapping's key (e.g. roster organisations) rather than its value is wrong
        if kind == "literal_error":
            return f"ukendt nøgle '{value}': {_literal(ctx.get('expected', ''), value, show_got=False)}"
        return f"nøglen '{value}' er ikke tilladt: {err.get('msg', 'ugyldig nøgle')}"
    if kind == "missing":
        field = _field(model, loc)
        return "skal udfyldes" + (f" ({_label(field)})" if field is not None and field.title else "")
    if kind == "extra_forbidden":
        return _unknown_field(model, loc, value)
    if kind == "literal_error":
        return _literal(ctx.get("expected", ""), value)
    if kind in ("int_type", "int_parsing", "int_from_float"):
        return f"forventede et helt tal, fik {_describe(value)}"
    if kind in ("float_type", "float_parsing"):
        return f"forventede et tal, fik {_describe(value)}"
    if kind == "string_unicode":
        return "forventede gyldig tekst (Unicode), fik tegn, der ikke er tekst"
    if kind in ("string_type",):
        hint = " (sæt det i anførselstegn, hvis det er tekst)" if isinstance(value, (int, float, bool)) else ""
        return f"forventede tekst, fik {_describe(value)}{hint}"
    if kind in ("bool_type", "bool_parsing"):
        return f"forventede true eller false, fik {_describe(value)}"
    if kind in ("list_type", "tuple_type", "set_type"):
        hint = " (skriv [a, b] eller ét '- punkt' pr. linje)" if isinstance(value, str) else ""
        return f"forventede en liste, fik {_describe(value)}{hint}"
    if kind in ("model_type", "model_attributes_type", "dict_type"):
        fields = _field_names(model, loc)
        which = f" ({', '.join(fields[:5])}{', ...' if len(fields) > 5 else ''})" if fields else ""
        return f"forventede en gruppe af felter{which}, fik {_describe(value)}"
    if kind.startswith("date") or kind.startswith("datetime"):
        return date_problem(value) if isinstance(value, str) else f"forventede en dato som ÅÅÅÅ-MM-DD (fx 2027-01-14), fik {_describe(value)}"
    if kind in ("string_too_short", "too_short") and ctx.get("min_length", 1) <= 1:
        return "må ikke være tom" if kind == "string_too_short" else "skal have mindst ét punkt"
    if kind in ("too_short", "too_long"):
        count = len(value) if hasattr(value, "__len__") else "?"
        bound = f"mindst {ctx.get('min_length')}" if kind == "too_short" else f"højst {ctx.get('max_length')}"
        return f"forventede {bound} punkter, fik {count}"
    if kind in ("greater_than_equal", "greater_than", "less_than_equal", "less_than"):
        words = {"greater_than_equal": "mindst", "greater_than": "over",
                 "less_than_equal": "højst", "less_than": "under"}[kind]
        limit = next(iter(ctx.values()), "?")
        return f"forventede et tal på {words} {limit}, fik {_describe(value)}"
    if kind == "value_error" and "email" in str(err.get("msg", "")).lower():
        reason = str(ctx.get("reason") or err.get("msg", "")).strip()
        return f"forventede en e-mailadresse som navn@example.dk, fik {_describe(value)} ({reason})"
    return f"{str(err.get('msg', 'ugyldig værdi')).removeprefix('Value error, ')}; fik {_describe(value)}"


def _bad_key(key: object) -> str:
    if isinstance(key, bool):
        why = "YAML læser yes/no/on/off som true/false; sæt navnet i anførselstegn"
        return f"et feltnavn skal være tekst, fik {str(key).lower()} ({why})"
    return f"et feltnavn skal være tekst, fik {_describe(key)}"


def _literal(expected: str, value: object, show_got: bool = True) -> str:
    allowed = re.findall(r"'([^']*)'", expected)
    message = f"forventede en af {', '.join(allowed)}"
    if set(allowed) == set(REGION_NAMES):
        message += " (eller et navn som 'Region Sjælland')"
    if show_got:
        message += f"; fik {_describe(value)}"
    if isinstance(value, str):
        close = difflib.get_close_matches(value, allowed, n=1, cutoff=0.6) or difflib.get_close_matches(
            value.lower(), [a.lower() for a in allowed], n=1, cutoff=0.6
        )
        if close:
            match = next(a for a in allowed if a.lower() == close[0].lower())
            message += f" (mente du '{match}'?)"
    return message


def _unknown_field(model: type[BaseModel] | None, loc: tuple[int | str, ...], value: object) -> str:
    key = str(loc[-1]) if loc else ""
    allowed = _field_names(model, loc[:-1])
    close = difflib.get_close_matches(key, allowed, n=1, cutoff=0.6)
    if close:
        return f"ukendt felt (mente du '{close[0]}'?)"
    if value is None and "name" in allowed and "," not in key:
        # YAML's flow style {name: A, B, email: ...} turns ", B" into a key without a value.
        return f"ukendt felt uden værdi; et navn med komma skal stå i anførselstegn, fx name: \"..., {key}\""
    return f"ukendt felt (forventede et af: {', '.join(allowed)})" if allowed else "ukendt felt"


def _label(field: FieldInfo) -> str:
    return f"{field.title}: {field.description}" if field.description else str(field.title)


def _describe(value: object) -> str:
    """A value as a user would recognise it: the text 'x', the number 2, true/false, a list …"""
    if value is None:
        return "ingenting (tom værdi)"
    if isinstance(value, bool):
        return f"{'true' if value else 'false'} (ja/nej)"
    if isinstance(value, int):
        return f"tallet {value}"
    if isinstance(value, float):
        return f"decimaltallet {value}"
    if isinstance(value, str):
        shown = value if len(value) <= 60 else value[:57] + "..."
        return f"teksten '{shown}'"
    if isinstance(value, date):
        return f"datoen {value.isoformat()}"
    if isinstance(value, dict):
        return "en gruppe af felter"
    if isinstance(value, (list, tuple)):
        return f"en liste med {len(value)} {'punkt' if len(value) == 1 else 'punkter'}"
    return f"en værdi af typen {type(value).__name__}"


# --- finding a field's model and title from an error location ---------------------------------------


def _unwrap(tp: Any) -> Any:
    """Strip ``Annotated[...]`` and ``X | None`` down to the type that matters."""
    while True:
        origin = get_origin(tp)
        if origin is Annotated:
            tp = get_args(tp)[0]
            continue
        if origin is Union or origin is types.UnionType:
            args = [a for a in get_args(tp) if a is not type(None)]
            if len(args) == 1:
                tp = args[0]
                continue
        return tp


def _walk(model: type[BaseModel] | None, loc: tuple[int | str, ...]) -> tuple[Any, FieldInfo | None]:
    """Follow ``loc`` through the model: the type at the end and the last named field on the way."""
    # Every list position leads to the same type: one walk serves all the items of a long list.
    return _walk_shape(model, tuple(0 if type(part) is int else part for part in loc))


@lru_cache(maxsize=1024)
def _walk_shape(model: type[BaseModel] | None, loc: tuple[int | str, ...]) -> tuple[Any, FieldInfo | None]:
    tp: Any = model
    field: FieldInfo | None = None
    for part in loc:
        tp = _unwrap(tp)
        origin, args = get_origin(tp), get_args(tp)
        if part == "[key]":
            continue
        if isinstance(tp, type) and issubclass(tp, BaseModel) and isinstance(part, str):
            field = tp.model_fields.get(part)
            if field is None:
                return None, None
            tp = field.annotation
        elif isinstance(part, int) and origin in (list, tuple, set, frozenset) and args:
            tp = args[0]
        elif origin is dict and len(args) == 2:
            tp = args[1]
        else:
            return None, None
    return _unwrap(tp), field


def _field(model: type[BaseModel] | None, loc: tuple[int | str, ...]) -> FieldInfo | None:
    return _walk(model, loc)[1]


def _field_names(model: type[BaseModel] | None, loc: tuple[int | str, ...]) -> list[str]:
    tp, _ = _walk(model, loc)
    if isinstance(tp, type) and issubclass(tp, BaseModel):
        return list(tp.model_fields)
    return []
