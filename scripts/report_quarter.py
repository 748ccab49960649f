"""A quarter on the real engine, and the status report it gives (the pictures of the report in docs/).

    .venv/bin/python scripts/report_quarter.py [--home DIR] [--images docs/images]

Starts its own local stack (free ports, a fresh ``DMPG_HOME``) on a simulated calendar (``DMPG_CLOCK_FILE``,
``core.clock``) and plays the first quarter of 2027 through the command line, as the secretariat would:
five proposals (one revised, one deferred once, one established), decisions at the reference group's,
the steering group's and the director circle's meetings, a director meeting that passes without a
decision, a hearing nobody answers (escalated by the daily reminders flow, which the script runs on
8 and 31 March as its schedule would). Then ``dmpg report`` for the quarter, converted with LibreOffice
and pdftoppm (as ``make docs-preview`` does) into ``status-report-1.png`` and ``-2.png``. The stack is
stopped at the end. The simulated calendar only runs forward, so this works before its first day,
14 December 2026 (after that, move the dates).
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import subprocess
import sys
import tempfile
import time
from datetime import date
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
DMPG = ROOT / ".venv" / "bin" / "dmpg"
EXAMPLES = ROOT / "examples"
SEK, FG, RKKP = "sekretariat@example.dk", "foelgegruppe.regioner@example.dk", "rkkp.databaser@example.dk"
STY, DIR = "styregruppe.hovedstaden@example.dk", "direktoer.hovedstaden@example.dk"
FIRST_DAY = date(2026, 12, 14)


def write_inputs(into: Path) -> None:
    """Three more forms (the example form with another topic) and the decisions of the quarter."""
    import yaml

    base = yaml.safe_load((EXAMPLES / "angst-og-ocd.yaml").read_text(encoding="utf-8"))
    for name, title, kind, icd, text, patients in (
        ("retspsykiatri", "Retspsykiatri", "cross_cutting", [],
         "Behandling og opfølgning af patienter med psykisk sygdom, der er idømt en foranstaltning.", 4200),
        ("ptsd", "PTSD", "diagnosis", ["F43"],
         "Posttraumatisk belastningsreaktion hos børn, unge og voksne, herunder veteraner og flygtninge.", 15000),
        ("praediagnostisk", "Prædiagnostisk indsats", "cross_cutting", [],
         "Tidlig indsats for børn og unge med begyndende psykiske vanskeligheder.", 30000),
    ):
        form = json.loads(json.dumps(base, default=str))
        form.pop("submitted_on", None)
        form["title"] = title
        form["topic"].update(kind=kind, icd_codes=icd, description=text, clinical_database={"status": "none"})
        form["topic"]["volume"]["patients_per_year"] = patients
        form["proposers"][0]["email"], form["proposers"][1]["email"] = f"forslag.{name}@example.dk", f"forslag2.{name}@example.dk"
        form["tasks"]["guidelines"] = [{"title": f"Udredning og behandling: {title}", "rationale": "Stor variation mellem regionerne."}]
        (into / f"{name}.yaml").write_text(yaml.safe_dump(form, allow_unicode=True, sort_keys=False), encoding="utf-8")
    decisions = {
        "db-planned": {"database_plan": "planned", "expected_start": "2027-09-01",
                       "statement": "RKKP planlægger en klinisk kvalitetsdatabase; etableringen koordineres med DMPG'en."},
        "db-existing": {"database_plan": "existing",
                        "statement": "Området følges i en eksisterende database; DMPG'en koordinerer med dens styregruppe."},
        "db-none": {"database_plan": "none", "statement": "Der er ingen klinisk kvalitetsdatabase på området."},
        "advice-changes": {"recommendation": "support_with_changes", "meeting_date": "2027-01-12",
                           "summary": "Følgegruppen støtter forslaget; pårørende skal inddrages tidligt."},
        "advice-support": {"recommendation": "support", "meeting_date": "2027-01-12",
                           "summary": "Følgegruppen støtter forslaget."},
        "steering-defer": {"decision": "defer", "meeting_date": "2027-02-04",
                           "rationale": "Styregruppen afventer en plan for koordinering med databasen."},
        "steering-approve": {"decision": "approve", "meeting_date": "2027-02-04",
                             "rationale": "Emnet har stor sværhedsgrad, og målgruppen går på tværs af sektorer."},
        "steering-approve-2": {"decision": "approve", "meeting_date": "2027-03-11",
                               "rationale": "Koordineringen med databasen er nu beskrevet."},
        "approval": {"decision": "approve", "meeting_date": "2027-02-25",
                     "rationale": "Psykiatridirektørkredsen godkender oprettelsen af gruppen."},
    }
    for name, answer in decisions.items():
        (into / f"{name}.yaml").write_text(yaml.safe_dump(answer, allow_unicode=True), encoding="utf-8")


class Quarter:
    def __init__(self, home: Path, inputs: Path) -> None:
        from dmpg.adapters.stack_net import free_port

        self.inputs = inputs
        self.env = {**os.environ, "DMPG_HOME": str(home), "DMPG_CLOCK_FILE": str(home / "clock.json"),
                    "DMPG_PREFECT_PORT": str(free_port()), "DMPG_SMTP_PORT": str(free_port()),
                    "DMPG_WEB_PORT": str(free_port())}
        self.env.pop("DMPG_DATABASE_URL", None)
        self.env.pop("PREFECT_API_URL", None)

    def dmpg(self, *args: str) -> str:
        done = subprocess.run([str(DMPG), *args], env=self.env, capture_output=True, text=True, cwd=ROOT)
        if done.returncode:
            raise SystemExit(f"dmpg {' '.join(args)}: {done.stderr.strip()}")
        return done.stdout

    def python(self, code: str) -> str:
        return subprocess.run([sys.executable, "-c", code], env=self.env, capture_output=True, text=True, cwd=ROOT,
                              check=True).stdout

    def day(self, day: str, hour: int = 10) -> None:
        self.python(f"from core import clock; from datetime import date; clock.advance_to(date.fromisoformat('{day}'), hour={hour})")
        print(f"-- {day}", flush=True)

    def propose(self, form: Path) -> str:
        proposal = json.loads(self.dmpg("propose", str(form), "--json"))["proposal"]
        for _ in range(480):  # until its first gate waits
            if any(r["proposal"] == proposal for r in json.loads(self.dmpg("pending", "--json"))):
                break
            time.sleep(0.5)
        print(f"   {proposal} submitted: {form.stem}", flush=True)
        return proposal

    def decide(self, proposal: str, gate: str, answer: str | Path, by: str) -> None:
        path = answer if isinstance(answer, Path) else self.inputs / f"{answer}.yaml"
        self.dmpg("decide", proposal, gate, "--input", str(path), "--by", by, "--wait")
        print(f"   {proposal} {gate}: {path.stem}", flush=True)

    def reminders(self) -> None:
        """The daily dmpg-reminders flow, run once now (as its 07:00 schedule would), against the stack."""
        code = ("import os; from core.settings import get_settings; from dmpg.adapters.stack import LocalStack; "
                "os.environ.update(LocalStack(get_settings()).client_env()); get_settings.cache_clear(); "
                "from flows.reminders import send_reminders; print(send_reminders())")
        print(f"   reminders: {self.python(code).strip().splitlines()[-1]}", flush=True)

    def play(self) -> None:
        s = self
        s.day(FIRST_DAY.isoformat())
        s.dmpg("up")
        a = s.propose(EXAMPLES / "angst-og-ocd.yaml")
        s.day("2026-12-16")
        r = s.propose(s.inputs / "retspsykiatri.yaml")
        s.day("2027-01-05")
        s.decide(a, "database", "db-planned", RKKP)
        s.decide(r, "database", "db-existing", RKKP)
        s.day("2027-01-12", 14)
        s.decide(a, "advice", "advice-changes", FG)
        s.decide(r, "advice", "advice-support", FG)
        s.day("2027-01-18")
        p = s.propose(EXAMPLES / "personlighedsforstyrrelser.yaml")
        s.day("2027-02-01")
        s.decide(p, "revision", EXAMPLES / "personlighedsforstyrrelser-revideret.yaml", SEK)
        s.day("2027-02-04", 15)
        s.decide(a, "steering", "steering-defer", STY)
        s.decide(r, "steering", "steering-approve", STY)
        s.day("2027-02-08")
        s.decide(p, "database", "db-planned", RKKP)
        s.day("2027-02-10")
        t = s.propose(s.inputs / "ptsd.yaml")
        s.day("2027-02-25", 15)
        s.decide(r, "approval", "approval", DIR)
        s.day("2027-03-08", 7)
        s.reminders()
        s.day("2027-03-09")
        s.decide(t, "database", "db-none", RKKP)
        s.day("2027-03-11", 15)
        s.decide(a, "steering", "steering-approve-2", STY)
        s.day("2027-03-12")
        s.dmpg("meeting", "plan", "director_circle", "2027-03-25", "--proposal", a)
        print("   director circle's meeting of 25 March planned", flush=True)
        s.day("2027-03-18")
        s.decide(r, "appointments", EXAMPLES / "decisions" / "appointments.yaml", SEK)
        s.day("2027-03-22")
        s.propose(s.inputs / "praediagnostisk.yaml")
        s.day("2027-03-31", 7)
        s.reminders()
        s.day("2027-04-01", 9)
        print(self.dmpg("pending"))


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--home", type=Path, help="DMPG_HOME of the run (default: a new temporary directory)")
    parser.add_argument("--images", type=Path, default=ROOT / "docs" / "images")
    args = parser.parse_args(argv)
    if date.today() >= FIRST_DAY:  # the machine's date: the simulated calendar starts from it
        raise SystemExit("the quarter played here has passed: move its dates (the simulated calendar only runs forward)")
    home = args.home or Path(tempfile.mkdtemp(prefix="dmpg-quarter-"))
    inputs = home / "inputs"
    inputs.mkdir(parents=True, exist_ok=True)
    write_inputs(inputs)
    quarter = Quarter(home, inputs)
    try:
        quarter.play()
        out = home / "statusrapport-2027-q1.docx"
        print(quarter.dmpg("report", str(out), "--from", "2027-01-01", "--to", "2027-03-31"))
    finally:
        quarter.dmpg("down")
    from docs_preview import to_pdf, to_png

    [pdf] = to_pdf([out], home / "preview")
    pages = to_png(pdf, home / "preview", dpi=70)
    args.images.mkdir(parents=True, exist_ok=True)
    for n, page in enumerate(pages[:2], start=1):
        shutil.copyfile(page, args.images / f"status-report-{n}.png")
        print(f"wrote {args.images / f'status-report-{n}.png'}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
