"""Printing for the CLI: JSON for scripts, plain aligned tables and text for people.

Everything printed here may carry text from a user's file (a form's title, a person's name), so it
goes through :func:`core.errors.printable`: a control character or escape sequence is shown as
``\\uXXXX`` and never acts on the terminal. In JSON that is the string's own escape, so the JSON stays
exactly the data.
"""

from __future__ import annotations

import json
import sys
from collections.abc import Sequence
from datetime import date, datetime
from typing import Any

from core.errors import printable


def _default(value: Any) -> str:
    if isinstance(value, (datetime, date)):
        return value.isoformat()
    return str(value)


def print_json(data: Any) -> None:
    # json.dumps escapes C0 controls itself but leaves C1 controls and bidi marks raw (ensure_ascii=False).
    sys.stdout.write(printable(json.dumps(data, ensure_ascii=False, indent=2, default=_default)) + "\n")


def print_text(text: str) -> None:
    """Print a report for people; its lines stay lines, anything else a terminal would act on is shown."""
    print(printable(text))


def print_table(headers: Sequence[str], rows: Sequence[Sequence[Any]]) -> None:
    def cell(value: Any) -> str:
        return "" if value is None else printable(str(value), newlines=False)

    cells = [[cell(h) for h in headers]] + [[cell(c) for c in row] for row in rows]
    widths = [max(len(r[i]) for r in cells) for i in range(len(headers))]
    for n, row in enumerate(cells):
        print("  ".join(c.ljust(w) for c, w in zip(row, widths)).rstrip())
        if n == 0:
            print("  ".join("-" * w for w in widths))
