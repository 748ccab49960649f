"""Writing the proposal form (indstillingsskema) as a Word document, blank or filled, in the layout
that ``forms.wordform`` derives from the model (and reads back).
"""

from __future__ import annotations

import io
from pathlib import Path
from typing import Any

from docx.shared import Pt

from core.text import TYPED_DATE_HINT, typed_date
from dmpg.documents import docxstyle as house
from dmpg.documents.render import clean_text, write_atomically
from forms.proposal import ProposalForm
from forms.vocabulary import (
    DATABASE_STATUS_CHOICES,
    REGION_NAMES,
    REPRESENTS_CHOICES,
    TOPIC_KIND_CHOICES,
)
from forms.wordform import (
    BLANK_ROWS,
    EXTRA_ROWS,
    FORM_TITLE,
    GENERAL_SECTION,
    Cell,
    form_layout,
)

# ---------------------------------------------------------------- writing


def _display(value: Any, kind: str, path: tuple[str, ...]) -> str:
    if value is None:
        return ""
    if kind == "bool":
        return "Ja" if value else "Nej"
    if kind == "date":
        return typed_date(value)
    if kind == "list":
        return ", ".join(str(v) for v in value)
    return CHOICES.get(path[-1], {}).get(value, str(value))


# A choice is written as its Danish word (and read back as it, or as the code: forms.vocabulary).
CHOICES: dict[str, dict[str, str]] = {
    "region": REGION_NAMES, "represents": REPRESENTS_CHOICES, "kind": TOPIC_KIND_CHOICES,
    "status": DATABASE_STATUS_CHOICES,
}


def _get(data: dict | None, path: tuple[str, ...]) -> Any:
    for p in path:
        if not isinstance(data, dict):
            return None
        data = data.get(p)
    return data


def _help_line(cell: Cell) -> str:
    extra = {"bool": " Skriv Ja eller Nej.", "date": f" {TYPED_DATE_HINT}", "list": " Adskil med komma.",
             "int": " Et helt tal."}.get(cell.kind, "")
    return (cell.help + extra).strip()


def _write(form: ProposalForm | None, out: str | Path) -> Path:
    data = form.model_dump(mode="python") if form else None
    doc = house.new_document(FORM_TITLE)
    house.title_block(doc, "Indstillingsskema", "Forslag til ny DMPG (Danske Multidisciplinære Psykiatri Grupper)")
    intro = doc.add_paragraph()
    house.run(intro, "Udfyld felterne i højre kolonne. Hjælpeteksten under hvert felt forklarer, hvad der skal stå. "
                     "Lister (indstillere, retningslinjer, pladser) har én række pr. punkt; tilføj rækker i Word efter "
                     "behov. Ja/nej-felter udfyldes med Ja eller Nej, datoer som dd.mm.åååå (fx 14.01.2027). Felter, der ikke er "
                     "udfyldt, markeres af sekretariatets tjek af grundpræmisserne.", italic=True, size=Pt(9),
              colour=house.GREY)
    for section in form_layout():
        doc.add_heading(section.title, level=1)
        if section.help and section.title != GENERAL_SECTION:
            house.run(doc.add_paragraph(), section.help, italic=True, size=Pt(9), colour=house.GREY)
        for part in section.parts:
            if isinstance(part, list):
                table = doc.add_table(rows=0, cols=2)
                table.style = "Table Grid"
                for cell in part:
                    label, value = table.add_row().cells
                    house.label_cell(label, cell.label, _help_line(cell))
                    _set_text(value, _display(_get(data, cell.path), cell.kind, cell.path))
                house.set_widths(table, [6.0, 10.4])
            else:
                if part.title != section.title:
                    doc.add_heading(part.title, level=2)
                    if part.help:
                        house.run(doc.add_paragraph(), part.help, italic=True, size=Pt(9), colour=house.GREY)
                help_p = doc.add_paragraph()
                house.run(help_p, " · ".join(f"{c.label}: {_help_line(c)}" for c in part.columns),
                          italic=True, size=Pt(8), colour=house.GREY)
                items = _get(data, part.path) or [] if data else []
                n_rows = len(items) + EXTRA_ROWS if data else BLANK_ROWS.get(".".join(part.path), 3)
                table = doc.add_table(rows=1 + n_rows, cols=len(part.columns))
                table.style = "Table Grid"
                for i, col in enumerate(part.columns):
                    house.header_cell(table.rows[0].cells[i], col.label)
                house.set_widths(table, [16.4 / len(part.columns)] * len(part.columns))
                for r, item in enumerate(items, start=1):
                    for i, col in enumerate(part.columns):
                        _set_text(table.rows[r].cells[i], _display(_get(item, col.path), col.kind, col.path))
            doc.add_paragraph()
    house.make_danish(doc, FORM_TITLE)

    buf = io.BytesIO()
    doc.save(buf)
    out = Path(out)
    write_atomically(buf.getvalue(), out)
    return out


def _set_text(cell, text: str) -> None:
    lines = clean_text(text).split("\n")
    p = cell.paragraphs[0]
    for i, line in enumerate(lines):
        r = p.add_run(line)
        r.font.size = Pt(10)
        if i < len(lines) - 1:
            r.add_break()


def write_blank_form(out: str | Path) -> Path:
    """Write an empty, fillable indstillingsskema (.docx) to ``out``; return the path."""
    return _write(None, out)


def write_filled_form(form: ProposalForm, out: str | Path) -> Path:
    """Write ``form`` as a filled indstillingsskema (.docx) to ``out``; return the path."""
    return _write(form, out)
