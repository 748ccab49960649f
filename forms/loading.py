"""Read a proposal form (or any of our YAML/JSON inputs) and say precisely what is wrong with it.

Contract: every failure raises :class:`core.errors.InputError` listing EVERY problem as
``(field path, what was expected)``, in Danish (the secretariat reads them). Paths use dots for keys and ``[i]`` for list positions
(``proposers[0].region``, ``composition.seats[2].count``); file-level problems (missing file, YAML
syntax with line and column, empty file, a list at the top) have an empty path. Nothing is written.

A file may be hostile, and reading it stays bounded: :func:`core.files.read_bounded` reads only
regular files of at most ``MAX_TEXT_BYTES``; before YAML is composed its nesting depth and what its
aliases expand to are counted on the parser's events (libyaml's composer recurses in C and crashes
on deep nesting; aliases can expand a kilobyte into billions of values); JSON is held to the same
depth and size; numbers have at most ``MAX_NUMBER_DIGITS`` digits; text holds no control characters.
Messages name the problem and never quote a file that is not a form (a link to a system file).

The building blocks are reusable for other inputs (roster, gate decisions, uploads):
:func:`read_data` reads a file, :func:`parse_data` parses bytes already read, :func:`validate_model`
validates the data against any pydantic model, and :func:`describe_validation_error` turns a
``pydantic.ValidationError`` into the same plain problems.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any, TypeVar

import yaml
from pydantic import BaseModel, ValidationError

from core.errors import InputError
from core.files import MAX_TEXT_BYTES, read_bounded
from core.text import CONTROL_IN_TEXT, MAX_NUMBER_DIGITS, danish_number
from forms.proposal import ProposalForm
from forms.validation import _describe, describe_validation_error, format_path
from forms.wordform import read_form_docx

M = TypeVar("M", bound=BaseModel)

FORM_SUFFIXES: tuple[str, ...] = (".yaml", ".yml", ".json", ".docx")
DATA_SUFFIXES: tuple[str, ...] = (".yaml", ".yml", ".json")

MAX_DEPTH = 20  # mappings and lists inside each other; a form nests 4 (composition.seats[0]), a roster 3
MAX_VALUES = 20_000  # values and keys, aliases expanded; a form holds about 150, a roster a few hundred

# In a file, tab, line feed, carriage return and NEL (U+0085) are line layout, as in YAML
# (in a value, ``CONTROL_IN_TEXT`` holds: a carriage return must end a line there).
_CONTROL_IN_FILE = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x84\x86-\x9f]")


# --- reading files -----------------------------------------------------------------------------


def load_form(path: str | Path) -> ProposalForm:
    """Read and validate a proposal form from ``.yaml``/``.yml``/``.json`` or a filled Word form (``.docx``)."""
    path = Path(path)
    _check_suffix(path, FORM_SUFFIXES)
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
    _check_suffix(path, suffixes)
    raw = read_bounded(path, MAX_TEXT_BYTES, what="YAML- og JSON-filer")
    return parse_data(raw, path.suffix, str(path))


def parse_data(raw: bytes, suffix: str, source: str) -> object:
    """The parsed content of ``raw``, YAML or JSON by ``suffix`` (``.json`` is JSON), as
    :func:`read_data` returns it; ``source`` names the input in errors."""
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise InputError(source, [("", f"ikke UTF-8-tekst (byte {exc.start}); gem filen som UTF-8")]) from None
    if not text.strip():
        raise InputError(source, [("", "filen er tom; forventede felter som 'title: ...'")])
    if control := _CONTROL_IN_FILE.search(text):
        raise InputError(source, [("", f"{_position(text, control.start())}: filen indeholder "
                                       f"{_control_character(control.group())}; YAML- og JSON-filer er "
                                       "almindelig tekst — er det den rigtige fil?")])
    data = _parse_json(text, source) if suffix.lower() == ".json" else _parse_yaml(text, source)
    check_values(data, source)
    return data


def check_values(data: object, source: str) -> None:
    """Refuse (``InputError``) parsed data nested deeper than ``MAX_DEPTH``, holding more than
    ``MAX_VALUES`` values, or with control characters in its text (each named by its field path)."""
    for count, (loc, value) in enumerate(_values_with_locations(data), start=1):
        if count > MAX_VALUES:
            raise InputError(source, [("", _too_many_values())])
        if isinstance(value, (dict, list)) and len(loc) >= MAX_DEPTH:
            raise InputError(source, [(format_path(loc), _too_deep())])
    problems = [
        (format_path(loc), f"indeholder {_describe_control(control)}; fjern det (skemaer er almindelig tekst)")
        for loc, value in _values_with_locations(data)
        if isinstance(value, str) and (control := CONTROL_IN_TEXT.search(value))
    ]
    if problems:
        raise InputError(source, problems)


def _describe_control(control: re.Match[str]) -> str:
    """A match of ``CONTROL_IN_TEXT`` in words: which character, where (1-based)."""
    return f"{_control_character(control.group())} ved tegn {control.start() + 1}"


def _values_with_locations(data: object) -> Iterator[tuple[tuple[int | str, ...], object]]:
    """Every value in ``data`` with its location, in document order, without recursion (mapping
    keys count as values too, at the location of their value)."""
    todo: list[tuple[tuple[int | str, ...], object]] = [((), data)]
    while todo:
        loc, value = todo.pop()
        yield loc, value
        if isinstance(value, dict):
            children = [pair for key, item in value.items() for pair in (((*loc, key), key), ((*loc, key), item))]
        elif isinstance(value, list):
            children = [((*loc, index), item) for index, item in enumerate(value)]
        else:
            continue
        todo += reversed(children)


def validate_model(model: type[M], data: object, source: str) -> M:
    """``model.model_validate(data)``, with every problem reported as an :class:`InputError`."""
    if data is None:
        raise InputError(source, [("", "filen er tom; forventede felter som 'title: ...'")])
    if not isinstance(data, dict):
        fields = ", ".join(list(model.model_fields)[:4])
        # Never quote the text: a wrong file (a link to a system file) must not be shown.
        got = "almindelig tekst (er det den rigtige fil?)" if isinstance(data, str) else _describe(data)
        raise InputError(source, [("", f"forventede felter øverst i filen ({fields}, ...), fik {got}")])
    try:
        return model.model_validate(data)
    except ValidationError as exc:
        raise InputError(source, describe_validation_error(exc, model)) from None


def _check_suffix(path: Path, suffixes: tuple[str, ...]) -> None:
    if path.suffix.lower() not in suffixes:
        got = f"'{path.suffix}'" if path.suffix else "ingen endelse"
        raise InputError(str(path), [("", f"forventede en fil, der ender på {', '.join(suffixes)}; fik {got}")])


def _load_docx(path: Path) -> ProposalForm:
    # Lazy: python-docx is heavy, and `dmpg check` of a YAML form must start fast.
    return read_form_docx(path)


# --- YAML and JSON -----------------------------------------------------------------------------


def _yaml_loader() -> type:
    base = getattr(yaml, "CSafeLoader", yaml.SafeLoader)

    class StrictLoader(base):  # type: ignore[misc, valid-type]
        """Safe loading, dates as text, duplicate keys refused with their line, numbers of at most
        ``MAX_NUMBER_DIGITS`` digits."""

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
                        None, None, f"nøglen '{key}' står to gange i samme afsnit", key_node.start_mark
                    )
                seen.add(key)
            return super().construct_mapping(node, deep=deep)

        def construct_yaml_int(self, node):  # noqa: ANN001 - PyYAML's signature
            if len(node.value) > MAX_NUMBER_DIGITS:
                raise yaml.constructor.ConstructorError(None, None, _too_long_number(len(node.value)), node.start_mark)
            return super().construct_yaml_int(node)

    StrictLoader.add_constructor("tag:yaml.org,2002:int", StrictLoader.construct_yaml_int)
    timestamp = "tag:yaml.org,2002:timestamp"
    StrictLoader.yaml_implicit_resolvers = {
        first: [(tag, rx) for tag, rx in resolvers if tag != timestamp]
        for first, resolvers in yaml.SafeLoader.yaml_implicit_resolvers.items()
    }
    return StrictLoader


_LOADER: type | None = None


def _parse_yaml(text: str, source: str) -> object:
    global _LOADER
    _LOADER = _LOADER or _yaml_loader()
    try:
        _check_yaml_events(yaml.parse(text, Loader=_LOADER), source)
        return yaml.load(text, Loader=_LOADER)  # noqa: S506 - _LOADER derives from SafeLoader
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        where = f"{_mark(mark)}: " if mark else ""
        what = exc.problem or exc.context or "ugyldig YAML"
        context = ""
        if exc.context and exc.problem:
            start = exc.context_mark
            started = ""
            if start and start is not mark:
                started = f", der begynder {_mark(start)}"
            context = f" ({exc.context}{started})"
        raise InputError(source, [("", f"YAML-syntaksfejl {where}{what}{context}")]) from None
    except yaml.reader.ReaderError as exc:  # a character YAML does not allow (the file is already UTF-8)
        character = f"U+{exc.character:04X}" if isinstance(exc.character, int) else "et tegn"
        raise InputError(source, [("", f"YAML-syntaksfejl: {character} er ikke tilladt i YAML ({exc.reason})")]) from None
    except yaml.YAMLError as exc:
        raise InputError(source, [("", f"YAML-syntaksfejl: {exc}")]) from None


def _check_yaml_events(events: Iterator[Any], source: str) -> None:
    """Count depth and values on the parser's events, before anything is composed, and stop at the
    first excess: libyaml's composer recurses in C (a 60 kB file of '[' crashes the process), and an
    alias (``*name``) repeats its anchor's whole value (the 'billion laughs' pattern). A recursive
    alias (a value containing itself) is refused too. Only the first document is counted: the
    loader refuses a second one."""
    values = 0  # scalars, keys and collections, each alias counting as the value it repeats
    open_collections: list[tuple[str | None, int]] = []  # (anchor, values before it) per open collection
    sizes: dict[str, int] = {}  # anchor -> how many values it stands for
    aliased = False
    for event in events:
        if isinstance(event, yaml.DocumentEndEvent):
            return
        if isinstance(event, yaml.AliasEvent):
            if any(anchor == event.anchor for anchor, _ in open_collections):
                raise InputError(source, [("", f"YAML-fejl {_mark(event.start_mark)}: aliaset "
                                               f"*{event.anchor} står inde i den værdi, det gentager")])
            values += sizes.get(event.anchor, 1)  # an unknown anchor: the composer names it
            aliased = True
        elif isinstance(event, yaml.ScalarEvent):
            values += 1
            if event.anchor:
                sizes[event.anchor] = 1
        elif isinstance(event, yaml.CollectionStartEvent):
            values += 1
            if len(open_collections) >= MAX_DEPTH:
                raise InputError(source, [("", f"YAML-fejl {_mark(event.start_mark)}: {_too_deep()}")])
            open_collections.append((event.anchor, values))
        elif isinstance(event, yaml.CollectionEndEvent):
            anchor, before = open_collections.pop()
            if anchor:
                sizes[anchor] = values - before + 1
        if values > MAX_VALUES:
            how = " (hver værdi, et alias som *navn gentager, tæller med)" if aliased else ""
            raise InputError(source, [("", f"YAML-fejl {_mark(event.start_mark)}: {_too_many_values(how)}")])


def _parse_json(text: str, source: str) -> object:
    def refuse_duplicates(pairs: list[tuple[str, Any]]) -> dict[str, Any]:
        out: dict[str, Any] = {}
        for key, value in pairs:
            if key in out:
                raise ValueError(f"nøglen '{key}' står to gange i samme objekt")
            out[key] = value
        return out

    def bounded_int(digits: str) -> int:
        if len(digits) > MAX_NUMBER_DIGITS:
            raise ValueError(_too_long_number(len(digits)))
        return int(digits)

    try:
        return json.loads(text, object_pairs_hook=refuse_duplicates, parse_int=bounded_int)
    except json.JSONDecodeError as exc:
        where = f"linje {exc.lineno}, kolonne {exc.colno}"
        raise InputError(source, [("", f"JSON-syntaksfejl i {where}: {exc.msg}")]) from None
    except RecursionError:  # the C decoder stops near 1000 levels: far beyond MAX_DEPTH
        raise InputError(source, [("", _too_deep())]) from None
    except ValueError as exc:
        raise InputError(source, [("", f"JSON-fejl: {exc}")]) from None


# --- file-level messages ------------------------------------------------------------------------


def _mark(mark: Any) -> str:
    return f"i linje {mark.line + 1}, kolonne {mark.column + 1}"


def _position(text: str, index: int) -> str:
    line = text.count("\n", 0, index) + 1
    column = index - text.rfind("\n", 0, index)
    return f"linje {line}, kolonne {column}"


def _control_character(char: str) -> str:
    if char == "\r":
        return "et linjeskift-tegn (U+000D), der ikke afslutter en linje"
    return f"kontroltegnet U+{ord(char):04X}"


def _too_deep() -> str:
    return f"indlejret mere end {MAX_DEPTH} niveauer (et skema har 4) — er det den rigtige fil?"


def _too_many_values(how: str = "") -> str:
    return f"mere end {danish_number(MAX_VALUES)} værdier{how}; et skema har nogle hundrede — er det den rigtige fil?"


def _too_long_number(digits: int) -> str:
    return f"et tal på {danish_number(digits)} tegn; tal her har højst {MAX_NUMBER_DIGITS} cifre"
