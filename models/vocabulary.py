"""The audit trail's event kinds (shared by flow, CLI, mail and the UI), with their Danish labels.

A gate round is *open* (waiting) when it has a ``gate_opened`` event and no ``decision_recorded`` or
``gate_expired`` event for the same (proposal, gate, round). ``pending`` and the reminders read this.
"""

from __future__ import annotations


class EventKind:
    SUBMITTED = "submitted"                  # the form entered (detail: source)
    PREMISES_CHECKED = "premises_checked"    # round; detail: {"submittable", "findings": [...]}
    STAGE_ENTERED = "stage_entered"          # stage
    GATE_OPENED = "gate_opened"              # gate, round; detail: {"waiting_on": [emails], "key", "attempt"}
    INPUT_REFUSED = "input_refused"          # gate, round, by; detail: {"reason", "channel"} (not allowed)
    INPUT_INVALID = "input_invalid"          # gate, round, by; detail: {"reason", "problems" or "findings"}
    DECISION_RECORDED = "decision_recorded"  # gate, round, by; detail: {"outcome", "channel", "identity"}
    GATE_EXPIRED = "gate_expired"            # gate, round (the gate's timeout passed)
    ESTABLISHED = "established"              # the group entered the registry
    REJECTED = "rejected"                    # gate, round; detail: {"rationale"}
    LINK_REFUSED = "link_refused"            # gate, round, by; detail: {"reason", "link", "channel"}
    # The lifecycle's flow run stopped without finishing its step (its runner or worker died, it failed,
    # or a decision's wake-up never reached it); detail: {"incident", "problem", "run_state", "reason",
    # "action", "attempt", "flow_run_id", "by"}. See dmpg.services.recovery.
    RUN_STUCK = "run_stuck"
    RUN_RECOVERED = "run_recovered"          # detail: {"incident", "run_state"}: the run waits at a gate again
    # Personal data (dmpg.services.persondata): a person's data outside the record erased (detail: {"pseudonym",
    # "by", "mails", "links"}), and the record pseudonymised after the retention time (detail: {"years", "by"}).
    PERSONAL_DATA_ERASED = "personal_data_erased"
    RETENTION_APPLIED = "retention_applied"
    # A waiting gate's Resume form was no longer today's (an older release's, or people who left the roster):
    # the sweep woke the run to re-open the gate with today's form (detail: {"attempt", "digest"} of the
    # wake-up), and the flow closed that attempt as re-armed (detail: {"attempt"}). See dmpg.services.wake.
    GATE_REARM_REQUESTED = "gate_rearm_requested"
    GATE_REARMED = "gate_rearmed"
    # A gate round past its deadline was escalated (one mail, dmpg.services.escalation); gate, round; detail:
    # {"deadline", "days_overdue", "to": [emails], "rule"}.
    ESCALATED = "escalated"


EVENT_LABELS: dict[str, str] = {
    EventKind.SUBMITTED: "Indsendt",
    EventKind.PREMISES_CHECKED: "Grundpræmisser tjekket",
    EventKind.STAGE_ENTERED: "Nyt stadie",
    EventKind.GATE_OPENED: "Afventer beslutning",
    EventKind.INPUT_REFUSED: "Svar afvist (ikke berettiget)",
    EventKind.INPUT_INVALID: "Svar afvist (ugyldigt)",
    EventKind.DECISION_RECORDED: "Beslutning registreret",
    EventKind.GATE_EXPIRED: "Fristen udløb",
    EventKind.ESTABLISHED: "Gruppen er etableret",
    EventKind.REJECTED: "Afvist",
    EventKind.LINK_REFUSED: "Beslutningslink afvist",
    EventKind.RUN_STUCK: "Kørslen gik i stå",
    EventKind.RUN_RECOVERED: "Kørslen er genoptaget",
    EventKind.PERSONAL_DATA_ERASED: "Personoplysninger slettet",
    EventKind.RETENTION_APPLIED: "Opbevaringsperioden udløb: personoplysninger pseudonymiseret",
    EventKind.GATE_REARM_REQUESTED: "Formularen i Prefect fornyes",
    EventKind.GATE_REARMED: "Formularen i Prefect er fornyet",
    EventKind.ESCALATED: "Frist overskredet: eskaleret",
}

# How a decision reached the ledger, and how the person behind it was established (DESIGN.md
# "Who decided, and how").
CHANNELS: tuple[str, ...] = ("mail-link", "prefect-ui", "cli")
CHANNEL_SHORT: dict[str, str] = {"mail-link": "link i e-mail", "prefect-ui": "Prefect UI", "cli": "kommandolinje"}
CHANNEL_LABELS: dict[str, str] = {
    "mail-link": "via personligt link i e-mail",
    "prefect-ui": "i Prefect UI af sekretariatet",
    "cli": "på kommandolinjen af sekretariatet",
}
