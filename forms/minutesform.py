"""A meeting's minutes form (referatskema) in Word: its layout, and reading a filled one back into the
minutes' data (writing it is ``dmpg.documents.minutesform``), in the style of the proposal form
(``forms.wordform``): found by its labels, not by position; opened through ``forms.wordform.open_docx``.

Layout: a *label | value* table with ``Møde`` (the meeting id) and ``Dato``; then the decisions table,
one row per agenda item, columns ``Nr.``, ``Sag`` (the proposal id), ``Forslag`` (its title),
``Beslutning`` (the gate's choice: its Danish label, e.g. ``Godkendt``, or its code, e.g.
``approve``) and ``Begrundelse``. A row whose decision and reason are both empty is not in the
minutes (that proposal keeps waiting). Problems name the row in the form's words:
``Beslutninger, række 2 › Begrundelse``.
"""

from __future__ import annotations

from pathlib import Path

from core.errors import InputError
from core.text import join_danish
from forms.meetings import Naming, meeting_gate
from forms.wordform import _cell_text, _label_text, open_docx

MEETING_LABEL, DATE_LABEL = "Møde", "Dato"
TABLE = "Beslutninger"
COLUMNS: tuple[tuple[str, str | None], ...] = (  # (label, minutes field or None: shown, not read)
    ("Nr.", None), ("Sag", "proposal"), ("Forslag", None), ("Beslutning", "decision"), ("Begrundelse", "rationale"),
)
LABELS = {name: label for label, name in COLUMNS if name}


def choices_help(body: str) -> str:
    """The help line under the decisions table: the gate's choices by their Danish labels (the codes
    are read back too)."""
    g = meeting_gate(body)
    return "Beslutning: " + join_danish([o.label for o in g.outcomes], "eller") + \
        ". Tom beslutning og begrundelse: forslaget er ikke behandlet og venter fortsat."


def read_minutes_docx(path: str | Path, body: str) -> tuple[dict, Naming]:
    """The minutes in a filled minutes form as ``{"meeting", "decisions": [...]}`` and how to name its rows."""
    source = str(path)
    doc = open_docx(path)
    aliases = {o.label.lower(): o.code for o in meeting_gate(body).outcomes}
    header = tuple(label for label, _ in COLUMNS)
    data: dict = {}
    rows: list[str] = []
    found = False
    for table in doc.tables:
        if not table.rows:
            continue
        if tuple(_label_text(c) for c in table.rows[0].cells) == header:
            found = True
            decisions = []
            for number, row in enumerate(table.rows[1:], start=1):
                texts = dict(zip([name for _, name in COLUMNS], (_cell_text(c) for c in row.cells)))
                if not texts.get("decision") and not texts.get("rationale"):
                    continue
                decision = texts.get("decision", "")
                decisions.append({"proposal": texts.get("proposal", ""),
                                  "decision": aliases.get(decision.strip().lower(), decision),
                                  "rationale": texts.get("rationale", "")})
                rows.append(f"{TABLE}, række {number}")
            data["decisions"] = decisions
            continue
        for row in table.rows:
            if len(row.cells) >= 2 and _label_text(row.cells[0]) == MEETING_LABEL:
                data["meeting"] = _cell_text(row.cells[1])
    if not found:
        raise InputError(source, [("", "dokumentet er ikke et mødes referatskema: der er ingen tabel med "
                                       f"kolonnerne {', '.join(header)} (hent skemaet med 'dmpg meeting form MØDE')")])
    return data, Naming(rows=rows, labels=LABELS)
