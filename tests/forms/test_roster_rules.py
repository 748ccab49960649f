"""roster.yaml: strict loading with field paths, and who may record which gate."""

from __future__ import annotations

import pytest

from core.errors import InputError
from forms.gates import GATES
from forms.gates import may_record as may_record_gate
from forms.roster import Roster, load_roster

ROSTER = """
secretariat:
  - {name: Sekretariatet, email: sekretariat@example.dk}
reference_group:
  - {name: "Følgegruppen, Danske Regioner", email: foelgegruppe@example.dk}
steering_group:
  - {name: Styregruppen RKKP, email: Styregruppe.RKKP@example.dk}
director_circle:
  - {name: Direktør Nord, email: direktoer.nord@example.dk}
organisations:
  DPS: {name: Dansk Psykiatrisk Selskab, email: dps@example.dk}
  dsam: {name: Dansk Selskab for Almen Medicin, email: dsam@example.dk}
"""


def may_record(roster, gate, email, proposers=()):
    return may_record_gate(GATES[gate], email, roster, proposers)


@pytest.fixture
def roster(write) -> Roster:
    return load_roster(write("roster.yaml", ROSTER))


def test_loads_a_roster(roster):
    assert roster.reference_group[0].name == "Følgegruppen, Danske Regioner"
    assert set(roster.organisations) == {"DPS", "DSAM"}
    assert roster.emails("steering_group") == {"styregruppe.rkkp@example.dk"}


def test_bad_roster_lists_every_problem_with_its_path(write):
    text = """
secretariat: []
steering_group:
  - {name: Lægefaglig direktør, Region Nord, email: nord@example.dk}
  - {name: B, email: ikke-en-mail}
organisations:
  DPX: {name: X, email: x@example.dk}
direktor_circle: []
"""
    with pytest.raises(InputError) as info:
        load_roster(write("roster.yaml", text))
    found = dict(info.value.problems)
    assert found["secretariat"] == "skal have mindst ét punkt"
    assert not any(path.startswith("steering_group[0]") for path in found)  # the split name is rejoined
    assert found["steering_group[1].email"].startswith("forventede en e-mailadresse")
    assert found["organisations.DPX"] == (
        "ukendt nøgle 'DPX': forventede en af DPS, BUP, FYP, DSAM, DP, DASYS, patients, relatives, sundhed_danmark, "
        "hospital_management, other (mente du 'DP'?)"
    )
    assert found["direktor_circle"] == "ukendt felt (mente du 'director_circle'?)"


def test_names_with_an_unquoted_comma_are_rejoined_as_in_the_example_roster(write):
    from pathlib import Path

    roster = load_roster(Path(__file__).resolve().parents[2] / "roster.yaml")
    assert roster.reference_group[0].name == "Følgegruppen, Danske Regioner"
    assert [p.name for p in roster.steering_group][:2] == [
        "Lægefaglig direktør, Region Hovedstaden", "Lægefaglig direktør, Region Sjælland"]
    text = "secretariat:\n  - {name: Sekretariatet, RKKP, Aarhus, email: s@example.dk}\n"
    assert load_roster(write("r.yaml", text)).secretariat[0].name == "Sekretariatet, RKKP, Aarhus"


def test_roster_file_problems(tmp_path, write):
    with pytest.raises(InputError, match="filen findes ikke"):
        load_roster(tmp_path / "roster.yaml")
    with pytest.raises(InputError, match=r"YAML-syntaksfejl i linje 3, kolonne 1: .* \(while parsing a flow mapping, der begynder i linje 2, kolonne 5\)"):
        load_roster(write("bad.yaml", "secretariat:\n  - {name: A, email: a@b.dk\n"))


def test_secretariat_may_record_every_gate(roster):
    for gate in GATES:
        assert may_record(roster, gate, "SEKRETARIAT@example.dk")[0]


@pytest.mark.parametrize(
    ("gate", "email", "allowed"),
    [
        ("advice", "foelgegruppe@example.dk", True),
        ("steering", "styregruppe.rkkp@EXAMPLE.dk", True),
        ("approval", "direktoer.nord@example.dk", True),
        ("steering", "foelgegruppe@example.dk", False),  # a body records only its own gate
        ("approval", "styregruppe.rkkp@example.dk", False),
        ("appointments", "direktoer.nord@example.dk", False),  # only the secretariat
        ("advice", "ukendt@example.dk", False),
    ],
)
def test_a_body_records_its_own_gate(roster, gate, email, allowed):
    assert may_record(roster, gate, email)[0] is allowed


def test_refusal_names_who_may(roster):
    ok, reason = may_record(roster, "steering", "ukendt@example.dk")
    assert not ok
    assert reason == (
        "ukendt@example.dk må ikke registrere 'steering' (styregruppens beslutning); det må kun "
        "sekretariatet (sekretariat@example.dk) og medlemmerne af DMPG-styregruppen (styregruppe.rkkp@example.dk)"
    )


def test_proposers_may_record_the_revision_and_nothing_else(roster):
    proposers = ["Forslag@Example.dk"]
    assert may_record(roster, "revision", "forslag@example.dk", proposers)[0]
    assert not may_record(roster, "steering", "forslag@example.dk", proposers)[0]
    ok, reason = may_record(roster, "revision", "andre@example.dk", proposers)
    assert not ok and "forslagets indstillere (forslag@example.dk)" in reason


def test_unknown_gate():
    with pytest.raises(ValueError, match="unknown gate 'kickoff'; the gates are revision, database, advice"):
        from forms.gates import gate

        gate("kickoff")


def test_rkkp_records_the_database_gate_and_nothing_else(write):
    roster = load_roster(write("r.yaml", ROSTER + "rkkp:\n  - {name: RKKP, email: rkkp@example.dk}\n"))
    assert may_record(roster, "database", "rkkp@example.dk")[0]
    assert not may_record(roster, "steering", "rkkp@example.dk")[0]
    assert not may_record(roster, "database", "foelgegruppe@example.dk")[0]
