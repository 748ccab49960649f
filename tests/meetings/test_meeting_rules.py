"""The pure parts of meetings: ids, choosing the agenda, checking the minutes item by item, the pack's
comparison, and the minutes form in Word read back (no ledger, no Prefect)."""

from __future__ import annotations

from datetime import date, datetime, timezone

import pytest

from forms.meetings import (
    AgendaItem,
    ItemState,
    check_minutes,
    meeting_id,
    normalise_meeting_id,
    parse_meeting_id,
    select_agenda,
)

DAY = date(2027, 3, 11)
SECRETARIAT = "sekretariat@example.dk"


@pytest.fixture(autouse=True)
def after_the_meeting(calendar):
    """The minutes are taken after the meeting of 11 March 2027: the engine's calendar is a week past it
    (a meeting date after today is refused)."""
    calendar.advance_to(date(2027, 3, 18))


@pytest.fixture
def roster():
    from support.samples import SAMPLE_ROSTER
    from forms.roster import Roster

    return Roster.model_validate(SAMPLE_ROSTER)


class W:  # an open gate round as dmpg.state.gates_open gives it
    def __init__(self, proposal, gate="steering", round=1, title=None):
        self.proposal, self.gate, self.round, self.title = proposal, gate, round, title or f"Emne {proposal[-1]}"


def item(p: str, gate: str = "steering", round: int = 1) -> AgendaItem:
    return AgendaItem(p, f"Emne {p[-1]}", gate, round)


# --- ids ---------------------------------------------------------------------------------------------


def test_meeting_ids_are_the_bodys_danish_short_name_and_the_date():
    assert meeting_id("steering_group", DAY) == "styregruppen-2027-03-11"
    assert meeting_id("reference_group", DAY) == "foelgegruppen-2027-03-11"
    assert meeting_id("director_circle", DAY) == "direktoerkredsen-2027-03-11"
    assert normalise_meeting_id(" Følgegruppen-2027-03-11 ") == "foelgegruppen-2027-03-11"
    assert parse_meeting_id("STYREGRUPPEN-2027-03-11") == ("steering_group", DAY)
    assert parse_meeting_id("styregruppen-2027-02-30") is None and parse_meeting_id("bestyrelsen-2027-03-11") is None
    with pytest.raises(ValueError, match="unknown meeting body 'rkkp'"):
        meeting_id("rkkp", DAY)


def test_the_pack_goes_out_days_before_at_eight_copenhagen_time_or_now_when_that_has_passed():
    from dmpg.services.meetings import pack_time

    now = datetime(2027, 1, 1, tzinfo=timezone.utc)
    at = pack_time(DAY, 7, now)
    assert at.isoformat() == "2027-03-04T08:00:00+01:00"
    assert pack_time(date(2027, 7, 1), 7, now).isoformat() == "2027-06-24T08:00:00+02:00"  # summer time
    assert pack_time(date(2027, 1, 5), 7, now) is None  # 29 December has passed: now


# --- the agenda --------------------------------------------------------------------------------------


def test_the_automatic_agenda_is_every_round_waiting_at_the_bodys_gate_and_on_no_other_open_agenda():
    waiting = [W("DMPG-2027-001"), W("DMPG-2027-002", gate="advice"), W("DMPG-2027-003", round=2),
               W("DMPG-2027-004")]
    items, problems = select_agenda("steering_group", waiting, taken={("DMPG-2027-004", "steering", 1): "styregruppen-x"})
    assert problems == []
    assert [(i.proposal, i.round) for i in items] == [("DMPG-2027-001", 1), ("DMPG-2027-003", 2)]
    items, _ = select_agenda("reference_group", waiting)
    assert [i.proposal for i in items] == ["DMPG-2027-002"]


def test_named_proposals_are_taken_in_order_and_every_wrong_one_is_named():
    waiting = [W("DMPG-2027-001"), W("DMPG-2027-002", gate="advice"), W("DMPG-2027-003"), W("DMPG-2027-004")]
    items, problems = select_agenda("steering_group", waiting, ["DMPG-2027-003", "DMPG-2027-001", "DMPG-2027-003"])
    assert [i.proposal for i in items] == ["DMPG-2027-003", "DMPG-2027-001"] and problems == []

    where = {"DMPG-2027-002": "it waits at 'advice' (round 1)"}
    _, problems = select_agenda("steering_group", waiting, ["DMPG-2027-002", "DMPG-2027-004", "DMPG-2027-009"],
                                taken={("DMPG-2027-004", "steering", 1): "styregruppen-2027-01-14"}, known=where.get)
    assert problems == ["DMPG-2027-002: it waits at 'advice' (round 1)",
                        "DMPG-2027-004: står allerede på dagsordenen for styregruppen-2027-01-14",
                        "DMPG-2027-009: ingen sådan sag (se dmpg pending)"]


# --- the minutes -------------------------------------------------------------------------------------


def check(roster, decisions, states, by=SECRETARIAT, body="steering_group", **kw):
    data = {"decisions": decisions, **kw.pop("top", {})}
    return check_minutes(data, meeting="styregruppen-2027-03-11", body=body, day=DAY, by=by, states=states,
                         roster=roster, **kw)


def test_good_minutes_become_the_gates_own_answers_with_the_meetings_date(roster):
    states = [ItemState(item("DMPG-2027-001"), "waiting"), ItemState(item("DMPG-2027-002"), "waiting"),
              ItemState(item("DMPG-2027-003"), "waiting")]
    result = check(roster, [{"proposal": "dmpg-2027-001", "decision": "approve", "rationale": "Stort behov."},
                            {"proposal": "DMPG-2027-002", "decision": "defer", "rationale": "Afventer RKKP."}], states)
    assert result.problems == []
    assert [(d.item.proposal, d.outcome, d.recorded) for d in result.decisions] == [
        ("DMPG-2027-001", "approve", False), ("DMPG-2027-002", "defer", False)]
    assert result.decisions[0].payload == {"decision": "approve", "meeting_date": "2027-03-11",
                                           "rationale": "Stort behov.", "recorded_by": SECRETARIAT}


def test_the_reference_groups_minutes_fill_its_recommendation_and_summary(roster):
    states = [ItemState(item("DMPG-2027-001", gate="advice"), "waiting")]
    result = check(roster, [{"proposal": "DMPG-2027-001", "decision": "support_with_changes", "rationale": "Ja, men."}],
                   states, body="reference_group", by="foelgegruppe.regioner@example.dk")
    assert result.problems == []
    assert result.decisions[0].payload == {"recommendation": "support_with_changes", "summary": "Ja, men.",
                                           "meeting_date": "2027-03-11", "recorded_by": "foelgegruppe.regioner@example.dk"}


def test_every_problem_of_the_whole_file_is_named_with_its_item_and_field(roster):
    states = [ItemState(item(f"DMPG-2027-00{n}"), "waiting") for n in (1, 2, 3, 4)]
    states += [ItemState(item("DMPG-2027-005"), "not_waiting", where="it waits at 'revision' (round 1)"),
               ItemState(item("DMPG-2027-006"), "decided_elsewhere", {"decision": "approve"}, by="x@example.dk")]
    result = check(roster, [
        {"proposal": "DMPG-2027-001", "decision": "aprove", "rationale": "Klar."},
        {"proposal": "DMPG-2027-002", "decision": "approve"},
        {"proposal": "DMPG-2027-003", "decision": "approve", "rationale": "  ", "notes": "x"},
        {"proposal": "DMPG-2027-009", "decision": "approve", "rationale": "Ukendt."},
        {"proposal": "DMPG-2027-001", "decision": "reject", "rationale": "Igen."},
        {"proposal": "DMPG-2027-005", "decision": "approve", "rationale": "Venter ikke."},
        {"proposal": "DMPG-2027-006", "decision": "approve", "rationale": "Allerede besluttet."},
        "DMPG-2027-004 approve",
    ], states, top={"meeting": "styregruppen-2027-04-01", "moede": 1})
    problems = dict(result.problems)
    assert result.decisions == []
    assert "mente du 'approve'" in problems["decisions[0].decision"]
    assert problems["decisions[1].rationale"].startswith("skal udfyldes")
    assert problems["decisions[2].rationale"] == "må ikke være tom"
    assert problems["decisions[2].notes"].startswith("ukendt felt")
    assert problems["decisions[3].proposal"] == "DMPG-2027-009 står ikke på dagsordenen for styregruppen-2027-03-11: ingen sådan sag"
    assert problems["decisions[4].proposal"] == "DMPG-2027-001 står to gange i referatet (også decisions[0])"
    assert "venter ikke på styregruppens beslutning (runde 1): it waits at 'revision'" in problems["decisions[5]"]
    assert "er allerede afgjort ('approve', registreret af x@example.dk)" in problems["decisions[6]"]
    assert problems["decisions[7]"].startswith("forventede en gruppe af felter")
    assert problems["meeting"] == "referatet er til 'styregruppen-2027-04-01', ikke til styregruppen-2027-03-11"
    assert problems["moede"].startswith("ukendt felt")


def test_who_may_record_is_checked_once_and_empty_minutes_are_refused(roster):
    states = [ItemState(item("DMPG-2027-001"), "waiting")]
    result = check(roster, [{"proposal": "DMPG-2027-001", "decision": "approve", "rationale": "Ja."}], states,
                   by="rkkp.databaser@example.dk")
    assert [path for path, _ in result.problems] == ["--by"]
    assert "må ikke registrere 'steering'" in result.problems[0][1]
    assert check(roster, [], states).problems == [
        ("decisions", "skal udfyldes: en liste med {proposal, decision, rationale}, én pr. behandlet sag")]


def test_a_rerun_accepts_what_this_meeting_recorded_and_refuses_anything_else(roster):
    recorded = {"decision": "approve", "rationale": "Ja.", "meeting_date": "2027-03-11", "recorded_by": SECRETARIAT}
    states = [ItemState(item("DMPG-2027-001"), "decided_here", recorded), ItemState(item("DMPG-2027-002"), "waiting")]
    same = check(roster, [{"proposal": "DMPG-2027-001", "decision": "approve", "rationale": "Ja."},
                          {"proposal": "DMPG-2027-002", "decision": "reject", "rationale": "Nej."}], states)
    assert same.problems == [] and [d.recorded for d in same.decisions] == [True, False]
    other = check(roster, [{"proposal": "DMPG-2027-001", "decision": "reject", "rationale": "Nej."}], states)
    assert other.problems == [("decisions[0]", "DMPG-2027-001: mødets referat har allerede registreret 'approve' for den")]


# --- the pack's comparison -------------------------------------------------------------------------


def test_each_candidate_is_compared_on_what_the_steering_group_weighs():
    from copy import deepcopy

    from dmpg.documents.context import candidate_view
    from support.samples import sample_sources

    src = sample_sources()
    row = candidate_view(src)
    assert row["title"] == "Angst og OCD" and row["primary_sector"] == "Ja"
    assert row["child_adult"] == "Børn og unge og voksne"
    assert row["volume"].startswith("ca. ") and "patienter pr. år" in row["volume"]
    assert row["rkkp"].startswith("Database planlagt: RKKP planlægger en database for angst og OCD")
    assert row["overlap"] == "Ingen" and row["composition"].startswith("Komplet (")
    assert row["advice"].startswith("Følgegruppen støtter indstillingen med ændringer: Følgegruppen støtter forslaget")

    flawed = deepcopy(src)
    flawed.form["topic"]["target_group"].update(primary_sector=False, child_and_adolescent=False)
    flawed.findings = [{"code": "registry.overlap", "severity": "warn", "message": "…", "items": ["Depression"]},
                       {"code": "composition.base_members", "severity": "block", "message": "…", "items": ["BUP", "relatives"]}]
    flawed.decisions = []
    row = candidate_view(flawed)
    assert (row["primary_sector"], row["child_adult"], row["overlap"]) == ("Nej", "Voksne", "Depression")
    assert row["composition"] == "Mangler: Børne- og Ungdomspsykiatrisk Selskab (BUP), Pårørenderepræsentanter"
    assert row["findings"] == "1 blokerende, 1 advarsel"
    assert row["rkkp"] == "RKKP's udtalelse foreligger ikke" and row["advice"] == "Følgegruppens rådgivning foreligger ikke"


def meeting_sources(**extra):
    from dmpg.documents.context import MeetingSources
    from support.samples import SAMPLE_ROSTER, sample_sources

    items = [({"proposal": "DMPG-2026-001", "gate": "steering", "round": 2, "source": "deferred"}, sample_sources()),
             ({"proposal": "DMPG-2026-002", "gate": "steering", "round": 1, "source": "automatic"},
              sample_sources("DMPG-2026-002"))]
    return MeetingSources(meeting={"id": "styregruppen-2027-03-11", "body": "steering_group", "date": DAY,
                                   "status": "planned", "minutes_by": SECRETARIAT, "approved_by": None},
                          items=items, roster=SAMPLE_ROSTER,
                          workload={"appointments": [{"name": "Bipolar II"}], "recent": [{"name": "ECT"}]},
                          today=date(2027, 3, 1), **extra)


def test_the_pack_and_the_minutes_render_with_the_meeting_in_the_header_and_no_tag_left(tmp_path):
    from dmpg.documents.context import compose_meeting_context
    from dmpg.documents.render import render_template
    from tests.documents.conftest import TAG, docx_text, part_texts

    src = meeting_sources(minutes=[
        {"proposal": "DMPG-2026-001", "gate": "steering", "round": 2, "decision": "approve", "rationale": "Ja & <tak>"}])
    for kind, words in (("meeting_pack", ["Dagsorden", "Forslagene side om side", "udsat fra et tidligere møde",
                                          "Bipolar II", "Etableret inden for de seneste 12 måneder", "Godkendt (approve)"]),
                        ("meeting_minutes", ["Beslutninger", "Ja & <tak>", "Ikke behandlet", "DMPG-2026-002"])):
        out = tmp_path / f"{kind}.docx"
        render_template(f"{kind}.docx", compose_meeting_context(kind, src), out)
        text = docx_text(out)
        assert "styregruppen-2027-03-11 · " in text and "torsdag den 11. marts 2027" in text
        for word in words:
            assert word in text, (kind, word)
        for part, part_text in part_texts(out).items():
            assert not TAG.findall(part_text), f"template tag left in {kind} {part}"


# --- the minutes form in Word --------------------------------------------------------------------


def test_the_minutes_form_round_trips_and_names_a_problem_by_its_row(tmp_path, roster):
    from docx import Document

    from dmpg.documents.context import compose_meeting_context
    from dmpg.documents.minutesform import minutes_form_bytes
    from forms.minutesform import read_minutes_docx

    context = compose_meeting_context("meeting_minutes", meeting_sources())
    path = tmp_path / "referat.docx"
    path.write_bytes(minutes_form_bytes({**context, "body": "steering_group"}))
    doc = Document(str(path))
    table = next(t for t in doc.tables if t.rows[0].cells[0].text == "Nr.")
    assert [r.cells[1].text for r in table.rows[1:]] == ["DMPG-2026-001", "DMPG-2026-002"]
    table.rows[1].cells[3].text, table.rows[1].cells[4].text = "Godkendt", "Stort behov\npå tværs."
    table.rows[2].cells[3].text = "Udsat til et senere møde"  # no reason given
    doc.save(str(path))

    data, naming = read_minutes_docx(path, "steering_group")
    assert data == {"meeting": "styregruppen-2027-03-11", "decisions": [
        {"proposal": "DMPG-2026-001", "decision": "approve", "rationale": "Stort behov\npå tværs."},
        {"proposal": "DMPG-2026-002", "decision": "defer", "rationale": ""}]}
    states = [ItemState(AgendaItem("DMPG-2026-001", "Angst og OCD", "steering", 2), "waiting"),
              ItemState(AgendaItem("DMPG-2026-002", "Angst og OCD", "steering", 1), "waiting")]
    result = check_minutes(data, meeting="styregruppen-2027-03-11", body="steering_group", day=DAY, by=SECRETARIAT,
                           states=states, roster=roster, naming=naming)
    assert result.problems == [("Beslutninger, række 2 › Begrundelse", "må ikke være tom")]
    assert [d.outcome for d in result.decisions] == ["approve"]


def test_a_word_file_that_is_not_a_minutes_form_is_one_clear_problem(tmp_path):
    from core.errors import InputError
    from dmpg.documents.wordform import write_blank_form
    from forms.minutesform import read_minutes_docx

    path = write_blank_form(tmp_path / "skema.docx")
    with pytest.raises(InputError, match="dokumentet er ikke et mødes referatskema"):
        read_minutes_docx(path, "steering_group")
    (tmp_path / "broken.docx").write_bytes(b"not a zip")
    with pytest.raises(InputError, match="kan ikke læses som et Word-dokument"):
        read_minutes_docx(tmp_path / "broken.docx", "steering_group")


def test_a_reminder_names_the_meeting_that_decides_the_gate():
    from dmpg.mail.compose import render

    meeting = {"id": "styregruppen-2027-03-11", "body": "steering_group", "title": "DMPG-styregruppens møde", "date": DAY}
    mail = render("reminder", {"proposal_id": "DMPG-2027-001", "title": "PTSD", "gate": "steering",
                               "waiting_since": datetime(2027, 1, 1, tzinfo=timezone.utc), "days_waiting": 20,
                               "url": "http://x", "meeting": meeting, "recipient": {"name": "A", "email": "a@x.dk"},
                               "attachments": []})
    assert "Møde: DMPG-styregruppens møde torsdag den 11. marts 2027" in mail.text
    assert "<strong>Møde:</strong> DMPG-styregruppens møde torsdag den 11. marts 2027" in mail.html
