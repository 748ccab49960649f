"""Prefect task rendering a proposal's document: a thin wrapper of
:func:`dmpg.documents.produce.produce_document` (exactly once per kind/round/recipient via the ledger).

No result cache: the ledger (row + file with its sha256) decides whether a document already exists,
so a resumed run that re-executes this task returns the recorded version without rendering.
"""

from __future__ import annotations

from prefect import task
from prefect.cache_policies import NO_CACHE

from dmpg.documents.produce import DocumentRef, produce_document


@task(name="render-document", cache_policy=NO_CACHE, retries=2, retry_delay_seconds=[1, 5],
      task_run_name="render-{kind}-r{round}")
def render_document(proposal_id: str, kind: str, round: int = 1, recipient: str = "", force: bool = False) -> DocumentRef:  # noqa: A002
    """Render (or find) document ``kind`` of ``proposal_id``; see ``produce_document``."""
    return produce_document(proposal_id, kind, round=round, recipient=recipient, force=force)
