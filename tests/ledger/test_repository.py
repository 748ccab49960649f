"""The repository functions: ids, stages, once-per-key events and decisions, document versions."""

from __future__ import annotations

import threading
from datetime import date, datetime, timedelta, timezone

import pytest

from core.errors import UserError
from core.text import slugify
from models import ledger as repo


def test_proposals_get_sequential_ids_per_year_and_an_ascii_slug(ledger):
    from forms.proposal import ProposalForm

    first = repo.create_proposal(ProposalForm(title="Angst og OCD"), year=2026, source="angst.yaml")
    second = repo.create_proposal(ProposalForm(title="Børn, unge & PTSD: hurtig opstart på Ærø"), year=2026)
    other_year = repo.create_proposal(ProposalForm(title="Retspsykiatri"), year=2027)

    assert (first.id, second.id, other_year.id) == ("DMPG-2026-001", "DMPG-2026-002", "DMPG-2027-001")
    assert first.slug == "angst-og-ocd"
    assert second.slug == "boern-unge-ptsd-hurtig-opstart-paa-aeroe"
    stored = repo.get_proposal("DMPG-2026-001")
    assert stored.stage == "submitted"
    assert stored.form["title"] == "Angst og OCD"
    [event] = repo.events(first.id)
    assert (event.kind, event.stage, event.detail) == ("submitted", "submitted", {"source": "angst.yaml"})


def test_ids_continue_past_999():
    assert slugify("  ") == "dmpg"
    assert repo.PROPOSAL_ID.match("DMPG-2026-1000")


def test_the_form_is_stored_as_json_and_can_be_revised(ledger):
    from forms.proposal import ProposalForm

    proposal = repo.create_proposal(ProposalForm(title="Angst", submitted_on=date(2026, 2, 3)), year=2026)
    assert proposal.form["submitted_on"] == "2026-02-03"
    repo.update_form(proposal.id, ProposalForm(title="Angst og OCD"))
    revised = repo.get_proposal(proposal.id)
    assert (revised.title, revised.slug, revised.form["submitted_on"]) == ("Angst og OCD", "angst-og-ocd", None)


def test_concurrent_proposals_get_distinct_ids(ledger, form):
    ids: list[str] = []
    errors: list[BaseException] = []

    def submit() -> None:
        try:
            ids.append(repo.create_proposal(form, year=2026).id)
        except BaseException as exc:  # noqa: BLE001 - reported below
            errors.append(exc)

    threads = [threading.Thread(target=submit) for _ in range(8)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert errors == []
    assert sorted(ids) == [f"DMPG-2026-{n:03d}" for n in range(1, 9)]


def test_concurrent_proposals_from_several_processes_get_distinct_ids(ledger, dmpg_home):
    """The CLI and flow-run processes write the same ledger at the same time."""
    from ledger_helpers import run_python

    code = (
        "from forms.proposal import ProposalForm; from models.ledger import create_proposal\n"
        "for _ in range(5): print(create_proposal(ProposalForm(title='Angst'), year=2026).id)"
    )
    procs = [run_python(code, dmpg_home) for _ in range(3)]
    outputs = [p.communicate(timeout=120) for p in procs]
    assert [p.returncode for p in procs] == [0, 0, 0], outputs
    ids = [line for out, _ in outputs for line in out.split()]
    assert sorted(ids) == [f"DMPG-2026-{n:03d}" for n in range(1, 16)]
    assert len(repo.list_proposals()) == 15


def test_unknown_proposal_is_a_clear_user_error(ledger):
    with pytest.raises(UserError, match=r"^no proposal DMPG-2026-042 \(see dmpg status/pending\)$"):
        repo.get_proposal("DMPG-2026-042")
    with pytest.raises(UserError, match="no proposal DMPG-2026-042"):
        repo.record_event("DMPG-2026-042", key="k", kind="submitted")


def test_record_event_is_once_per_key(ledger, form):
    pid = repo.create_proposal(form, year=2026).id
    key = f"{pid}:gate_opened:advice:1"
    assert repo.record_event(pid, key=key, kind="gate_opened", gate="advice", round=1, detail={"waiting_on": ["a@x.dk"]})
    assert not repo.record_event(pid, key=key, kind="gate_opened", gate="advice", round=1, detail={"other": 1})
    opened = [e for e in repo.events(pid) if e.kind == "gate_opened"]
    assert len(opened) == 1 and opened[0].detail == {"waiting_on": ["a@x.dk"]}


def test_record_event_from_many_threads_writes_one_row(ledger, form):
    pid = repo.create_proposal(form, year=2026).id
    results: list[bool] = []
    threads = [
        threading.Thread(target=lambda: results.append(repo.record_event(pid, key="same", kind="gate_opened")))
        for _ in range(6)
    ]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert sorted(results) == [False] * 5 + [True]
    assert [e.key for e in repo.events(pid)].count("same") == 1


def test_a_replayed_stage_change_does_not_move_the_stage_back(ledger, form):
    pid = repo.create_proposal(form, year=2026).id
    assert repo.set_stage(pid, "reference_group", key=f"{pid}:stage:reference_group:1")
    assert repo.set_stage(pid, "steering", key=f"{pid}:stage:steering:1", by="sekretariat@example.dk")
    # A resumed flow run re-executes from the top: the first call again changes nothing.
    assert not repo.set_stage(pid, "reference_group", key=f"{pid}:stage:reference_group:1")
    assert repo.get_proposal(pid).stage == "steering"
    assert [e.stage for e in repo.events(pid)] == ["submitted", "reference_group", "steering"]
    with pytest.raises(ValueError, match="unknown stage 'approved'"):
        repo.set_stage(pid, "approved", key="x")


def test_record_decision_is_once_per_gate_round_and_the_first_stands(ledger, form):
    pid = repo.create_proposal(form, year=2026).id
    first, created = repo.record_decision(pid, "steering", 1, "defer", {"meeting_date": date(2026, 3, 5)}, "a@x.dk",
                                          channel="cli")
    again, again_created = repo.record_decision(pid, "steering", 1, "approve", {}, "b@x.dk")
    repo.record_decision(pid, "steering", 2, "approve", {}, "b@x.dk")
    assert created and not again_created
    assert again.id == first.id and again.outcome == "defer" and again.channel == "cli"
    assert first.payload == {"meeting_date": "2026-03-05"}
    assert repo.decision(pid, "steering", 1).recorded_by == "a@x.dk" and repo.decision(pid, "steering", 3) is None
    assert [(d.round, d.outcome) for d in repo.decisions(pid)] == [(1, "defer"), (2, "approve")]


def test_documents_are_versioned_and_the_latest_is_found(ledger, form):
    pid = repo.create_proposal(form, year=2026).id
    repo.record_document(pid, "kvittering", 1, "", "/d/kvittering-v1.docx", "a" * 64)
    repo.record_document(pid, "kvittering", 1, "", "/d/kvittering-v2.docx", "b" * 64)
    repo.record_document(pid, "udpegning", 1, "DPS", "/d/udpegning-dps.docx", "c" * 64)

    assert repo.find_document(pid, "kvittering", 1).version == 2
    assert repo.find_document(pid, "kvittering", 1).path == "/d/kvittering-v2.docx"
    assert repo.find_document(pid, "udpegning", 1, "DPS").sha256 == "c" * 64
    assert repo.find_document(pid, "udpegning", 1, "BUP") is None
    assert [(d.kind, d.version) for d in repo.documents(pid)] == [("kvittering", 2), ("udpegning", 1)]
    assert len(repo.documents(pid, latest_only=False)) == 3


def test_timestamps_come_back_as_aware_utc(ledger, form):
    pid = repo.create_proposal(form, year=2026).id
    [event] = repo.events(pid)
    assert event.at.tzinfo is not None
    assert abs(datetime.now(timezone.utc) - event.at) < timedelta(minutes=5)


def test_established_group_is_added_to_the_registry_once(ledger, form):
    pid = repo.create_proposal(form, year=2026).id
    assert repo.add_registry_group("Angst og OCD", ["F40-F41", "F42.1"], date(2027, 3, 1),
                                   database_since=None, note="Etableret via DMPG-2026-001", proposal_id=pid)
    assert not repo.add_registry_group("Angst og OCD", ["F40"], date(2027, 4, 1), proposal_id=pid)
    entries = repo.list_registry()
    assert len(entries) == 8
    assert entries[-1].name == "Angst og OCD" and entries[-1].icd_codes == ["F40", "F41", "F42"]
    assert repo.registry_groups()[-1].proposal_id == pid


def test_list_proposals_by_stage(ledger, form):
    a = repo.create_proposal(form, year=2026).id
    b = repo.create_proposal(form, year=2026).id
    repo.set_stage(b, "rejected", key=f"{b}:stage:rejected:1")
    assert [p.id for p in repo.list_proposals()] == [a, b]
    assert [p.id for p in repo.list_proposals("rejected")] == [b]


def test_writes_in_a_callers_session_are_one_unit(ledger, form):
    from models.db import session_scope

    with pytest.raises(RuntimeError):
        with session_scope() as session:
            pid = repo.create_proposal(form, year=2026, session=session).id
            repo.record_event(pid, key="k1", kind="gate_opened", session=session)
            raise RuntimeError("the task failed half-way")
    assert repo.list_proposals() == []


def test_delete_proposal_removes_it_and_its_rows_and_frees_the_id(ledger, form):
    from sqlmodel import select

    from models.db import session_scope
    from models.tables import Notification

    pid = repo.create_proposal(form, year=2026).id
    repo.record_decision(pid, "advice", 1, "support", {}, "a@x.dk")
    repo.record_document(pid, "kvittering", 1, "", "/d/k.docx", "a" * 64)
    with session_scope() as s:
        s.add(Notification(key=f"{pid}:receipt:1:a@x.dk", proposal_id=pid, kind="receipt",
                           recipient="a@x.dk", subject="Kvittering", body_text="Tak"))
    assert repo.delete_proposal(pid)
    assert not repo.delete_proposal(pid)
    assert repo.events(pid) == [] and repo.decisions(pid) == [] and repo.documents(pid) == []
    with session_scope() as s:
        assert s.exec(select(Notification)).all() == []
    assert repo.create_proposal(form, year=2026).id == pid
