"""``dmpg decide PROPOSAL GATE --input FILE --by EMAIL``: record a gate's decision.

Checks everything a person can get wrong before anything is sent, and says which it was: the gate
is not waiting (exit 1), the input is invalid (exit 2, every field named), ``--by`` may not record
this gate (exit 1, written to the audit trail), another decision won the race (exit 1). The
decision is then handed to the waiting flow run through the same API call the Prefect UI's Resume
button makes; the flow records it in the ledger and moves on.
"""

from __future__ import annotations

import argparse
import time
import uuid
from pathlib import Path
from typing import Any

from dmpg.cli._output import print_json
from dmpg.errors import UserError


def run(args: argparse.Namespace) -> int:
    from dmpg.gates_open import open_gates
    from dmpg.prefect_api import prefect_client
    from dmpg.settings import get_settings
    from models import ledger
    from models.db import ensure_schema

    ensure_schema()
    proposal = ledger.get_proposal(args.proposal)
    gate = _waiting_gate(proposal, args.gate, open_gates(proposal.id))
    payload = _read_input(Path(args.input), args.gate, args.by)
    _check_allowed(proposal, gate, args.by, payload)

    with prefect_client() as client:
        flow_run = client.read_flow_run(proposal.flow_run_id)
        state = flow_run.state
        if state is None or not state.is_paused() or state.state_details.pause_key != gate.key:
            raise UserError(
                f"{proposal.id} is not waiting at '{args.gate}' in Prefect right now "
                f"(its run is {state.name if state else 'without a state'}); try again in a moment "
                f"or see 'dmpg status {proposal.id}'", exit_code=1)
        result = client.resume_flow_run(flow_run.id, run_input=payload)
    if result.status.value != "ACCEPT":
        reason = getattr(result.details, "reason", "") or ""
        if "not paused" in reason:
            raise UserError(f"another decision for {proposal.id} '{args.gate}' was recorded first; "
                            f"see 'dmpg status {proposal.id}'", exit_code=1)
        raise UserError(f"the Prefect server refused the input: {reason}", exit_code=1)

    url = get_settings().flow_run_url(proposal.flow_run_id)
    if getattr(args, "wait", False):
        _wait_until_moved_on(proposal.id, gate)
    if args.json:
        print_json({"proposal": proposal.id, "gate": gate.gate, "round": gate.round, "accepted": True,
                    "flow_run_id": proposal.flow_run_id, "url": url})
    else:
        print(f"{proposal.id}: '{gate.gate}' (round {gate.round}) accepted from {args.by}; the lifecycle moves on. "
              f"Follow it: dmpg status {proposal.id}")
    return 0


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


def _read_input(path: Path, gate: str, by: str) -> dict[str, Any]:
    """The decision file as the gate's JSON input, validated like the flow will; ``recorded_by`` is ``--by``."""
    from forms.gates import GATE_INPUTS
    from forms.loading import read_data, validate_model

    if gate == "revision" and path.suffix.lower() == ".docx":
        from forms.loading import load_form

        data: object = load_form(path).model_dump(mode="json", exclude_none=True)
    else:
        data = read_data(path)
    if not isinstance(data, dict):
        raise UserError(f"{path}: expected a mapping of field names to values (YAML or JSON object)", exit_code=2)
    given = data.get("recorded_by")
    if given and str(given).strip().lower() != by.strip().lower():
        raise UserError(f"{path}: recorded_by is {given!r} but --by is {by!r}; they must be the same person",
                        exit_code=2)
    data = {**data, "recorded_by": by}
    return validate_model(GATE_INPUTS[gate], data, str(path)).model_dump(mode="json")


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


def _wait_until_moved_on(proposal_id: str, gate, timeout: float = 120.0) -> None:
    """Block until the flow has taken this answer and waits at its next gate or has ended."""
    from dmpg.gates_open import open_gates
    from models import ledger
    from models.vocabulary import FINAL_STAGES

    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        waiting = open_gates(proposal_id)
        if all(g.key != gate.key for g in waiting):
            if waiting or ledger.get_proposal(proposal_id).stage in FINAL_STAGES:
                return
        time.sleep(0.1)
    raise UserError(f"the decision was accepted, but {proposal_id} has not moved on within {timeout:.0f} s; "
                    "is the flow runner up? ('dmpg up')", exit_code=1)
