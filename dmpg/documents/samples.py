"""A realistic, complete set of :class:`Sources` (an example proposal that went through every gate), for
the benchmark, the tests and document previews without a running stack.

``python -m dmpg.documents.samples OUT_DIR`` renders every document kind of the sample into OUT_DIR.
"""

from __future__ import annotations

import sys
from datetime import date
from pathlib import Path

from dmpg.documents.context import Sources, compose_context
from dmpg.documents.naming import KINDS, document_filename
from core.settings import PROJECT_ROOT

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
    from dmpg.documents.render import render_template

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
