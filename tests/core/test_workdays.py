"""Reply deadlines land on Danish working days."""

from datetime import date

from core.workdays import (
    deadline,
    holiday_name,
    is_working_day,
    next_working_day,
    working_days_between,
)


def test_a_deadline_in_the_christmas_week_moves_to_the_first_working_day_of_the_new_year():
    # 21 days after 6 December 2026 is Sunday 27 December: the offices open again on Monday 4 January.
    assert deadline(date(2026, 12, 6), 21) == date(2027, 1, 4)


def test_easter_and_weekends_are_not_working_days():
    assert not is_working_day(date(2027, 3, 29))  # Anden påskedag
    assert holiday_name(date(2027, 3, 29)) == "Anden påskedag"
    assert next_working_day(date(2027, 3, 25)) == date(2027, 3, 30)  # Skærtorsdag → Tuesday after Easter
    assert next_working_day(date(2027, 6, 5)) == date(2027, 6, 7)  # Grundlovsdag (a Saturday in 2027)
    assert is_working_day(date(2027, 3, 11))


def test_working_days_between_counts_the_days_after_the_first():
    assert working_days_between(date(2027, 3, 8), date(2027, 3, 12)) == 4
    assert working_days_between(date(2027, 3, 12), date(2027, 3, 8)) == 0
