"""The proposal lifecycle: indstillingsskema → høring (følgegruppe og RKKP) → styregruppe → direktørkreds → kickoff.

This module reads like the process. Every side effect (ledger, documents, mail, artifact) lives in a
task of ``tasks.lifecycle``; each gate is a suspension (``flows.gates``) that holds no process.
"""

from __future__ import annotations

from typing import Any

from prefect import flow

from flows.gates import wait_for_decision, wait_for_decisions
from tasks.lifecycle import (
    announce_decision,
    check_submission,
    establish_group,
    finish_rejected,
    request_appointments,
)

FLOW_NAME = "dmpg-proposal"


@flow(name=FLOW_NAME, persist_result=True, log_prints=True)
def proposal_lifecycle(proposal_id: str, form: dict[str, Any]) -> str:
    """Carry one proposal from submission to ``established`` or ``rejected``; returns the final stage."""
    revision_round = 1
    steering_round = 1

    def revise_until_submittable(form: dict[str, Any], *, required: bool) -> dict[str, Any]:
        """The revision gate: wait for a revised form until it meets the basic premises."""
        nonlocal revision_round
        submittable = check_submission(proposal_id, form, revision_round)
        while required or not submittable:
            required = False
            revised = wait_for_decision(proposal_id, "revision", revision_round)
            revision_round += 1
            form = {k: v for k, v in revised.items() if k != "recorded_by"}
            submittable = check_submission(proposal_id, form, revision_round)
        return form

    # 1. Indstillingsskema: checked against the grundpræmisser, back to the proposers until it passes.
    form = revise_until_submittable(form, required=False)

    # 2. The hearing: the reference group advises and RKKP states how the clinical quality database
    #    fits. Both are asked at once and may answer in any order; the steering memo waits for both.
    wait_for_decisions(proposal_id, ("advice", 1), ("database", 1))
    announce_decision(proposal_id, "advice", 1)
    announce_decision(proposal_id, "database", 1)

    # 3. Styregruppen decides at a meeting; defer and revise hold the gate again at a later meeting.
    while True:
        steering = wait_for_decision(proposal_id, "steering", steering_round)
        announce_decision(proposal_id, "steering", steering_round)
        if steering["decision"] == "approve":
            break
        if steering["decision"] == "reject":
            return finish_rejected(proposal_id, "steering", steering_round)
        if steering["decision"] == "revise":
            form = revise_until_submittable(form, required=True)
        steering_round += 1

    # 4. Psykiatridirektørkredsen approves or rejects.
    approval = wait_for_decision(proposal_id, "approval", 1)
    announce_decision(proposal_id, "approval", 1)
    if approval["decision"] == "reject":
        return finish_rejected(proposal_id, "approval", 1)

    # 5. Udpegning: the societies appoint members; the secretariat records members, chairs, director.
    request_appointments(proposal_id)
    appointments = wait_for_decision(proposal_id, "appointments", 1)

    # 6. Kickoff: kommissorium, invitation, and the group joins the registry.
    return establish_group(proposal_id, appointments)
