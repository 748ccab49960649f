"""Danish text, written once: dates as official letters write them, lists joined with "og",
numbers with a thousands dot, and the ASCII transliteration (æ -> ae, ø -> oe, å -> aa) that slugs,
file names and case-insensitive comparisons share.

Standard library only: the CLI's start-up path imports this module.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Mapping
from datetime import date, datetime
from typing import Any

MONTHS: tuple[str, ...] = (
    "januar", "februar", "marts", "april", "maj", "juni",
    "juli", "august", "september", "oktober", "november", "december",
)
WEEKDAYS: tuple[str, ...] = ("mandag", "tirsdag", "onsdag", "torsdag", "fredag", "lørdag", "søndag")

MAX_NUMBER_DIGITS = 100  # longer digit strings make int() slow (YAML's base 60) or refused by Python

# Control characters are never text: they act on a terminal, and Word cannot hold most of them.
# A carriage return must end a line: alone it returns to the start of a terminal line.
CONTROL_IN_TEXT = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f]|\r(?!\n)")

_DANISH_LETTERS = str.maketrans({"æ": "ae", "ø": "oe", "å": "aa", "Æ": "Ae", "Ø": "Oe", "Å": "Aa"})


# --- transliteration ------------------------------------------------------------------------------


def transliterate(text: str) -> str:
    """ASCII with the Danish letters spelt out: 'Pårørende Æblø' -> 'Paaroerende Aebloe'; other
    accents are dropped ('é' -> 'e'), characters without an ASCII form vanish."""
    text = text.translate(_DANISH_LETTERS)
    return unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode()


def fold(text: str) -> str:
    """Lower-case ASCII for comparing names: 'Region Sjælland ' -> 'region sjaelland'."""
    return transliterate(text.strip().lower())


def slugify(text: str, max_length: int = 120, fallback: str = "dmpg") -> str:
    """A lower-case ASCII slug: 'Spiseforstyrrelser for børn' -> 'spiseforstyrrelser-for-boern'; never empty."""
    slug = re.sub(r"[^a-z0-9]+", "-", fold(text)).strip("-")
    return slug[:max_length].rstrip("-") or fallback


def ascii_name(text: str, fallback: str = "") -> str:
    """File-name-safe ASCII keeping case, dots and underscores: 'Beslutningsoplæg – styregruppen.docx'
    -> 'Beslutningsoplaeg-styregruppen.docx' (mail attachments must have ASCII names)."""
    name = re.sub(r"[^A-Za-z0-9._-]+", "-", transliterate(text)).strip("-.")
    return re.sub(r"-{2,}", "-", name) or fallback


# --- dates ------------------------------------------------------------------------------------------


def as_date(value: date | datetime | str) -> date:
    """A date from a date, a datetime or an ISO string ('2026-12-03', '2026-12-03T10:00:00+00:00')."""
    if isinstance(value, datetime):
        return value.date()
    if isinstance(value, date):
        return value
    if isinstance(value, str):
        return date.fromisoformat(value.strip()[:10])
    raise TypeError(f"expected a date, got {type(value).__name__}")


def danish_date(value: date | datetime | str | None, weekday: bool = False) -> str:
    """``date(2026, 12, 3)`` -> ``"3. december 2026"`` (``weekday=True``: ``"torsdag den 3. december 2026"``).

    ``None`` and ``""`` give ``""``, so an optional date renders as nothing rather than failing."""
    if value is None or value == "":
        return ""
    d = as_date(value)
    text = f"{d.day}. {MONTHS[d.month - 1]} {d.year}"
    return f"{WEEKDAYS[d.weekday()]} den {text}" if weekday else text


def month_year(value: date) -> str:
    """``date(2023, 3, 1)`` -> ``"marts 2023"``."""
    return f"{MONTHS[value.month - 1]} {value.year}"


_DANISH_DATE = re.compile(r"^\s*(\d{1,2})\.\s*([a-zæøå]+)\s+(\d{4})\s*$", re.IGNORECASE)
_NUMERIC_DATE = re.compile(r"^\s*(\d{1,2})[./-](\d{1,2})[./-](\d{4})\s*$")


def parse_danish_date(text: str) -> date:
    """Lenient: ``"2026-12-03"``, ``"3. december 2026"``, ``"3.12.2026"`` or ``"3/12/2026"``.

    Raises ``ValueError`` for anything else (callers turn it into a message naming the field)."""
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


# --- sentences --------------------------------------------------------------------------------------


def join_danish(items: list[str], word: str = "og") -> str:
    """``["a", "b", "c"]`` -> ``"a, b og c"`` (empty items are skipped)."""
    items = [i for i in items if i]
    if len(items) <= 1:
        return "".join(items)
    return ", ".join(items[:-1]) + f" {word} " + items[-1]


def danish_number(n: int | None) -> str:
    """24000 -> '24.000'; None -> ''."""
    return "" if n is None else f"{n:,}".replace(",", ".")


def one_line(text: object, limit: int = 300) -> str:
    """Whitespace collapsed to single spaces, cut with '…' after ``limit`` characters."""
    flat = " ".join(str(text).split())
    return flat if len(flat) <= limit else flat[: limit - 1] + "…"


def capitalise(text: str) -> str:
    """First letter upper-cased, the rest kept ('dMPG' stays; str.capitalize would lower 'DMPG')."""
    return text[:1].upper() + text[1:]


# "@" too: GitHub-flavoured markdown makes "name@host.dk" a mailto link of its own accord.
_MARKDOWN_SPECIAL = re.compile(r"([\\`*_{}\[\]()#+\-.!|>~=:@])")


def markdown_literal(text: object) -> str:
    """``text`` as markdown that renders literally: every markdown character escaped and ``<``/``&``
    as HTML entities, so a proposal's text can never become a link, an image, a heading or raw HTML
    where markdown is rendered (the Prefect UI: descriptions, markdown artifacts, every text cell of a
    table artifact). Line breaks become spaces."""
    flat = " ".join(str(text).split())
    flat = flat.replace("&", "&amp;").replace("<", "&lt;")
    return _MARKDOWN_SPECIAL.sub(r"\\\1", flat)


_LINK_TARGET = re.compile(r"\]\s*\(")  # the "](" of a markdown link or image: [text](url), ![alt](url)


def inert_label(text: object, limit: int = 200) -> str:
    """``text`` for a place shown as plain text that other tools may render as markdown or HTML (a
    Prefect run's name and tags: the UI shows them as text, a notification or automation that quotes
    them may not). Readable as typed, never a tag, a link or an image: ``<``/``>`` become ``‹``/``›``,
    the ``](`` between a link's text and its address gets a space, control characters and line breaks
    go, and the label is cut with '…' after ``limit`` characters."""
    flat = " ".join(CONTROL_IN_TEXT.sub(" ", str(text)).split())
    flat = _LINK_TARGET.sub("] (", flat.replace("<", "‹").replace(">", "›"))
    return flat if len(flat) <= limit else flat[: limit - 1] + "…"


def danish_message(err: Mapping[str, Any]) -> str:
    """One pydantic error in Danish, for people who fill in a form (the Word form, the decision page)."""
    kind, value, ctx = err.get("type", ""), err.get("input"), err.get("ctx") or {}
    shown = f"'{one_line(value, 60)}'"
    if kind in ("missing", "string_too_short", "too_short"):
        return "skal udfyldes"
    if kind == "literal_error":
        allowed = re.findall(r"'([^']*)'", str(ctx.get("expected", "")))
        return f"forventede en af: {', '.join(allowed)}; fik {shown}"
    if kind == "value_error" and "email" in str(err.get("msg", "")).lower():
        return f"forventede en e-mailadresse som navn@example.dk, fik {shown}"
    if kind == "greater_than_equal":
        return f"skal være mindst {ctx.get('ge')}, fik {value}"
    if kind.startswith("date"):
        return f"forventede en dato som ÅÅÅÅ-MM-DD (fx 2027-03-11), fik {shown}"
    return f"{err.get('msg', 'ugyldig værdi')} (fik {shown})"
