"""Danish dates and lists as documents write them."""

from __future__ import annotations

from datetime import date, datetime

import pytest

from core.text import danish_date, join_danish, parse_danish_date


def test_danish_dates():
    assert danish_date(date(2026, 12, 3)) == "3. december 2026"
    assert danish_date(datetime(2027, 5, 1, 14, 30)) == "1. maj 2027"
    assert danish_date("2027-03-04") == "4. marts 2027"
    assert danish_date(date(2026, 12, 3), weekday=True) == "torsdag den 3. december 2026"
    assert danish_date(None) == "" and danish_date("") == ""


@pytest.mark.parametrize("text", ["2026-12-03", "3. december 2026", "3. December 2026", "3.12.2026", "03/12/2026"])
def test_dates_are_read_back_in_the_usual_ways(text):
    assert parse_danish_date(text) == date(2026, 12, 3)


def test_an_unreadable_date_is_refused():
    with pytest.raises(ValueError):
        parse_danish_date("i morgen")


def test_lists_join_with_og():
    assert join_danish(["Anne", "Bo", "Cecilie"]) == "Anne, Bo og Cecilie"
    assert join_danish(["Anne"]) == "Anne" and join_danish([]) == ""
