"""The proposal form (indstillingsskema) in Word: its layout, derived from the model, and reading a
filled one back (writing it is ``dmpg.documents.wordform``).

Layout, derived from ``forms.proposal.ProposalForm`` (its Field titles are the labels and its
descriptions the help texts: one source of truth):

- one section per part of the form ("Forslaget", "Indstillere", "1) Emnevalg", "2) Opgaven i gruppen",
  "3) Sammensætning af deltagerkreds"), each with a heading;
- single values in *label | value* tables (the label cell carries the help text below the label;
  nested fields are labelled "Volumen › Patienter pr. år");
- lists of items (proposers, guidelines, seats) in tables with a header row of column labels and one
  row per item (add rows in Word for more); ICD-10 codes as a comma list; yes/no as "Ja"/"Nej";
  dates as dd.mm.åååå (also "3. december 2026" or 2026-12-03 when read back); choices as Danish words
  ("Pårørende", "Planlagt", "Diagnoseområde"; the codes are read too).

Reading finds tables by their labels, not by position, so a person may add rows, text or page breaks.
Problems are reported in the form's own words, e.g.
``("3) Sammensætning af deltagerkreds › Pladser, række 2 › Antal pladser", "forventede et helt tal, fik 'to'")``.

A .docx may be hostile. It is read with :func:`core.files.read_bounded` and its archive checked with
:func:`core.files.check_docx` before python-docx parses the checked bytes; then its tables are
counted before python-docx walks them, because python-docx repeats a cell once per grid column it
spans (``w:gridSpan="1000000000"``) and follows vertical merges row by row up the table.
"""

from __future__ import annotations

import io
import re
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import Annotated, Any, Union, get_args, get_origin

from pydantic import BaseModel, ValidationError

from core.errors import InputError
from core.files import MAX_DOCX_BYTES, check_docx, read_bounded
from core.text import (
    CONTROL_IN_TEXT,
    MAX_NUMBER_DIGITS,
    TYPED_DATE_FORMAT,
    danish_message,
    danish_number,
    date_problem,
    one_line,
    parse_danish_date,
)
from forms.proposal import ProposalForm
from forms.vocabulary import CHOICE_WORDS

FORM_TITLE = "Indstillingsskema — forslag til ny DMPG"
GENERAL_SECTION = "Forslaget"
SEP = " › "
BLANK_ROWS = {"proposers": 3, "tasks.guidelines": 5, "composition.seats": 12}
EXTRA_ROWS = 2  # empty rows after the items of a filled form, to add more in Word

# What reading walks, bounded (the form has 8 tables, at most 13 rows in one, about 110 cells).
MAX_TABLES = 200
MAX_ROWS = 200  # per table
MAX_CELLS = 2_000
MAX_SPAN = 63  # columns one cell may span: Word's own limit of columns in a table
MAX_MERGED = 50  # cells continuing a vertical merge: python-docx walks up the rows for each
UNREADABLE = "kan ikke læses som et Word-dokument (.docx)"
NOT_A_FORM = ("dokumentet ligner ikke et indstillingsskema: ingen af skemaets felter blev fundet (hent et tomt "
              "skema med 'dmpg form blank SKEMA.docx')")

# ---------------------------------------------------------------- the layout, from the model


@dataclass
class Cell:
    """One value: a label|value row, or a column of a list table."""

    path: tuple[str, ...]     # field names inside its owner (the form, or a list item)
    label: str                # as shown: "Volumen › Patienter pr. år" (rows) or "Antal pladser" (columns)
    help: str
    kind: str                 # str | int | bool | date | list


@dataclass
class ListTable:
    path: tuple[str, ...]     # e.g. ("composition", "seats")
    title: str                # "Pladser"
    help: str
    columns: list[Cell]


@dataclass
class Section:
    title: str
    help: str
    parts: list[Any] = field(default_factory=list)  # runs of Cell (one label|value table) and ListTable


def _unwrap(tp: Any) -> Any:
    while True:
        origin = get_origin(tp)
        if origin is Annotated:
            tp = get_args(tp)[0]
        elif origin is Union or type(tp).__name__ == "UnionType":
            args = [a for a in get_args(tp) if a is not type(None)]
            if len(args) != 1:
                return tp
            tp = args[0]
        else:
            return tp


def _is_model(tp: Any) -> bool:
    return isinstance(tp, type) and issubclass(tp, BaseModel)


def _value_kind(tp: Any) -> str:
    if tp is bool:
        return "bool"
    if tp is int:
        return "int"
    if tp is date:
        return "date"
    if get_origin(tp) is list:
        return "list"
    return "str"  # text, e-mail, and the vocabularies (Literal; the model validates them)


def _list_table(path: tuple[str, ...], f: Any) -> ListTable:
    item = _unwrap(get_args(_unwrap(f.annotation))[0])
    columns = [Cell((n,), cf.title or n, cf.description or "", _value_kind(_unwrap(cf.annotation)))
               for n, cf in item.model_fields.items()]
    return ListTable(path, f.title or path[-1], f.description or "", columns)


def _is_model_list(tp: Any) -> bool:
    return get_origin(tp) is list and _is_model(_unwrap(get_args(tp)[0]))


def _add_cell(section: Section, cell: Cell) -> None:
    # Consecutive single values share one label|value table.
    if section.parts and isinstance(section.parts[-1], list):
        section.parts[-1].append(cell)
    else:
        section.parts.append([cell])


def _cells(model: type[BaseModel], path: tuple[str, ...], prefix: list[str], section: Section) -> None:
    for name, f in model.model_fields.items():
        tp = _unwrap(f.annotation)
        title = f.title or name
        if _is_model(tp):
            _cells(tp, path + (name,), prefix + [title], section)
        elif _is_model_list(tp):
            section.parts.append(_list_table(path + (name,), f))
        else:
            _add_cell(section, Cell(path + (name,), SEP.join(prefix + [title]), f.description or "", _value_kind(tp)))


def form_layout() -> list[Section]:
    """The Word form's sections, derived from ``ProposalForm`` (see the module docstring)."""
    general = Section(GENERAL_SECTION, "Forslagets titel og dato for indsendelse.")
    sections = [general]
    for name, f in ProposalForm.model_fields.items():
        tp = _unwrap(f.annotation)
        if _is_model(tp):
            sec = Section(f.title or name, f.description or "")
            _cells(tp, (name,), [], sec)
            sections.append(sec)
        elif _is_model_list(tp):
            sections.append(Section(f.title or name, f.description or "", [_list_table((name,), f)]))
        else:
            _add_cell(general, Cell((name,), f.title or name, f.description or "", _value_kind(tp)))
    return sections


# ---------------------------------------------------------------- reading

_THOUSANDS = re.compile(r"^\d{1,3}([. ]\d{3})+$")


def _convert(text: str, kind: str) -> Any:
    """Word text -> a typed value; ``ValueError`` carries the Danish "what was expected" message."""
    if control := CONTROL_IN_TEXT.search(text):
        raise ValueError(f"indeholder kontroltegnet U+{ord(control.group()):04X} (tegn {control.start() + 1}); "
                         "fjern det (skemaet er almindelig tekst)")
    if kind == "int":
        compact = text.replace("\u00a0", " ").strip()
        if _THOUSANDS.match(compact):
            compact = re.sub(r"[. ]", "", compact)
        if re.fullmatch(r"[+-]?\d+", compact):
            if len(compact) > MAX_NUMBER_DIGITS:
                raise ValueError(f"forventede et helt tal, fik et tal med {len(compact):,} cifre")
            return int(compact)
        raise ValueError(f"forventede et helt tal, fik {_quoted(text)}")
    if kind == "bool":
        folded = text.strip().lower()
        if folded in ("ja", "j", "yes", "x"):
            return True
        if folded in ("nej", "n", "no"):
            return False
        raise ValueError(f"forventede Ja eller Nej, fik {_quoted(text)}")
    if kind == "date":
        try:
            return parse_danish_date(text)
        except ValueError:
            raise ValueError(date_problem(one_line(text, 60), TYPED_DATE_FORMAT)) from None
    if kind == "list":
        return [part for part in re.split(r"[,;\s]+", text) if part]
    return text


def _quoted(value: object) -> str:
    """A value as typed, in quotes, on one short line: a message must stay readable."""
    return f"'{one_line(value, 60)}'"


def _convert_at(path: tuple[str, ...], text: str, kind: str) -> Any:
    # A choice may be its Danish word ("Pårørende", "Planlagt", "Diagnoseområde") or its code: the
    # model's own validators (forms.vocabulary) accept both, whatever the form came from.
    return _convert(text, kind)


def _put(data: dict, path: tuple[str, ...], value: Any) -> None:
    for p in path[:-1]:
        data = data.setdefault(p, {})
    data[path[-1]] = value


def _cell_text(cell) -> str:
    return "\n".join(p.text for p in cell.paragraphs).strip()


def _label_text(cell) -> str:
    return cell.paragraphs[0].text.strip() if cell.paragraphs else ""


def read_form_docx(path: str | Path) -> ProposalForm:
    """Read a filled Word indstillingsskema into a validated :class:`ProposalForm`.

    Raises :class:`core.errors.InputError` listing every problem as (the Word form's label path,
    what was expected), e.g. ``("3) Sammensætning af deltagerkreds › Pladser, række 2 › Antal pladser",
    "forventede et helt tal, fik 'to'")``. Empty fields and empty rows are simply absent. A file that
    is not a Word document, or one too large or too odd to read safely, is one file-level problem.
    """
    source = str(path)
    doc = _open_docx(read_bounded(path, MAX_DOCX_BYTES, what="Word-skemaer (.docx)"), source)
    try:
        _check_tables(doc, source)
        data, problems, where = _read_tables(doc, source)
    except InputError:
        raise
    except Exception as exc:  # noqa: BLE001 - python-docx trips over malformed table XML in many ways
        raise InputError(source, [("", f"{UNREADABLE}: {exc}")]) from None
    try:
        form = ProposalForm.model_validate(data)
    except ValidationError as exc:
        problems += [(_name_of(tuple(e["loc"]), where), danish_message(e, CHOICE_WORDS))
                     for e in exc.errors(include_url=False)]
        form = None
    if problems:
        raise InputError(source, problems)
    return form


def _open_docx(raw: bytes, source: str):  # noqa: ANN202 - docx.document.Document, imported lazily
    """python-docx's document of ``raw``, once :func:`core.files.check_docx` has passed it."""
    try:
        check_docx(raw, source)
    except InputError as exc:
        raise InputError(source, [(path, f"{UNREADABLE}: {message}") for path, message in exc.problems]) from None
    try:
        # lazy: python-docx only for a .docx form: dmpg check, pending and status import this module
        from docx import Document

        return Document(io.BytesIO(raw))
    except Exception as exc:  # noqa: BLE001 - any failure to open means "not a readable Word file"
        raise InputError(source, [("", f"{UNREADABLE}: {exc}")]) from None


def _check_tables(doc, source: str) -> None:  # noqa: ANN001 - docx.document.Document
    """Refuse a document whose tables python-docx could not walk in bounded time and memory.
    Counted with XPath in lxml, so that no python-docx object is made for a hostile element."""
    body = doc.element.body
    if body is None:
        raise InputError(source, [("", NOT_A_FORM)])
    limits = [  # (what, an XPath counting it, the limit, how many the form has)
        ("tabeller", "count(.//w:tbl)", MAX_TABLES, 8),
        ("tabelceller", "count(.//w:tc)", MAX_CELLS, 110),
        ("lodret flettede celler", "count(.//w:tcPr/w:vMerge[not(@w:val='restart')])", MAX_MERGED, 0),
    ]
    for what, xpath, limit, usual in limits:
        count = int(body.xpath(xpath))
        if count > limit:
            raise InputError(source, [("", f"{UNREADABLE}: dokumentet har {danish_number(count)} {what}; skemaet "
                                           f"har {usual or 'ingen'} (højst {danish_number(limit)} læses) — er det "
                                           "den rigtige fil?")])
    if body.xpath(f"boolean(.//w:tbl[count(w:tr) > {MAX_ROWS}])"):
        raise InputError(source, [("", f"{UNREADABLE}: en tabel har mere end {MAX_ROWS} rækker; skemaets længste "
                                       "har 13 — er det den rigtige fil?")])
    for span in body.xpath(".//w:tcPr/w:gridSpan/@w:val"):
        if not (span.isdigit() and int(span) <= MAX_SPAN):
            raise InputError(source, [("", f"{UNREADABLE}: en tabelcelle spænder over {_quoted(span)} kolonner "
                                           f"(Word tillader højst {MAX_SPAN})")])


def _read_tables(doc, source: str) -> tuple[dict[str, Any], list[tuple[str, str]], dict[tuple, str]]:  # noqa: ANN001
    """The form's values from the document's tables, the problems converting them, and each model
    location's Word label path (to name pydantic's errors)."""
    rows: dict[str, tuple[Section, Cell]] = {}
    lists: dict[tuple[str, ...], tuple[Section, ListTable]] = {}
    for sec in form_layout():
        for part in sec.parts:
            if isinstance(part, list):
                rows.update({c.label: (sec, c) for c in part})
            else:
                lists[tuple(c.label for c in part.columns)] = (sec, part)

    data: dict[str, Any] = {}
    problems: list[tuple[str, str]] = []
    where: dict[tuple, str] = {}  # model location -> Word label path
    found = False
    for table in doc.tables:
        if not table.rows:
            continue
        header = tuple(_label_text(c) for c in table.rows[0].cells)
        if header in lists:
            found = True
            sec, lt = lists[header]
            items = []
            for number, row in enumerate(table.rows[1:], start=1):
                texts = [_cell_text(c) for c in row.cells]
                if not any(texts):
                    continue
                item: dict[str, Any] = {}
                name = f"{_join(sec.title, lt.title)}, række {number}"
                where[lt.path + (len(items),)] = name
                for col, text in zip(lt.columns, texts):
                    where[lt.path + (len(items),) + col.path] = f"{name}{SEP}{col.label}"
                    if text:
                        try:
                            _put(item, col.path, _convert_at(lt.path + col.path, text, col.kind))
                        except ValueError as exc:
                            problems.append((f"{name}{SEP}{col.label}", str(exc)))
                items.append(item)
            if items:
                _put(data, lt.path, items)
            continue
        for row in table.rows:
            cells = row.cells
            if len(cells) < 2:
                continue
            hit = rows.get(_label_text(cells[0]))
            if hit is None:
                continue
            found = True
            sec, cell = hit
            name = _join(sec.title, cell.label)
            where[cell.path] = name
            text = _cell_text(cells[1])
            if not text:
                continue
            try:
                _put(data, cell.path, _convert_at(cell.path, text, cell.kind))
            except ValueError as exc:
                problems.append((name, str(exc)))
    if not found:
        raise InputError(source, [("", NOT_A_FORM)])
    return data, problems, where


def open_docx(path: str | Path):  # noqa: ANN201 - docx.document.Document, imported lazily
    """python-docx's document of a Word file someone filled in (the proposal form, a meeting's minutes
    form), read the one bounded way (size limit, checked archive), so every limit on hostile files
    applies to all of them. ``InputError`` (one file-level problem) when it is not a readable Word file."""
    return _open_docx(read_bounded(path, MAX_DOCX_BYTES, what="Word-filer (.docx)"), str(path))


def _join(section: str, label: str) -> str:
    return label if section == label else f"{section}{SEP}{label}"


def _name_of(loc: tuple, where: dict[tuple, str]) -> str:
    """The Word label path of a pydantic error location (the longest known prefix)."""
    for n in range(len(loc), 0, -1):
        if loc[:n] in where:
            return where[loc[:n]] + "".join(f"{SEP}{p}" for p in loc[n:])
    if loc == ("title",):
        return _join(GENERAL_SECTION, ProposalForm.model_fields["title"].title)
    return ".".join(str(p) for p in loc)
