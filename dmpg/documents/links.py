"""Links to a proposal's documents, as Danish markdown for the gate descriptions (Resume forms) and the
proposal's artifact in the Prefect UI: each a signed link served by the decision page (``dmpg.links``),
never a ``file://`` path that no browser opens.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from core.text import markdown_literal
from dmpg.documents.naming import document_title


def markdown_for(rows: Iterable[Any]) -> str:
    """A markdown list of documents: Danish title (and round) as a signed link, and the version."""
    from dmpg.links import document_url

    lines = [f"- [{markdown_literal(document_title(r))}]({document_url(r.id, r.proposal_id)}) (version {r.version})"
             for r in rows]
    return "\n".join(lines) if lines else "_Ingen dokumenter endnu._"


def documents_markdown(proposal_id: str) -> str:
    """The latest version of each of the proposal's documents as a Danish markdown list with links."""
    from models import ledger

    return "**Dokumenter**\n\n" + markdown_for(ledger.documents(proposal_id))
