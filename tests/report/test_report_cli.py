"""``dmpg report``, ``dmpg pending`` and ``dmpg status`` as the secretariat meets them, on the scenario's
ledger (``report_scenario``): the Word report read back, the same figures as JSON and CSV, overdue gates
marked *overskredet*, and bad dates refused in Danish with nothing written."""

from __future__ import annotations

import contextlib
import csv
import io
import json

import pytest
from report_scenario import AFTER, build


@pytest.fixture
def scenario(dmpg_home, monkeypatch):
    return build(monkeypatch)


@pytest.fixture
def after(dmpg_home, monkeypatch):
    """An empty ledger on the scenario's day of reporting (20 April 2027)."""
    from core import clock

    monkeypatch.delenv(clock.ENV, raising=False)
    monkeypatch.setattr(clock, "wall", lambda: clock.at_copenhagen(AFTER.date(), AFTER.hour))


def cli(*argv: str) -> tuple[int, str, str]:
    from dmpg.interfaces.cli import main

    out, err = io.StringIO(), io.StringIO()
    with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
        code = main(list(argv))
    return code, out.getvalue(), err.getvalue()


def document_text(path) -> str:
    from docx import Document

    doc = Document(str(path))
    cells = [cell.text for table in doc.tables for row in table.rows for cell in row.cells]
    header = [p.text for p in doc.sections[0].header.paragraphs]
    return "\n".join(header + [p.text for p in doc.paragraphs] + cells)


def test_the_word_report_of_the_quarter(scenario, tmp_path):
    from docx import Document

    out = tmp_path / "rapporter" / "status-q1.docx"
    code, stdout, err = cli("report", str(out), "--from", "2027-01-01", "--to", "2027-03-31")
    assert (code, err) == (0, "")
    assert stdout.splitlines()[0] == f"Statusrapport for 1. kvartal 2027 skrevet: {out}"
    text = document_text(out)
    for expected in (
        "DMPG · Statusrapport · 1. kvartal 2027",  # the header of every page
        "Statusrapport", "Etablering af nye DMPG'er · 1. kvartal 2027", "20. april 2027",
        "I 1. kvartal 2027 er der indsendt 3 nye forslag, og der er truffet 10 beslutninger, heraf 6 på 5 møder. "
        "1 ny DMPG er etableret: Retspsykiatri. 1 forslag er afvist: Personlighedsforstyrrelser. "
        "Pr. 31. marts 2027 er 3 forslag i proces, og 2 ventende beslutninger har overskredet fristen (2 forslag).",
        f"PTSD ({scenario['B']})", "Overskredet med 44 dage; eskaleret 02.03.2027",
        f"Angst og OCD ({scenario['A']}): Psykiatridirektørkredsens godkendelse: mødet 24. marts 2027 "
        "(sagen stod på dagsordenen), overskredet med 7 dage.",
        "DMPG-styregruppens møde onsdag den 10. marts 2027", "Styregruppens beslutning, runde 2", "Udsat til et senere møde",
        "Psykiatridirektørkredsens møde onsdag den 24. marts 2027", "Der er ikke registreret beslutninger fra mødet.",
        "Styregruppens beslutning", "10,5", "Hele forløbet: fra indsendt til etableret gruppe",
        "Retspsykiatri (ny)", "Permanent (fra 2026)", "Prædiagnostisk indsats", "Ingen indstilling endnu",
        "Etableret 19. februar 2027: Retspsykiatri", "141 dage fra indsendelse",
    ):
        assert expected in text, expected
    doc = Document(str(out))
    assert len(doc.inline_shapes) == 1  # the timeline chart, as a picture
    assert doc.core_properties.title == "Statusrapport"


def test_json_and_csv_print_the_figures_of_the_report(scenario, tmp_path):
    code, stdout, _ = cli("report", str(tmp_path / "r.docx"), "--from", "2027-01-01", "--to", "2027-03-31", "--json")
    data = json.loads(stdout)
    assert code == 0 and data["summary"]["overdue"] == 2 and data["period"]["label"] == "1. kvartal 2027"
    code, stdout, _ = cli("report", str(tmp_path / "r.docx"), "--from", "2027-01-01", "--to", "2027-03-31", "--csv")
    rows = list(csv.DictReader(io.StringIO(stdout)))
    assert code == 0 and {r["key"]: r["value"] for r in rows if r["section"] == "summary"}["overdue"] == "2"
    assert len([r for r in rows if r["section"] == "decisions"]) == len(data["decisions"]) == 10


def test_the_period_defaults_to_the_three_months_up_to_today(scenario, tmp_path):
    code, stdout, _ = cli("report", str(tmp_path / "r.docx"), "--json")
    period = json.loads(stdout)["period"]
    assert code == 0 and (period["from"], period["to"]) == ("2027-01-21", "2027-04-20")
    code, stdout, _ = cli("report", str(tmp_path / "r.docx"), "--to", "2027-03-31", "--json")
    assert json.loads(stdout)["period"]["label"] == "1. kvartal 2027"


@pytest.mark.parametrize(("args", "message"), [
    (["--from", "1/1/2027"], "dmpg report: --from: forventede en dato som ÅÅÅÅ-MM-DD (fx 2027-03-31), fik '1/1/2027'"),
    (["--to", "2027-02-30"], "dmpg report: --to: forventede en dato som ÅÅÅÅ-MM-DD (fx 2027-03-31), fik '2027-02-30'"),
    (["--from", "2027-03-01", "--to", "2027-02-01"],
     "dmpg report: --from (2027-03-01) ligger efter --to (2027-02-01): perioden skal begynde før den slutter"),
    (["--from", "2027-05-01"], "dmpg report: --from (2027-05-01) ligger efter i dag (2027-04-20): der er intet at "
                               "opgøre endnu"),
])
def test_a_bad_period_is_refused_in_danish_and_nothing_is_written(after, tmp_path, args, message):
    out = tmp_path / "r.docx"
    code, stdout, err = cli("report", str(out), *args)
    assert (code, stdout, err.strip()) == (2, "", message)
    assert not out.exists()


def test_the_report_must_be_a_word_file(after, tmp_path):
    code, _, err = cli("report", str(tmp_path / "r.pdf"))
    assert code == 2 and "rapporten skrives som Word-fil (.docx)" in err


def test_pending_and_status_say_overskredet(scenario):
    b, e = scenario["B"], scenario["E"]  # on 20 April: B's svarfrist was 15 February, E's 12 April
    code, stdout, _ = cli("pending")
    lines = {line.split()[0]: line for line in stdout.splitlines() if line.startswith("DMPG-")}
    assert code == 0 and "FRIST" in stdout and "TILSTAND" in stdout
    assert "2027-02-15" in lines[b] and lines[b].endswith("overskredet (64 dage)")
    code, stdout, _ = cli("pending", "--json")
    rows = {(r["proposal"], r["gate"]): r for r in json.loads(stdout)}
    assert rows[(b, "advice")]["state"] == "waiting"  # the state keeps its meaning; overdue is a field of its own
    assert {k: rows[(e, "database")][k] for k in ("deadline", "deadline_rule", "overdue", "days_overdue")} == {
        "deadline": "2027-04-12", "deadline_rule": "reply", "overdue": True, "days_overdue": 8}

    code, stdout, _ = cli("status", b)
    assert "Frist for følgegruppens rådgivning: 15.02.2027 (svarfristen i brev og e-mail) — overskredet (64 dage)" in stdout
    assert "Frist overskredet: eskaleret" in stdout  # the escalation is in the timeline
    code, stdout, _ = cli("status", b, "--json")
    [waiting] = json.loads(stdout)["waiting_at"]
    assert (waiting["gate"], waiting["overdue"], waiting["days_overdue"]) == ("advice", True, 64)


def test_pending_reads_the_recorded_deadline_without_the_calendar(dmpg_home):
    """``pending --json`` and ``status`` stay quick reads: the deadline recorded when the gate opened is read
    as it is, with neither the holiday calendar nor the gates' models imported (speed: bench/quick_reads)."""
    import subprocess
    import sys

    from forms.proposal import ProposalForm
    from models import ledger
    from models.db import dispose_engines

    pid = ledger.create_proposal(ProposalForm(title="Angst og OCD")).id
    ledger.record_event(pid, key=f"{pid}:gate_opened:steering-r1-a1", kind="gate_opened", gate="steering", round=1,
                        detail={"key": "steering-r1-a1", "waiting_on": [], "deadline": "2020-03-02",
                                "deadline_rule": "no_meeting"})
    dispose_engines()
    code = ("import sys, json; from dmpg.interfaces.cli import main; main(sys.argv[1:]); "
            "print(json.dumps([m for m in ('holidays', 'forms.gates', 'dmpg.documents.context') if m in sys.modules]))")
    for argv in (["pending", "--json"], ["status", pid, "--json"]):
        result = subprocess.run([sys.executable, "-c", code, *argv], capture_output=True, text=True, timeout=60)
        *printed, loaded = result.stdout.splitlines()
        assert json.loads(loaded) == [], argv
        shown = json.loads("\n".join(printed))
        row = shown[0] if argv[0] == "pending" else shown["waiting_at"][0]
        assert (row["deadline"], row["deadline_rule"], row["overdue"]) == ("2020-03-02", "no_meeting", True)
