"""``dmpg check FORM [--json]``: the premise check of a proposal form (contract: DESIGN.md).

Exit 0: submittable (no ``block``); 1: blocking findings; 2: the form is unreadable or invalid (raised
as ``InputError`` listing every problem; ``dmpg.cli`` prints it). ``--json`` prints exactly
``{"title", "submittable", "findings": [{"code", "severity", "message", "items"}]}``.

Must answer within 1 s, so it avoids SQLAlchemy: the established groups for the overlap check are
read from the SQLite ledger with the standard library (see :func:`read_registry_sqlite`).
"""

from __future__ import annotations

import argparse
import json
import re
import sqlite3
import sys
import textwrap
from datetime import date
from pathlib import Path

from core.errors import printable
from dmpg.cli._output import print_json, print_text
from forms.findings import Finding, submittable
from forms.loading import load_form
from forms.premises import check_premises
from forms.registry import SEED_GROUPS, RegistryEntry

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
    """The human report: the title, each finding (marker, code, message, items), then the verdict.

    Text from the form (the title, values quoted in messages) is shown on its own line with
    :func:`core.errors.printable`, so no line break, carriage return or escape sequence in it can
    start a line of its own, such as a forged verdict.
    """
    lines = [f"Indstillingsskema: {printable(title, newlines=False)}", ""]
    for f in findings:
        lines.append(f"[{MARKERS[f.severity]}] {f.code}")
        message = printable(f.message, newlines=False)
        lines += textwrap.wrap(message, width=width, initial_indent="    ", subsequent_indent="    ")
        if f.items:
            lines.append(f"    Punkter: {printable(', '.join(f.items), newlines=False)}")
        lines.append("")
    blocks = [f.code for f in findings if f.severity == "block"]
    if blocks:
        lines.append(f"Kan IKKE indsendes: {len(blocks)} blokerende mangel(er): {', '.join(blocks)}.")
    else:
        warns = sum(f.severity == "warn" for f in findings)
        lines.append("Kan indsendes: ingen blokerende mangler" + (f" ({warns} advarsel(er))." if warns else "."))
    return "\n".join(lines)


def load_registry() -> list[RegistryEntry]:
    """The established groups: from the ledger when it has them, else the seed groups of seed 001."""
    from core.settings import get_settings

    url = get_settings().ledger_url
    path = sqlite_path(url)
    try:
        if path is not None:
            groups = read_registry_sqlite(path)
        else:  # PostgreSQL etc.: go through the ledger module (slower start, but the only way)
            from models.ledger import list_registry

            groups = list_registry()
    except Exception as exc:  # noqa: BLE001 - the overlap check is advice; a ledger problem must not stop check
        print(f"dmpg check: could not read the registry from the ledger ({exc}); using the seed groups", file=sys.stderr)
        return list(SEED_GROUPS)
    return groups or list(SEED_GROUPS)


def sqlite_path(url: str) -> Path | None:
    """The file of a ``sqlite:///path`` URL; None for other databases and in-memory SQLite."""
    match = re.match(r"^sqlite(\+\w+)?:///([^?]+)", url)
    if not match or match.group(2) == ":memory:":
        return None
    return Path(match.group(2))


def read_registry_sqlite(path: Path) -> list[RegistryEntry]:
    """Rows of the ledger's ``registry`` table (``models.tables.RegistryGroup``), read-only, in
    the order of ``models.ledger.list_registry`` (DMPG start, then id).

    Returns [] when the ledger or the table does not exist yet. Never creates or changes the file.
    """
    if not path.is_file():
        return []
    con = sqlite3.connect(f"{path.resolve().as_uri()}?mode=ro", uri=True)
    try:
        rows = con.execute(
            "SELECT name, icd_codes, database_since, dmpg_since, note FROM registry ORDER BY dmpg_since, id"
        ).fetchall()
    except sqlite3.OperationalError as exc:
        if "no such table" in str(exc):
            return []
        raise
    finally:
        con.close()
    return [
        RegistryEntry(
            name=name,
            icd_codes=list(json.loads(codes) if isinstance(codes, str) else codes or []),
            database_since=database_since,
            dmpg_since=date.fromisoformat(str(since)[:10]),
            note=note,
        )
        for name, codes, database_since, since, note in rows
    ]
