"""``dmpg propose FORM [--json]``: store the proposal and start its lifecycle flow run.

Either both happen or neither: if the flow run cannot be created, the new proposal is removed again.
"""

from __future__ import annotations

import argparse

from dmpg.cli._output import print_json


def run(args: argparse.Namespace) -> int:
    from dmpg.prefect_api import lifecycle_deployment, prefect_client
    from dmpg.settings import get_settings
    from forms.loading import load_form
    from models import ledger
    from models.db import ensure_schema

    form = load_form(args.form)
    ensure_schema()
    with prefect_client() as client:
        deployment = lifecycle_deployment(client)
        proposal = ledger.create_proposal(form, source=str(args.form))
        try:
            flow_run = client.create_flow_run_from_deployment(
                deployment.id,
                parameters={"proposal_id": proposal.id, "form": form.model_dump(mode="json")},
                name=f"{proposal.id}-{proposal.slug}"[:120],
                tags=["dmpg", proposal.id],
            )
        except BaseException:
            ledger.delete_proposal(proposal.id)
            raise
        ledger.set_flow_run(proposal.id, str(flow_run.id))
    url = get_settings().flow_run_url(str(flow_run.id))
    if args.json:
        print_json({"proposal": proposal.id, "flow_run_id": str(flow_run.id), "url": url, "title": proposal.title})
    else:
        print(f"{proposal.id} · {proposal.title}: submitted; its lifecycle runs as {flow_run.name}")
        print(f"Follow it: dmpg status {proposal.id}   or in the Prefect UI: {url}")
    return 0
