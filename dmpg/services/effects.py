"""The two side effects every lifecycle step has, each exactly once: a Word document rendered and
recorded, and a mail queued in the outbox (one message per recipient).

Both are keyed in the ledger (document: proposal, kind, round, recipient; mail: proposal, kind,
scope, round, recipient), so a step that runs again — a resumed flow re-executes from the top, a
task is retried — finds what it did and does nothing twice. Delivery is the outbox's job: a mail is
queued here and sent by the outbox deliverer, never inside the step.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any

from dmpg.documents.produce import produce_document
from dmpg.mail.facts import case_context
from dmpg.mail.outbox import enqueue
from dmpg.state.links import personal_urls
from models import ledger


def document(proposal_id: str, kind: str, round: int = 1, recipient: str = "") -> str:  # noqa: A002
    """Render document ``kind`` once (the ledger remembers it); its path."""
    return str(produce_document(proposal_id, kind, round=round, recipient=recipient).path)


def mail(proposal_id: str, kind: str, round: int, recipients: Iterable[Any], *,  # noqa: A002
         context: Mapping[str, Any], attachments: Iterable[str] = (), scope: str | None = None,
         decides: tuple[str, int] | None = None) -> None:
    """Queue ``kind`` for each recipient once, with the proposal's title added to ``context``, what
    every mail of the proposal says (its summary, and for a request the reply deadline, the deciding
    meeting and the previous round: ``dmpg.mail.facts.mail_facts``) and each recipient's own
    link (``dmpg.state.links.personal_urls``: a decision link when the mail asks them to decide ``decides``,
    a gate and its round)."""
    proposal = ledger.get_proposal(proposal_id)
    base: dict[str, Any] = {"title": proposal.title, "round": round,
                            **case_context(proposal_id, kind, round, context.get("gate"))}
    enqueue(proposal_id, kind, round, list(recipients), {**base, **context}, [a for a in attachments if a],
            scope=scope, personal=personal_urls(proposal_id, decides))
