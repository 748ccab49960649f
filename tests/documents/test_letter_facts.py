"""What a proposal's letters and mails say alike (``dmpg.documents.context``): the summary, the reply
deadline, the previous round, the signature, a revised form's version, findings in words."""

from __future__ import annotations

from copy import deepcopy
from datetime import date, datetime, timezone

from dmpg.documents.context import (
    compose_context,
    previous_round,
    reader_items,
    reader_message,
    reply_deadline,
    summary_lines,
)
from support.proofread import check_document, read_docx
from dmpg.documents.render import render_template
from support.samples import sample_sources


def test_the_summary_is_two_lines_from_the_form_or_one_when_it_gives_nothing():
    src = sample_sources()
    assert summary_lines(src) == ["Forslag om ny DMPG: Angst og OCD (sag DMPG-2026-001)",
                                  "Diagnoseområde (ICD-10: F40, F41, F42) · ca. 24.000 patienter pr. år"]
    src.form = {"title": "PTSD"}
    src.title = "PTSD"
    assert summary_lines(src) == ["Forslag om ny DMPG: PTSD (sag DMPG-2026-001)"]


def test_the_deadline_counts_from_when_the_request_went_out():
    src = sample_sources()
    src.stages = {"reference_group": date(2026, 11, 10)}
    assert reply_deadline(src, "advice") == reply_deadline(src, "database") == date(2026, 12, 1)
    src.reply_days = 14
    assert reply_deadline(src, "advice") == date(2026, 11, 24)
    # Appointment requests go out when the directors approve; the ledger's UTC time is a Danish day.
    for d in src.decisions:
        if d["gate"] == "approval":
            d["at"] = datetime(2027, 2, 11, 23, 30, tzinfo=timezone.utc)  # 12 February in Copenhagen
    assert reply_deadline(src, "appointments") == date(2027, 2, 26)
    assert reply_deadline(src, "steering") is None  # decided at a meeting, not by a reply


def test_a_round_after_a_deferral_or_a_send_back_knows_why():
    src = sample_sources()
    assert previous_round(src, "steering", 1) is None
    deferred = previous_round(src, "steering", 2)
    assert deferred["sentence"] == "På mødet 3. december 2026 blev indstillingen udsat til et senere møde."
    assert deferred["rationale"] == "Afventer RKKP's tidsplan for den nye database."
    for d in src.decisions:
        if d["gate"] == "steering" and d["round"] == 1:
            d["outcome"] = d["payload"]["decision"] = "revise"
    assert previous_round(src, "steering", 2)["sentence"] == \
        "På mødet 3. december 2026 blev indstillingen sendt tilbage til revision."


def test_a_revised_form_states_one_version_in_header_and_text(tmp_path):
    out = tmp_path / "p.docx"
    render_template("proposal.docx", compose_context("proposal", sample_sources(), round=2), out)
    doc = read_docx(out)
    assert doc.header.endswith("· Indstillingsskema · Version 2")
    assert "Version 2: det reviderede indstillingsskema" in doc.body and "Revision" not in doc.body
    assert check_document(doc) == []


def test_the_signature_names_a_person_once_and_the_unit_once(tmp_path):
    src = sample_sources()
    assert compose_context("hearing_letter", src)["secretariat"]["signer"] == ""  # "DMPG-sekretariatet" is the unit
    src.roster = deepcopy(src.roster)
    src.roster["secretariat"] = [{"name": "Søs Æbelø", "email": "soes@example.dk"}]
    out = tmp_path / "h.docx"
    render_template("hearing_letter.docx", compose_context("hearing_letter", src), out)
    lines = read_docx(out).lines
    i = lines.index("Med venlig hilsen")
    assert lines[i + 1:i + 3] == ["Søs Æbelø", "DMPG-sekretariatet, RKKP · soes@example.dk"]


def test_a_field_left_empty_leaves_its_row_out(tmp_path):
    """No "Ikke oplyst" in a formal document: a field the proposers left empty has no row at all."""
    src = sample_sources()
    src.form = {**src.form, "tasks": {**src.form["tasks"], "research": None}}
    assert compose_context("terms_of_reference", src)["form"]["research"] == ""
    out = tmp_path / "k.docx"
    render_template("terms_of_reference.docx", compose_context("terms_of_reference", src), out)
    doc = read_docx(out)
    assert "Forskning (på sigt)" not in doc.lines and "Monitorering" in doc.lines
    assert "Ikke oplyst" not in doc.body and check_document(doc) == []


def test_findings_are_written_in_words():
    message = ("Grundpræmis (Deltagere): … Sammensætningen (composition.seats) mangler pladser til: BUP, relatives. "
               "Primærsektoren (topic.target_group.primary_sector) er angivet som nej (felt x.y). "
               "Status (topic.clinical_database.status: existing, planned eller none). Skøn (kilde) og DSAM.")
    assert reader_message(message) == (
        "Grundpræmis (Deltagere): … Sammensætningen mangler pladser til: Børne- og Ungdomspsykiatrisk Selskab (BUP), "
        "pårørenderepræsentanter. Primærsektoren er angivet som nej. Status. Skøn (kilde) og Dansk Selskab for "
        "Almen Medicin (DSAM).")
    assert reader_items(["topic.severity", "DPS", "patients", "Skizofreni"]) == [
        "Dansk Psykiatrisk Selskab (DPS)", "Patientrepræsentanter", "Skizofreni"]
