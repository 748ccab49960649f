"""Rendering the templates: hostile data read back literally, no template tag left anywhere, strict
about missing variables, control characters stripped, Danish dates, header/footer on every page."""

from __future__ import annotations

import hashlib
from copy import deepcopy

import pytest

from dmpg.documents.context import compose_context
from dmpg.documents.naming import KINDS, document_filename
from dmpg.documents.render import TemplateRenderError, clean_context, render_template
from support.samples import sample_jobs, sample_sources
from tests.documents.conftest import TAG, docx_text, part_texts

HOSTILE = "& < > \" ' {{ x }} {% if %} {# c #} </w:t> æøå ÆØÅ"
FREE_TEXT = {"title", "description", "severity", "source", "justification", "name", "organisation", "rationale",
             "monitoring", "research", "education", "message", "summary"}


def _hostile(value, key=None):
    """Every free-text string gets the hostile tail; codes, e-mails and dates stay valid."""
    if isinstance(value, dict):
        return {k: _hostile(v, k) for k, v in value.items()}
    if isinstance(value, list):
        return [_hostile(v, key) for v in value]
    if isinstance(value, str) and key in FREE_TEXT:
        return f"{value} {HOSTILE}"
    return value


def hostile_sources():
    src = deepcopy(sample_sources())
    src.title = f"{src.title} {HOSTILE}"
    src.form = _hostile(src.form)
    src.findings = _hostile(src.findings)
    src.decisions = [{**d, "payload": _hostile(d["payload"])} for d in src.decisions]
    src.roster = _hostile(src.roster)
    return src


JOBS = sample_jobs(sample_sources())


def test_the_sample_covers_every_template():
    assert {kind for kind, _, _ in JOBS} == set(KINDS)


@pytest.mark.parametrize("kind,round_,recipient", JOBS, ids=[f"{k}-r{r}{'-' + c if c else ''}" for k, r, c in JOBS])
def test_hostile_data_is_shown_literally_and_no_tag_survives(tmp_path, kind, round_, recipient):
    ctx = compose_context(kind, hostile_sources(), round=round_, recipient=recipient)
    out = tmp_path / "doc.docx"
    render_template(KINDS[kind].template, ctx, out)

    text = docx_text(out)
    assert HOSTILE in text  # read back literally with python-docx: escaped on the way in, intact on the way out
    for part, part_text in part_texts(out).items():
        left = TAG.findall(part_text.replace(HOSTILE, ""))
        assert not left, f"template tag left in {part}: {left}"
    assert "DMPG-2026-001 · " + KINDS[kind].title + " · Version 1" in text  # the header, every page


def test_header_shows_the_version_and_the_footer_has_page_numbers(tmp_path):
    ctx = compose_context("steering_minutes", sample_sources(), round=2)
    ctx["version"] = 3
    out = tmp_path / "m.docx"
    render_template("steering_minutes.docx", ctx, out)
    parts = part_texts(out)
    headers = "\n".join(t for name, t in parts.items() if name.startswith("word/header"))
    footers = [name for name in parts if name.startswith("word/footer")]
    assert "DMPG-2026-001 · Beslutningsreferat, DMPG-styregruppen · Version 3" in headers
    import zipfile

    with zipfile.ZipFile(out) as z:
        footer_xml = "".join(z.read(n).decode() for n in footers)
    assert 'w:instr="PAGE"' in footer_xml and 'w:instr="NUMPAGES"' in footer_xml
    assert "Side " in "".join(parts[n] for n in footers)


def test_minutes_show_the_decision_and_a_danish_meeting_date(tmp_path):
    ctx = compose_context("steering_minutes", sample_sources(), round=2)
    out = tmp_path / "m.docx"
    render_template("steering_minutes.docx", ctx, out)
    text = docx_text(out)
    assert "torsdag den 21. januar 2027" in text
    assert "Styregruppen besluttede: Godkendt" in text
    assert "15. februar 2027" in text  # the document's own date


def test_hearing_letter_reads_like_a_letter(tmp_path):
    out = tmp_path / "h.docx"
    render_template("hearing_letter.docx", compose_context("hearing_letter", sample_sources()), out)
    text = docx_text(out)
    assert "Kære medlemmer af følgegruppen," in text
    assert "Danske Regioner · DMPG-sekretariatet · RKKP" in text
    assert "Eksponeringsbaseret kognitiv adfærdsterapi ved OCD hos børn og unge" in text
    assert "Med venlig hilsen" in text


def test_director_letter_says_rejected_when_rejected(tmp_path):
    src = sample_sources()
    for d in src.decisions:
        if d["gate"] == "approval":
            d["outcome"] = "reject"
            d["payload"]["rationale"] = "Ikke prioriteret i år."
    out = tmp_path / "l.docx"
    render_template("director_letter.docx", compose_context("director_letter", src), out)
    text = docx_text(out)
    assert "besluttet ikke at godkende det" in text and "Beslutning: Afvist" in text
    assert "godkendt forslaget" not in text


def test_appointment_request_names_the_organisation_and_its_seats(tmp_path):
    out = tmp_path / "a.docx"
    render_template("appointment_request.docx", compose_context("appointment_request", sample_sources(), recipient="DPS"), out)
    text = docx_text(out)
    assert "Til Dansk Psykiatrisk Selskab\n" in text and "Kære" not in text  # an organisation: no "Kære"
    assert "udpege 2 medlemmer" in text


def test_control_characters_are_stripped_but_tabs_and_newlines_kept(tmp_path):
    ctx = compose_context("steering_minutes", sample_sources(), round=2)
    ctx["decision"]["rationale"] = "Kontrol\x00\x01\x07\x0b\x0c\x1b\x7ftegn\tfane\nny linje\ufffe"
    out = tmp_path / "c.docx"
    render_template("steering_minutes.docx", ctx, out)
    text = docx_text(out)
    assert "Kontroltegn\tfane\nny linje" in text
    assert clean_context({"a": ["x\x00y", ("\x1fz",)], "n": 3}) == {"a": ["xy", ["z"]], "n": 3}


def test_a_missing_variable_names_template_and_variable_and_writes_nothing(tmp_path):
    ctx = compose_context("steering_minutes", sample_sources(), round=2)
    del ctx["decision"]
    out = tmp_path / "missing.docx"
    with pytest.raises(TemplateRenderError) as err:
        render_template("steering_minutes.docx", ctx, out)
    assert "template steering_minutes.docx" in str(err.value) and "'decision'" in str(err.value)
    assert not out.exists() and list(tmp_path.iterdir()) == []


def test_an_unknown_template_is_a_clear_error(tmp_path):
    with pytest.raises(TemplateRenderError, match="template nope.docx: not found"):
        render_template("nope.docx", {}, tmp_path / "x.docx")


def test_the_sandbox_refuses_unsafe_attribute_access(tmp_path, monkeypatch):
    # A template edited to reach into Python internals is refused, not executed.
    from docx import Document
    from docxtpl import DocxTemplate  # noqa: F401 - the real renderer is used below

    tpl_dir = tmp_path / "templates"
    tpl_dir.mkdir()
    doc = Document()
    doc.add_paragraph("{{ title.__class__.__mro__ }}")
    doc.save(tpl_dir / "evil.docx")
    monkeypatch.setenv("DMPG_TEMPLATES_DIR", str(tpl_dir))
    from core.settings import get_settings

    get_settings.cache_clear()
    try:
        with pytest.raises(TemplateRenderError):
            render_template("evil.docx", {"title": "x"}, tmp_path / "out.docx")
    finally:
        get_settings.cache_clear()


def test_returns_the_sha256_of_the_written_file_and_writes_atomically(tmp_path):
    out = tmp_path / "sub" / "d.docx"
    sha = render_template("hearing_letter.docx", compose_context("hearing_letter", sample_sources()), out)
    assert sha == hashlib.sha256(out.read_bytes()).hexdigest()
    assert [p.name for p in out.parent.iterdir()] == ["d.docx"]  # no temp file left behind


def test_file_names_are_ascii_and_follow_the_pattern():
    assert document_filename("DMPG-2026-001", "steering_minutes", 2, 1) == "DMPG-2026-001_steering-minutes_r2_v1.docx"
    assert document_filename("DMPG-2026-001", "appointment_request", 1, 1, "DPS") == \
        "DMPG-2026-001_appointment-request_r1_DPS_v1.docx"
    name = document_filename("DMPG-2026-001", "appointment_request", 1, 2, "pårørende æøå")
    assert name == "DMPG-2026-001_appointment-request_r1_paaroerende-aeoeaa_v2.docx" and name.isascii()
    with pytest.raises(ValueError, match="unknown document kind"):
        document_filename("DMPG-2026-001", "memo", 1, 1)
