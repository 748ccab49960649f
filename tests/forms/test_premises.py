"""The premise check (grundpræmisser): every code, its severity, its items, and the two examples."""

from __future__ import annotations

import pytest

from forms.findings import Finding, submittable
from forms.loading import load_form, parse_form
from forms.premises import check_premises
from forms.registry import SEED_GROUPS
from forms.vocabulary import BASE_CATEGORIES


def check(data: dict) -> dict[str, Finding]:
    return {f.code: f for f in check_premises(parse_form(data, "x"), SEED_GROUPS)}


def test_example_angst_og_ocd_has_only_the_database_note(examples):
    findings = check_premises(load_form(examples / "angst-og-ocd.yaml"), SEED_GROUPS)
    assert [(f.code, f.severity) for f in findings] == [("database.status", "info")]
    assert submittable(findings)
    assert "RKKP" in findings[0].message  # planned: coordinate with RKKP


def test_example_personlighedsforstyrrelser(examples):
    findings = check_premises(load_form(examples / "personlighedsforstyrrelser.yaml"), SEED_GROUPS)
    assert [(f.code, f.severity) for f in findings] == [
        ("target.primary_sector", "block"),
        ("target.child_adult", "warn"),
        ("composition.base_members", "block"),
        ("database.status", "info"),
    ]
    assert findings[2].items == ["BUP", "FYP", "DSAM", "relatives", "hospital_management"]
    assert not submittable(findings)


def test_a_bare_title_reports_everything_in_contract_order():
    codes = [(f.code, f.severity) for f in check_premises(parse_form({"title": "PTSD"}, "x"), SEED_GROUPS)]
    assert codes == [
        ("proposers.missing", "block"),
        ("topic.description", "block"),
        ("topic.severity_volume", "block"),
        ("target.primary_sector", "block"),
        ("target.child_adult", "warn"),
        ("tasks.guidelines", "block"),
        ("composition.base_members", "block"),
        ("database.status", "info"),
    ]


def test_proposers_need_one_with_name_and_email(form_data):
    form_data["proposers"] = [{"name": "A"}, {"email": "b@example.dk", "name": " "}]
    finding = check(form_data)["proposers.missing"]
    assert finding.severity == "block"
    assert finding.items == ["indstiller 1: mangler e-mail", "indstiller 2: mangler navn"]
    form_data["proposers"].append({"name": "C", "email": "c@example.dk"})
    assert "proposers.missing" not in check(form_data)


def test_topic_description_blank_blocks(form_data):
    form_data["topic"]["description"] = "  "
    assert check(form_data)["topic.description"].severity == "block"


@pytest.mark.parametrize(
    ("change", "items"),
    [
        (lambda t: t.pop("severity"), ["topic.severity"]),
        (lambda t: t["volume"].pop("patients_per_year"), ["topic.volume.patients_per_year"]),
        (lambda t: (t.pop("volume"), t.pop("severity")), ["topic.severity", "topic.volume.patients_per_year"]),
    ],
)
def test_severity_and_volume(form_data, change, items):
    change(form_data["topic"])
    finding = check(form_data)["topic.severity_volume"]
    assert (finding.severity, finding.items) == ("block", items)
    assert "sværhedsgrad og volumen" in finding.message


@pytest.mark.parametrize("value", [False, None])
def test_primary_sector_must_be_included(form_data, value):
    form_data["topic"]["target_group"]["primary_sector"] = value
    finding = check(form_data)["target.primary_sector"]
    assert finding.severity == "block"
    assert finding.message.startswith("Grundpræmis (Emne): Målgruppen for DMPG'erne er ikke kun regional")


def test_child_adult_warns_unless_justified(form_data):
    form_data["topic"]["target_group"]["child_and_adolescent"] = False
    finding = check(form_data)["target.child_adult"]
    assert (finding.severity, finding.items) == ("warn", ["topic.target_group.child_and_adolescent"])
    assert submittable([finding])  # a warning never blocks
    form_data["topic"]["target_group"]["justification"] = "Lidelsen debuterer i voksenalderen."
    assert "target.child_adult" not in check(form_data)


def test_guidelines_needed(form_data):
    form_data["tasks"]["guidelines"] = []
    assert check(form_data)["tasks.guidelines"].severity == "block"
    del form_data["tasks"]
    assert check(form_data)["tasks.guidelines"].message.startswith("Grundpræmis (Opgaver)")


def test_base_members_items_follow_the_base_category_order(form_data):
    form_data["composition"]["seats"] = [{"represents": "other", "count": 3}, {"represents": "sundhed_danmark"}]
    finding = check(form_data)["composition.base_members"]
    assert finding.items == list(BASE_CATEGORIES)
    assert finding.severity == "block"


@pytest.mark.parametrize(
    ("status", "phrase"),
    [
        ("existing", "Der findes en klinisk kvalitetsdatabase"),
        ("planned", "koordinér etableringen med RKKP"),
        ("none", "ingen klinisk kvalitetsdatabase"),
        (None, "oplyser ikke status"),
    ],
)
def test_database_status_is_always_reported(form_data, status, phrase):
    if status is None:
        del form_data["topic"]["clinical_database"]
    else:
        form_data["topic"]["clinical_database"]["status"] = status
    finding = check(form_data)["database.status"]
    assert finding.severity == "info" and phrase in finding.message
    assert "ikke krav om, at en klinisk kvalitetsdatabase" in finding.message


def test_overlap_with_an_existing_group_warns(form_data):
    form_data["title"] = "Depression hos ældre"
    form_data["topic"]["icd_codes"] = ["F31.1"]
    finding = check(form_data)["registry.overlap"]
    assert (finding.severity, finding.items) == ("warn", ["Depression", "Bipolar"])
    assert "Bipolar (fælles ICD-10-koder: F31)" in finding.message


def test_no_registry_no_overlap(form_data):
    form_data["title"] = "Depression"
    assert all(f.code != "registry.overlap" for f in check_premises(parse_form(form_data, "x"), []))
