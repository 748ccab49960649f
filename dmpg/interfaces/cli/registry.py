"""``dmpg registry [--json]``: the established DMPGs, from the ledger.

Table columns (Danish, for the secretariat): name, DMPG since ("marts 2023"), clinical quality
database since, ICD-10 (consecutive categories shown as ranges, "F20–F29").
JSON: a list of ``{"name", "icd_codes", "database_since", "dmpg_since" (ISO date), "note",
"proposal"}`` in registry order (by DMPG start); ``proposal`` is the id of the proposal that
established the group, null for the seeded ones.
"""

from __future__ import annotations

import argparse
import json
from collections.abc import Sequence

from core.text import month_year
from models.ledger import ensure_schema
from models.ledger import registry_groups


def run(args: argparse.Namespace) -> int:
    ensure_schema()
    groups = registry_groups()
    if args.json:
        rows = [
            {
                "name": g.name,
                "icd_codes": list(g.icd_codes),
                "database_since": g.database_since,
                "dmpg_since": g.dmpg_since.isoformat(),
                "note": g.note,
                "proposal": g.proposal_id,
            }
            for g in groups
        ]
        print(json.dumps(rows, ensure_ascii=False, indent=2))
        return 0
    header = ("DMPG", "DMPG siden", "Klinisk database siden", "ICD-10")
    body = [(g.name, month_year(g.dmpg_since), g.database_since or "—", icd_ranges(g.icd_codes) or "—") for g in groups]
    print(format_table(header, body))
    print(f"\n{len(groups)} etablerede DMPG'er.")
    return 0



def icd_ranges(codes: Sequence[str]) -> str:
    """3-character categories as ranges: ``F20..F29`` -> ``"F20–F29"``, ``["F32", "F33", "F90"]`` ->
    ``"F32–F33, F90"``; anything else is shown as given."""
    parts: list[str] = []
    run_start = run_end = None
    for code in list(codes) + [None]:
        if code is not None and run_end is not None and _follows(run_end, code):
            run_end = code
            continue
        if run_start is not None:
            parts.append(run_start if run_start == run_end else f"{run_start}–{run_end}")
        run_start = run_end = code
    return ", ".join(parts)


def _follows(previous: str, code: str) -> bool:
    if len(previous) != 3 or len(code) != 3 or previous[0] != code[0]:
        return False
    if not (previous[1:].isdigit() and code[1:].isdigit()):
        return False
    return int(code[1:]) == int(previous[1:]) + 1


def format_table(header: Sequence[str], rows: Sequence[Sequence[str]]) -> str:
    """Plain aligned columns (readable in any terminal, and in a mail or a log when piped)."""
    widths = [max(len(str(cell)) for cell in column) for column in zip(header, *rows)]
    lines = ["  ".join(str(cell).ljust(w) for cell, w in zip(row, widths)).rstrip() for row in [header, *rows]]
    lines.insert(1, "  ".join("-" * w for w in widths))
    return "\n".join(lines)
