"""Read a proposal form (or any of our YAML/JSON inputs) and say precisely what is wrong with it.

Contract: every failure raises :class:`core.errors.InputError` listing EVERY problem as
``(field path, what was expected)``. Paths use dots for keys and ``[i]`` for list positions
(``proposers[0].region``, ``composition.seats[2].count``); file-level problems (missing file, YAML
syntax with line and column, empty file, a list at the top) have an empty path. Nothing is written.

The building blocks are reusable for other inputs (roster, gate decisions): :func:`read_data` reads
a file, :func:`validate_model` validates it against any pydantic model, and
:func:`describe_validation_error` turns a ``pydantic.ValidationError`` into the same plain problems.
"""

from __future__ import annotations

import difflib
import json
import re
import types
from datetime import date
from pathlib import Path
from typing import Annotated, Any, TypeVar, Union, get_args, get_origin

from pydantic import BaseModel, ValidationError
from pydantic.fields import FieldInfo

from core.errors import InputError
from forms.proposal import ProposalForm
from forms.vocabulary import REGION_NAMES

M = TypeVar("M", bound=BaseModel)

FORM_SUFFIXES: tuple[str, ...] = (".yaml", ".yml", ".json", ".docx")
DATA_SUFFIXES: tuple[str, ...] = (".yaml", ".yml", ".json")


# --- reading files -----------------------------------------------------------------------------


def load_form(path: str | Path) -> ProposalForm:
    """Read and validate a proposal form from ``.yaml``/``.yml``/``.json`` or a filled Word form (``.docx``)."""
    path = Path(path)
    _check_file(path, FORM_SUFFIXES)
    if path.suffix.lower() == ".docx":
        return _load_docx(path)
    return parse_form(read_data(path), str(path))


def parse_form(data: object, source: str) -> ProposalForm:
    """Validate already-read data (a dict from YAML/JSON/Word) as a form; ``source`` names it in errors."""
    return validate_model(ProposalForm, data, source)


def read_data(path: str | Path, suffixes: tuple[str, ...] = DATA_SUFFIXES) -> object:
    """The parsed content of a YAML or JSON file (chosen by suffix).

    YAML dates stay text (the models parse ``YYYY-MM-DD`` themselves, so a bad date is reported
    with its field path instead of as a YAML crash) and duplicate keys are errors, not silently
    overwritten.
    """
    path = Path(path)
    _check_file(path, suffixes)
    source = str(path)
    try:
        text = path.read_text(encoding="utf-8-sig")
    except UnicodeDecodeError as exc:
        raise InputError(source, [("", f"not UTF-8 text (byte {exc.start}); save the file as UTF-8")]) from None
    except OSError as exc:
        raise InputError(source, [("", f"cannot read the file: {exc.strerror or exc}")]) from None
    if not text.strip():
        raise InputError(source, [("", "the file is empty; expected fields such as 'title: ...'")])
    if path.suffix.lower() == ".json":
        return _parse_json(text, source)
    return _parse_yaml(text, source)


def validate_model(model: type[M], data: object, source: str) -> M:
    """``model.model_validate(data)``, with every problem reported as an :class:`InputError`."""
    if data is None:
        raise InputError(source, [("", "the file is empty; expected fields such as 'title: ...'")])
    if not isinstance(data, dict):
        fields = ", ".join(list(model.model_fields)[:4])
        raise InputError(
            source, [("", f"expected a mapping of fields at the top level ({fields}, ...), got {_describe(data)}")]
        )
    try:
        return model.model_validate(data)
    except ValidationError as exc:
        raise InputError(source, describe_validation_error(exc, model)) from None


def _check_file(path: Path, suffixes: tuple[str, ...]) -> None:
    source = str(path)
    if path.suffix.lower() not in suffixes:
        got = f"'{path.suffix}'" if path.suffix else "no extension"
        raise InputError(source, [("", f"expected a file ending in {', '.join(suffixes)}; got {got}")])
    if not path.exists():
        raise InputError(source, [("", "no such file")])
    if path.is_dir():
        raise InputError(source, [("", "is a directory, not a file")])


def _load_docx(path: Path) -> ProposalForm:
    # Lazy: python-docx is heavy, and `dmpg check` of a YAML form must start fast.
    from forms.wordform import read_form_docx

    return read_form_docx(path)


# --- YAML and JSON -----------------------------------------------------------------------------


def _yaml_loader() -> type:
    import yaml

    base = getattr(yaml, "CSafeLoader", yaml.SafeLoader)

    class StrictLoader(base):  # type: ignore[misc, valid-type]
        """Safe loading, dates as text, duplicate keys refused with their line."""

        def construct_mapping(self, node, deep=False):  # noqa: ANN001 - PyYAML's signature
            if isinstance(node, yaml.MappingNode):
                self.flatten_mapping(node)  # resolve '<<' merges first, as PyYAML does
            seen: set[object] = set()
            for key_node, _value in node.value:
                key = self.construct_object(key_node, deep=True)
                if not isinstance(key, (str, int, float, bool)):
                    continue
                if key in seen:
                    raise yaml.constructor.ConstructorError(
                        None, None, f"the key '{key}' appears twice in the same mapping", key_node.start_mark
                    )
                seen.add(key)
            return super().construct_mapping(node, deep=deep)

    timestamp = "tag:yaml.org,2002:timestamp"
    StrictLoader.yaml_implicit_resolvers = {
        first: [(tag, rx) for tag, rx in resolvers if tag != timestamp]
        for first, resolvers in yaml.SafeLoader.yaml_implicit_resolvers.items()
    }
    return StrictLoader


_LOADER: type | None = None


def _parse_yaml(text: str, source: str) -> object:
    import yaml

    global _LOADER
    _LOADER = _LOADER or _yaml_loader()
    try:
        return yaml.load(text, Loader=_LOADER)  # noqa: S506 - _LOADER derives from SafeLoader
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        where = f"line {mark.line + 1}, column {mark.column + 1}: " if mark else ""
        what = exc.problem or exc.context or "invalid YAML"
        context = ""
        if exc.context and exc.problem:
            start = exc.context_mark
            started = ""
            if start and start is not mark:
                started = f" that starts at line {start.line + 1}, column {start.column + 1}"
            context = f" ({exc.context}{started})"
        raise InputError(source, [("", f"YAML syntax error at {where}{what}{context}")]) from None
    except yaml.YAMLError as exc:
        raise InputError(source, [("", f"YAML syntax error: {exc}")]) from None


def _parse_json(text: str, source: str) -> object:
    def refuse_duplicates(pairs: list[tuple[str, Any]]) -> dict[str, Any]:
        out: dict[str, Any] = {}
        for key, value in pairs:
            if key in out:
                raise ValueError(f"the key '{key}' appears twice in the same object")
            out[key] = value
        return out

    try:
        return json.loads(text, object_pairs_hook=refuse_duplicates)
    except json.JSONDecodeError as exc:
        where = f"line {exc.lineno}, column {exc.colno}"
        raise InputError(source, [("", f"JSON syntax error at {where}: {exc.msg}")]) from None
    except ValueError as exc:
        raise InputError(source, [("", f"JSON error: {exc}")]) from None


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
            return f"unknown key '{value}': {_literal(ctx.get('expected', ''), value, show_got=False)}"
        return f"the key '{value}' is not allowed: {err.get('msg', 'invalid key')}"
    if kind == "missing":
        field = _field(model, loc)
        return "required" + (f" ({_label(field)})" if field is not None and field.title else "")
    if kind == "extra_forbidden":
        return _unknown_field(model, loc, value)
    if kind == "literal_error":
        return _literal(ctx.get("expected", ""), value)
    if kind in ("int_type", "int_parsing", "int_from_float"):
        return f"expected a whole number, got {_describe(value)}"
    if kind in ("float_type", "float_parsing"):
        return f"expected a number, got {_describe(value)}"
    if kind in ("string_type",):
        hint = " (put it in quotes if it is meant as text)" if isinstance(value, (int, float, bool)) else ""
        return f"expected text, got {_describe(value)}{hint}"
    if kind in ("bool_type", "bool_parsing"):
        return f"expected true or false, got {_describe(value)}"
    if kind in ("list_type", "tuple_type", "set_type"):
        hint = " (write [a, b] or one '- item' per line)" if isinstance(value, str) else ""
        return f"expected a list, got {_describe(value)}{hint}"
    if kind in ("model_type", "model_attributes_type", "dict_type"):
        fields = _field_names(model, loc)
        which = f" ({', '.join(fields[:5])}{', ...' if len(fields) > 5 else ''})" if fields else ""
        return f"expected a mapping of fields{which}, got {_describe(value)}"
    if kind.startswith("date") or kind.startswith("datetime"):
        return f"expected a date as YYYY-MM-DD (e.g. 2026-03-01), got {_describe(value)}"
    if kind in ("string_too_short", "too_short") and ctx.get("min_length", 1) <= 1:
        return "must not be empty" if kind == "string_too_short" else "must have at least one entry"
    if kind in ("too_short", "too_long"):
        count = len(value) if hasattr(value, "__len__") else "?"
        bound = f"at least {ctx.get('min_length')}" if kind == "too_short" else f"at most {ctx.get('max_length')}"
        return f"expected {bound} entries, got {count}"
    if kind in ("greater_than_equal", "greater_than", "less_than_equal", "less_than"):
        words = {"greater_than_equal": "at least", "greater_than": "more than",
                 "less_than_equal": "at most", "less_than": "less than"}[kind]
        limit = next(iter(ctx.values()), "?")
        return f"expected a number {words} {limit}, got {_describe(value)}"
    if kind == "value_error" and "email" in str(err.get("msg", "")).lower():
        reason = str(ctx.get("reason") or err.get("msg", "")).strip()
        return f"expected an e-mail address such as navn@example.dk, got {_describe(value)} ({reason})"
    return f"{err.get('msg', 'invalid value')}; got {_describe(value)}"


def _bad_key(key: object) -> str:
    if isinstance(key, bool):
        why = "YAML reads yes/no/on/off as true/false; put the name in quotes"
        return f"a field name must be text, got {str(key).lower()} ({why})"
    return f"a field name must be text, got {_describe(key)}"


def _literal(expected: str, value: object, show_got: bool = True) -> str:
    allowed = re.findall(r"'([^']*)'", expected)
    message = f"expected one of {', '.join(allowed)}"
    if set(allowed) == set(REGION_NAMES):
        message += " (or a name such as 'Region Sjælland')"
    if show_got:
        message += f"; got {_describe(value)}"
    if isinstance(value, str):
        close = difflib.get_close_matches(value, allowed, n=1, cutoff=0.6) or difflib.get_close_matches(
            value.lower(), [a.lower() for a in allowed], n=1, cutoff=0.6
        )
        if close:
            match = next(a for a in allowed if a.lower() == close[0].lower())
            message += f" (did you mean '{match}'?)"
    return message


def _unknown_field(model: type[BaseModel] | None, loc: tuple[int | str, ...], value: object) -> str:
    key = str(loc[-1]) if loc else ""
    allowed = _field_names(model, loc[:-1])
    close = difflib.get_close_matches(key, allowed, n=1, cutoff=0.6)
    if close:
        return f"unknown field (did you mean '{close[0]}'?)"
    if value is None and "name" in allowed and "," not in key:
        # YAML's flow style {name: A, B, email: ...} turns ", B" into a key without a value.
        return f"unknown field with no value; a name containing a comma must be quoted, e.g. name: \"..., {key}\""
    return f"unknown field (expected one of: {', '.join(allowed)})" if allowed else "unknown field"


def _label(field: FieldInfo) -> str:
    return f"{field.title}: {field.description}" if field.description else str(field.title)


def _describe(value: object) -> str:
    """A value as a user would recognise it: the text 'x', the number 2, true/false, a list …"""
    if value is None:
        return "nothing (empty value)"
    if isinstance(value, bool):
        return f"{'true' if value else 'false'} (yes/no)"
    if isinstance(value, int):
        return f"the number {value}"
    if isinstance(value, float):
        return f"the decimal number {value}"
    if isinstance(value, str):
        shown = value if len(value) <= 60 else value[:57] + "..."
        return f"the text '{shown}'"
    if isinstance(value, date):
        return f"the date {value.isoformat()}"
    if isinstance(value, dict):
        return "a mapping of fields"
    if isinstance(value, (list, tuple)):
        return f"a list of {len(value)} item(s)"
    return f"a {type(value).__name__}"


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
