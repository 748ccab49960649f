"""A realistic, complete set of :class:`Sources` (an example proposal that went through every gate), for
the benchmark, the tests and document previews without a running stack (``make docs-preview``).

``PYTHONPATH=tests .venv/bin/python -m support.samples OUT_DIR`` renders every document kind of the
sample into OUT_DIR.
"""

from __future__ import annotations

import sys
from datetime import date
from pathlib import Path

from core.settings import PROJECT_ROOT
from dmpg.documents.context import Sources, compose_context
from dmpg.documents.naming import KINDS, document_filename
from dmpg.documents.render import render_template

EXAMPLE = PROJECT_ROOT / "examples" / "angst-og-ocd.yaml"


def _load_example() -> dict:
    import yaml

    form = yaml.safe_load(EXAMPLE.read_text(encoding="utf-8"))
    form["submitted_on"] = str(form["submitted_on"])  # as the ledger stores it (JSON)
    return form


# The sample's own roster (the shape of roster.yaml), so samples never depend on the user's file.
SAMPLE_ROSTER: dict = {
    "secretariat": [{"name": "DMPG-sekretariatet", "email": "sekretariat@example.dk"}],
    "reference_group": [{"name": "Følgegruppen, Danske Regioner", "email": "foelgegruppe.regioner@example.dk"}],
    "steering_group": [
        {"name": f"Lægefaglig direktør, Region {r}", "email": f"styregruppe.{code}@example.dk"}
        for code, r in (("hovedstaden", "Hovedstaden"), ("sjaelland", "Sjælland"), ("syddanmark", "Syddanmark"),
                        ("midtjylland", "Midtjylland"), ("nordjylland", "Nordjylland"))
    ] + [{"name": "RKKP", "email": "styregruppe.rkkp@example.dk"}],
    "rkkp": [{"name": "RKKP, databaseenheden", "email": "rkkp.databaser@example.dk"}],
    "director_circle": [{"name": "Psykiatridirektør, Region Midtjylland", "email": "direktoer.midtjylland@example.dk"}],
    "organisations": {
        "DPS": {"name": "Dansk Psykiatrisk Selskab", "email": "dps@example.dk"},
        "BUP": {"name": "Børne- og Ungdomspsykiatrisk Selskab", "email": "bup@example.dk"},
        "FYP": {"name": "Foreningen af Yngre Psykiatere", "email": "fyp@example.dk"},
        "DSAM": {"name": "Dansk Selskab for Almen Medicin", "email": "dsam@example.dk"},
        "DP": {"name": "Dansk Psykologforening", "email": "dp@example.dk"},
        "DASYS": {"name": "Dansk Sygepleje Selskab", "email": "dasys@example.dk"},
        "patients": {"name": "Patientrepræsentanter (SIND / Bedre Psykiatri)", "email": "patienter@example.dk"},
        "relatives": {"name": "Pårørenderepræsentanter (Bedre Psykiatri)", "email": "paaroerende@example.dk"},
        "hospital_management": {"name": "Hospitalsledelser i regionerne", "email": "hospitalsledelser@example.dk"},
    },
}


def sample_sources(proposal_id: str = "DMPG-2026-001") -> Sources:
    """The Angst og OCD example after every gate: advice, a deferred and an approving steering round,
    the directors' approval and the appointments."""
    form = _load_example()
    members = [
        {"name": "Anne Holm", "email": "anne.holm@example.dk", "represents": "DPS", "region": "midtjylland"},
        {"name": "Bjarne Lund", "email": "bjarne.lund@example.dk", "represents": "DPS", "region": "hovedstaden"},
        {"name": "Cecilie Dahl", "email": "cecilie.dahl@example.dk", "represents": "BUP", "region": "syddanmark"},
        {"name": "Dorthe Krog", "email": "dorthe.krog@example.dk", "represents": "FYP", "region": "nordjylland"},
        {"name": "Erik Sønderby", "email": "erik.s@example.dk", "represents": "DSAM", "region": "sjaelland"},
        {"name": "Frida Østergaard", "email": "frida.o@example.dk", "represents": "DP", "region": "midtjylland"},
        {"name": "Gitte Åberg", "email": "gitte.a@example.dk", "represents": "DASYS", "region": "hovedstaden"},
        {"name": "Hans Møller", "email": "hans.m@example.dk", "represents": "patients"},
        {"name": "Inge Bach", "email": "inge.b@example.dk", "represents": "relatives"},
        {"name": "Jens Fog", "email": "jens.fog@example.dk", "represents": "hospital_management", "region": "syddanmark"},
    ]
    decisions = [
        {"gate": "database", "round": 1, "outcome": "planned", "recorded_by": "rkkp.databaser@example.dk",
         "payload": {"database_plan": "planned", "expected_start": "2027-09-01",
                     "statement": "RKKP planlægger en database for angst og OCD med opstart i efteråret 2027; "
                                  "indikatorerne udvikles sammen med DMPG'en."}},
        {"gate": "advice", "round": 1, "outcome": "support_with_changes", "recorded_by": "foelgegruppe.regioner@example.dk",
         "payload": {"recommendation": "support_with_changes", "meeting_date": "2026-12-01",
                     "summary": "Følgegruppen støtter forslaget og anbefaler, at praktiserende psykologer får en "
                                "fast plads, og at koordineringen med den planlagte database beskrives nærmere."}},
        {"gate": "steering", "round": 1, "outcome": "defer", "recorded_by": "styregruppe.rkkp@example.dk",
         "payload": {"decision": "defer", "meeting_date": "2026-12-03",
                     "rationale": "Afventer RKKP's tidsplan for den nye database."}},
        {"gate": "steering", "round": 2, "outcome": "approve", "recorded_by": "styregruppe.rkkp@example.dk",
         "payload": {"decision": "approve", "meeting_date": "2027-01-21",
                     "rationale": "Emnet er hyppigt og tværsektorielt, og forslaget opfylder grundpræmisserne."}},
        {"gate": "approval", "round": 1, "outcome": "approve", "recorded_by": "direktoer.midtjylland@example.dk",
         "payload": {"decision": "approve", "meeting_date": "2027-02-11",
                     "rationale": "Psykiatridirektørkredsen tilslutter sig styregruppens indstilling."}},
        {"gate": "appointments", "round": 1, "outcome": "appointed", "recorded_by": "sekretariat@example.dk",
         "payload": {"members": members, "chairs": ["anne.holm@example.dk", "cecilie.dahl@example.dk"],
                     "director": {"name": "Lise Kjær", "email": "lise.kjaer@example.dk"}, "kickoff_date": "2027-04-08"}},
    ]
    findings = [
        {"code": "database.status", "severity": "info",
         "message": "Klinisk kvalitetsdatabase er planlagt: koordinér etableringen med RKKP.", "items": []},
    ]
    return Sources(
        proposal_id=proposal_id, title=form["title"], form=form, findings=findings, decisions=decisions,
        roster=SAMPLE_ROSTER,
        today=date(2027, 2, 15),
    )


def sample_jobs(src: Sources) -> list[tuple[str, int, str]]:
    """(kind, round, recipient) of the full document set of the sample."""
    jobs = [("proposal", 1, ""), ("hearing_letter", 1, ""), ("steering_memo", 1, ""), ("steering_minutes", 1, ""),
            ("steering_memo", 2, ""), ("steering_minutes", 2, ""), ("director_memo", 1, ""), ("director_letter", 1, "")]
    from dmpg.mail.recipients import organisation_contacts
    from forms.proposal import ProposalForm
    from forms.roster import Roster

    contacts = organisation_contacts(ProposalForm.model_validate(src.form), Roster.model_validate(src.roster))
    jobs += [("appointment_request", 1, code) for contact in contacts for code in contact.organisations]
    jobs += [("terms_of_reference", 1, ""), ("kickoff_invitation", 1, "")]
    return jobs


def render_samples(out_dir: Path) -> list[Path]:

    src = sample_sources()
    written = []
    for kind_name, round_, recipient in sample_jobs(src):
        ctx = compose_context(kind_name, src, round=round_, recipient=recipient)
        path = Path(out_dir) / document_filename(src.proposal_id, kind_name, round_, 1, recipient)
        render_template(KINDS[kind_name].template, ctx, path)
        written.append(path)
    return written


if __name__ == "__main__":
    for p in render_samples(Path(sys.argv[1] if len(sys.argv) > 1 else "var/preview/docx")):
        print(p)


# The candidates of seed 001's phase 3, as a steering meeting would weigh them side by side.
MEETING_CANDIDATES: tuple[dict, ...] = (
    {"title": "Retspsykiatri", "kind": "cross_cutting", "icd": [], "patients": 4200, "child": False,
     "database": ("none", None), "advice": ("support_with_changes", "Følgegruppen støtter, men målgruppen i "
     "primærsektoren og kommunerne skal beskrives nærmere."), "missing": ["DSAM", "relatives"]},
    {"title": "Spiseforstyrrelse", "kind": "diagnosis", "icd": ["F50"], "patients": 5000, "child": True,
     "database": ("planned", "Database for spiseforstyrrelser (RKKP)"), "advice": ("support", "Følgegruppen "
     "støtter et samlet forløb for børn, unge og voksne; databasen etableres samtidig."), "missing": []},
    {"title": "Hurtig opstart af behandling og tryg opfølgning i børne- og ungdomspsykiatrien", "kind": "cross_cutting",
     "icd": [], "patients": 15000, "child": True, "database": ("none", None),
     "advice": ("support", "Følgegruppen støtter; emnet går på tværs af diagnoser."), "missing": []},
    {"title": "Prædiagnostisk indsats", "kind": "cross_cutting", "icd": [], "patients": 30000, "child": True,
     "database": ("none", None), "advice": ("not_support", "Følgegruppen finder emnet for bredt til en DMPG og "
     "anbefaler, at det indgår i de eksisterende grupper."), "missing": ["DP"]},
)


RKKP_STATEMENTS = {
    "planned": "RKKP etablerer en klinisk kvalitetsdatabase på området samtidig med DMPG'en; indikatorerne "
               "udvikles sammen med gruppen.",
    "none": "Der er ingen klinisk kvalitetsdatabase på området, og ingen er planlagt; indsatsen kan delvist følges "
            "i eksisterende registre.",
}


def sample_meeting_sources(meeting_id: str = "styregruppen-2024-09-26"):
    """The steering meeting of 26 September 2024 weighing the four candidates above (each built from
    the example proposal), for the document preview and the guides' pictures (docs/images/)."""
    from copy import deepcopy

    from dmpg.documents.context import MeetingSources

    items = []
    for n, c in enumerate(MEETING_CANDIDATES, start=1):
        src = deepcopy(sample_sources(f"DMPG-2026-{n:03d}"))
        src.title = src.form["title"] = c["title"]
        src.today, src.form["submitted_on"] = date(2024, 9, 19), "2024-06-03"
        topic = src.form["topic"]
        topic.update(kind=c["kind"], icd_codes=c["icd"])
        topic["volume"]["patients_per_year"] = c["patients"]
        topic["target_group"]["child_and_adolescent"] = c["child"]
        topic["clinical_database"] = {"status": c["database"][0], "name": c["database"][1]}
        recommendation, summary = c["advice"]
        src.decisions = [
            {**src.decisions[0], "outcome": c["database"][0],
             "payload": {**src.decisions[0]["payload"], "database_plan": c["database"][0], "expected_start": None,
                         "statement": RKKP_STATEMENTS[c["database"][0]]}},
            {**src.decisions[1], "outcome": recommendation,
             "payload": {**src.decisions[1]["payload"], "recommendation": recommendation, "summary": summary,
                         "meeting_date": "2024-09-05"}},
        ]
        if c["missing"]:
            src.findings = src.findings + [{"code": "composition.base_members", "severity": "block",
                                            "message": "Pladser mangler for basiskategorier.", "items": c["missing"]}]
        if c["title"] == "Spiseforstyrrelse":
            src.findings = src.findings + [{"code": "registry.overlap", "severity": "warn",
                                            "message": "Overlap med DMPG Spiseforstyrrelser.", "items": ["Spiseforstyrrelser"]}]
        items.append(({"proposal": src.proposal_id, "gate": "steering", "round": 1, "source": "automatic"}, src))
    return MeetingSources(
        meeting={"id": meeting_id, "body": "steering_group", "date": date(2024, 9, 26), "status": "planned",
                 "minutes_by": None, "approved_by": None},
        items=items, roster=SAMPLE_ROSTER,
        workload={"appointments": [], "director_approval": [],
                  "recent": [{"name": "Bipolar"}, {"name": "Rusmidler og psykiatri"}]},
        today=date(2024, 9, 19),
    )


def render_meeting_samples(out_dir: Path) -> list[Path]:
    """The sample meeting's pack, with each candidate's steering memo appended as in a real pack."""
    from dmpg.documents.context import compose_meeting_context
    from dmpg.documents.meeting import append_documents
    from dmpg.documents.naming import MEETING_KINDS, meeting_filename
    from dmpg.documents.render import render_to_bytes, write_atomically

    src = sample_meeting_sources()
    memos = []
    for item, psrc in src.items:
        path = Path(out_dir) / "memos" / document_filename(psrc.proposal_id, "steering_memo", 1, 1)
        render_template(KINDS["steering_memo"].template, compose_context("steering_memo", psrc, round=1), path)
        memos.append(str(path))
    pack = render_to_bytes(MEETING_KINDS["meeting_pack"].template, compose_meeting_context("meeting_pack", src))
    path = Path(out_dir) / meeting_filename(src.meeting["id"], "meeting_pack", 1)
    write_atomically(append_documents(pack, memos), path)
    return [path]
