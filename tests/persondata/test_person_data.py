"""One person's data (GDPR) on a real ledger with real documents: ``dmpg person export`` finds it all
(addresses matched after folding) and writes JSON and a Danish Word summary; ``dmpg person erase``
removes what no record needs, keeps a case's record, refuses while the person takes part; the retention
rule pseudonymises an ended case's record once its time has run out. Each is logged."""

from __future__ import annotations

import json
import shutil
from datetime import date, timedelta
from pathlib import Path

import pytest
import yaml

PROJECT = Path(__file__).resolve().parents[2]
PROPOSER = "anne.proposer@example.dk"
PROPOSER_NAME = "Anne Indstiller Holm"
REFERENCE = "foelgegruppe.regioner@example.dk"
STEERING = "styregruppe.midtjylland@example.dk"
OPEN_PROPOSER = "bo.aaben@example.dk"


@pytest.fixture
def roster_file(dmpg_home, monkeypatch, tmp_path) -> Path:
    """The project's roster as a file of the test's own (a test removes people from it)."""
    from core.settings import get_settings

    path = tmp_path / "roster.yaml"
    shutil.copy(PROJECT / "roster.yaml", path)
    monkeypatch.setenv("DMPG_ROSTER", str(path))
    get_settings.cache_clear()
    return path


def _form(examples, title: str, email: str, name: str):
    from forms.loading import load_form

    form = load_form(examples / "angst-og-ocd.yaml")
    proposers = [form.proposers[0].model_copy(update={"email": email, "name": name}), *form.proposers[1:]]
    return form.model_copy(update={"title": title, "proposers": proposers})


@pytest.fixture
def cases(roster_file, examples):
    """Two proposals: one that ended (rejected by the steering group, which decided through a link in
    its mail) with Anne as proposer, and one still in the hearing with Bo as proposer."""
    from dmpg.services.gatekeeper import announce_decision, open_gate, take_answer
    from dmpg.services.steps import check_submission, finish_rejected
    from dmpg.state import links
    from models import ledger
    from models.db import dispose_engines

    ended_form = _form(examples, "Angst hos voksne", PROPOSER, PROPOSER_NAME)
    ended = ledger.create_proposal(ended_form).id
    check_submission(ended, ended_form.model_dump(mode="json"), 1)
    for gate, payload in (("advice", {"recommendation": "support", "summary": "Støttes.", "meeting_date": "2026-10-01",
                                      "recorded_by": REFERENCE}),
                          ("database", {"database_plan": "planned", "statement": "Planlagt.", "recorded_by": "rkkp.databaser@example.dk"}),
                          ("steering", {"decision": "reject", "meeting_date": "2026-11-01",
                                        "rationale": "Emnet dækkes af en eksisterende gruppe.", "recorded_by": STEERING})):
        open_gate(ended, gate, 1, 1, f"{gate}-r1-a1")
        channel, detail = "cli", None
        if gate == "steering":  # the steering member decides through the link in their mail
            row = ledger.decision_link(purpose="gate", proposal_id=ended, gate=gate, round=1, recipient=STEERING,
                                       make_id=lambda: "steering-link", expires_at=links.clock.now() + timedelta(days=9))
            assert ledger.use_decision_link(row.id)
            channel, detail = "mail-link", {"link": row.id}
        assert take_answer(ended, gate, 1, payload, ref=f"test-{gate}", channel=channel, detail=detail).accepted
        announce_decision(ended, gate, 1)
    finish_rejected(ended, "steering", 1)
    # What the journal keeps of an opened revision gate: who may record it, the proposers among them.
    ledger.record_journal(ended, f"{ended}:open-gate:revision:1:1:revision-r1-a1",
                          {"recorders": [[PROPOSER_NAME, PROPOSER], ["DMPG-sekretariatet", "sekretariat@example.dk"]],
                           "proposal": ended, "gate": "revision", "round": 1})

    open_form = _form(examples, "Angst hos børn", OPEN_PROPOSER, "Bo Åben")
    still_open = ledger.create_proposal(open_form).id
    check_submission(still_open, open_form.model_dump(mode="json"), 1)
    open_gate(still_open, "advice", 1, 1, "advice-r1-a1")
    yield ended, still_open
    dispose_engines()


def cli(*argv: str) -> tuple[int, str, str]:
    import contextlib
    import io

    from dmpg.interfaces.cli import main

    out, err = io.StringIO(), io.StringIO()
    with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
        code = main(list(argv))
    return code, out.getvalue(), err.getvalue()


def test_export_finds_everything_about_a_person_and_writes_json_and_danish_word(cases, tmp_path):
    from docx import Document

    ended, still_open = cases
    code, out, err = cli("person", "export", "  Anne.PROPOSER@Example.dk ", str(tmp_path / "udtraek"), "--json")
    assert code == 0, err
    result = json.loads(out)
    data = json.loads(Path(result["json"]).read_text(encoding="utf-8"))

    assert data["email"] == PROPOSER and PROPOSER_NAME in data["names"]
    assert [(p["proposal"], p["roles"], p["stage"]) for p in data["proposals"]] == [(ended, ["indstiller"], "rejected")]
    assert data["proposals"][0]["record_kept_until"] is not None  # ended: the record's end is known
    assert data["proposals"][0]["entries"][0]["name"] == PROPOSER_NAME
    kinds = {m["kind"] for m in data["mails"]}
    assert {"receipt", "decision"} <= kinds and all(m["subject"].startswith(f"[{ended}]") for m in data["mails"])
    assert {d["kind"] for d in data["documents"]} >= {"proposal"}  # the form names them
    assert all(d["proposal"] == ended for d in data["documents"])
    assert data["roster"] == [] and data["links"] == []
    assert data["counts"]["mails"] == len(data["mails"]) >= 4

    doc = Document(result["docx"])
    text = "\n".join(p.text for p in doc.paragraphs)
    cells = "\n".join(c.text for t in doc.tables for r in t.rows for c in r.cells)
    assert "Dine oplysninger i DMPG-systemet" in text and f"{PROPOSER_NAME} <{PROPOSER}>" in text
    assert "Hvor længe, og hvad du kan bede om" in text and "Datatilsynet" in text
    assert ended in cells and "Indstiller" in cells and "Indstillingsskema" in cells and "Afvist" in cells
    assert 'w:val="da-DK"' in doc.styles.element.xml
    assert doc.core_properties.title == f"Personoplysninger om {PROPOSER_NAME}"

    code, out, _ = cli("person", "export", STEERING, str(tmp_path / "styregruppe"))
    assert code == 0 and "personoplysninger-" in out
    steering = json.loads(next((tmp_path / "styregruppe").glob("*.json")).read_text(encoding="utf-8"))
    assert steering["roster"] == [{"body": "steering_group", "name": "Lægefaglig direktør, Region Midtjylland",
                                   "email": STEERING}]
    assert [(d["proposal"], d["gate"], d["roles"], d["channel"]) for d in steering["decisions"]] == [
        (ended, "steering", ["har registreret en beslutning"], "mail-link")]
    assert [lk["used_at"] is not None for lk in steering["links"]] == [True]


def test_erase_is_refused_while_the_person_takes_part_and_nothing_changes(cases):
    from dmpg.mail.outbox import list_notifications

    ended, still_open = cases
    before = [(n.recipient, n.subject) for n in list_notifications()]
    code, _, err = cli("person", "erase", REFERENCE)
    assert code == 1 and "står på rosteren (følgegruppen)" in err and "rosterfilen" in err and "Intet er ændret" in err
    code, _, err = cli("person", "erase", OPEN_PROPOSER)
    assert code == 1 and f"er part i {still_open}, som ikke er afsluttet" in err
    assert [(n.recipient, n.subject) for n in list_notifications()] == before


def test_erase_removes_what_no_record_needs_and_keeps_the_cases_record(cases, roster_file, tmp_path):
    from sqlmodel import select

    from dmpg.mail.outbox import list_notifications
    from dmpg.services import persondata
    from models import ledger
    from models.db import session_scope
    from models.tables import DecisionLink, JournalEntry, PrivacyAction

    ended, still_open = cases
    assert cli("person", "export", PROPOSER, str(tmp_path / "foer"))[0] == 0
    code, out, err = cli("person", "erase", PROPOSER.upper(), "--json")
    assert code == 0, err
    done = json.loads(out)
    pseudonym = done["pseudonym"]
    assert pseudonym.endswith("@slettet.invalid") and done["mails"] >= 4 and done["journal_deleted"] >= 1

    # The mails' copies: no address, no text; evidence that a mail of that kind went out.
    mine = [n for n in list_notifications(ended) if n.recipient == pseudonym]
    assert len(mine) == done["mails"] and all(n.subject == "(slettet)" and n.body_text == "" for n in mine)
    assert not any(PROPOSER in (n.recipient + n.key + n.subject + n.body_text + n.body_html) for n in list_notifications())
    with session_scope() as s:
        assert s.exec(select(JournalEntry).where(JournalEntry.proposal_id == ended)).all() == []
        assert [a.subject for a in s.exec(select(PrivacyAction).where(PrivacyAction.action == "export")).all()] == [pseudonym]
        assert [a.action for a in s.exec(select(PrivacyAction).where(PrivacyAction.subject == pseudonym)).all()] \
            == ["export", "erase"]
    # The case's record is kept: the form as received names the proposer, the audit trail says what was done.
    assert ledger.get_proposal(ended).form["proposers"][0]["email"] == PROPOSER
    assert done["kept"][0]["proposal"] == ended and done["kept"][0]["until"]
    assert any(e.kind == "personal_data_erased" and e.detail["pseudonym"] == pseudonym for e in ledger.events(ended))
    after = persondata.holdings(PROPOSER)
    assert after.mails == [] and [p["proposal"] for p in after.proposals] == [ended]

    # A steering member who left the roster: their used link stays (pseudonymised), as the record of the decision.
    roster = yaml.safe_load(roster_file.read_text(encoding="utf-8"))
    roster["steering_group"] = [p for p in roster["steering_group"] if p["email"] != STEERING]
    roster_file.write_text(yaml.safe_dump(roster, allow_unicode=True), encoding="utf-8")
    code, out, err = cli("person", "erase", STEERING, "--json")
    assert code == 0, err
    gone = json.loads(out)
    assert gone["links_pseudonymised"] == 1 and gone["links_deleted"] == 0
    with session_scope() as s:
        links = s.exec(select(DecisionLink).where(DecisionLink.proposal_id == ended)).all()
        assert [row.recipient for row in links if row.used_at is not None] == [gone["pseudonym"]]
        assert not any(row.recipient == STEERING for row in links)
    assert ledger.decision(ended, "steering", 1).recorded_by == STEERING  # who decided stays on the record


def test_the_retention_rule_pseudonymises_an_ended_cases_record_once(cases, monkeypatch):
    from core import clock
    from core.settings import get_settings
    from dmpg.mail.outbox import list_notifications
    from dmpg.services import persondata
    from models import ledger

    ended, still_open = cases
    monkeypatch.setenv("DMPG_RETENTION_YEARS", "2")
    get_settings.cache_clear()
    documents = [Path(d.path) for d in ledger.documents(ended, latest_only=False)]
    assert documents and all(p.is_file() for p in documents)

    assert persondata.apply_retention(clock.now() + timedelta(days=365)).proposals == []  # not yet
    done = persondata.apply_retention(clock.now() + timedelta(days=3 * 365), by="test")
    assert done.proposals == [ended] and done.people >= 5 and done.documents_deleted == len(documents)

    proposal = ledger.get_proposal(ended)
    everything = json.dumps([proposal.form, [d.model_dump(mode="json") for d in ledger.decisions(ended)],
                             [e.model_dump(mode="json") for e in ledger.events(ended)],
                             [n.model_dump(mode="json") for n in list_notifications(ended)]], ensure_ascii=False)
    for who in (PROPOSER, PROPOSER_NAME, REFERENCE, STEERING, "sekretariat@example.dk"):
        assert who not in everything, who
    assert proposal.form["proposers"][0]["email"].endswith("@slettet.invalid")
    assert proposal.form["proposers"][0]["name"].startswith("Slettet person ")
    decided = ledger.decision(ended, "steering", 1)
    assert decided.outcome == "reject" and decided.payload["rationale"] == "Emnet dækkes af en eksisterende gruppe."
    assert decided.recorded_by == next(e.by for e in ledger.events(ended) if e.kind == "decision_recorded"
                                       and e.gate == "steering")  # one pseudonym per person: the trail still reads
    assert not any(p.exists() for p in documents) and all(d.path == "" for d in ledger.documents(ended))
    assert any(e.kind == "retention_applied" for e in ledger.events(ended))
    # The open case is untouched, and a second run changes nothing.
    assert ledger.get_proposal(still_open).form["proposers"][0]["email"] == OPEN_PROPOSER
    assert persondata.apply_retention(clock.now() + timedelta(days=4 * 365)).proposals == []
    assert persondata.holdings(PROPOSER).proposals == []


def test_the_daily_flow_runs_the_retention_rule():
    """flows/reminders.py calls it (the flow itself runs on the stack: tests/mail/test_reminders_flow.py)."""
    source = (PROJECT / "flows" / "reminders.py").read_text(encoding="utf-8")
    assert "apply_retention(now)" in source and "records_pseudonymised" in source


def test_a_date_far_away_is_on_the_record_of_when_the_case_ended(cases):
    from dmpg.services.persondata import ended_at, retained_until

    ended, still_open = cases
    assert ended_at(still_open) is None
    end = ended_at(ended)
    assert end is not None and retained_until(end).year == end.year + 5
    assert retained_until(end.replace(year=2028, month=2, day=29)).date() == date(2033, 2, 28)


def test_every_mail_kind_has_a_danish_name_in_the_summary():
    from dmpg.documents.persondata import KIND_LABELS
    from dmpg.mail import KINDS

    assert set(KINDS) <= set(KIND_LABELS), set(KINDS) - set(KIND_LABELS)
