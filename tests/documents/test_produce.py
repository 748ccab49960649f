"""Producing documents through the real SQLite ledger: the full set, recorded with matching sha256,
exactly once across re-runs (a resumed flow), a new version when the file is gone or altered."""

from __future__ import annotations

import hashlib
import re
from pathlib import Path

import pytest

from dmpg.documents.produce import produce_document
from support.samples import SAMPLE_ROSTER, sample_jobs, sample_sources
from tests.documents.conftest import docx_text


@pytest.fixture
def proposal(dmpg_home, tmp_path, monkeypatch):
    """The sample proposal in a fresh ledger, with the sample roster and every gate's decision recorded."""
    import yaml

    from core.settings import get_settings
    from forms.proposal import ProposalForm
    from models import ledger
    from models.db import dispose_engines, ensure_schema

    roster = tmp_path / "roster.yaml"
    roster.write_text(yaml.safe_dump(SAMPLE_ROSTER, allow_unicode=True), encoding="utf-8")
    monkeypatch.setenv("DMPG_ROSTER", str(roster))
    get_settings.cache_clear()
    ensure_schema()
    src = sample_sources()
    pid = ledger.create_proposal(ProposalForm.model_validate(src.form), year=2026).id
    for d in src.decisions:
        ledger.record_decision(pid, d["gate"], d["round"], d["outcome"], d["payload"], d["recorded_by"])
    yield pid
    dispose_engines()


def _sha(path: str) -> str:
    return hashlib.sha256(Path(path).read_bytes()).hexdigest()


def test_the_full_set_is_recorded_with_matching_sha256_and_no_duplicates(proposal, dmpg_home):
    from models import ledger

    jobs = sample_jobs(sample_sources())
    refs = [produce_document(proposal, kind, round_, recipient) for kind, round_, recipient in jobs]
    rows = ledger.documents(proposal, latest_only=False)
    assert len(rows) == len(jobs) == len(refs)
    assert {(r.kind, r.round, r.recipient) for r in rows} == set(jobs)
    for row in rows:
        path = Path(row.path)
        assert path.parent == dmpg_home / "documents" / proposal
        assert path.name.isascii() and re.fullmatch(r"DMPG-2026-001_[a-z-]+_r\d+(_[A-Za-z_-]+)?_v1\.docx", path.name)
        assert row.sha256 == _sha(row.path) and row.version == 1
    # Appointment requests: one per organisation in the seats ("other" has no contact in the roster).
    assert sorted(r.recipient for r in rows if r.kind == "appointment_request") == sorted(
        ["DPS", "BUP", "FYP", "DSAM", "DP", "DASYS", "patients", "relatives", "hospital_management"])

    # A resumed flow re-runs every step: nothing is rendered or recorded twice.
    mtimes = {r.path: Path(r.path).stat().st_mtime_ns for r in rows}
    again = [produce_document(proposal, kind, round_, recipient) for kind, round_, recipient in jobs]
    assert again == refs
    assert len(ledger.documents(proposal, latest_only=False)) == len(jobs)
    assert {r.path: Path(r.path).stat().st_mtime_ns for r in rows} == mtimes


def test_documents_draw_on_the_ledger(proposal):
    ref = produce_document(proposal, "kickoff_invitation")
    text = docx_text(ref.path)
    assert "torsdag den 8. april 2027" in text
    assert "Anne Holm og Cecilie Dahl (formænd) og Lise Kjær (sundhedsfaglig direktør)." in text
    assert "Frida Østergaard" in text and ref.title == "Invitation til kickoff-møde"
    minutes = docx_text(produce_document(proposal, "steering_minutes", round=1).path)
    assert "Udsat til et senere møde" in minutes and "Lægefaglig direktør, Region Sjælland" in minutes


def test_a_missing_or_altered_file_or_force_gives_a_new_version(proposal):
    from models import ledger

    v1 = produce_document(proposal, "hearing_letter")
    Path(v1.path).unlink()
    v2 = produce_document(proposal, "hearing_letter")
    assert (v2.version, v2.filename) == (2, "DMPG-2026-001_hearing-letter_r1_v2.docx")
    assert "Version 2" in docx_text(v2.path)
    Path(v2.path).write_bytes(Path(v2.path).read_bytes() + b"x")
    v3 = produce_document(proposal, "hearing_letter")
    v4 = produce_document(proposal, "hearing_letter", force=True)
    assert (v3.version, v4.version) == (3, 4)
    assert [r.version for r in ledger.documents(proposal, latest_only=False) if r.kind == "hearing_letter"] == [1, 2, 3, 4]
    assert ledger.find_document(proposal, "hearing_letter", 1).sha256 == _sha(v4.path)


def test_documents_are_listed_as_signed_links_never_file_paths(proposal):
    import re

    from dmpg.documents.links import documents_markdown
    from dmpg.state.links import LinkRefused, verify_document
    from models import ledger

    produce_document(proposal, "steering_minutes", round=2)
    produce_document(proposal, "appointment_request", recipient="DPS")
    ledger.record_event(proposal, key=f"{proposal}:gate_opened:steering-r3-a1", kind="gate_opened", gate="steering",
                        round=3, detail={"key": "steering-r3-a1", "attempt": 1})
    md = documents_markdown(proposal, ("steering", 3))
    assert "file://" not in md
    assert r"[Beslutningsreferat, DMPG\-styregruppen, runde 2](http://127.0.0.1:8030/dokument/" in md
    assert r"[Anmodning om udpegning — Dansk Psykiatrisk Selskab \(DPS\)](" in md
    tokens = re.findall(r"/dokument/([^)]+)\)", md)
    linked = {verify_document(t) for t in tokens}
    assert linked == {(d.id, proposal) for d in ledger.documents(proposal)}
    # A document link ends with its gate round, and is only accepted as it was written.
    with pytest.raises(LinkRefused) as padded:
        verify_document(tokens[0] + "==")
    assert padded.value.reason == "tampered"
    ledger.record_decision(proposal, "steering", 3, "approve", {"decision": "approve"}, "sekretariat@example.dk",
                           event_key=f"{proposal}:answer:steering:r3:cli-x")
    with pytest.raises(LinkRefused) as closed:
        verify_document(tokens[0])
    assert closed.value.reason == "closed"
    assert "- Beslutningsreferat" in documents_markdown(proposal, None)  # no round waits: titles, no links
