"""The one clock: the machine's time on a real installation, a forward-only simulated calendar when
DMPG_CLOCK_FILE is set (the demo; tests of reminders and deadlines)."""

from datetime import date, datetime, timedelta, timezone

import pytest

from core import clock


def test_a_real_installation_runs_on_the_machines_time(monkeypatch):
    monkeypatch.delenv(clock.ENV, raising=False)
    assert not clock.simulated()
    assert abs(clock.now() - datetime.now(timezone.utc)) < timedelta(seconds=1)
    with pytest.raises(clock.ClockError):
        clock.advance_to(date(2030, 1, 1))


def test_the_simulated_calendar_moves_forward_only_and_every_reader_agrees(monkeypatch, tmp_path):
    monkeypatch.setenv(clock.ENV, str(tmp_path / "clock.json"))
    start = clock.now()
    moved = clock.advance_to(date(2030, 3, 11))
    assert clock.today() == date(2030, 3, 11)
    assert clock.local(moved).hour == 9  # a date means 9 o'clock Copenhagen time
    assert clock.advance_to(date(2029, 1, 1)) >= moved  # never backwards
    assert clock.today() == date(2030, 3, 11)
    later = clock.advance(timedelta(days=21))
    assert later.date() == date(2030, 4, 1)
    assert clock.wall() < start + timedelta(minutes=1)  # the machine's own time is untouched


def test_the_day_is_the_day_in_copenhagen():
    # 23:30 UTC on 31 December is already New Year's Day in Copenhagen.
    assert clock.local(datetime(2026, 12, 31, 23, 30, tzinfo=timezone.utc)).date() == date(2027, 1, 1)
    assert clock.at_copenhagen(date(2027, 7, 1), 8).hour == 6  # summer time: UTC+2
