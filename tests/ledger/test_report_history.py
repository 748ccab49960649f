"""The status report reads the ledger's history with plain SQL on the database's own driver: the same
figures from SQLite (the default) and from PostgreSQL (production)."""

from __future__ import annotations

from tests.report.report_scenario import Q1, build


def test_the_report_counts_the_same_on_every_backend(ledger, monkeypatch):
    from core import clock
    from dmpg.report.document import build as build_report
    from dmpg.report.figures import Period

    ids = build(monkeypatch)
    r = build_report(Period(*Q1), now=clock.now()).to_json()
    assert r["summary"] == {"submitted": 3, "decisions": 10, "meetings": 5, "established": 1, "rejected": 1,
                            "in_process": 3, "waiting": 4, "overdue": 2, "overdue_proposals": 2, "escalated": 1,
                            "registry": 8}
    assert [(x["proposal"], x["gate"], x["days_overdue"]) for x in r["in_process"] if x["overdue"]] == [
        (ids["B"], "advice", 44), (ids["A"], "approval", 7)]
    assert {t["gate"]: t["median_days"] for t in r["gate_times"]}["database"] == 10.5
