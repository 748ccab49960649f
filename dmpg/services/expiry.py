"""Recording gates that waited past their timeout (``DMPG_GATE_TIMEOUT_DAYS``, default 180).

Prefect's server fails a suspended run whose pause timed out ("The flow was paused and never
resumed."); no process of ours runs at that moment. The daily reminders flow therefore sweeps: every
gate the ledger still has open whose flow run Prefect failed for that reason gets one ``gate_expired``
audit event (which also closes it for ``dmpg pending`` and the reminders). A run that crashed or failed
otherwise is not an expiry: ``dmpg.services.recovery`` resumes or reports it. Plain Python: the caller supplies
the run states.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from dmpg.state.gates_open import open_gates
from models import ledger
from models.vocabulary import EventKind

# How Prefect words the failure of a run whose pause (a gate) timed out ("The flow was suspended and never
# resumed."): prefect/server/orchestration/core_policy.py and services/pause_expirations.py.
PAUSE_TIMED_OUT = "and never resumed"


@dataclass(frozen=True)
class RunState:
    final: bool
    name: str
    message: str = ""


def gate_timed_out(state) -> bool:  # noqa: ANN001 - this RunState or dmpg.adapters.prefect_api.RunState
    """Whether the run ended because its gate waited past its timeout (not a crash, not an error: those
    are for ``dmpg.services.recovery``)."""
    return state.final and PAUSE_TIMED_OUT in state.message


def record_expired_gates(state_of: Callable[[str], RunState | None]) -> list[str]:
    """Close every open gate whose flow run timed out there; returns ``proposal:gate:round`` of each."""
    expired = []
    for gate in open_gates():
        state = state_of(gate.flow_run_id) if gate.flow_run_id else None
        if state is None or not gate_timed_out(state):
            continue
        ledger.record_event(
            gate.proposal, key=f"{gate.proposal}:{EventKind.GATE_EXPIRED}:{gate.gate}:r{gate.round}",
            kind=EventKind.GATE_EXPIRED, gate=gate.gate, round=gate.round,
            detail={"run_state": state.name, "message": state.message, "waiting_since": gate.waiting_since.isoformat()},
        )
        expired.append(f"{gate.proposal}:{gate.gate}:{gate.round}")
    return expired
