"""Links to a proposal's documents, as Danish markdown for the gate descriptions (Resume forms) and the
proposal's artifact in the Prefect UI: each a signed link served by the decision page (``dmpg.state.links``),
never a ``file://`` path that no browser opens.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from core.text import markdown_literal
from dmpg.documents.naming import document_title
from dmpg.state.links import document_url
from models import ledger


def markdown_for(rows: Iterable[Any], at: tuple[str, int] | None) -> str:
    """A markdown list of documents: Danish title (and round) and version, each a signed link that works
    while the gate round ``at`` waits (``dmpg.state.links.document_url``); plain titles when no round waits."""
    def item(r: Any) -> str:
        title = markdown_literal(document_title(r))
        return f"- [{title}]({document_url(r.id, r.proposal_id, *at)}) (version {r.version})" if at else \
            f"- {title} (version {r.version})"

    lines = [item(r) for r in rows]
    return "\n".join(lines) if lines else "_Ingen dokumenter endnu._"


def documents_markdown(proposal_id: str, at: tuple[str, int] | None) -> str:
    """The latest version of each of the proposal's documents as a Danish markdown list, linked for the
    gate round ``at`` (see :func:`markdown_for`)."""
    return "**Dokumenter**\n\n" + markdown_for(ledger.documents(proposal_id), at)
