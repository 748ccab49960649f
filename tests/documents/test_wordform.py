"""The indstillingsskema in Word: blank form with every label, round trip to identical findings,
errors named in the Word form's own words, and the dmpg form / dmpg check commands."""

from __future__ import annotations

import json

import pytest
from docx import Document

from core.errors import InputError
from dmpg.documents.wordform import write_blank_form, write_filled_form
from dmpg.interfaces.cli import main
from forms.loading import load_form
from forms.premises import check_premises
from forms.proposal import ProposalForm
from forms.registry import SEED_GROUPS
from forms.wordform import SEP, form_layout, read_form_docx
from tests.documents.conftest import docx_text

EXAMPLES = ["angst-og-ocd.yaml", "personlighedsforstyrrelser.yaml"]
FIRST_COLUMN = {"Pladser": "Repræsenterer", "Indstillere": "Navn", "Foreslåede retningslinjer": "Retningslinjens titel"}


def _set_cell(path, header_or_label: str, row: int | None, column: str | None, text: str) -> None:
    """Type ``text`` into the Word form like a person would: a list table's cell (by header, row
    number, column label) or a label|value row's value (by label)."""
    doc = Document(str(path))
    for table in doc.tables:
        header = [c.paragraphs[0].text for c in table.rows[0].cells]
        if row is not None and header[0] == FIRST_COLUMN[header_or_label] and column in header:
            cell = table.rows[row].cells[header.index(column)]
            break
        if row is None:
            hits = [r for r in table.rows if r.cells[0].paragraphs[0].text == header_or_label]
            if hits:
                cell = hits[0].cells[1]
                break
    else:
        raise AssertionError(f"no cell {header_or_label}/{row}/{column}")
    for p in cell.paragraphs[1:]:
        p._p.getparent().remove(p._p)
    cell.paragraphs[0].text = text
    doc.save(str(path))


def test_the_blank_form_has_every_label_and_help_text(tmp_path):
    out = write_blank_form(tmp_path / "blank.docx")
    text = docx_text(out)
    assert "Indstillingsskema" in text and "Forslag til ny DMPG" in text
    for section in form_layout():
        assert section.title in text
        for part in section.parts:
            cells = part if isinstance(part, list) else part.columns
            for cell in cells:
                assert cell.label in text
                assert cell.help.split(".")[0] in text
    # The labels come from the model's Danish Field titles (one source of truth).
    for title in ("Titel", "Patienter pr. år", "Primærsektoren", "Antal pladser", "Retningslinjens titel", "ICD-10-koder"):
        assert title in text
    # A blank form is empty: reading it back gives only "title is required".
    with pytest.raises(InputError) as err:
        read_form_docx(out)
    assert err.value.problems == [("Forslaget › Titel", "skal udfyldes")]


@pytest.mark.parametrize("name", EXAMPLES)
def test_round_trip_gives_the_same_form_and_identical_findings(tmp_path, examples, name):
    form = load_form(examples / name)
    out = write_filled_form(form, tmp_path / "filled.docx")
    back = read_form_docx(out)
    assert back == form
    registry = list(SEED_GROUPS)
    assert [f.to_dict() for f in check_premises(back, registry)] == [f.to_dict() for f in check_premises(form, registry)]


@pytest.mark.parametrize("name", EXAMPLES)
def test_dmpg_check_gives_the_same_result_for_the_word_form(tmp_path, examples, name, capsys, dmpg_home):
    out = tmp_path / "filled.docx"
    assert main(["form", "render", str(examples / name), str(out)]) == 0
    capsys.readouterr()
    code_yaml = main(["check", str(examples / name), "--json"])
    from_yaml = json.loads(capsys.readouterr().out)
    code_docx = main(["check", str(out), "--json"])
    from_docx = json.loads(capsys.readouterr().out)
    assert (code_docx, from_docx) == (code_yaml, from_yaml)


def test_malformed_values_are_named_in_the_word_forms_own_words(tmp_path, examples):
    out = write_filled_form(load_form(examples / "angst-og-ocd.yaml"), tmp_path / "f.docx")
    _set_cell(out, "Pladser", 2, "Antal pladser", "to")
    _set_cell(out, "Indstillere", 1, "E-mail", "ikke-en-mail")
    _set_cell(out, "Målgruppe › Primærsektoren", None, None, "måske")
    _set_cell(out, "Indsendt", None, None, "i går")
    _set_cell(out, "Pladser", 3, "Repræsenterer", "DPX")
    with pytest.raises(InputError) as err:
        read_form_docx(out)
    problems = dict(err.value.problems)
    assert problems["3) Sammensætning af deltagerkreds › Pladser, række 2 › Antal pladser"] == \
        "forventede et helt tal, fik 'to'"
    assert problems["1) Emnevalg › Målgruppe › Primærsektoren"] == "forventede Ja eller Nej, fik 'måske'"
    assert problems["Forslaget › Indsendt"] == "forventede en dato som dd.mm.åååå (fx 14.01.2027), fik 'i går'"
    assert "e-mailadresse" in problems["Indstillere, række 1 › E-mail"]
    assert problems["3) Sammensætning af deltagerkreds › Pladser, række 3 › Repræsenterer"] == (
        "forventede DPS, BUP, FYP, DSAM, DP, DASYS, Patienter, Pårørende, Sundhed Danmark, Hospitalsledelse eller "
        "Andre; fik 'DPX'")
    assert len(err.value.problems) == 5
    assert SEP in str(err.value)


def test_danish_habits_in_a_filled_form_are_understood(tmp_path, examples):
    out = write_filled_form(load_form(examples / "angst-og-ocd.yaml"), tmp_path / "f.docx")
    _set_cell(out, "Volumen › Patienter pr. år", None, None, "24.000")
    _set_cell(out, "Indsendt", None, None, "2. november 2026")
    _set_cell(out, "ICD-10-koder", None, None, "F40; F41, F42")
    _set_cell(out, "Målgruppe › Voksenpsykiatri", None, None, "ja")
    _set_cell(out, "Emnetype", None, None, "Diagnoseområde")
    _set_cell(out, "Klinisk kvalitetsdatabase › Status for klinisk kvalitetsdatabase", None, None, "Planlagt")
    _set_cell(out, "Pladser", 1, "Repræsenterer", "Dansk Psykiatrisk Selskab")
    assert read_form_docx(out) == load_form(examples / "angst-og-ocd.yaml")


def test_the_form_speaks_danish_and_takes_danish_words_or_codes(tmp_path, examples):
    """Choices are written as Danish words ("Pårørende", "Planlagt", "Diagnoseområde"), dates as
    dd.mm.åååå, and the help tells how; the words and the codes are both read back."""
    from support.proofread import read_docx

    form = load_form(examples / "personlighedsforstyrrelser.yaml")
    out = write_filled_form(form, tmp_path / "f.docx")
    text = read_docx(out).body
    for code in ("relatives", "hospital_management", "sundhed_danmark", "cross_cutting", "existing", "planned"):
        assert code not in text, code
    assert "Patienter" in text and "Diagnoseområde" in text and "Skriv datoen som dd.mm.åååå" in text
    _set_cell(out, "Pladser", 1, "Repræsenterer", "Pårørende")
    _set_cell(out, "Pladser", 2, "Repræsenterer", "hospital_management")
    _set_cell(out, "Emnetype", None, None, "Tværgående emne")
    back = read_form_docx(out)
    assert [s.represents for s in back.composition.seats][:2] == ["relatives", "hospital_management"]
    assert back.topic.kind == "cross_cutting"
    blank = read_docx(write_blank_form(tmp_path / "blank.docx")).body
    assert "Pårørende" in blank and "relatives" not in blank and "ÅÅÅÅ" not in blank


def test_a_date_that_does_not_exist_is_said_to_not_exist(tmp_path, examples):
    out = write_filled_form(load_form(examples / "angst-og-ocd.yaml"), tmp_path / "f.docx")
    _set_cell(out, "Indsendt", None, None, "31.02.2027")
    with pytest.raises(InputError) as err:
        read_form_docx(out)
    assert dict(err.value.problems)["Forslaget › Indsendt"] == "datoen 31.02.2027 findes ikke"


def test_added_rows_and_empty_rows(tmp_path):
    form = ProposalForm.model_validate({"title": "PTSD", "composition": {"seats": [{"represents": "DPS", "count": 2}]}})
    out = write_filled_form(form, tmp_path / "f.docx")
    _set_cell(out, "Pladser", 3, "Repræsenterer", "Patients")  # row 2 stays empty and is skipped
    back = read_form_docx(out)
    assert [(s.represents, s.count) for s in back.composition.seats] == [("DPS", 2), ("patients", 1)]


def test_a_file_that_is_not_a_form_is_refused_clearly(tmp_path):
    not_docx = tmp_path / "x.docx"
    not_docx.write_text("hej")
    with pytest.raises(InputError, match="kan ikke læses som et Word-dokument"):
        read_form_docx(not_docx)
    letter = tmp_path / "letter.docx"
    Document().save(str(letter))
    with pytest.raises(InputError, match="ligner ikke et indstillingsskema"):
        read_form_docx(letter)


def test_dmpg_form_commands(tmp_path, examples, capsys):
    assert main(["form", "blank", str(tmp_path / "blank.docx")]) == 0
    assert (tmp_path / "blank.docx").exists()
    assert main(["form", "render", str(examples / "nope.yaml"), str(tmp_path / "x.docx")]) == 2
    assert main(["form", "blank", str(tmp_path / "blank.txt")]) == 2
    assert not (tmp_path / "x.docx").exists() and not (tmp_path / "blank.txt").exists()
    err = capsys.readouterr().err
    assert "Traceback" not in err and "skal ende på .docx" in err
