"""The engine's one clock: everything that asks "what time is it" or "what day is it" asks here.

- :func:`now` is the engine's time (aware UTC): ledger timestamps, link expiry, letters' dates, reply
  deadlines, reminders, reports. :func:`today` is the date in Copenhagen, the date a Danish letter
  carries.
- :func:`wall` is the machine's own time. Only code that measures against another system's clock uses
  it (the age of a Prefect state, a process's start), because Prefect never runs on a simulated calendar.

Real installations never simulate: :func:`now` is :func:`wall`. A *simulated calendar* (the demo, and
tests of reminders and deadlines) is switched on by the environment variable ``DMPG_CLOCK_FILE``, the
path of a small JSON file holding how far the engine's time runs ahead of the machine's. Every process
started with the variable (the demo starts its local stack with it: runner, flow runs, deliverer,
decision page) reads the same file, so they agree on the day. The simulated calendar only moves forward
(:func:`advance_to`), like Temporal's time-skipping test server: time keeps running between two skips.
It is deliberately not a ``.env`` setting: nothing but the demo and tests should ever set it.

Standard library only: the CLI's fast commands import this module.
"""

from __future__ import annotations

import json
import os
from datetime import date, datetime, time, timedelta, timezone
from pathlib import Path
from zoneinfo import ZoneInfo

COPENHAGEN = ZoneInfo("Europe/Copenhagen")
ENV = "DMPG_CLOCK_FILE"

_cache: dict[str, tuple[tuple[int, int], timedelta]] = {}


class ClockError(RuntimeError):
    """The simulated calendar was asked to do what it cannot (run backwards, or move when it is off)."""


def wall() -> datetime:
    """The machine's time, aware UTC (for comparisons with Prefect's timestamps; see the module docstring)."""
    return datetime.now(timezone.utc)


def now() -> datetime:
    """The engine's time, aware UTC: the machine's, plus the simulated calendar's lead when it is on."""
    return wall() + offset()


def today() -> date:
    """The engine's date in Copenhagen (a letter written at 00:30 Danish time is dated that day)."""
    return now().astimezone(COPENHAGEN).date()


def local(moment: datetime | None = None) -> datetime:
    """``moment`` (default: :func:`now`) in Copenhagen time."""
    return (moment or now()).astimezone(COPENHAGEN)


def at_copenhagen(day: date, hour: int = 0, minute: int = 0) -> datetime:
    """The UTC moment of ``day`` at ``hour:minute`` Copenhagen time (summer time included)."""
    return datetime.combine(day, time(hour, minute), tzinfo=COPENHAGEN).astimezone(timezone.utc)


# --- the simulated calendar ---------------------------------------------------------------------------


def clock_file() -> Path | None:
    """The simulated calendar's file, or None when the engine runs on the machine's time."""
    value = os.environ.get(ENV, "").strip()
    return Path(value) if value else None


def simulated() -> bool:
    """Whether this process runs on a simulated calendar."""
    return clock_file() is not None


def offset() -> timedelta:
    """How far the engine's time runs ahead of the machine's (zero on a real installation)."""
    path = clock_file()
    if path is None:
        return timedelta(0)
    try:
        stat = path.stat()
    except FileNotFoundError:
        return timedelta(0)
    stamp = (stat.st_mtime_ns, stat.st_size)
    cached = _cache.get(str(path))
    if cached is not None and cached[0] == stamp:
        return cached[1]
    try:
        lead = timedelta(seconds=float(json.loads(path.read_text(encoding="utf-8"))["offset_seconds"]))
    except (OSError, ValueError, KeyError, TypeError):
        lead = timedelta(0)  # a file being written: the next call reads the finished one
    _cache[str(path)] = (stamp, lead)
    return lead


def advance_to(moment: datetime | date, *, hour: int = 9) -> datetime:
    """Move the simulated calendar forward to ``moment`` (a date means ``hour`` o'clock Copenhagen time
    that day) and return the engine's new time. A moment that has passed leaves the calendar where it is:
    it never runs backwards. :class:`ClockError` when the engine runs on the machine's time."""
    path = clock_file()
    if path is None:
        raise ClockError(f"the engine runs on the machine's time; set {ENV} to simulate a calendar")
    target = at_copenhagen(moment, hour) if not isinstance(moment, datetime) else moment.astimezone(timezone.utc)
    current = now()
    if target <= current:
        return current
    lead = target - wall()
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_name(path.name + ".tmp")
    tmp.write_text(json.dumps({"offset_seconds": lead.total_seconds(), "now": target.isoformat()}), encoding="utf-8")
    os.replace(tmp, path)  # readers see the old file or the new one, never half of one
    return now()


def advance(delta: timedelta) -> datetime:
    """Move the simulated calendar forward by ``delta`` (see :func:`advance_to`)."""
    return advance_to(now() + delta)
