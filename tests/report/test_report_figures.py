"""The status report's figures from a ledger with a known history (``report_scenario``): every number
the report prints for the first quarter of 2027, counted from the events on the engine's clock, each
round of a deferral or a revision counted; and a past period as the ledger stood then."""

from __future__ import annotations

import csv
import io
from datetime import date

import pytest
from report_scenario import Q1, build


@pytest.fixture
def scenario(dmpg_home, monkeypatch):
    return build(monkeypatch)


def figures(start: date, end: date):
    from core import clock
    from dmpg.report.document import build as build_report
    from dmpg.report.figures import Period

    return build_report(Period(start, end), now=clock.now()).to_json()


def test_the_quarter_in_numbers(scenario):
    a, b, c, d, e = (scenario[k] for k in "ABCDE")
    r = figures(*Q1)
    assert r["period"] == {"from": "2027-01-01", "to": "2027-03-31", "label": "1. kvartal 2027", "quarter": 1,
                           "as_of": "2027-03-31T22:00:00+00:00", "as_of_day": "2027-03-31"}
    assert r["summary"] == {"submitted": 3, "decisions": 10, "meetings": 5, "established": 1, "rejected": 1,
                            "in_process": 3, "waiting": 4, "overdue": 2, "overdue_proposals": 2, "escalated": 1,
                            "registry": 8}
    assert [(x["proposal"], x["title"]) for x in r["submitted"]] == [
        (b, "PTSD"), (d, "Personlighedsforstyrrelser"),
        (e, "Hurtig opstart af behandling og tryg opfølgning i børne- og ungdomspsykiatrien")]
    assert r["established"] == [{"proposal": c, "title": "Retspsykiatri", "established": "2027-02-19", "days": 141}]
    assert r["rejected"] == [{"proposal": d, "title": "Personlighedsforstyrrelser", "rejected": "2027-03-10",
                              "days": 37}]


def test_what_waits_at_the_end_of_the_quarter_and_what_is_overdue(scenario):
    a, b, e = scenario["A"], scenario["B"], scenario["E"]
    rows = {(x["proposal"], x["gate"]): x for x in figures(*Q1)["in_process"]}
    assert list(rows) == [(b, "advice"), (e, "advice"), (e, "database"), (a, "approval")]  # by stage, then age
    assert rows[(b, "advice")] == {
        "proposal": b, "title": "PTSD", "stage": "reference_group", "gate": "advice", "round": 1,
        "waiting_since": "2027-01-25", "days_waiting": 65, "deadline": "2027-02-15", "deadline_rule": "reply",
        "deadline_meeting": None, "overdue": True, "days_overdue": 44, "escalated": "2027-03-02"}
    # The directors' meeting of 24 March passed without a decision: overdue from the 25th.
    assert {k: rows[(a, "approval")][k] for k in ("days_waiting", "deadline", "deadline_rule", "deadline_meeting",
                                                   "overdue", "days_overdue")} == {
        "days_waiting": 21, "deadline": "2027-03-24", "deadline_rule": "meeting",
        "deadline_meeting": "direktoerkredsen-2027-03-24", "overdue": True, "days_overdue": 7}
    # Sent on 20 March: 21 days is Saturday 10 April, so the svarfrist is Monday 12 April.
    assert [(rows[(e, g)]["deadline"], rows[(e, g)]["overdue"]) for g in ("advice", "database")] == [
        ("2027-04-12", False), ("2027-04-12", False)]


def test_median_and_slowest_per_gate_count_every_round(scenario):
    a, b, c, d = (scenario[k] for k in "ABCD")
    times = {t["gate"]: t for t in figures(*Q1)["gate_times"]}
    got = {g: (t["decided"], t["median_days"], t["slowest_days"], t["slowest_proposal"], t["waiting"],
               t["longest_waiting_days"]) for g, t in times.items()}
    assert got == {
        "revision": (1, 20, 20, b, 0, None),
        "database": (2, 10.5, 14, d, 1, 11),
        "advice": (2, 31.5, 42, a, 2, 65),
        "steering": (3, 28, 29, a, 0, None),  # A's deferred round (29 days) and its second round (28), D's (16)
        "approval": (1, 48, 48, c, 1, 21),
        "appointments": (1, 30, 30, c, 0, None),
        "lifecycle": (1, 141, 141, c, 3, 120),
    }


def test_decisions_by_meeting_date_and_the_meetings_of_the_quarter(scenario):
    a, b, c, d = (scenario[k] for k in "ABCD")
    r = figures(*Q1)
    assert [(x["date"], x["body"], x["proposal"], x["gate"], x["round"], x["outcome"]) for x in r["decisions"]] == [
        ("2027-01-12", "reference_group", a, "advice", 1, "support"),
        ("2027-01-20", "director_circle", c, "approval", 1, "approve"),
        ("2027-01-25", None, b, "revision", 1, "revised"),
        ("2027-02-01", None, b, "database", 1, "none"),
        ("2027-02-10", "steering_group", a, "steering", 1, "defer"),
        ("2027-02-15", None, d, "database", 1, "none"),
        ("2027-02-19", None, c, "appointments", 1, "appointed"),
        ("2027-02-22", "reference_group", d, "advice", 1, "not_support"),
        ("2027-03-10", "steering_group", a, "steering", 2, "approve"),
        ("2027-03-10", "steering_group", d, "steering", 1, "reject"),
    ]  # A's approval of 7 April is after the quarter
    assert [(m["date"], m["body"], m["meeting"], m["decisions"]) for m in r["meetings"]] == [
        ("2027-01-12", "reference_group", None, 1),
        ("2027-01-20", "director_circle", "direktoerkredsen-2027-01-20", 1),
        ("2027-02-10", "steering_group", None, 1),
        ("2027-02-22", "reference_group", None, 1),
        ("2027-03-10", "steering_group", None, 2),
        ("2027-03-24", "director_circle", "direktoerkredsen-2027-03-24", 0),
    ]


def test_registry_with_phases_and_the_candidate_topics(scenario):
    r = figures(*Q1)
    assert [(g["name"], g["phase"], g["dmpg_since"], g["new"]) for g in r["registry"]][-3:] == [
        ("Spiseforstyrrelser", "Fase 3", "2025-06-01", False),
        ("ECT / Stimulationsbehandling", "Fase 3", "2025-11-01", False),
        ("Retspsykiatri", "Permanent (fra 2026)", "2027-03-01", True)]
    assert [(x["topic"][:20], x["status"], x["proposal"]) for x in r["candidates"]] == [
        ("Retspsykiatri", "established", scenario["C"]),
        ("Hurtig opstart af be", "in_process", scenario["E"]),
        ("Prædiagnostisk indsa", "none", None),
        ("Angst og OCD", "in_process", scenario["A"]),
        ("Personlighedsforstyr", "rejected", scenario["D"]),
        ("PTSD", "in_process", scenario["B"]),
    ]


def test_a_past_period_shows_the_ledger_as_it_stood_then(scenario):
    a, c = scenario["A"], scenario["C"]
    r = figures(date(2026, 10, 1), date(2026, 12, 31))
    assert r["period"]["label"] == "4. kvartal 2026"
    assert [(x["proposal"], x["gate"], x["days_waiting"]) for x in r["in_process"]] == [
        (a, "advice", 30), (c, "approval", 28)]
    assert r["summary"]["established"] == 0 and "Retspsykiatri" not in [g["name"] for g in r["registry"]]
    times = {t["gate"]: (t["decided"], t["median_days"]) for t in r["gate_times"]}
    assert times["database"] == (2, 16.5) and times["steering"] == (1, 42)  # C 19 and A 14 days; C's 42


def test_csv_holds_the_same_figures_as_json(scenario):
    from core import clock
    from dmpg.report.document import build as build_report
    from dmpg.report.document import to_csv
    from dmpg.report.figures import Period

    report = build_report(Period(*Q1), now=clock.now())
    rows = list(csv.DictReader(io.StringIO(to_csv(report))))
    data = report.to_json()
    summary = {row["key"]: int(row["value"]) for row in rows if row["section"] == "summary"}
    assert summary == data["summary"]
    for section in ("in_process", "decisions", "gate_times", "rounds"):
        assert sum(1 for row in rows if row["section"] == section) == len(data[section])
    overdue = [row for row in rows if row["section"] == "in_process" and row["overdue"] == "true"]
    assert [(row["proposal"], row["days_overdue"]) for row in overdue] == [
        (scenario["B"], "44"), (scenario["A"], "7")]

