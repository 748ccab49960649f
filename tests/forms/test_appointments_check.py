"""The appointments gate's check: base members, two chairs among the members, a director, all regions."""

from __future__ import annotations

import pytest
from pydantic import ValidationError

from forms.appointments import check_appointments
from forms.findings import submittable
from forms.gates import AppointmentsInput
from forms.vocabulary import BASE_CATEGORIES

REGIONS = ["hovedstaden", "sjaelland", "syddanmark", "midtjylland", "nordjylland"]


def members() -> list[dict]:
    return [
        {"name": f"Medlem {code}", "email": f"{code.lower()}@example.dk", "represents": code, "region": REGIONS[i % 5]}
        for i, code in enumerate(BASE_CATEGORIES)
    ]


def appointments(**changes) -> AppointmentsInput:
    data = {
        "members": members(),
        "chairs": ["dps@example.dk", "BUP@example.dk"],
        "director": {"name": "Direktør D", "email": "dir@example.dk"},
        "kickoff_date": "2027-02-01",
        "recorded_by": "sekretariat@example.dk",
    }
    data.update(changes)
    return AppointmentsInput.model_validate(data)


def codes(inp: AppointmentsInput) -> dict[str, tuple[str, list[str]]]:
    return {f.code: (f.severity, f.items) for f in check_appointments(inp)}


def test_a_complete_group_passes():
    assert check_appointments(appointments()) == []


def test_missing_base_members_block():
    found = codes(appointments(members=[m for m in members() if m["represents"] not in ("FYP", "relatives")]))
    assert found["appointments.base_members"] == ("block", ["FYP", "relatives"])


@pytest.mark.parametrize(
    ("chairs", "items"),
    [
        (["dps@example.dk"], []),
        (["dps@example.dk", "DPS@example.dk"], []),  # the same person twice is one chair
        (["dps@example.dk", "bup@example.dk", "fyp@example.dk"], []),
        (["dps@example.dk", "fremmed@example.dk"], ["fremmed@example.dk"]),
    ],
)
def test_chairs_are_exactly_two_appointed_members(chairs, items):
    found = codes(appointments(chairs=chairs))
    assert found["appointments.chairs"] == ("block", items)


def test_director_needs_name_and_email():
    finding = {f.code: f for f in check_appointments(appointments(director={"name": "  ", "email": "d@example.dk"}))}
    assert finding["appointments.director"].severity == "block"
    assert "sundhedsfaglig direktør" in finding["appointments.director"].message


def test_regions_without_members_warn_but_do_not_block():
    only_two = [dict(m, region=("nordjylland" if i % 2 else "Region Hovedstaden")) for i, m in enumerate(members())]
    findings = check_appointments(appointments(members=only_two))
    assert [(f.code, f.severity, f.items) for f in findings] == [
        ("appointments.regions", "warn", ["sjaelland", "syddanmark", "midtjylland"])
    ]
    assert "Region Sjælland" in findings[0].message
    assert submittable(findings)


def test_members_without_region_count_for_no_region():
    no_region = [{k: v for k, v in m.items() if k != "region"} for m in members()]
    assert codes(appointments(members=no_region))["appointments.regions"] == ("warn", REGIONS)


def test_the_input_model_still_refuses_a_bad_email():
    with pytest.raises(ValidationError):
        appointments(chairs=["ikke-en-adresse", "dps@example.dk"])
