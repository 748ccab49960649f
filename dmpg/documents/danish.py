"""Danish dates as official documents write them: "3. december 2026" (no leading zero, month in lower case)."""

from __future__ import annotations

import re
from datetime import date, datetime

MONTHS: tuple[str, ...] = (
    "januar", "februar", "marts", "april", "maj", "juni",
    "juli", "august", "september", "oktober", "november", "december",
)
WEEKDAYS: tuple[str, ...] = ("mandag", "tirsdag", "onsdag", "torsdag", "fredag", "lørdag", "søndag")


def _as_date(value: date | datetime | str) -> date:
    if isinstance(value, datetime):
        return value.date()
    if isinstance(value, date):
        return value
    if isinstance(value, str):
        return date.fromisoformat(value.strip()[:10])
    raise TypeError(f"expected a date, got {type(value).__name__}")


def danish_date(value: date | datetime | str | None, weekday: bool = False) -> str:
    """``date(2026, 12, 3)`` -> ``"3. december 2026"`` (``weekday=True``: ``"torsdag den 3. december 2026"``).

    Accepts dates, datetimes and ISO strings; ``None`` and ``""`` give ``""`` so an optional date in a
    template renders as nothing rather than failing.
    """
    if value is None or value == "":
        return ""
    d = _as_date(value)
    text = f"{d.day}. {MONTHS[d.month - 1]} {d.year}"
    return f"{WEEKDAYS[d.weekday()]} den {text}" if weekday else text


_DANISH_DATE = re.compile(r"^\s*(\d{1,2})\.\s*([a-zæøå]+)\s+(\d{4})\s*$", re.IGNORECASE)
_NUMERIC_DATE = re.compile(r"^\s*(\d{1,2})[./-](\d{1,2})[./-](\d{4})\s*$")


def parse_danish_date(text: str) -> date:
    """The inverse, lenient: ``"2026-12-03"``, ``"3. december 2026"``, ``"3.12.2026"`` or ``"3/12/2026"``.

    Raises ``ValueError`` for anything else (callers turn it into a message naming the field).
    """
    text = text.strip()
    try:
        return date.fromisoformat(text)
    except ValueError:
        pass
    if m := _DANISH_DATE.match(text):
        month = m.group(2).lower()
        if month in MONTHS:
            return date(int(m.group(3)), MONTHS.index(month) + 1, int(m.group(1)))
    if m := _NUMERIC_DATE.match(text):
        return date(int(m.group(3)), int(m.group(2)), int(m.group(1)))
    raise ValueError(text)


def join_danish(items: list[str]) -> str:
    """``["a", "b", "c"]`` -> ``"a, b og c"``."""
    items = [i for i in items if i]
    if len(items) <= 1:
        return "".join(items)
    return ", ".join(items[:-1]) + " og " + items[-1]
