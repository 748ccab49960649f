"""Danish text, written once: dates as official letters write them, lists joined with "og",
numbers with a thousands dot, whether a name reads as a person's (a letter greets a person, addresses
an organisation), and the ASCII transliteration (æ -> ae, ø -> oe, å -> aa) that slugs,
file names and case-insensitive comparisons share.

Dates and numbers are Babel's (CLDR, locale ``da_DK``): no month table of our own. Babel is imported
on first use, inside the functions: the CLI's start-up path imports this module and must stay light.

One date format per medium, each said where people type a date: letters and mails write
"3. december 2026" (:func:`danish_date`); the decision page and the Word forms take "03.12.2026"
(dd.mm.åååå, :data:`TYPED_DATE_HINT`); YAML and JSON files take "2026-12-03" (ÅÅÅÅ-MM-DD, ISO).
A date in the right shape that is not in the calendar ("31.02.2027") is :class:`NoSuchDate`:
"datoen 31.02.2027 findes ikke", never a format error.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Mapping
from datetime import date, datetime
from typing import Any

LOCALE = "da_DK"
# How people type a date on the decision page and in the Word forms, and how a file writes one.
TYPED_DATE_FORMAT = "dd.mm.åååå"
TYPED_DATE_HINT = "Skriv datoen som dd.mm.åååå, fx 14.01.2027."
FILE_DATE_FORMAT = "ÅÅÅÅ-MM-DD"

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
    """``date(2026, 12, 3)`` -> ``"3. december 2026"`` (``weekday=True``: ``"torsdag den 3. december 2026"``),
    Babel's long and full Danish formats.

    ``None`` and ``""`` give ``""``, so an optional date renders as nothing rather than failing."""
    if value is None or value == "":
        return ""
    # lazy: Babel (25 ms) only when a date or number is written: the CLI's quick commands import this module
    from babel.dates import format_date

    return format_date(as_date(value), "full" if weekday else "long", locale=LOCALE)


def month_year(value: date) -> str:
    """``date(2023, 3, 1)`` -> ``"marts 2023"``."""
    # lazy: Babel (25 ms) only when a date or number is written: the CLI's quick commands import this module
    from babel.dates import format_date

    return format_date(value, "MMMM y", locale=LOCALE)


def typed_date(value: date | datetime | str | None) -> str:
    """A date as people type it on the page and in the Word forms: ``"03.12.2026"``; ``""`` for none."""
    if value is None or value == "":
        return ""
    # lazy: Babel (25 ms) only when a date or number is written: the CLI's quick commands import this module
    from babel.dates import format_date

    return format_date(as_date(value), "dd.MM.y", locale=LOCALE)


class NoSuchDate(ValueError):
    """A date in a right shape that is not in the calendar ("31.02.2027"); ``str()`` says so in Danish."""

    def __init__(self, text: str):
        super().__init__(f"datoen {text.strip()} findes ikke")
        self.text = text.strip()


_DANISH_DATE = re.compile(r"^\s*(\d{1,2})\.\s*([a-zæøå]+)\.?\s+(\d{4})\s*$", re.IGNORECASE)
_NUMERIC_DATE = re.compile(r"^\s*(\d{1,2})[./-](\d{1,2})[./-](\d{4})\s*$")
_ISO_DATE = re.compile(r"^\s*(\d{4})-(\d{1,2})-(\d{1,2})\s*$")


def _month_number(name: str) -> int | None:
    # lazy: Babel (25 ms) only when a date or number is written: the CLI's quick commands import this module
    from babel.dates import get_month_names

    for width in ("wide", "abbreviated"):
        for number, month in get_month_names(width, locale=LOCALE).items():
            if month.rstrip(".").lower() == name.rstrip(".").lower():
                return number
    return None


def _calendar_date(text: str, year: str, month: int | str, day: str) -> date:
    try:
        return date(int(year), int(month), int(day))
    except ValueError:
        raise NoSuchDate(text) from None


def parse_danish_date(text: str) -> date:
    """Lenient: ``"2026-12-03"``, ``"3. december 2026"``, ``"3.12.2026"`` or ``"3/12/2026"``.

    Raises :class:`NoSuchDate` for a date in one of these shapes that is not in the calendar
    ("31.02.2027") and ``ValueError`` for anything else (callers turn it into a message naming the field)."""
    text = text.strip()
    if m := _ISO_DATE.match(text):
        return _calendar_date(text, m.group(1), m.group(2), m.group(3))
    if m := _DANISH_DATE.match(text):
        month = _month_number(m.group(2))
        if month is not None:
            return _calendar_date(text, m.group(3), month, m.group(1))
    if m := _NUMERIC_DATE.match(text):
        return _calendar_date(text, m.group(3), m.group(2), m.group(1))
    raise ValueError(text)


# --- names ------------------------------------------------------------------------------------------

# Marks of a name that is not a person's: punctuation people's names do not have, and words that end
# the names of institutions ("Danske Regioner", "Bedre Psykiatri", "Dansk Psykologforening").
_NOT_A_PERSON = re.compile(r"[,()/&@:;\d]")
_INSTITUTION_ENDINGS = (
    "region", "regioner", "regionen", "selskab", "forening", "danmark", "psykiatri", "psykiatrien", "styrelse",
    "styrelsen", "gruppe", "gruppen", "kreds", "kredsen", "sekretariat", "sekretariatet", "enhed", "enheden",
    "center", "centret", "hospital", "ledelse", "ledelser", "råd", "rådet", "udvalg", "udvalget",
)


def is_person_name(name: str) -> bool:
    """Whether ``name`` reads as a person's name: two or more words, each capitalised and none an
    abbreviation in capitals (RKKP, DSAM), no comma, parenthesis, slash, digit or ``@``, and no word
    ending like an institution's ("Danske Regioner", "Dansk Selskab for Almen Medicin" are not)."""
    words = name.split()
    if len(words) < 2 or _NOT_A_PERSON.search(name):
        return False
    for word in words:
        if not word[:1].isupper() or (len(word) > 1 and word.replace("-", "").isupper()):
            return False
        if word.lower().rsplit("-", 1)[-1].endswith(_INSTITUTION_ENDINGS):
            return False
    return True


# --- sentences --------------------------------------------------------------------------------------


def join_danish(items: list[str], word: str = "og") -> str:
    """``["a", "b", "c"]`` -> ``"a, b og c"`` (empty items are skipped)."""
    items = [i for i in items if i]
    if len(items) <= 1:
        return "".join(items)
    return ", ".join(items[:-1]) + f" {word} " + items[-1]


def danish_number(n: int | None) -> str:
    """24000 -> '24.000' (Babel, ``da_DK``); None -> ''."""
    if n is None:
        return ""
    if -1000 < n < 1000:  # no separator to place: spare the fast commands Babel's locale data
        return str(n)
    # lazy: Babel (25 ms) only when a date or number is written: the CLI's quick commands import this module
    from babel.numbers import format_decimal

    return format_decimal(n, locale=LOCALE)


def plural(n: int, one: str, many: str) -> str:
    """``"1 bemærkning"`` / ``"3 bemærkninger"``: the number and the right form of the noun (never
    "bemærkning(er)")."""
    return f"{danish_number(n)} {one if n == 1 else many}"


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


def date_problem(value: object, expected: str = FILE_DATE_FORMAT) -> str:
    """What is wrong with ``value`` given for a date, in Danish: "datoen 31.02.2027 findes ikke" for a
    date in a right shape that is not in the calendar; otherwise what was expected and what came."""
    if isinstance(value, str):
        try:
            parse_danish_date(value)
        except NoSuchDate as exc:
            return str(exc)
        except ValueError:
            pass
    example = "14.01.2027" if expected == TYPED_DATE_FORMAT else "2027-01-14"
    got = f"'{one_line(value, 60)}'" if isinstance(value, str) else _shown_value(value)
    return f"forventede en dato som {expected} (fx {example}), fik {got}"


def _shown_value(value: object) -> str:
    if value is None:
        return "ingenting"
    if isinstance(value, bool):
        return "ja" if value else "nej"
    if isinstance(value, (int, float)):
        return f"tallet {value}"
    return f"'{one_line(value, 60)}'"


def danish_message(err: Mapping[str, Any], labels: Mapping[str, str] | None = None) -> str:
    """One pydantic error in Danish, for people who fill in a form (the Word form, the decision page).
    ``labels`` turns the codes of a choice into the words people write ("relatives" -> "Pårørende")."""
    kind, value, ctx = err.get("type", ""), err.get("input"), err.get("ctx") or {}
    shown = f"'{one_line(value, 60)}'"
    if kind in ("missing", "string_too_short", "too_short"):
        return "skal udfyldes"
    if kind == "literal_error":
        allowed = [(labels or {}).get(code, code) for code in re.findall(r"'([^']*)'", str(ctx.get("expected", "")))]
        return f"forventede {join_danish(allowed, 'eller')}; fik {shown}"
    if kind == "value_error" and "email" in str(err.get("msg", "")).lower():
        return f"forventede en e-mailadresse som navn@example.dk, fik {shown}"
    if kind == "value_error":  # our own validators say it in Danish already
        return str(err.get("msg", "ugyldig værdi")).removeprefix("Value error, ")
    if kind == "greater_than_equal":
        return f"skal være mindst {ctx.get('ge')}, fik {value}"
    if kind.startswith("date"):
        return date_problem(value, TYPED_DATE_FORMAT)
    return f"{err.get('msg', 'ugyldig værdi')} (fik {shown})"
