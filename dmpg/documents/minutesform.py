"""Writing a meeting's minutes form (referatskema) in Word, in the layout ``forms.minutesform`` reads back."""

from __future__ import annotations

import io
from typing import Any

from docx.shared import Pt

from core.text import danish_date, typed_date
from dmpg.documents import docxstyle as house
from dmpg.documents.render import clean_text
from forms.minutesform import COLUMNS, DATE_LABEL, MEETING_LABEL, TABLE, choices_help


def minutes_form_bytes(context: dict[str, Any]) -> bytes:
    """The minutes form of a meeting as .docx bytes; ``context`` is ``compose_meeting_context``'s
    (``meeting``, ``agenda``) plus ``body`` (the roster body)."""
    m = context["meeting"]
    doc = house.new_document(f"{m['id']} · Referatskema · Version {context.get('version', 1)}")
    house.title_block(doc, "Referatskema", clean_text(f"{m['title']} {danish_date(m['date'], weekday=True)}"))
    house.run(doc.add_paragraph(),
              "Skriv for hvert behandlet forslag beslutningen og begrundelsen (til beslutningsreferatet). Gem filen, "
              f"og registrér referatet med: dmpg meeting record {m['id']} --minutes referat.docx --by din@email.dk",
              italic=True, size=Pt(9), colour=house.GREY)
    info = doc.add_table(rows=0, cols=2)
    info.style = "Table Grid"
    for label, value in ((MEETING_LABEL, m["id"]), (DATE_LABEL, typed_date(m["date"]))):
        cells = info.add_row().cells
        house.label_cell(cells[0], label)
        house.run(cells[1].paragraphs[0], value, size=Pt(10))
    house.set_widths(info, [5.0, 11.4])
    doc.add_heading(TABLE, level=1)
    house.run(doc.add_paragraph(), choices_help(context["body"]), italic=True, size=Pt(8), colour=house.GREY)
    table = doc.add_table(rows=1 + len(context["agenda"]), cols=len(COLUMNS))
    table.style = "Table Grid"
    for i, (label, _) in enumerate(COLUMNS):
        house.header_cell(table.rows[0].cells[i], label)
    for r, item in enumerate(context["agenda"], start=1):
        for i, text in enumerate((str(item["number"]), item["proposal_id"], clean_text(item["title"]))):
            house.run(table.rows[r].cells[i].paragraphs[0], text, size=Pt(10))
    house.set_widths(table, [1.2, 3.2, 3.8, 3.0, 5.2])
    house.make_danish(doc, f"Referatskema, {m['title']}")
    buf = io.BytesIO()
    doc.save(buf)
    return buf.getvalue()
