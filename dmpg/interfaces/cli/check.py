"""``dmpg check FORM [--json]``: the premise check of a proposal form (contract: DESIGN.md).

Exit 0: submittable (no ``block``); 1: blocking findings; 2: the form is unreadable or invalid (raised
as ``InputError`` listing every problem; ``dmpg.interfaces.cli`` prints it). ``--json`` prints exactly
``{"title", "submittable", "findings": [{"code", "severity", "message", "items"}]}``.

Must answer within 1 s, so it avoids SQLAlchemy: the established groups for the overlap check are
read from the ledger with the database's own driver (``models.ledger.quick``).
"""

from __future__ import annotations

import argparse
import sys
import textwrap
from datetime import date

from core.errors import printable
from core.text import join_danish, plural
from dmpg.interfaces.cli._output import print_json, print_text
from forms.findings import Finding, finding_title, readable_items, submittable
from forms.loading import load_form
from forms.premises import check_premises
from forms.registry import SEED_GROUPS, RegistryEntry
from models.ledger.quick import registry

MARKERS = {"block": "BLOKERER", "warn": "ADVARSEL", "info": "INFO"}


def run(args: argparse.Namespace) -> int:
    form = load_form(args.form)
    findings = check_premises(form, load_registry())
    ok = submittable(findings)
    if args.json:
        print_json({"title": form.title, "submittable": ok, "findings": [f.to_dict() for f in findings]})
    else:
        print_text(render_text(form.title, findings))
    return 0 if ok else 1


def render_text(title: str, findings: list[Finding], width: int = 100) -> str:
    """The human report, in Danish words only (``--json`` keeps the codes): the title, each finding
    (marker, what it is about, message, the items by their Danish names), then the verdict.

    Text from the form (the title, values quoted in messages) is shown on its own line with
    :func:`core.errors.printable`, so no line break, carriage return or escape sequence in it can
    start a line of its own, such as a forged verdict.
    """
    lines = [f"Indstillingsskema: {printable(title, newlines=False)}", ""]
    for f in findings:
        lines.append(f"[{MARKERS[f.severity]}] {finding_title(f.code)}")
        message = printable(f.message, newlines=False)
        lines += textwrap.wrap(message, width=width, initial_indent="    ", subsequent_indent="    ")
        items = readable_items(f.items)
        if items and not all(item.lower() in f.message.lower() for item in items):  # the message may name them
            lines += textwrap.wrap(f"Drejer sig om: {printable(', '.join(items), newlines=False)}", width=width,
                                   initial_indent="    ", subsequent_indent="    ")
        lines.append("")
    blocks = [finding_title(f.code).lower() for f in findings if f.severity == "block"]
    if blocks:
        lines.append(f"Kan IKKE indsendes: {plural(len(blocks), 'blokerende mangel', 'blokerende mangler')} "
                     f"({join_danish(blocks)}).")
    else:
        warns = sum(f.severity == "warn" for f in findings)
        lines.append("Kan indsendes: ingen blokerende mangler"
                     + (f" ({plural(warns, 'advarsel', 'advarsler')})." if warns else "."))
    return "\n".join(lines)


def load_registry() -> list[RegistryEntry]:
    """The established groups: from the ledger when it has them, else the seed groups of seed 001."""
    try:
        groups = [RegistryEntry(name=g["name"], icd_codes=g["icd_codes"], database_since=g["database_since"],
                                dmpg_since=date.fromisoformat(str(g["dmpg_since"])[:10]), note=g["note"])
                  for g in registry()]
    except Exception as exc:  # noqa: BLE001 - the overlap check is advice; a ledger problem must not stop check
        print(f"dmpg check: kunne ikke læse registret over DMPG'er i databasen ({exc}); bruger seed-grupperne",
              file=sys.stderr)
        return list(SEED_GROUPS)
    return groups or list(SEED_GROUPS)
