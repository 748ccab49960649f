"""The process changes while cases wait (real Prefect server, a runner per release): runs that suspended under
release v1 of a small lifecycle (``tests/upgrade/evolving.py``) carry on under v2, in which a gate's input
gained an optional field, a choice got a new label, and a gate was inserted before the next step.

- A decision recorded by v2's code wakes a run whose Resume form v1 stored (its fields, its label).
- The secretariat answering v1's Resume form in the Prefect UI after the upgrade is judged by v2's rules.
- The replay passes the decided gate and waits at the inserted one; deciding that ends the run.
"""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest
from support.prefect_server import wait_until

pytestmark = [pytest.mark.prefect]

HERE = Path(__file__).resolve().parent
PROJECT = HERE.parents[1]
STEERING = "styregruppe.hovedstaden@example.dk"


class Runner:
    """The evolving lifecycle served by one release (a runner process of its own), against the session's server."""

    def __init__(self, env: dict[str, str], log: Path):
        self.env = env
        self.log = log
        self.process: subprocess.Popen | None = None

    def start(self, version: str) -> None:
        env = {**self.env, "DMPG_EVOLUTION": version,
               "PYTHONPATH": os.pathsep.join([str(PROJECT), str(HERE)])}
        with self.log.open("a") as log:
            self.process = subprocess.Popen(
                [sys.executable, "-c", "import evolving; evolving.evolving.serve(name='evo')"],
                cwd=HERE, env=env, stdout=log, stderr=subprocess.STDOUT, start_new_session=True)

    def output(self) -> str:
        return self.log.read_text(errors="replace")[-4000:]

    def stop(self) -> None:
        """Take the release away: its runner and everything under it. Called once every run of it is suspended,
        so nothing it held is left half-done; killed rather than asked, because a Prefect runner asked to stop
        while a suspended run's process is still winding down marks that run (an upgrade must not)."""
        if self.process is not None:
            os.killpg(self.process.pid, 9)
            self.process.wait(timeout=60)
            self.process = None


@pytest.fixture
def evolution(local_stack, tmp_path, monkeypatch):
    """A ledger of its own (the session's sweep never sees these gates), the session's Prefect server, and the
    v1 runner started; everything stopped afterwards."""
    from core.settings import get_settings
    from models.db import dispose_engines
    from upgrade import evolving

    home = tmp_path / "evolution-home"
    monkeypatch.setenv("DMPG_HOME", str(home))
    get_settings.cache_clear()
    dispose_engines()
    evolving.install("v1")  # this process knows the gates as the release it runs
    runner = Runner({**os.environ, "DMPG_HOME": str(home)}, tmp_path / "runner.log")
    runner.start("v1")
    try:
        yield runner
    finally:
        runner.stop()
        evolving.uninstall()
        dispose_engines()
        monkeypatch.undo()  # the session's DMPG_HOME again, before anything reads the settings
        get_settings.cache_clear()


def _submit(title: str) -> str:
    from dmpg.adapters.prefect_api import PrefectAPI
    from forms.proposal import ProposalForm
    from models import ledger

    proposal = ledger.create_proposal(ProposalForm(title=title)).id
    with PrefectAPI() as api:
        deployment = wait_until(lambda: api.deployment("dmpg-evolving/evo"), 90, 0.5)
        assert deployment, "the v1 runner never served its deployment"
        run = api.create_flow_run(deployment["id"], parameters={"proposal_id": proposal}, name=proposal, tags=[])
    ledger.set_flow_run(proposal, run["id"])
    return proposal


def _waits_at(proposal: str, gate: str) -> bool:
    from dmpg.adapters.prefect_api import PrefectAPI
    from dmpg.state.gates_open import open_gates

    with PrefectAPI() as api:
        return any(g.gate == gate and api.run_state(g.flow_run_id).pause_key == g.key for g in open_gates(proposal))


def test_runs_suspended_before_a_change_carry_on_after_it(evolution):
    from dmpg.adapters.prefect_api import PrefectAPI
    from dmpg.services.decisions import record_decision
    from dmpg.services.gatekeeper import proposers
    from forms.gates import GATES, allowed_recorders
    from forms.resume_form import to_form_values
    from models import ledger
    from models.vocabulary import EventKind
    from upgrade import evolving

    by_cli, by_ui = _submit("Evolution via kommandolinjen"), _submit("Evolution via Prefect UI")
    for proposal in (by_cli, by_ui):
        assert wait_until(lambda p=proposal: _waits_at(p, "evoreview"), 120, 0.5), _why(proposal) + evolution.output()
    # What v1's form offered the secretariat, as its Resume form sends it.
    v1_answer = to_form_values(GATES["evoreview"], {"decision": "go", "meeting_date": "2026-11-26",
                                                     "rationale": "Klar.", "recorded_by": STEERING},
                               allowed_recorders(GATES["evoreview"], ledger.roster(), proposers(by_ui)))
    assert v1_answer["decision"] == "Fortsæt (go)"

    # The upgrade: v1's runner stops, v2's starts; this process runs v2's code too.
    evolution.stop()
    evolving.install("v2")
    evolution.start("v2")

    recorded = record_decision(by_cli, "evoreview", {"decision": "go", "meeting_date": "2026-11-26",
                                                      "rationale": "Klar til næste trin.", "note": "Ny i v2.",
                                                      "recorded_by": STEERING})
    assert recorded.woken, recorded  # v1's stored form took a wake-up built by v2
    with PrefectAPI() as api:
        assert api.resume(ledger.get_proposal(by_ui).flow_run_id, v1_answer) == "ACCEPT"
    for proposal in (by_cli, by_ui):
        assert wait_until(lambda p=proposal: _waits_at(p, "evocheck"), 180, 0.5), evolution.output()
        assert ledger.decision(proposal, "evoreview", 1).outcome == "go"
        record_decision(proposal, "evocheck", {"decision": "ok", "recorded_by": STEERING})
    with PrefectAPI() as api:
        for proposal in (by_cli, by_ui):
            run_id = ledger.get_proposal(proposal).flow_run_id
            assert wait_until(lambda r=run_id: api.run_state(r).type == "COMPLETED", 180, 0.5), proposal
    ui = ledger.decision(by_ui, "evoreview", 1)
    assert ui.channel == "prefect-ui" and ui.payload.get("note") is None
    opened = [e for e in ledger.events(by_cli) if e.kind == EventKind.GATE_OPENED]
    assert [(e.gate, e.detail["schema_version"]) for e in opened] == [("evoreview", 1), ("evocheck", 1)]



def _why(proposal: str) -> str:
    """What the ledger and Prefect say about a proposal that does not wait where it should."""
    from dmpg.adapters.prefect_api import PrefectAPI
    from dmpg.state.gates_open import open_gates
    from models import ledger

    run_id = ledger.get_proposal(proposal).flow_run_id
    with PrefectAPI() as api:
        state = api.run_state(run_id) if run_id else None
    events = [(e.kind, e.gate, e.round, e.detail.get("key") or e.detail.get("reason")) for e in ledger.events(proposal)]
    return f"{proposal}: run {run_id} {state}; open {open_gates(proposal)}; events {events}\n"
