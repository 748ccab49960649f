"""The seed registry and overlap by name (same or contained) and by ICD-10 category."""

from __future__ import annotations

from datetime import date

import pytest

from forms.proposal import ProposalForm
from forms.registry import (
    SEED_GROUPS,
    RegistryEntry,
    expand_icd_codes,
    find_overlaps,
    icd_category,
)


def form(title: str, codes: list[str] | None = None) -> ProposalForm:
    return ProposalForm(title=title, topic={"icd_codes": codes or []})


def test_seed_groups_are_the_seven_of_seed_001():
    assert [g.name for g in SEED_GROUPS] == [
        "Skizofreni", "Depression", "ADHD", "Bipolar", "Rusmidler og psykiatri", "Spiseforstyrrelser",
        "ECT / Stimulationsbehandling",
    ]
    by_name = {g.name: g for g in SEED_GROUPS}
    assert by_name["Skizofreni"].icd_codes == [f"F2{n}" for n in range(10)]
    assert by_name["Depression"].icd_codes == ["F32", "F33"]
    assert by_name["Rusmidler og psykiatri"].icd_codes[0] == "F10" and len(by_name["Rusmidler og psykiatri"].icd_codes) == 10
    assert by_name["ECT / Stimulationsbehandling"].icd_codes == []
    assert by_name["ADHD"].dmpg_since == date(2023, 2, 1)
    assert by_name["Bipolar"].database_since == "december 2023"


@pytest.mark.parametrize(
    ("codes", "expected"),
    [
        (["F20–F29"], [f"F2{n}" for n in range(10)]),
        (["F32-F33"], ["F32", "F33"]),
        (["F32 - F33, f41.1"], ["F32", "F33", "F41"]),
        (["F32.0-F32.9", "F321"], ["F32"]),
        (["ECT", ""], []),
    ],
)
def test_expand_icd_codes(codes, expected):
    assert expand_icd_codes(codes) == expected


def test_icd_category():
    assert icd_category(" f32.1 ") == "F32"
    assert icd_category("TMS") is None


@pytest.mark.parametrize(
    ("title", "expected"),
    [
        ("Depression", ["Depression"]),
        ("DEPRESSION", ["Depression"]),
        ("Depression hos ældre", ["Depression"]),
        ("Spiseforstyrrelse", ["Spiseforstyrrelser"]),  # contained in a compound/plural
        ("ADHD hos voksne", ["ADHD"]),
        ("ECT og neurostimulation", ["ECT / Stimulationsbehandling"]),
        ("Rusmidler og psykiatri – integreret tilbud", ["Rusmidler og psykiatri"]),
        ("Angst og OCD", []),
        ("Personlighedsforstyrrelser", []),
        ("Retspsykiatri", []),
        ("Perfektionisme", []),  # 'ect' inside a word is not the ECT group
    ],
)
def test_overlap_by_name(title, expected):
    assert find_overlaps(form(title), SEED_GROUPS) == expected


def test_overlap_by_icd_category():
    assert find_overlaps(form("Angst", ["F32.1"]), SEED_GROUPS) == ["Depression"]
    assert find_overlaps(form("Affektive lidelser", ["F30-F39"]), SEED_GROUPS) == ["Depression", "Bipolar"]
    assert find_overlaps(form("Angst", ["F40", "F41"]), SEED_GROUPS) == []


def test_a_newly_registered_group_is_found_with_normalised_letters():
    registry = [*SEED_GROUPS, RegistryEntry(name="Angst og OCD", icd_codes=["F40", "F41", "F42"], dmpg_since=date(2027, 1, 1))]
    assert find_overlaps(form("angst og ocd"), registry) == ["Angst og OCD"]
    assert find_overlaps(form("Tvangstanker", ["F42.2"]), registry) == ["Angst og OCD"]
    assert find_overlaps(form("Børne-unge: Angst & OCD"), registry) == ["Angst og OCD"]
