"""``dmpg report OUT.docx [--from DATE --to DATE] [--json | --csv]``: the status report (contract:
DESIGN.md), written as a Word document the secretariat can send as it is; ``--json`` and ``--csv``
print the same figures (``dmpg.report``). The period defaults to the three months up to today; the
figures are the ledger's as it stood at the period's end.

Exit 0 when the report was written; 2 for a bad date or period (a Danish message naming the option) or
an output that cannot be written.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from core import clock
from core.errors import UserError, printable
from dmpg.interfaces.cli._output import print_json
from dmpg.report.document import build, to_csv, write_docx
from dmpg.report.figures import period_of
from models.ledger import ensure_schema


def run(args: argparse.Namespace) -> int:
    out = Path(args.out)
    if out.suffix.lower() != ".docx":
        raise UserError(f"OUT.docx: rapporten skrives som Word-fil (.docx), fik '{args.out}'")
    period = period_of(args.start, args.end, clock.today())
    ensure_schema()
    report = build(period)
    try:
        write_docx(report, out)
    except OSError as exc:
        raise UserError(f"kan ikke skrive {out}: {exc.strerror or exc}") from None
    if args.json:
        print_json(report.to_json())
    elif args.csv:
        sys.stdout.write(printable(to_csv(report)))
    else:
        s = report.summary
        print(printable(f"Statusrapport for {report.period['label']} skrevet: {out}"))
        print(f"  {s['submitted']} nye forslag, {s['decisions']} beslutninger, {s['established']} etableret, "
              f"{s['rejected']} afvist")
        print(f"  Pr. {report.period['as_of_day']}: {s['in_process']} forslag i proces, "
              f"{s['overdue']} overskredne frister")
    return 0
