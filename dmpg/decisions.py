"""Recording a gate's decision from outside the flow (``dmpg decide``, the demo, scripts).

The decision happens in the ledger: :func:`record_decision` judges the answer with the same rules as
every other channel (``dmpg.gatekeeper.take_answer``) and, once it stands, wakes the waiting flow run
with Prefect's resume — the same API call as the Prefect UI's Resume button. A flow that waits at
another gate (the hearing asks the reference group and RKKP at once) finds the decision when it gets
there. Every refusal says which it was: the gate is not waiting (exit 1), the input is invalid (exit
2, every field named), the person may not record this gate (exit 1), another decision came first
(exit 1). Refusals are written to the audit trail.
"""

from __future__ import annotations

import time
import uuid
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from core.errors import UserError
from core.identity import same_address
from dmpg.gatekeeper import resume_input
from dmpg.gates_open import OpenGate, open_gates
from forms.vocabulary import FINAL_STAGES
from models import ledger


@dataclass(frozen=True)
class Recorded:
    """A decision that stands. ``woken``: the flow run was resumed with it now (False: the flow takes
    it from the ledger when it reaches the gate, or after recovery)."""

    proposal: str
    gate: str
    round: int
    key: str  # the suspension key the gate had when the decision was recorded
    flow_run_id: str | None
    url: str | None
    woken: bool

    def to_json(self) -> dict[str, Any]:
        return {"proposal": self.proposal, "gate": self.gate, "round": self.round, "accepted": True,
                "woken": self.woken, "flow_run_id": self.flow_run_id, "url": self.url}


def read_decision_file(path: Path, gate: str, by: str) -> dict[str, Any]:
    """A decision file (YAML/JSON; for ``revision`` a form, also ``.docx``) as the gate's JSON input
    with ``recorded_by`` set to ``by``; a different ``recorded_by`` in the file is an error."""
    from forms.loading import load_form, read_data

    if gate == "revision" and path.suffix.lower() == ".docx":
        data: object = load_form(path).model_dump(mode="json", exclude_none=True)
    else:
        data = read_data(path)
    if not isinstance(data, dict):
        raise UserError(f"{path}: expected a mapping of field names to values (YAML or JSON object)", exit_code=2)
    given = data.get("recorded_by")
    if given and not same_address(given, by):
        raise UserError(f"{path}: recorded_by is {given!r} but --by is {by!r}; they must be the same person",
                        exit_code=2)
    return {**data, "recorded_by": by}


def require_waiting(proposal_id: str, gate: str) -> OpenGate:
    """The open round of ``gate``, or a ``UserError`` saying where the proposal waits instead."""
    from models.db import ensure_schema

    ensure_schema()
    proposal = ledger.get_proposal(proposal_id)
    waiting = open_gates(proposal.id)
    for g in waiting:
        if g.gate == gate:
            return g
    if proposal.stage in FINAL_STAGES:
        raise UserError(f"{proposal.id} is {proposal.stage}; no gate is waiting", exit_code=1)
    if decided := ledger.latest_decision(proposal.id, gate):
        raise UserError(f"the '{gate}' decision of {proposal.id} (round {decided.round}) was already recorded "
                        f"({decided.outcome}, for {decided.recorded_by}); see 'dmpg status {proposal.id}'",
                        exit_code=1)
    if waiting:
        at = ", ".join(f"'{g.gate}' (round {g.round})" for g in waiting)
        raise UserError(f"{proposal.id} is not waiting at '{gate}'; it waits at {at}", exit_code=1)
    raise UserError(f"{proposal.id} is not waiting at any gate right now (stage {proposal.stage}); "
                    f"see 'dmpg status {proposal.id}'", exit_code=1)


def record_decision(proposal_id: str, gate: str, payload: dict[str, Any], *, channel: str = "cli",
                    identity: str = "secretariat", detail: dict[str, Any] | None = None,
                    ref: str | None = None, wake_now: bool = True) -> Recorded:
    """Judge ``payload`` (``recorded_by`` included) as the decision of the open round of ``gate``;
    when it stands, wake the flow. Raises ``UserError`` when refused (see the module docstring).

    ``ref`` names this answer in the audit trail (default: unique per call). A caller that may run
    again after a crash passes its own deterministic ref (``meeting-<id>``), so a replay writes nothing.
    ``wake_now=False`` leaves waking to the caller (:func:`wake_rounds`, many flows at once)."""
    from dmpg.gatekeeper import take_answer

    waiting = require_waiting(proposal_id, gate)
    ref = ref or f"{channel}-{uuid.uuid4().hex[:12]}"
    answer = take_answer(proposal_id, gate, waiting.round, payload, ref=ref, channel=channel, identity=identity,
                         detail=detail)
    by = payload.get("recorded_by")
    if not answer.accepted:
        if answer.refusal == "invalid":
            lines = "\n".join(f"  - {path}: {message}" if path else f"  - {message}" for path, message in answer.problems)
            raise UserError(f"the input for '{gate}' is invalid; nothing was recorded:\n{lines}", exit_code=2)
        if answer.refusal == "not_allowed":
            raise UserError(f"{by} may not record '{gate}' for {proposal_id}; only these may: "
                            f"{', '.join(_allowed(proposal_id, gate))}", exit_code=1)
        raise UserError(f"the '{gate}' input is not complete, nothing was recorded; blocking findings: "
                        f"{', '.join(answer.problems_codes)}", exit_code=1)
    if answer.superseded:
        raise UserError(f"another decision for {proposal_id} '{gate}' (round {waiting.round}) was recorded first; "
                        f"see 'dmpg status {proposal_id}'", exit_code=1)
    woken = wake(waiting, answer.decision) if wake_now else False
    return Recorded(proposal_id, gate, waiting.round, waiting.key, waiting.flow_run_id,
                    _url(waiting.flow_run_id), woken)


def resume_through_prefect(proposal_id: str, gate: str, payload: dict[str, Any], timeout: float = 120.0) -> Recorded:
    """Answer ``gate`` the way the Prefect UI's Resume button does: Prefect's resume with ``payload``
    once the run is suspended there; the flow judges it (channel ``prefect-ui``). For the demo and
    benchmarks, which show that path."""
    from dmpg.prefect_api import PrefectAPI

    waiting = wait_for_gate(proposal_id, gate, timeout=timeout)
    if waiting is None:
        raise UserError(f"{proposal_id} has ended; no gate is waiting", exit_code=1)
    with PrefectAPI() as api:
        status = api.resume(waiting.flow_run_id, resume_input(proposal_id, gate, payload))
    if status != "ACCEPT":
        raise UserError(f"Prefect did not take the input for {proposal_id} '{gate}' ({status})", exit_code=1)
    return Recorded(proposal_id, gate, waiting.round, waiting.key, waiting.flow_run_id,
                    _url(waiting.flow_run_id), woken=True)


def _allowed(proposal_id: str, gate: str) -> list[str]:
    from dmpg.gatekeeper import proposers
    from forms.gates import allowed_recorders
    from forms.gates import gate as gate_named

    return [email for _, email in allowed_recorders(gate_named(gate), ledger.roster(), proposers(proposal_id))]


def wake(waiting: OpenGate, decision: dict[str, Any]) -> bool:
    """Resume the proposal's flow run with ``decision`` when it is suspended at that gate round.
    False when it waits elsewhere (it takes the decision from the ledger when it gets there), or
    when Prefect cannot be reached (recovery resumes it later)."""
    from dmpg.prefect_api import PrefectUnavailable, resume_if_waiting

    if not waiting.flow_run_id:
        return False
    try:
        return resume_if_waiting(waiting.flow_run_id, f"{waiting.gate}-r{waiting.round}-",
                                 resume_input(waiting.proposal, waiting.gate, decision))
    except PrefectUnavailable:
        return False


def wake_recorded(recorded: Recorded) -> bool:
    """Wake the flow run of a decision recorded with ``wake_now=False`` (the decision page does it after
    answering the person). False when the run waits elsewhere or Prefect cannot be reached."""
    if not recorded.flow_run_id:
        return False
    decided = ledger.decision(recorded.proposal, recorded.gate, recorded.round)
    return bool(decided) and wake_rounds([(recorded.proposal, recorded.gate, recorded.round, decided.payload)])[0]


def wake_rounds(rounds: list[tuple[str, str, int, dict[str, Any]]]) -> list[bool]:
    """Wake each ``(proposal, gate, round, decision)``'s flow run if it waits at that round, over one
    connection and a few at a time (a meeting's decisions, recorded first). A resume the server
    refused or did not answer in time is tried again once. False for a run that has moved on, waits
    elsewhere, or cannot be reached (running the same command again wakes it). How many at a time:
    ``DMPG_WAKE_CONCURRENCY``."""
    from concurrent.futures import ThreadPoolExecutor

    from core.settings import get_settings
    from dmpg.prefect_api import PrefectAPI, PrefectUnavailable, resume_if_waiting

    runs = [ledger.get_proposal(p).flow_run_id for p, _, _, _ in rounds]
    with PrefectAPI() as api, ThreadPoolExecutor(max_workers=get_settings().wake_concurrency) as pool:
        def one(i: int) -> bool:
            proposal, gate, round_, decision = rounds[i]
            try:
                return bool(runs[i]) and resume_if_waiting(runs[i], f"{gate}-r{round_}-",
                                                           resume_input(proposal, gate, decision), api)
            except PrefectUnavailable:
                return False

        woken = list(pool.map(one, range(len(rounds))))
        if not all(woken):
            time.sleep(1.0)  # a busy server: give it a moment before the second try
        return [w or one(i) for i, w in enumerate(woken)]


def wait_until_moved_on(recorded: Recorded, timeout: float = 120.0) -> OpenGate | None:
    """Block until the flow has taken the decision and waits at a later gate (returned), or has ended (None)."""
    return wait_for_gate(recorded.proposal, timeout=timeout, after=(recorded.gate, recorded.round))


def wait_for_gate(proposal_id: str, gate: str | None = None, *, timeout: float = 120.0,
                  after: tuple[str, int] | None = None) -> OpenGate | None:
    """Block until the proposal's flow run is suspended at an open gate (``gate`` if given; not the
    round ``after``) and return that gate; ``None`` when the lifecycle has ended. A run that ended
    without finishing the lifecycle (failed, crashed) is a ``UserError`` saying so."""
    from dmpg.prefect_api import PrefectAPI

    deadline = time.monotonic() + timeout
    with PrefectAPI() as api:
        while time.monotonic() < deadline:
            proposal = ledger.get_proposal(proposal_id)
            if proposal.stage in FINAL_STAGES:
                return None
            state = api.run_state(proposal.flow_run_id) if proposal.flow_run_id else None
            if state is not None and state.paused:
                for g in open_gates(proposal_id):
                    if g.key == state.pause_key and (g.gate, g.round) != after and (not gate or g.gate == gate):
                        return g
            elif state is not None and state.final and not _recovery_restarts(proposal_id, state):
                raise UserError(f"the lifecycle run of {proposal_id} ended as {state.name}: {state.message}; "
                                "see the Prefect UI", exit_code=1)
            time.sleep(0.1)
    raise UserError(f"{proposal_id} is not waiting at {gate or 'a gate'} after {timeout:.0f} s; "
                    "is the flow runner up? ('dmpg up')", exit_code=1)


def _recovery_restarts(proposal_id: str, state: Any) -> bool:
    """Whether the recovery sweep will start the crashed run ``state`` again (``dmpg.recovery``): it
    does, unless the proposal's incident already waits for a person. The sweep itself marks a run it
    restarts Crashed for a moment, so a crash is no reason to stop waiting."""
    from dmpg.recovery import NEEDS_ATTENTION, open_incidents

    if state.type != "CRASHED":
        return False
    incident = open_incidents(proposal_id).get(proposal_id)
    return incident is None or incident.status != NEEDS_ATTENTION


def _url(flow_run_id: str | None) -> str | None:
    from core.settings import get_settings

    return get_settings().flow_run_url(flow_run_id) if flow_run_id else None
