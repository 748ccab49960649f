"""Produce a proposal's document exactly once and record it in the ledger (plain Python, no Prefect).

A resumed flow run re-executes from the top, so :func:`produce_document` is idempotent: the ledger
row (proposal, kind, round, recipient) *and* the file on disk with the recorded sha256 are what
"already done" means. A missing or altered file, or ``force=True``, makes a new version
(``..._v2.docx``); the old version's file and row stay as they were (an audit trail of what went out).
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from dmpg.documents.naming import document_dir, document_filename
from dmpg.documents.naming import kind as get_kind
from dmpg.documents.render import render_template, sha256_of
from dmpg.documents.sources import build_context
from models import ledger


@dataclass(frozen=True)
class DocumentRef:
    """A rendered document as recorded in the ledger."""

    proposal_id: str
    kind: str
    round: int
    recipient: str
    version: int
    path: str
    sha256: str
    title: str  # the Danish document title, e.g. "Beslutningsreferat, DMPG-styregruppen"

    @property
    def filename(self) -> str:
        return Path(self.path).name


def _ref(row, title: str) -> DocumentRef:
    return DocumentRef(proposal_id=row.proposal_id, kind=row.kind, round=row.round, recipient=row.recipient,
                       version=row.version, path=row.path, sha256=row.sha256, title=title)


def _intact(row) -> bool:
    path = Path(row.path)
    return path.is_file() and sha256_of(path) == row.sha256


def produce_document(proposal_id: str, kind: str, round: int = 1, recipient: str = "", force: bool = False) -> DocumentRef:  # noqa: A002
    """The document ``kind`` of ``proposal_id`` for ``round`` (and ``recipient``), rendered at most once.

    Returns the recorded version when it exists and its file is intact (unless ``force``); otherwise
    renders version N+1 to ``DMPG_HOME/documents/<proposal>/<file name>`` and records kind, round,
    recipient, path and sha256. Raises ``UserError`` (e.g. a template missing a variable) with nothing
    recorded.
    """
    k = get_kind(kind)
    existing = ledger.find_document(proposal_id, kind, round, recipient)
    if existing is not None and not force and _intact(existing):
        return _ref(existing, k.title)
    version = existing.version + 1 if existing is not None else 1
    context = build_context(kind, proposal_id, round=round, recipient=recipient)
    context["version"] = version
    path = document_dir(proposal_id) / document_filename(proposal_id, kind, round, version, recipient)
    sha256 = render_template(k.template, context, path)
    row = ledger.record_document(proposal_id, kind, round, recipient, path, sha256)
    return _ref(row, k.title)


def latest_document(proposal_id: str, kind: str) -> str | None:
    """The path of the newest document of ``kind`` (any round), or None."""
    rows = [d for d in ledger.documents(proposal_id) if d.kind == kind]
    return max(rows, key=lambda d: (d.round, d.version)).path if rows else None
