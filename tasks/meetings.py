"""Prefect tasks of the meeting pack flow: thin wrappers of ``dmpg.services.meetings`` (keyed in the ledger)."""

from __future__ import annotations

from typing import Any

from prefect import task
from prefect.artifacts import create_markdown_artifact
from prefect.cache_policies import NO_CACHE

from dmpg.documents import narrative
from dmpg.services import meetings
from models import ledger


@task(name="send-meeting-pack", cache_policy=NO_CACHE, retries=2, retry_delay_seconds=[2, 10])
def send_pack(meeting_id: str) -> dict[str, Any]:
    """Render the pack and minutes form once and queue their mail once."""
    return meetings.send_pack(meeting_id)


@task(name="update-proposal-stories", cache_policy=NO_CACHE)
def update_stories(meeting_id: str) -> None:
    """Each agenda proposal's artifact now names the meeting (the UI shows where it will be decided)."""
    for item in ledger.agenda(meeting_id):
        create_markdown_artifact(key=item.proposal_id.lower(), markdown=narrative.summary_markdown(item.proposal_id),
                                 description=f"{item.proposal_id}: forløb, fund, beslutninger og dokumenter")
