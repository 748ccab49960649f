"""The report's Word template, chart and board card: a fresh ledger's report, the template's variables
documented for the secretariat, which proposals the chart shows, and form text never markup on the board."""

from __future__ import annotations

import contextlib
import io
import re
from datetime import date, datetime, timezone

import pytest

from core.settings import PROJECT_ROOT


def test_a_fresh_installation_reports_the_seeded_groups(dmpg_home, tmp_path):
    from docx import Document

    from dmpg.interfaces.cli import main

    out = tmp_path / "r.docx"
    with contextlib.redirect_stdout(io.StringIO()):
        assert main(["report", str(out), "--from", "2026-01-01", "--to", "2026-03-31"]) == 0
    doc = Document(str(out))
    text = "\n".join([p.text for p in doc.paragraphs] + [c.text for t in doc.tables for r in t.rows for c in r.cells])
    for expected in ("I 1. kvartal 2026 er der ikke indsendt nye forslag, og der er ikke truffet beslutninger. "
                     "Pr. 31. marts 2026 er ingen forslag i proces.",
                     "Ingen forslag er i proces.", "Ingen forslag var i proces i perioden.",
                     "Der er ikke truffet beslutninger i perioden.", "ECT / Stimulationsbehandling", "Fase 3",
                     "DMPG-sekretariatet, RKKP · sekretariat@example.dk"):
        assert expected in text, expected
    assert len(doc.inline_shapes) == 0  # no chart without proposals


def test_every_variable_of_the_report_template_is_documented():
    from docxtpl import DocxTemplate

    from dmpg.documents.render import jinja_env

    readme = (PROJECT_ROOT / "templates" / "README.md").read_text(encoding="utf-8")
    used = DocxTemplate(str(PROJECT_ROOT / "templates" / "status_report.docx")).get_undeclared_template_variables(
        jinja_env())
    section = readme.split("### The status report")[1]
    documented = {m.split(".")[0].split("|")[0] for m in re.findall(r"`([a-z_][a-z_.|]*)`", section)}
    assert used - documented == set()


def report(proposals: list[dict], rounds: list[dict] | None = None) -> dict:
    return {"period": {"from": "2027-01-01", "to": "2027-03-31", "as_of_day": "2027-03-31", "label": "1. kvartal 2027"},
            "proposals": proposals, "rounds": rounds or [], "in_process": [],
            "summary": {"in_process": 0, "overdue": 0}}


def test_the_chart_shows_those_in_process_first_when_there_are_many():
    from dmpg.report.chart import render, select

    proposals = [{"proposal": f"DMPG-2027-{i:03d}", "title": f"Forslag {i}", "submitted": f"2027-01-{i + 1:02d}",
                  "stage": "steering" if i % 2 else "established",
                  "finished": None if i % 2 else f"2027-03-{i + 1:02d}"} for i in range(10)]
    shown = [p["proposal"][-2:] for p in select(report(proposals), limit=6)]
    assert shown == ["01", "03", "05", "07", "08", "09"]  # the five waiting, then the latest finished; by submission
    rounds = [{"proposal": p["proposal"], "gate": "steering", "round": 1, "opened": f"{p['submitted']}T09:00:00+00:00",
               "closed": None, "outcome": None, "overdue": True} for p in proposals]
    chart = render(report(proposals, rounds), limit=6, dpi=60)
    assert chart.png.startswith(b"\x89PNG") and (chart.shown, chart.total) == (6, 10)
    assert "6 forslag af 10 (de ventende først, derefter de senest afsluttede)" in chart.caption
    assert render(report([])) is None


def test_form_text_is_never_markup_on_the_board():
    from dmpg.report.board import timeline_markdown

    hostile = "Angst [og](javascript:alert(1)) <img src=x onerror=alert(1)> ![x](http://evil/x.png)"
    r = report([])
    r["summary"] = {"in_process": 1, "overdue": 1}
    r["in_process"] = [{"proposal": "DMPG-2027-001", "title": hostile, "gate": "advice", "deadline": "2027-02-15",
                        "overdue": True, "days_overdue": 44, "escalated": None}]
    markdown = timeline_markdown(r, b"\x89PNG fake", updated=datetime(2027, 3, 31, 7, tzinfo=timezone.utc))
    assert "![Hvert forslags vej gennem beslutningstrinnene](data:image/png;base64," in markdown
    assert "1 forslag i proces, 1 overskreden frist" in markdown
    line = next(x for x in markdown.splitlines() if "DMPG-2027-001" in x)
    assert "<img" not in line and "](" not in line and "![" not in line  # every markdown character escaped
    assert "frist 15.02.2027 — overskredet (44 dage)" in line


@pytest.mark.parametrize(("start", "end", "label"), [
    (date(2027, 1, 1), date(2027, 3, 31), "1. kvartal 2027"),
    (date(2027, 4, 1), date(2027, 6, 30), "2. kvartal 2027"),
    (date(2027, 1, 1), date(2027, 3, 30), "1. januar – 30. marts 2027"),
    (date(2026, 12, 1), date(2027, 2, 28), "1. december 2026 – 28. februar 2027"),
])
def test_the_period_in_danish(start, end, label):
    from dmpg.report.figures import Period

    assert Period(start, end).label == label
