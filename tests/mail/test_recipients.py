"""Who gets which mail: pure rules over the roster, the form and the appointments."""

from __future__ import annotations

import pytest

from core.errors import UserError
from dmpg.mail.recipients import Recipient, dedupe, recipients_for


def emails(recipients):
    return [r.email for r in recipients]


@pytest.mark.parametrize("kind", ["receipt", "revision_request", "decision"])
def test_proposers_and_secretariat_get_receipts_revisions_and_decisions(kind, form, roster):
    got = recipients_for(kind, form=form, roster=roster)
    assert emails(got) == ["forslag.angst@example.dk", "forslag.angst2@example.dk", "sekretariat@example.dk"]
    assert [r.role for r in got] == ["proposer", "proposer", "secretariat"]


@pytest.mark.parametrize(
    ("kind", "body"),
    [("hearing", "reference_group"), ("steering_memo", "steering_group"),
     ("director_memo", "director_circle"), ("digest", "secretariat")],
)
def test_each_body_gets_its_own_mail(kind, body, form, roster):
    got = recipients_for(kind, form=form, roster=roster)
    assert emails(got) == [str(p.email) for p in getattr(roster, body)]
    assert {r.role for r in got} == {body}


def test_a_person_on_two_lists_gets_one_message(form, roster):
    form = form.model_copy(update={"proposers": [*form.proposers, form.proposers[0].model_copy(
        update={"email": "SEKRETARIAT@example.dk"})]})
    got = recipients_for("decision", form=form, roster=roster)
    assert [e.lower() for e in emails(got)].count("sekretariat@example.dk") == 1
    assert len(got) == 3


def test_appointment_requests_go_to_each_represented_organisation_but_other(form, roster):
    got = recipients_for("appointment_request", form=form, roster=roster)
    assert [r.organisations for r in got] == [
        ("DPS",), ("BUP",), ("FYP",), ("DSAM",), ("DP",), ("DASYS",), ("patients",), ("relatives",),
        ("hospital_management",),
    ]
    assert got[1].name == "Børne- og Ungdomspsykiatrisk Selskab" and got[1].email == "bup@example.dk"


def test_one_contact_for_two_organisations_gets_one_request_naming_both(form, roster):
    shared = roster.model_copy(deep=True)
    shared.organisations["relatives"] = shared.organisations["patients"]
    got = recipients_for("appointment_request", form=form, roster=shared)
    assert emails(got).count("patients@example.dk") == 1
    assert next(r for r in got if r.email == "patients@example.dk").organisations == ("patients", "relatives")


def test_an_organisation_without_contact_is_named(form, roster):
    thin = roster.model_copy(deep=True)
    del thin.organisations["DASYS"]
    with pytest.raises(UserError, match=r"roster\.organisations\.DASYS"):
        recipients_for("appointment_request", form=form, roster=thin)


def test_kickoff_goes_to_chairs_director_and_every_member_once(form, roster):
    appointments = {
        "members": [
            {"name": "Anne Holm", "email": "anne@example.dk", "represents": "DPS"},
            {"name": "Bo Ølund", "email": "bo@example.dk", "represents": "BUP"},
            {"name": "Cecilie Dahl", "email": "cecilie@example.dk", "represents": "DP"},
        ],
        "chairs": ["anne@example.dk", "Bo@example.dk"],
        "director": {"name": "Dorte Direktør", "email": "dorte@example.dk"},
    }
    got = recipients_for("kickoff", form=form, roster=roster, appointments=appointments)
    assert [(r.name, r.role) for r in got] == [
        ("Anne Holm", "chair"), ("Bo Ølund", "chair"), ("Dorte Direktør", "director"), ("Cecilie Dahl", "member"),
    ]
    with pytest.raises(UserError, match="kickoff"):
        recipients_for("kickoff", form=form, roster=roster)


def test_reminders_go_to_whoever_the_gate_waits_on_named_from_the_roster(form, roster):
    got = recipients_for("reminder", form=form, roster=roster,
                         waiting_on=["styregruppe.rkkp@example.dk", "ukendt@example.dk"])
    assert [(r.name, r.email) for r in got] == [("RKKP", "styregruppe.rkkp@example.dk"),
                                                ("ukendt@example.dk", "ukendt@example.dk")]


def test_unknown_kind_is_refused_by_name(form, roster):
    with pytest.raises(UserError, match="unknown mail kind 'memo'"):
        recipients_for("memo", form=form, roster=roster)


def test_dedupe_keeps_the_first_and_is_case_insensitive():
    got = dedupe([Recipient("A", "a@x.dk", "proposer"), Recipient("A2", "A@X.DK", "secretariat")])
    assert got == [Recipient("A", "a@x.dk", "proposer")]
