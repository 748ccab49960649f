"""Submitting a proposal: store it in the ledger and start its lifecycle flow run — both or neither."""

from __future__ import annotations

import uuid
from dataclasses import dataclass

from core.settings import get_settings
from dmpg.adapters.prefect_api import PrefectAPI
from forms.proposal import ProposalForm
from models import ledger
from models.ledger import ensure_schema


@dataclass(frozen=True)
class Submitted:
    proposal: str
    title: str
    flow_run_id: str
    flow_run_name: str
    url: str


def submit_proposal(form: ProposalForm, *, source: str, tags: tuple[str, ...] = (), again: bool = False) -> Submitted:
    """Create ``DMPG-<year>-<n>`` and its flow run on the lifecycle deployment. If the flow run cannot
    be created, the new proposal is removed again, so no half-submitted proposal is left behind. A
    busy Prefect server is waited for (``dmpg.adapters.prefect_api.BUSY_PATIENCE``): the flow run is created
    with an idempotency key of this submission's own, so asking again never makes a second run. A form
    whose title and proposers match an open proposal is refused (``models.ledger.DuplicateProposal``,
    naming it) unless ``again``."""
    ensure_schema()
    with PrefectAPI() as api:
        deployment_id = api.deployment_id()
        proposal = ledger.create_proposal(form, source=source, again=again)
        try:
            flow_run = api.create_flow_run(
                deployment_id,
                parameters={"proposal_id": proposal.id, "form": form.model_dump(mode="json")},
                name=f"{proposal.id}-{proposal.slug}"[:120],
                tags=["dmpg", proposal.id, *tags],
                idempotency_key=f"{proposal.id}/{uuid.uuid4()}",  # a number freed by a failed submission is reused
            )
        except BaseException:
            ledger.delete_proposal(proposal.id)
            raise
        ledger.set_flow_run(proposal.id, str(flow_run["id"]))
    return Submitted(proposal.id, proposal.title, str(flow_run["id"]), flow_run["name"],
                     get_settings().flow_run_url(str(flow_run["id"])))
