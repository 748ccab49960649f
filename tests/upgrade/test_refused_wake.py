"""A wake-up Prefect cannot take is an incident at once, never a loop (real local stack): the decision stands in
the ledger, ``dmpg pending`` and ``dmpg status`` say in Danish what happened and what to do, the secretariat
gets one mail, the sweep does not try again and again, and once the cause is mended ``dmpg recover`` moves
the proposal on."""

from __future__ import annotations

import json
import time

import pytest
import yaml
from support.lifecycle import RKKP, assert_exactly_once, decision, example_form
from support.prefect_server import wait_until

pytestmark = [pytest.mark.prefect]

# A Resume form no wake-up can satisfy: what a broken or foreign release could have stored.
IMPOSSIBLE = {"type": "object", "required": ["x"], "properties": {"x": {"type": "string", "pattern": "^never$",
                                                                       "minLength": 9}}}


def _replace_stored_form(run_id: str, schema: dict) -> dict:
    """Swap the form Prefect stored for the suspended run; returns the one it had."""
    from dmpg.adapters.prefect_api import PrefectAPI

    with PrefectAPI() as api:
        state = api.run_state(run_id)
        key = state.input_keys["schema"]
        before = api.stored_form(run_id, state)
        api._request("DELETE", f"/flow_runs/{run_id}/input/{key}")
        api._request("POST", f"/flow_runs/{run_id}/input", json={"key": key, "value": json.dumps(schema)})
    return before


def test_a_refused_wake_is_an_incident_at_once_and_dmpg_recover_moves_it_once_mended(driver):
    from models import ledger

    proposal = driver.propose(example_form() | {"title": "Angst og OCD (afvist vækning)"})
    driver.resume(proposal, "advice", decision("advice", "foelgegruppe.regioner@example.dk", meeting_date="2026-11-03"))
    waiting = driver.wait_for_gate(proposal, "database")
    original = _replace_stored_form(waiting.flow_run_id, IMPOSSIBLE)

    path = driver.tmp_path / "database.yaml"
    path.write_text(yaml.safe_dump({k: v for k, v in decision("database", RKKP).items() if k != "recorded_by"}), "utf-8")
    code, out, err = driver.cli("decide", proposal, "database", "--input", str(path), "--by", RKKP, "--json")
    assert code == 0, err  # the decision stands in the ledger
    assert json.loads(out)["woken"] is False
    assert ledger.decision(proposal, "database", 1) is not None

    code, out, _ = driver.cli("status", proposal)
    assert "Kræver IT" in out and "kunne ikke vækkes" in out and f"dmpg recover {proposal}" in out
    code, out, _ = driver.cli("pending")
    assert "kræver IT" in out and f"'dmpg recover {proposal}'" in out
    time.sleep(12)  # two passes of the sweep: it leaves the refused wake-up to a person
    stuck = [e for e in ledger.events(proposal) if e.kind == "run_stuck"]
    assert [e.detail["problem"] for e in stuck] == ["wake_refused"]
    assert len(driver.recovery_mails(proposal)) == 1
    assert driver.run_state(proposal).paused

    _replace_stored_form(waiting.flow_run_id, original)  # IT mends the cause
    code, out, err = driver.cli("recover", proposal)
    assert code == 0 and "vækket" in out, out + err
    driver.wait_for_gate(proposal, "steering")
    assert wait_until(lambda: driver.recovered(proposal), 60, 0.5)
    assert len(driver.recovery_mails(proposal)) == 1
    assert_exactly_once(proposal)


def _lose_stored_form(run_id: str) -> None:
    """Delete the Resume form Prefect stored for the suspended run, as a process killed between suspending and
    storing it leaves the run."""
    from dmpg.adapters.prefect_api import PrefectAPI

    with PrefectAPI() as api:
        state = api.run_state(run_id)
        api._request("DELETE", f"/flow_runs/{run_id}/input/{state.input_keys['schema']}")
        assert api.stored_form(run_id, state) is None


def test_a_run_prefect_holds_no_form_for_still_moves_on(driver):
    """A run that turned Paused at a gate but whose Resume form Prefect never stored (its process stopped between
    the two, or a busy server lost it: CI saw that) refuses every resume. Once its process is surely gone (the
    stale time), it is started again from the top: a decision recorded meanwhile by the command line moves it
    on, and one still waiting for a decision gets a new form, which the Prefect UI's Resume then answers.
    Nobody is mailed, because nobody has to do anything."""
    from core.settings import get_settings
    from models import ledger

    patience = get_settings().recovery_stale_seconds + 90
    decided, waiting = (driver.propose(example_form() | {"title": f"Angst og OCD (formular tabt {n})"}) for n in (1, 2))
    for proposal in (decided, waiting):
        driver.resume(proposal, "advice", decision("advice", "foelgegruppe.regioner@example.dk",
                                                   meeting_date="2026-11-03"))
        _lose_stored_form(driver.wait_for_gate(proposal, "database").flow_run_id)

    path = driver.tmp_path / "database.yaml"
    path.write_text(yaml.safe_dump({k: v for k, v in decision("database", RKKP).items() if k != "recorded_by"}), "utf-8")
    code, out, err = driver.cli("decide", decided, "database", "--input", str(path), "--by", RKKP, "--json")
    assert code == 0, err
    assert ledger.decision(decided, "database", 1) is not None
    driver.wait_for_gate(decided, "steering", timeout=patience)

    again = driver.wait_for_gate(waiting, "database", timeout=patience)
    assert again.key == "database-r1-a2"  # the next attempt, with a form Prefect holds
    driver.resume(waiting, "database", decision("database", RKKP))
    driver.wait_for_gate(waiting, "steering")

    for proposal in (decided, waiting):
        assert not [e for e in ledger.events(proposal) if e.kind == "run_stuck" and e.detail["problem"] == "wake_refused"]
        assert driver.recovery_mails(proposal) == []
        assert_exactly_once(proposal)
