"""The scripted lifecycle (``examples/lifecycle/``, ``dmpg.services.scripted``) that the demo tells, the benchmarks time
and the tests drive: every step is an answer its gate accepts from the person the script names, dated on
the day of its step, on a calendar that moves on as the demo's does."""

from __future__ import annotations

from datetime import timedelta

import pytest

from core import workdays
from core.errors import InputError
from core.settings import PROJECT_ROOT
from dmpg.services import scripted
from forms.gates import GATES, judge
from forms.loading import load_form
from forms.premises import check_premises
from forms.roster import load_roster


def test_the_script_takes_a_flawed_form_through_every_gate_to_established():
    script = scripted.load()
    assert [s.name for s in script.steps] == ["personlighedsforstyrrelser-revideret", "advice", "database",
                                              "steering-defer", "steering-approve", "approval", "appointments"]
    assert [s.gate for s in script.straight()] == ["advice", "database", "steering", "approval", "appointments"]
    assert [s.gate for s in script.hearing()] == ["advice", "database"]
    assert script.step("steering-defer").detour and not script.step("steering-approve").detour
    assert any(f.severity == "block" for f in check_premises(load_form(script.form), []))
    assert not any(f.severity == "block" for f in check_premises(load_form(script.straight_form), []))


def test_every_step_is_accepted_from_its_person_on_the_day_of_the_step(calendar):
    script = scripted.load()
    roster = load_roster(PROJECT_ROOT / "roster.yaml")
    proposer = str(load_form(script.form).proposers[0].email)
    outcomes = []
    for step in script.steps:
        calendar.advance_to(workdays.next_working_day(calendar.today() + timedelta(days=step.days)))
        by = scripted.recorded_by(step, roster, proposer)
        answer = script.input(step, by)
        verdict = judge(GATES[step.gate], answer, roster=roster, proposers=[proposer])
        assert verdict.accepted, (step.name, verdict.reason)
        assert verdict.by == by
        outcomes.append(verdict.outcome)
        if "meeting_date" in answer:  # the meeting is the day of the step: never after today
            assert answer["meeting_date"] == calendar.today().isoformat()
        if step.gate == "revision":
            assert answer["submitted_on"] == calendar.today().isoformat()
        if step.gate == "appointments":
            kickoff = workdays.next_working_day(calendar.today() + timedelta(days=script.dates["kickoff_date"]))
            assert answer["kickoff_date"] == kickoff.isoformat()
    assert outcomes[3:] == ["defer", "approve", "approve", "appointed"]
    assert [scripted.recorded_by(s, roster, proposer) for s in script.steps[:3]] == [
        proposer, "foelgegruppe.regioner@example.dk", "rkkp.databaser@example.dk"]


def test_a_bad_script_names_each_field(tmp_path):
    (tmp_path / "form.yaml").write_text("title: X\n", encoding="utf-8")
    path = tmp_path / "script.yaml"
    path.write_text("form: form.yaml\nstraight_form: form.yaml\nsteps:\n"
                    "  - {gate: advise, input: advice.yaml, by: reference_group, says: x, days: 1}\n"
                    "  - {gate: advice, input: nowhere.yaml, by: board, says: x, days: 1}\n", encoding="utf-8")
    with pytest.raises(InputError) as refused:
        scripted.load(path)
    assert [p for p, _ in refused.value.problems] == ["steps[0].gate", "steps[1].by"]
    path.write_text("form: form.yaml\nstraight_form: form.yaml\nsteps:\n"
                    "  - {gate: advice, input: nowhere.yaml, by: reference_group, says: x, days: 1}\n", encoding="utf-8")
    with pytest.raises(InputError) as missing:
        scripted.load(path)
    assert [p for p, _ in missing.value.problems] == ["steps[0].input"]
