"""``dmpg upgrade check``: can the code installed here carry on every proposal that waits? Read-only.

IT runs it with the new release before anything is switched (the README's upgrade procedures), against
the live ledger and Prefect server. For every waiting gate round it answers whether this code can carry the
proposal on, and why (in Danish):

- the gate must still be declared here (``forms.gates``), and the round must not have been opened by a
  newer version of the gate's input than this code knows (``Gate.schema_version``);
- the ledger must not be newer than this code (its migration must be one this code knows);
- where the run is suspended at the round, the Resume form Prefect stored then must accept a wake-up this
  code can build (``forms.resume_form.wake_values``): a decision recorded after the upgrade then reaches
  the run. A form that is no longer today's is noted: the sweep re-arms it with today's form.

Nothing is written anywhere: the ledger is read with the quick reads (no migration runs), and Prefect only
with reads.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from core.release import describe
from dmpg.adapters.prefect_api import PrefectAPI
from dmpg.services.recovery import state_label
from dmpg.state.gates_open import fold_events
from forms.gates import GATES, allowed_recorders
from forms.resume_form import NoWakeValues, wake_values
from models import ledger
from models.ledger import REVISIONS
from models.ledger.quick import ledger_revision, waiting_proposals


@dataclass(frozen=True)
class CarryOn:
    """One waiting gate round and whether the installed code can carry it on."""

    proposal: str
    title: str
    gate: str
    round: int
    started_under: str
    carries_on: bool
    why: str
    opened_with: int | None = None   # the gate input's version the round opened with (None: before 0.2.0)
    installed: int | None = None     # the gate input's version of this code

    def to_json(self) -> dict[str, Any]:
        return {"proposal": self.proposal, "title": self.title, "gate": self.gate, "round": self.round,
                "started_under": self.started_under, "carries_on": self.carries_on, "why": self.why,
                "schema_version": {"opened_with": self.opened_with, "installed": self.installed}}


def check(prefect: Any | None) -> list[CarryOn]:
    """Every waiting gate round with whether this code carries it on (see the module docstring).
    ``prefect``: a ``dmpg.adapters.prefect_api.PrefectAPI`` (None: Prefect could not be reached)."""
    proposals, events = waiting_proposals()
    revision = ledger_revision()
    newer_ledger = revision is not None and revision not in REVISIONS
    latest = _latest_openings(events)
    states = _states(prefect, proposals)
    out = []
    for g in fold_events(events, proposals):
        proposal = proposals[g.proposal]
        opened = latest.get((g.proposal, g.gate, g.round), {})
        gate = GATES.get(g.gate)
        base = dict(proposal=g.proposal, title=proposal["title"], gate=g.gate, round=g.round,
                    started_under=describe(proposal.get("release")), opened_with=opened.get("schema_version"),
                    installed=gate.schema_version if gate else None)
        carries, why = _judge(g, gate, opened, newer_ledger, revision, prefect, states.get(proposal["flow_run_id"]))
        out.append(CarryOn(**base, carries_on=carries, why=why))
    return out


def _judge(g: Any, gate: Any, opened: dict[str, Any], newer_ledger: bool, revision: str | None,
           prefect: Any | None, state: Any) -> tuple[bool, str]:
    if newer_ledger:
        return False, (f"sagsregistret er fra en nyere version (migration {revision}), som denne version ikke "
                       "kender; installer mindst den version, der skrev det")
    if gate is None:
        return False, f"gaten «{g.gate}» findes ikke i denne version; sagen kan ikke føres videre herfra"
    version = opened.get("schema_version")
    if isinstance(version, int) and version > gate.schema_version:
        return False, (f"runden blev åbnet med version {version} af gatens input, og denne version kender kun "
                       f"version {gate.schema_version}")
    if prefect is None:
        return False, "Prefect kunne ikke nås, så den gemte formular kunne ikke kontrolleres"
    if state is None:
        return False, "Prefect kender ikke sagens kørsel"
    if not (state.paused and state.pause_key == g.key):
        return True, (f"kørslen venter ikke ved denne runde lige nu ({state_label(state)}); den finder beslutningen i "
                      "sagsregistret, når den når hertil")
    return _wakeable(g, gate, prefect, state)


def _wakeable(g: Any, gate: Any, prefect: Any, state: Any) -> tuple[bool, str]:
    schema = prefect.stored_form(g.flow_run_id, state)
    if schema is None:
        return True, "kørslen venter uden en gemt formular og vækkes med den registrerede beslutning"
    roster = ledger.roster()
    proposers = [str(p.get("email")) for p in ledger.get_proposal(g.proposal).form.get("proposers") or []
                 if p.get("email")]
    try:
        wake_values(gate, {}, schema, allowed_recorders(gate, roster, proposers),
                    [str(p.email) for p in roster.people("secretariat")])
    except NoWakeValues as exc:
        return False, f"den formular, Prefect gemte, da runden blev åbnet, kan ikke vækkes af denne version: {exc}"
    return True, "en beslutning registreret med denne version vækker kørslen (formularen, Prefect gemte, passer)"


def _latest_openings(events: list[dict[str, Any]]) -> dict[tuple[str, str, int], dict[str, Any]]:
    found: dict[tuple[str, str, int], dict[str, Any]] = {}
    for e in events:
        if e["kind"] == "gate_opened":
            found[(e["proposal_id"], e["gate"], int(e["round"] or 1))] = e["detail"] or {}
    return found


def _states(prefect: Any | None, proposals: dict[str, dict[str, Any]]) -> dict[str, Any]:
    if prefect is None:
        return {}
    runs = [p["flow_run_id"] for p in proposals.values() if p["flow_run_id"]]
    return prefect.run_states(runs) if runs else {}


def open_prefect() -> Any | None:
    """A connection to Prefect for reading, or None when it does not answer."""
    api = PrefectAPI()
    if not api.healthy():
        api.__exit__(None, None, None)
        return None
    return api

