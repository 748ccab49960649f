"""Loading a form: every problem named by field path, in plain words; YAML/JSON/file-level errors."""

from __future__ import annotations

import json

import pytest
from pydantic import ValidationError

from core.errors import InputError, UserError
from forms.gates import SteeringInput
from forms.loading import describe_validation_error, format_path, load_form, parse_form


def problems(data: object) -> dict[str, str]:
    with pytest.raises(InputError) as info:
        parse_form(data, "form.yaml")
    return dict(info.value.problems)


def test_the_examples_load(examples):
    form = load_form(examples / "angst-og-ocd.yaml")
    assert form.title == "Angst og OCD"
    assert [p.region for p in form.proposers] == ["midtjylland", "hovedstaden"]
    assert str(form.submitted_on) == "2026-11-02"
    assert load_form(examples / "personlighedsforstyrrelser.yaml").title == "Personlighedsforstyrrelser"


@pytest.mark.parametrize("region", ["Region Sjælland", "Sjælland", "SJÆLLAND", "sjaelland", "  region sjælland "])
def test_regions_by_display_name_in_any_case(form_data, region):
    form_data["proposers"][0]["region"] = region
    assert parse_form(form_data, "x").proposers[0].region == "sjaelland"


def test_unknown_region_lists_the_choices(form_data):
    form_data["proposers"][0]["region"] = "Fyn"
    assert problems(form_data) == {
        "proposers[0].region": "expected one of hovedstaden, sjaelland, syddanmark, midtjylland, nordjylland "
        "(or a name such as 'Region Sjælland'); got the text 'Fyn'"
    }


def test_unknown_keys_get_a_suggestion_at_every_level(form_data):
    form_data["topik"] = form_data.pop("topic")
    form_data["composition"]["seats"][0]["cuont"] = 3
    form_data["proposers"][1]["telefon"] = "12345678"
    found = problems(form_data)
    assert found["topik"] == "unknown field (did you mean 'topic'?)"
    assert found["composition.seats[0].cuont"] == "unknown field (did you mean 'count'?)"
    # Nothing close: the allowed names are listed instead.
    assert found["proposers[1].telefon"] == "unknown field (expected one of: name, email, organisation, region)"


def test_every_problem_is_listed_at_once(form_data):
    del form_data["title"]
    form_data["composition"]["seats"][0]["count"] = "2"
    form_data["composition"]["seats"][2]["represents"] = "FYPP"
    form_data["proposers"][0]["email"] = "ikke-en-adresse"
    form_data["topic"]["target_group"]["adult"] = "ja"
    form_data["topic"]["icd_codes"] = "F40"
    found = problems(form_data)
    assert found["title"].startswith("required (Titel")
    assert found["composition.seats[0].count"] == "expected a whole number, got the text '2'"
    assert found["composition.seats[2].represents"].endswith("got the text 'FYPP' (did you mean 'FYP'?)")
    assert found["proposers[0].email"].startswith("expected an e-mail address such as navn@example.dk, got the text 'ikke-en-adresse'")
    assert found["topic.target_group.adult"] == "expected true or false, got the text 'ja'"
    assert found["topic.icd_codes"].startswith("expected a list, got the text 'F40'")
    assert len(found) == 6


def test_wrong_types_say_what_was_expected(form_data):
    form_data["title"] = 2026
    form_data["topic"]["volume"]["patients_per_year"] = -1
    form_data["topic"]["target_group"] = ["voksne"]
    form_data["composition"]["seats"][1]["count"] = 2.5
    form_data["submitted_on"] = "2. november"
    found = problems(form_data)
    assert found["title"].startswith("expected text, got the number 2026 (put it in quotes")
    assert found["topic.volume.patients_per_year"] == "expected a number at least 0, got the number -1"
    assert found["topic.target_group"].startswith("expected a mapping of fields (regional_psychiatry, primary_sector")
    assert found["composition.seats[1].count"] == "expected a whole number, got the decimal number 2.5"
    assert found["submitted_on"].startswith("expected a date as YYYY-MM-DD")


def test_society_codes_in_any_case(form_data):
    form_data["composition"]["seats"][0]["represents"] = "dps"
    assert parse_form(form_data, "x").composition.seats[0].represents == "DPS"


def test_blank_title_is_refused(form_data):
    form_data["title"] = "   "
    assert problems(form_data) == {"title": "must not be empty"}


def test_only_the_title_is_required():
    assert parse_form({"title": "PTSD"}, "x").topic is None


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("", "the file is empty"),
        ("# only a comment\n", "the file is empty"),
        ("- title: A\n", "expected a mapping of fields at the top level (title, submitted_on, proposers, topic, ...), got a list"),
        ("just some text\n", "expected a mapping of fields at the top level"),
    ],
)
def test_file_level_problems(write, text, expected):
    with pytest.raises(InputError) as info:
        load_form(write("form.yaml", text))
    [(path, message)] = info.value.problems
    assert path == "" and message.startswith(expected)


def test_yaml_syntax_error_gives_line_and_column(write):
    path = write("form.yaml", "title: Angst\ntopic:\n  kind: diagnosis\n   severity: høj\n")
    with pytest.raises(InputError) as info:
        load_form(path)
    [(_, message)] = info.value.problems
    assert message.startswith("YAML syntax error at line 4, column ")


def test_duplicate_yaml_keys_are_refused(write):
    with pytest.raises(InputError) as info:
        load_form(write("form.yaml", "title: A\ntitle: B\n"))
    assert "line 2, column 1: the key 'title' appears twice" in info.value.problems[0][1]


def test_bad_yaml_date_is_a_field_problem_not_a_crash(write):
    with pytest.raises(InputError) as info:
        load_form(write("form.yaml", "title: A\nsubmitted_on: 2026-13-40\n"))
    assert info.value.problems == [
        ("submitted_on", "expected a date as YYYY-MM-DD (e.g. 2026-03-01), got the text '2026-13-40'")
    ]


def test_json_forms(write, form_data):
    form_data["submitted_on"] = "2026-11-02"
    assert load_form(write("form.json", json.dumps(form_data))).title == "Angst og OCD"
    with pytest.raises(InputError) as info:
        load_form(write("bad.json", '{"title": "A",\n "topic": }'))
    assert info.value.problems[0][1].startswith("JSON syntax error at line 2, column 11")
    with pytest.raises(InputError) as info:
        load_form(write("region.json", json.dumps({"title": "A", "proposers": [{"region": "Fyn"}]})))
    assert info.value.problems[0][0] == "proposers[0].region"


def test_missing_file_and_wrong_extension(tmp_path, write):
    with pytest.raises(InputError) as info:
        load_form(tmp_path / "nope.yaml")
    assert info.value.problems == [("", "no such file")]
    with pytest.raises(InputError) as info:
        load_form(write("form.txt", "title: A\n"))
    assert info.value.problems == [("", "expected a file ending in .yaml, .yml, .json, .docx; got '.txt'")]
    assert "form.txt" in str(info.value)


def test_docx_without_the_word_reader_is_a_clear_user_error(write):
    path = write("form.docx", "not really word")
    try:
        import dmpg.documents.wordform  # noqa: F401
    except ImportError:
        with pytest.raises(UserError, match="reading a filled Word form is not available"):
            load_form(path)
    else:  # the Word reader exists: a broken .docx must still be a user error, not a crash
        with pytest.raises(UserError):
            load_form(path)


def test_format_path():
    assert format_path(("composition", "seats", 2, "count")) == "composition.seats[2].count"
    assert format_path(()) == ""


def test_describe_validation_error_for_gate_inputs():
    """Every channel's gate judgement reuses this for gate inputs."""
    with pytest.raises(ValidationError) as info:
        SteeringInput.model_validate(
            {"decision": "approved", "meeting_date": "2026-03-01", "recorded_by": "a@b.dk", "rationaal": "x"}
        )
    found = dict(describe_validation_error(info.value, SteeringInput))
    assert found["decision"] == (
        "expected one of approve, reject, revise, defer; got the text 'approved' (did you mean 'approve'?)"
    )
    assert found["rationale"].startswith("required (Begrundelse")
    assert found["rationaal"] == "unknown field (did you mean 'rationale'?)"


def test_field_names_that_are_not_text(write):
    with pytest.raises(InputError) as info:
        load_form(write("form.yaml", "title: A\nyes: 1\nproposers:\n  - {name: B, 4: x}\n"))
    assert sorted(info.value.problems) == [
        ("", "a field name must be text, got true (YAML reads yes/no/on/off as true/false; put the name in quotes)"),
        ("proposers[0]", "a field name must be text, got the number 4"),
    ]
