"""Stages and audit-event kinds (contract: DESIGN.md stages; event kinds shared by flow, CLI and mail).

A gate is *open* (waiting) when it has a ``gate_opened`` event and no ``decision_recorded`` or
``gate_expired`` event for the same (proposal, gate, round). ``pending`` and the reminders read this.
"""

from __future__ import annotations

STAGES: tuple[str, ...] = (
    "submitted", "needs_revision", "reference_group", "steering",
    "director_approval", "appointments", "established", "rejected",
)
FINAL_STAGES: tuple[str, ...] = ("established", "rejected")

# Which stage each gate waits in.
GATE_STAGE: dict[str, str] = {
    "revision": "needs_revision",
    "advice": "reference_group",
    "steering": "steering",
    "approval": "director_approval",
    "appointments": "appointments",
}


class EventKind:
    SUBMITTED = "submitted"                  # the form entered (detail: source)
    PREMISES_CHECKED = "premises_checked"    # detail: {"submittable", "findings": [...]} per round
    STAGE_ENTERED = "stage_entered"          # stage
    GATE_OPENED = "gate_opened"              # gate, round; detail: {"waiting_on": [emails], "key"}
    INPUT_REFUSED = "input_refused"          # gate, round, by; detail: {"reason"} (not allowed per roster)
    INPUT_INVALID = "input_invalid"          # gate, round, by; detail: {"problems": [[path, message]]}
    DECISION_RECORDED = "decision_recorded"  # gate, round, by; detail: {"outcome", ...}
    GATE_EXPIRED = "gate_expired"            # gate, round (the gate's timeout passed)
    ESTABLISHED = "established"              # the group entered the registry
    REJECTED = "rejected"                    # detail: {"gate", "rationale"}
