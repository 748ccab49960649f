"""Links to a proposal's documents, as Danish markdown for the gate descriptions (Resume forms) and
the proposal's artifact in the Prefect UI.

``documents_markdown(proposal_id)`` reads the latest version of each document from the ledger;
``markdown_for(rows)`` does the formatting for any rows with ``kind, round, recipient, version, path``.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any, Iterable

from forms.vocabulary import REPRESENTS_LABELS, label
from dmpg.documents.naming import KINDS

ROUNDED = {"proposal", "steering_memo", "steering_minutes"}


def _line(row: Any) -> str:
    k = KINDS.get(row.kind)
    title = k.title if k else row.kind
    if row.recipient:
        title += f" — {label(REPRESENTS_LABELS, row.recipient)}"
    if row.kind in ROUNDED:
        title += f", runde {row.round}"
    uri = Path(row.path).resolve().as_uri()
    return f"- [{title}]({uri}) (version {row.version})"


def markdown_for(rows: Iterable[Any]) -> str:
    """A markdown list of documents (one line each: Danish title, round, link, version)."""
    lines = [_line(r) for r in rows]
    return "\n".join(lines) if lines else "_Ingen dokumenter endnu._"


def documents_markdown(proposal_id: str) -> str:
    """The latest version of each of the proposal's documents as a Danish markdown list with links."""
    from models import ledger

    return "**Dokumenter**\n\n" + markdown_for(ledger.documents(proposal_id))
