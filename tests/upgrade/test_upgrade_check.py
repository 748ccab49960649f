"""``dmpg upgrade check``'s verdicts, on a real ledger with a stand-in for Prefect's answers: what can carry on,
and the Danish reason when something cannot."""

from __future__ import annotations

import json

import pytest
from prefect.input import RunInput

from dmpg.adapters.prefect_api import RunState
from forms.gates import GATES
from forms.resume_form import form_model

SECRETARIAT = ("DMPG-sekretariatet", "sekretariat@example.dk")


class Prefect:
    """Prefect as the check reads it: each run's state and the form it stored."""

    def __init__(self, states: dict[str, RunState], forms: dict[str, dict]):
        self.states, self.forms = states, forms

    def run_states(self, ids):
        return {i: self.states[i] for i in ids if i in self.states}

    def stored_form(self, run_id, state):
        return self.forms.get(run_id)


def _paused(key: str) -> RunState:
    return RunState("PAUSED", "Suspended", key, "", "s1", None, {"schema": f"suspended-{key}-schema"})


@pytest.fixture
def waiting(dmpg_home, examples):
    """A proposal waiting at steering round 1 (its run suspended there), opened by this release."""
    from dmpg.services.gatekeeper import open_gate
    from forms.loading import load_form
    from models import ledger

    pid = ledger.create_proposal(load_form(examples / "angst-og-ocd.yaml")).id
    ledger.set_flow_run(pid, "run-1")
    open_gate(pid, "steering", 1, 1, "steering-r1-a1")
    return pid


def _stored(gate: str) -> dict:
    return RunInput.subclass_from_base_model_type(form_model(GATES[gate], [SECRETARIAT])).model_json_schema()


def test_a_run_whose_stored_form_takes_a_wake_up_carries_on(waiting):
    from dmpg.services.upgrade import check

    [verdict] = check(Prefect({"run-1": _paused("steering-r1-a1")}, {"run-1": _stored("steering")}))
    assert verdict.carries_on and verdict.gate == "steering" and verdict.started_under.startswith("0.2.0")
    assert verdict.to_json()["schema_version"] == {"opened_with": 1, "installed": 1}


def test_what_cannot_carry_on_says_why_in_danish(waiting, monkeypatch):
    from dmpg.services.upgrade import check
    from models import ledger

    impossible = {"type": "object", "required": ["x"], "properties": {"x": {"type": "string", "pattern": "^never$",
                                                                           "minLength": 9}}}
    [verdict] = check(Prefect({"run-1": _paused("steering-r1-a1")}, {"run-1": impossible}))
    assert not verdict.carries_on and "kan ikke vækkes af denne version" in verdict.why

    [verdict] = check(None)
    assert not verdict.carries_on and verdict.why == "Prefect kunne ikke nås, så den gemte formular kunne ikke kontrolleres"

    # A round opened by a newer version of the gate's input than this code knows.
    ledger.record_event(waiting, key=f"{waiting}:gate_opened:steering-r1-a2", kind="gate_opened", gate="steering",
                        round=1, detail={"key": "steering-r1-a2", "attempt": 2, "schema_version": 7})
    [verdict] = check(Prefect({"run-1": _paused("steering-r1-a2")}, {"run-1": _stored("steering")}))
    assert not verdict.carries_on and "version 7" in verdict.why


def test_the_command_reads_only_and_exits_1_when_one_cannot(waiting, capsys):
    from dmpg.interfaces.cli import main
    from models import ledger

    before = len(ledger.events(waiting))
    assert main(["upgrade", "check", "--json"]) == 1  # Prefect is not running here: nothing can be checked
    [row] = json.loads(capsys.readouterr().out)
    assert set(row) >= {"proposal", "gate", "round", "started_under", "carries_on", "why"}
    assert len(ledger.events(waiting)) == before
