"""A wake-up fits the Resume form Prefect stored when the run suspended, whichever release stored it and
whatever the roster was then (pure: no Prefect, no ledger)."""

from __future__ import annotations

import pytest
from jsonschema import Draft202012Validator
from prefect.input import RunInput

from forms.gates import gate
from forms.resume_form import NoWakeValues, form_model, wake_values

SECRETARIAT = ("DMPG-sekretariatet", "sekretariat@example.dk")
OLD_DIRECTOR = ("Direktør, Region Nord", "direktoer.nord@example.dk")
NEW_DIRECTOR = ("Ny direktør, Region Nord", "ny.direktoer.nord@example.dk")
APPROVAL = {"decision": "approve", "meeting_date": "2026-11-26", "rationale": "Godkendt.",
            "recorded_by": NEW_DIRECTOR[1]}
ADVICE = {"recommendation": "support_with_changes", "summary": "Vi støtter med ændringer.",
          "meeting_date": "2026-11-02", "recorded_by": "foelgegruppe.sst@example.dk"}


def stored(model) -> dict:
    """The schema Prefect stores when a run suspends with ``model`` as its Resume form."""
    return RunInput.subclass_from_base_model_type(model).model_json_schema()


def accepted(values: dict, schema: dict) -> bool:
    return Draft202012Validator(schema, format_checker=Draft202012Validator.FORMAT_CHECKER).is_valid(values)


def test_todays_form_is_woken_with_the_decision_itself():
    g = gate("advice")
    recorders = [SECRETARIAT, ("Sundhedsstyrelsen", "foelgegruppe.sst@example.dk")]
    schema = stored(form_model(g, recorders))
    values = wake_values(g, ADVICE, schema, recorders, [SECRETARIAT[1]])
    assert accepted(values, schema)
    assert values["recommendation"] == "Støtter med ændringer (support_with_changes)"
    assert values["recorded_by"] == "Sundhedsstyrelsen <foelgegruppe.sst@example.dk>"
    assert values["meeting_date"] == "02.11.2026"


def test_a_form_stored_by_an_earlier_release_with_codes_for_choices_and_iso_dates():
    # The schema releases before the Danish labels stored: the input model as it was, choices as codes.
    schema = {"type": "object", "required": ["recommendation", "summary", "meeting_date", "recorded_by"],
              "properties": {
                  "recommendation": {"enum": ["support", "support_with_changes", "not_support"], "type": "string"},
                  "summary": {"type": "string", "minLength": 1},
                  "meeting_date": {"type": "string", "format": "date"},
                  "recorded_by": {"enum": ["sekretariat@example.dk", "foelgegruppe.sst@example.dk"]}}}
    values = wake_values(gate("advice"), ADVICE, schema, [SECRETARIAT], [SECRETARIAT[1]])
    assert accepted(values, schema)
    assert values["recommendation"] == "support_with_changes"
    assert values["meeting_date"] == "2026-11-02"
    assert values["recorded_by"] == "foelgegruppe.sst@example.dk"


def test_a_form_stored_before_the_roster_changed_is_woken_for_a_new_member():
    g = gate("approval")
    then = stored(form_model(g, [SECRETARIAT, OLD_DIRECTOR]))  # the director who has left since
    values = wake_values(g, APPROVAL, then, [SECRETARIAT, NEW_DIRECTOR], [SECRETARIAT[1]])
    assert accepted(values, then)
    assert values["decision"] == "Godkendt (approve)"
    # Prefect's copy can only name someone its form offered; the ledger holds who decided.
    assert values["recorded_by"] == "DMPG-sekretariatet <sekretariat@example.dk>"


def test_a_field_the_stored_form_requires_and_today_has_not_gets_a_value_it_accepts():
    schema = stored(form_model(gate("approval"), [SECRETARIAT]))
    schema["properties"]["urgency"] = {"enum": ["høj", "lav"], "type": "string"}
    schema["required"].append("urgency")
    schema["additionalProperties"] = False
    values = wake_values(gate("approval"), APPROVAL, schema, [SECRETARIAT], [SECRETARIAT[1]])
    assert accepted(values, schema) and values["urgency"] == "høj"


def test_a_re_arming_wake_up_needs_no_decision():
    g = gate("steering")
    schema = stored(form_model(g, [SECRETARIAT]))
    assert accepted(wake_values(g, {}, schema, [SECRETARIAT], [SECRETARIAT[1]]), schema)


def test_a_stored_form_nothing_can_satisfy_is_said_so():
    schema = {"type": "object", "required": ["x"], "properties": {"x": {"type": "string", "pattern": "^never$",
                                                                      "minLength": 9}}}
    with pytest.raises(NoWakeValues, match="'x'"):
        wake_values(gate("steering"), {}, schema, [SECRETARIAT], [SECRETARIAT[1]])
