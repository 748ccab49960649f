"""Recording a gate's decision from outside the flow (``dmpg decide``, the demo, scripts).

The decision happens in the ledger: :func:`record_decision` judges the answer with the same rules as
every other channel (``dmpg.services.gatekeeper.take_answer``) and, once it stands, wakes the waiting flow run
with Prefect's resume — the same API call as the Prefect UI's Resume button. A flow that waits at
another gate (the hearing asks the reference group and RKKP at once) finds the decision when it gets
there. Every refusal says which it was: the gate is not waiting (exit 1), the input is invalid (exit
2, every field named), the person may not record this gate (exit 1), another decision came first
(exit 1). Refusals are written to the audit trail.
"""

from __future__ import annotations

import time
import uuid
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from core.errors import UserError
from core.identity import same_address
from core.settings import get_settings
from dmpg.adapters.prefect_api import PrefectAPI
from dmpg.services.gatekeeper import proposers, resume_input, take_answer
from dmpg.services.recovery import wake_decided
from dmpg.services.wake import ELSEWHERE, UNREACHABLE
from dmpg.state.gates_open import OpenGate, open_gates
from dmpg.state.incidents import NEEDS_ATTENTION, open_incidents
from forms.gates import allowed_recorders
from forms.gates import gate as gate_named
from forms.loading import load_form, read_data
from forms.vocabulary import FINAL_STAGES, STAGE_LABELS, label
from models import ledger
from models.ledger import ensure_schema


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
    wake: str = ""  # ``dmpg.services.wake``'s outcome: woken, elsewhere, unreachable, refused ("" when not tried)

    def to_json(self) -> dict[str, Any]:
        return {"proposal": self.proposal, "gate": self.gate, "round": self.round, "accepted": True,
                "woken": self.woken, "wake": self.wake, "flow_run_id": self.flow_run_id, "url": self.url}


def read_decision_file(path: Path, gate: str, by: str) -> dict[str, Any]:
    """A decision file (YAML/JSON; for ``revision`` a form, also ``.docx``) as the gate's JSON input
    with ``recorded_by`` set to ``by``; a different ``recorded_by`` in the file is an error."""
    if gate_named(gate).takes_form and path.suffix.lower() == ".docx":
        data: object = load_form(path).model_dump(mode="json", exclude_none=True)
    else:
        data = read_data(path)
    if not isinstance(data, dict):
        raise UserError(f"{path}: forventede felter med værdier (et YAML- eller JSON-objekt)", exit_code=2)
    given = data.get("recorded_by")
    if given and not same_address(given, by):
        raise UserError(f"{path}: recorded_by er {given!r}, men --by er {by!r}; det skal være den samme person",
                        exit_code=2)
    return {**data, "recorded_by": by}


def stage_label(stage: str) -> str:
    return label(STAGE_LABELS, stage).lower()


def require_waiting(proposal_id: str, gate: str) -> OpenGate:
    """The open round of ``gate``, or a ``UserError`` saying where the proposal waits instead."""
    ensure_schema()
    proposal = ledger.get_proposal(proposal_id)
    waiting = open_gates(proposal.id)
    for g in waiting:
        if g.gate == gate:
            return g
    if proposal.stage in FINAL_STAGES:
        raise UserError(f"{proposal.id} er afsluttet ({stage_label(proposal.stage)}); der venter ingen beslutning",
                        exit_code=1)
    if decided := ledger.latest_decision(proposal.id, gate):
        raise UserError(f"beslutningen '{gate}' i {proposal.id} (runde {decided.round}) er allerede registreret "
                        f"({decided.outcome}, for {decided.recorded_by}); se 'dmpg status {proposal.id}'",
                        exit_code=1)
    if waiting:
        at = ", ".join(f"'{g.gate}' (runde {g.round})" for g in waiting)
        raise UserError(f"{proposal.id} venter ikke ved '{gate}'; den venter ved {at}", exit_code=1)
    raise UserError(f"{proposal.id} venter ikke ved nogen gate lige nu ({stage_label(proposal.stage)}); "
                    f"se 'dmpg status {proposal.id}'", exit_code=1)


def record_decision(proposal_id: str, gate: str, payload: dict[str, Any], *, channel: str = "cli",
                    identity: str = "secretariat", detail: dict[str, Any] | None = None,
                    ref: str | None = None, wake_now: bool = True, link: str | None = None) -> Recorded:
    """Judge ``payload`` (``recorded_by`` included) as the decision of the open round of ``gate``;
    when it stands, wake the flow. Raises ``UserError`` when refused (see the module docstring).

    ``ref`` names this answer in the audit trail (default: unique per call). A caller that may run
    again after a crash passes its own deterministic ref (``meeting-<id>``), so a replay writes nothing.
    ``wake_now=False`` leaves waking to the caller (:func:`wake_rounds`, many flows at once). ``link``: the
    decision link it came through, used in the same transaction as the decision is recorded
    (``models.ledger.LinkTaken`` when another request used it first)."""
    waiting = require_waiting(proposal_id, gate)
    ref = ref or f"{channel}-{uuid.uuid4().hex[:12]}"
    answer = take_answer(proposal_id, gate, waiting.round, payload, ref=ref, channel=channel, identity=identity,
                         detail=detail, link=link)
    by = payload.get("recorded_by")
    if not answer.accepted:
        if answer.refusal == "invalid":
            lines = "\n".join(f"  - {path}: {message}" if path else f"  - {message}" for path, message in answer.problems)
            raise UserError(f"beslutningen til '{gate}' er ugyldig; intet er registreret:\n{lines}", exit_code=2)
        if answer.refusal == "not_allowed":
            raise UserError(f"{by} må ikke registrere '{gate}' i {proposal_id}; det må kun: "
                            f"{', '.join(_allowed(proposal_id, gate))}", exit_code=1)
        raise UserError(f"beslutningen til '{gate}' er ikke fuldstændig; intet er registreret. Blokerende fund: "
                        f"{', '.join(answer.problems_codes)}", exit_code=1)
    if answer.superseded:
        raise UserError(f"en anden beslutning til '{gate}' i {proposal_id} (runde {waiting.round}) blev registreret "
                        f"først; se 'dmpg status {proposal_id}'", exit_code=1)
    outcome = wake_outcomes([(proposal_id, gate, waiting.round)])[0] if wake_now else ""
    return Recorded(proposal_id, gate, waiting.round, waiting.key, waiting.flow_run_id,
                    _url(waiting.flow_run_id), outcome == "woken", outcome)


def resume_through_prefect(proposal_id: str, gate: str, payload: dict[str, Any], timeout: float = 120.0) -> Recorded:
    """Answer ``gate`` the way the Prefect UI's Resume button does: Prefect's resume with ``payload``
    once the run is suspended there; the flow judges it (channel ``prefect-ui``). For the demo and
    benchmarks, which show that path."""
    waiting = wait_for_gate(proposal_id, gate, timeout=timeout)
    if waiting is None:
        raise UserError(f"{proposal_id} er afsluttet; der venter ingen beslutning", exit_code=1)
    with PrefectAPI() as api:
        status = api.resume(waiting.flow_run_id, resume_input(proposal_id, gate, payload))
    if status != "ACCEPT":
        raise UserError(f"Prefect tog ikke imod beslutningen til '{gate}' i {proposal_id} ({status})", exit_code=1)
    return Recorded(proposal_id, gate, waiting.round, waiting.key, waiting.flow_run_id,
                    _url(waiting.flow_run_id), woken=True)


def _allowed(proposal_id: str, gate: str) -> list[str]:
    return [email for _, email in allowed_recorders(gate_named(gate), ledger.roster(), proposers(proposal_id))]


def wake(waiting: OpenGate) -> bool:
    """Wake the proposal's flow run with the ledger's decision of ``waiting``'s gate round, when it is
    suspended there (``dmpg.services.recovery.wake_decided``). False when it waits elsewhere (it takes the decision
    from the ledger when it gets there), when Prefect cannot be reached (the sweep wakes it later), or when
    Prefect refused (an incident the secretariat hears about)."""
    return wake_outcomes([(waiting.proposal, waiting.gate, waiting.round)])[0] == "woken"


def wake_recorded(recorded: Recorded) -> bool:
    """Wake the flow run of a decision recorded with ``wake_now=False`` (the decision page does it after
    answering the person). False when the run waits elsewhere or Prefect cannot be reached."""
    if not recorded.flow_run_id:
        return False
    return wake_outcomes([(recorded.proposal, recorded.gate, recorded.round)])[0] == "woken"


def wake_rounds(rounds: list[tuple[str, str, int, dict[str, Any]]]) -> list[bool]:
    """Whether each ``(proposal, gate, round, _)``'s flow run was woken (:func:`wake_outcomes`)."""
    return [o == "woken" for o in wake_outcomes([(p, g, r) for p, g, r, _ in rounds])]


def wake_outcomes(rounds: list[tuple[str, str, int]]) -> list[str]:
    """Wake each ``(proposal, gate, round)``'s flow run if it waits at that round, over one connection and a
    few at a time (a meeting's decisions, recorded first), with the decision the ledger holds; each one's
    ``dmpg.services.wake`` outcome (``woken``, ``elsewhere``, ``unreachable``, ``refused``). A resume the server did
    not answer in time is tried again once; one it refused is an incident, not retried. How many at a
    time: ``DMPG_WAKE_CONCURRENCY``."""
    runs = [ledger.get_proposal(p).flow_run_id for p, _, _ in rounds]
    with PrefectAPI() as api, ThreadPoolExecutor(max_workers=get_settings().wake_concurrency) as pool:
        def one(i: int) -> str:
            proposal, gate, round_ = rounds[i]
            return wake_decided(api, proposal, gate, round_, runs[i]).outcome if runs[i] else ELSEWHERE

        outcomes = list(pool.map(one, range(len(rounds))))
        if UNREACHABLE in outcomes:
            time.sleep(1.0)  # a busy server: give it a moment before the second try
            outcomes = [one(i) if o == UNREACHABLE else o for i, o in enumerate(outcomes)]
        return outcomes


def wait_until_moved_on(recorded: Recorded, timeout: float = 120.0) -> OpenGate | None:
    """Block until the flow has taken the decision and waits at a later gate (returned), or has ended (None)."""
    return wait_for_gate(recorded.proposal, timeout=timeout, after=(recorded.gate, recorded.round))


def wait_for_gate(proposal_id: str, gate: str | None = None, *, timeout: float = 120.0,
                  after: tuple[str, int] | None = None) -> OpenGate | None:
    """Block until the proposal's flow run is suspended at an open gate (``gate`` if given; not the
    round ``after``) and return that gate; ``None`` when the lifecycle has ended. A run that ended
    without finishing the lifecycle (failed, crashed) is a ``UserError`` saying so."""
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
                raise UserError(f"kørslen af {proposal_id} endte som {state.name}: {state.message}; "
                                "se Prefect UI", exit_code=1)
            time.sleep(0.1)
    raise UserError(f"{proposal_id} venter ikke ved {gate or 'en gate'} efter {timeout:.0f} sekunder; "
                    "kører sagernes kørselsproces? ('dmpg up')", exit_code=1)


def _recovery_restarts(proposal_id: str, state: Any) -> bool:
    """Whether the recovery sweep will start the crashed run ``state`` again (``dmpg.services.recovery``): it
    does, unless the proposal's incident already waits for a person. The sweep itself marks a run it
    restarts Crashed for a moment, so a crash is no reason to stop waiting."""
    if state.type != "CRASHED":
        return False
    incident = open_incidents(proposal_id).get(proposal_id)
    return incident is None or incident.status != NEEDS_ATTENTION


def _url(flow_run_id: str | None) -> str | None:
    return get_settings().flow_run_url(flow_run_id) if flow_run_id else None
