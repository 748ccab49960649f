"""Recording a gate's decision from outside the flow (``dmpg decide``, ``dmpg demo``, scripts).

Everything a person can get wrong is checked before anything is sent, and the error says which it
was: the gate is not waiting (exit 1), the input is invalid (exit 2, every field named), the person
may not record this gate (exit 1, written to the audit trail), another decision won the race (exit 1).
The decision then reaches the waiting flow run through ``resume_flow_run`` — the same API call as the
Prefect UI's Resume button — and the flow records it in the ledger and moves on.
"""

from __future__ import annotations

import time
import uuid
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from core.errors import UserError


@dataclass(frozen=True)
class Accepted:
    proposal: str
    gate: str
    round: int
    key: str
    flow_run_id: str
    url: str

    def to_json(self) -> dict[str, Any]:
        return {"proposal": self.proposal, "gate": self.gate, "round": self.round, "accepted": True,
                "flow_run_id": self.flow_run_id, "url": self.url}


def read_decision_file(path: Path, gate: str, by: str) -> dict[str, Any]:
    """A decision file (YAML/JSON; a form — also .docx — for ``revision``) as the gate's JSON input.
    ``recorded_by`` is ``by``; a different ``recorded_by`` in the file is an error."""
    if gate == "revision" and path.suffix.lower() == ".docx":
        from forms.loading import load_form

        data: object = load_form(path).model_dump(mode="json", exclude_none=True)
    else:
        from forms.loading import read_data

        data = read_data(path)
    if not isinstance(data, dict):
        raise UserError(f"{path}: expected a mapping of field names to values (YAML or JSON object)", exit_code=2)
    return validate_decision(data, gate, by, source=str(path))


def validate_decision(data: dict[str, Any], gate: str, by: str, *, source: str) -> dict[str, Any]:
    from forms.gates import GATE_INPUTS
    from forms.loading import validate_model

    given = data.get("recorded_by")
    if given and str(given).strip().lower() != by.strip().lower():
        raise UserError(f"{source}: recorded_by is {given!r} but --by is {by!r}; they must be the same person",
                        exit_code=2)
    return validate_model(GATE_INPUTS[gate], {**data, "recorded_by": by}, source).model_dump(mode="json")


def require_waiting(proposal_id: str, gate_name: str):
    """The open gate ``gate_name`` of the proposal, or a ``UserError`` saying where it waits instead."""
    from dmpg.gates_open import open_gates
    from models import ledger
    from models.db import ensure_schema

    ensure_schema()
    proposal = ledger.get_proposal(proposal_id)
    return proposal, _waiting_gate(proposal, gate_name, open_gates(proposal.id))


def submit_decision(proposal_id: str, gate_name: str, payload: dict[str, Any], by: str) -> Accepted:
    """Check and hand a validated decision to the waiting flow run. Raises ``UserError`` when refused."""
    from dmpg.prefect_api import prefect_client
    from core.settings import get_settings

    proposal, gate = require_waiting(proposal_id, gate_name)
    _check_allowed(proposal, gate, by, payload)
    with prefect_client() as client:
        flow_run = client.read_flow_run(proposal.flow_run_id)
        state = flow_run.state
        if state is None or not state.is_paused() or state.state_details.pause_key != gate.key:
            raise UserError(
                f"{proposal.id} is not waiting at '{gate_name}' in Prefect right now "
                f"(its run is {state.name if state else 'without a state'}); try again in a moment "
                f"or see 'dmpg status {proposal.id}'", exit_code=1)
        result = client.resume_flow_run(flow_run.id, run_input=payload)
        if result.status.value != "ACCEPT":
            # Lost a race (ABORT: no longer paused; REJECT: the input key is already answered) or refused.
            now = client.read_flow_run(flow_run.id).state
            if now is None or not now.is_paused() or now.state_details.pause_key != gate.key:
                raise UserError(f"another decision for {proposal.id} '{gate_name}' was recorded first; "
                                f"see 'dmpg status {proposal.id}'", exit_code=1)
            reason = getattr(result.details, "reason", "") or result.status.value
            raise UserError(f"the Prefect server refused the input: {reason}", exit_code=1)
    return Accepted(proposal.id, gate.gate, gate.round, gate.key, proposal.flow_run_id,
                    get_settings().flow_run_url(proposal.flow_run_id))


def wait_until_moved_on(accepted: Accepted, timeout: float = 120.0):
    """Block until the flow has taken the answer and waits at its next gate (returned), or has ended (None)."""
    return wait_for_gate(accepted.proposal, timeout=timeout, not_key=accepted.key)


def wait_for_gate(proposal_id: str, gate: str | None = None, *, timeout: float = 120.0, not_key: str | None = None):
    """Block until the proposal waits at a gate (``gate`` if given) both in the ledger and in Prefect
    (the run suspended on that gate's key), and return it; ``None`` when the lifecycle has ended."""
    from dmpg.gates_open import open_gates
    from dmpg.prefect_api import prefect_client
    from models import ledger
    from models.vocabulary import FINAL_STAGES

    deadline = time.monotonic() + timeout
    with prefect_client() as client:
        while time.monotonic() < deadline:
            for g in open_gates(proposal_id):
                if g.key == not_key or (gate and g.gate != gate):
                    continue
                state = client.read_flow_run(g.flow_run_id).state
                if state is not None and state.is_paused() and state.state_details.pause_key == g.key:
                    return g
            proposal = ledger.get_proposal(proposal_id)
            if proposal.stage in FINAL_STAGES:
                return None
            if proposal.flow_run_id:
                state = client.read_flow_run(proposal.flow_run_id).state
                if state is not None and state.is_final() and not state.is_completed():
                    raise UserError(f"the lifecycle run of {proposal_id} ended as {state.name}: {state.message or ''}; "
                                    f"see the Prefect UI", exit_code=1)
            time.sleep(0.1)
    raise UserError(f"{proposal_id} is not waiting at {gate or 'a gate'} after {timeout:.0f} s; "
                    "is the flow runner up? ('dmpg up')", exit_code=1)


def _waiting_gate(proposal, gate_name: str, waiting):
    from models.vocabulary import FINAL_STAGES

    for g in waiting:
        if g.gate == gate_name:
            return g
    if proposal.stage in FINAL_STAGES:
        raise UserError(f"{proposal.id} is {proposal.stage}; no gate is waiting", exit_code=1)
    if waiting:
        at = ", ".join(f"'{g.gate}' (round {g.round})" for g in waiting)
        raise UserError(f"{proposal.id} is not waiting at '{gate_name}'; it waits at {at}", exit_code=1)
    raise UserError(f"{proposal.id} is not waiting at any gate right now (stage {proposal.stage}); "
                    f"see 'dmpg status {proposal.id}'", exit_code=1)


def _check_allowed(proposal, gate, by: str, payload: dict[str, Any]) -> None:
    from dmpg.steps import load_roster
    from forms.appointments import check_appointments
    from forms.findings import blocking
    from forms.gates import AppointmentsInput
    from forms.roster import may_record
    from models import ledger
    from models.vocabulary import EventKind

    proposers = [str(p.get("email")) for p in proposal.form.get("proposers", []) if p.get("email")]
    allowed, why = may_record(load_roster(), gate.gate, by, proposers)
    if not allowed:
        ledger.record_event(
            proposal.id, key=f"{proposal.id}:refused:{gate.gate}:r{gate.round}:{uuid.uuid4()}",
            kind=EventKind.INPUT_REFUSED, gate=gate.gate, round=gate.round, by=by,
            detail={"reason": why, "via": "cli"},
        )
        raise UserError(f"{by} may not record '{gate.gate}' for {proposal.id}: {why}", exit_code=1)
    if gate.gate == "appointments":
        blockers = blocking(check_appointments(AppointmentsInput.model_validate(payload)))
        if blockers:
            lines = "; ".join(f"{f.code}: {f.message}" + (f" ({', '.join(f.items)})" if f.items else "")
                              for f in blockers)
            raise UserError(f"the appointments are not complete, nothing was recorded: {lines}", exit_code=1)
