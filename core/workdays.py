"""Danish working days: where a reply deadline or a reminder may land.

A working day is Monday to Friday, not a Danish public holiday (the ``holidays`` package: Nytårsdag,
Skærtorsdag, Langfredag, Anden påskedag, Kristi himmelfartsdag, Anden pinsedag, Juledag, Anden juledag)
and not in the weeks around Christmas and New Year that Danish offices treat as closed: from
Juleaftensdag (24 December) to Nytårsdag (1 January), plus Grundlovsdag (5 June). A deadline counted in
days that falls on a day off moves to the next working day, so no letter asks for an answer by
27 December or by a Sunday.

Pure: no clock, no settings. ``holidays`` is imported on first use (the CLI's fast commands never need it).
"""

from __future__ import annotations

from datetime import date, timedelta
from functools import lru_cache

# Days Danish offices are closed that are not public holidays in law.
_CLOSED_MONTH_DAYS = {(6, 5)} | {(12, d) for d in range(24, 32)}


@lru_cache(maxsize=64)
def _public_holidays(year: int) -> frozenset[date]:
    # lazy: holidays (40 ms) only when a deadline is counted: dmpg pending and status import this module
    import holidays

    return frozenset(holidays.Denmark(years=year))


def holiday_name(day: date) -> str | None:
    """The Danish name of the holiday on ``day`` ("Anden juledag"), or None."""
    # lazy: holidays (40 ms) only when a deadline is counted: dmpg pending and status import this module
    import holidays

    found = holidays.Denmark(years=day.year, categories=("public", "optional"), language="da").get(day)
    if found:
        return str(found)
    return "juleugen" if (day.month, day.day) in _CLOSED_MONTH_DAYS and day.month == 12 else None


def is_working_day(day: date) -> bool:
    """Whether ``day`` is a Danish working day (see the module docstring)."""
    return (day.weekday() < 5 and (day.month, day.day) not in _CLOSED_MONTH_DAYS
            and day not in _public_holidays(day.year))


def next_working_day(day: date) -> date:
    """``day`` itself when it is a working day, else the first working day after it."""
    while not is_working_day(day):
        day += timedelta(days=1)
    return day


def deadline(sent: date, days: int) -> date:
    """The last day to answer a request sent on ``sent`` that gives ``days`` days: ``sent + days``,
    moved to the next working day when that is a day off."""
    return next_working_day(sent + timedelta(days=days))


def working_days_between(start: date, end: date) -> int:
    """Working days after ``start`` up to and including ``end`` (0 when ``end`` is not after ``start``)."""
    count, day = 0, start
    while day < end:
        day += timedelta(days=1)
        count += is_working_day(day)
    return count
