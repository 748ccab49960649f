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
        "proposers[0].region": "forventede en af hovedstaden, sjaelland, syddanmark, midtjylland, nordjylland "
        "(eller et navn som 'Region Sjælland'); fik teksten 'Fyn'"
    }


def test_unknown_keys_get_a_suggestion_at_every_level(form_data):
    form_data["topik"] = form_data.pop("topic")
    form_data["composition"]["seats"][0]["cuont"] = 3
    form_data["proposers"][1]["telefon"] = "12345678"
    found = problems(form_data)
    assert found["topik"] == "ukendt felt (mente du 'topic'?)"
    assert found["composition.seats[0].cuont"] == "ukendt felt (mente du 'count'?)"
    # Nothing close: the allowed names are listed instead.
    assert found["proposers[1].telefon"] == "ukendt felt (forventede et af: name, email, organisation, region)"


def test_every_problem_is_listed_at_once(form_data):
    del form_data["title"]
    form_data["composition"]["seats"][0]["count"] = "2"
    form_data["composition"]["seats"][2]["represents"] = "FYPP"
    form_data["proposers"][0]["email"] = "ikke-en-adresse"
    form_data["topic"]["target_group"]["adult"] = "ja"
    form_data["topic"]["icd_codes"] = "F40"
    found = problems(form_data)
    assert found["title"].startswith("skal udfyldes (Titel")
    assert found["composition.seats[0].count"] == "forventede et helt tal, fik teksten '2'"
    assert found["composition.seats[2].represents"].endswith("fik teksten 'FYPP' (mente du 'FYP'?)")
    assert found["proposers[0].email"].startswith("forventede en e-mailadresse som navn@example.dk, fik teksten 'ikke-en-adresse'")
    assert found["topic.target_group.adult"] == "forventede true eller false, fik teksten 'ja'"
    assert found["topic.icd_codes"].startswith("forventede en liste, fik teksten 'F40'")
    assert len(found) == 6


def test_wrong_types_say_what_was_expected(form_data):
    form_data["title"] = 2026
    form_data["topic"]["volume"]["patients_per_year"] = -1
    form_data["topic"]["target_group"] = ["voksne"]
    form_data["composition"]["seats"][1]["count"] = 2.5
    form_data["submitted_on"] = "2. november"
    found = problems(form_data)
    assert found["title"].startswith("forventede tekst, fik tallet 2026 (sæt det i anførselstegn")
    assert found["topic.volume.patients_per_year"] == "forventede et tal på mindst 0, fik tallet -1"
    assert found["topic.target_group"].startswith("forventede en gruppe af felter (regional_psychiatry, primary_sector")
    assert found["composition.seats[1].count"] == "forventede et helt tal, fik decimaltallet 2.5"
    assert found["submitted_on"].startswith("forventede en dato som ÅÅÅÅ-MM-DD")


def test_society_codes_in_any_case(form_data):
    form_data["composition"]["seats"][0]["represents"] = "dps"
    assert parse_form(form_data, "x").composition.seats[0].represents == "DPS"


def test_blank_title_is_refused(form_data):
    form_data["title"] = "   "
    assert problems(form_data) == {"title": "må ikke være tom"}


def test_only_the_title_is_required():
    assert parse_form({"title": "PTSD"}, "x").topic is None


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("", "filen er tom"),
        ("# only a comment\n", "filen er tom"),
        ("- title: A\n", "forventede felter øverst i filen (title, submitted_on, proposers, topic, ...), fik en liste"),
        ("just some text\n", "forventede felter øverst i filen"),
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
    assert message.startswith("YAML-syntaksfejl i linje 4, kolonne ")


def test_duplicate_yaml_keys_are_refused(write):
    with pytest.raises(InputError) as info:
        load_form(write("form.yaml", "title: A\ntitle: B\n"))
    assert "linje 2, kolonne 1: nøglen 'title' står to gange" in info.value.problems[0][1]


def test_bad_yaml_date_is_a_field_problem_not_a_crash(write):
    with pytest.raises(InputError) as info:
        load_form(write("form.yaml", "title: A\nsubmitted_on: 2026-13-40\n"))
    assert info.value.problems == [
        ("submitted_on", "datoen 2026-13-40 findes ikke")
    ]


def test_json_forms(write, form_data):
    form_data["submitted_on"] = "2026-11-02"
    assert load_form(write("form.json", json.dumps(form_data))).title == "Angst og OCD"
    with pytest.raises(InputError) as info:
        load_form(write("bad.json", '{"title": "A",\n "topic": }'))
    assert info.value.problems[0][1].startswith("JSON-syntaksfejl i linje 2, kolonne 11")
    with pytest.raises(InputError) as info:
        load_form(write("region.json", json.dumps({"title": "A", "proposers": [{"region": "Fyn"}]})))
    assert info.value.problems[0][0] == "proposers[0].region"


def test_missing_file_and_wrong_extension(tmp_path, write):
    with pytest.raises(InputError) as info:
        load_form(tmp_path / "nope.yaml")
    assert info.value.problems == [("", "filen findes ikke")]
    with pytest.raises(InputError) as info:
        load_form(write("form.txt", "title: A\n"))
    assert info.value.problems == [("", "forventede en fil, der ender på .yaml, .yml, .json, .docx; fik '.txt'")]
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
        "forventede en af approve, reject, revise, defer; fik teksten 'approved' (mente du 'approve'?)"
    )
    assert found["rationale"].startswith("skal udfyldes (Begrundelse")
    assert found["rationaal"] == "ukendt felt (mente du 'rationale'?)"


def test_field_names_that_are_not_text(write):
    with pytest.raises(InputError) as info:
        load_form(write("form.yaml", "title: A\nyes: 1\nproposers:\n  - {name: B, 4: x}\n"))
    assert sorted(info.value.problems) == [
        ("", "et feltnavn skal være tekst, fik true (YAML læser yes/no/on/off som true/false; sæt navnet i anførselstegn)"),
        ("proposers[0]", "et feltnavn skal være tekst, fik tallet 4"),
    ]
