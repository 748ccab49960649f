"""``dmpg form blank OUT.docx`` and ``dmpg form render FORM OUT.docx``: the indstillingsskema in Word.

``blank`` writes an empty, fillable form (labels and help texts from the form model); ``render``
fills it from a YAML/JSON form (validated first: an invalid form writes nothing). A filled form is
read back by ``dmpg check`` and ``dmpg propose``.
"""

from __future__ import annotations

import argparse
from pathlib import Path

from core.errors import UserError, printable
from dmpg.documents.wordform import write_blank_form, write_filled_form
from forms.loading import load_form


def _out(path: str) -> Path:
    out = Path(path)
    if out.suffix.lower() != ".docx":
        raise UserError(f"{out}: filen skal ende på .docx")
    if out.exists() and out.is_dir():
        raise UserError(f"{out}: er en mappe; angiv et filnavn, der ender på .docx")
    if not out.parent.exists():
        raise UserError(f"{out}: mappen {out.parent} findes ikke")
    return out


def run(args: argparse.Namespace) -> int:
    if args.form_command == "blank":
        out = write_blank_form(_out(args.out))
        print(f"Tomt indstillingsskema skrevet: {out}")
        return 0

    if Path(args.form).suffix.lower() == ".docx":
        raise UserError(f"{args.form}: er allerede et Word-skema; angiv YAML- eller JSON-skemaet, der skal udfyldes i Word")
    out_path = _out(args.out)
    form = load_form(args.form)
    out = write_filled_form(form, out_path)
    print(f"Indstillingsskema »{printable(form.title, newlines=False)}« skrevet: {out}")
    return 0
