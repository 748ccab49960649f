"""Produce a meeting's documents exactly once and record them in the ledger (plain Python, no Prefect):
the meeting pack (with each proposal's memo appended, via docxcompose), the beslutningsreferat for the
whole meeting, and the minutes form.

"Once" is per *basis*, a digest of what the document is made from (the agenda and its memos; the
minutes): asked again with the same basis and an intact file, the recorded version is returned; a
changed basis, or a missing or altered file, makes version N+1 (the old file and row stay).
"""

from __future__ import annotations

import hashlib
import io
import json
from dataclasses import dataclass
from pathlib import Path

from docx import Document
from docx.enum.text import WD_BREAK
from docxcompose.composer import Composer

from dmpg.documents.context import compose_meeting_context
from dmpg.documents.minutesform import minutes_form_bytes
from dmpg.documents.naming import document_dir, meeting_filename
from dmpg.documents.naming import kind as get_kind
from dmpg.documents.produce import _intact, latest_document, produce_document
from dmpg.documents.render import render_to_bytes, sha256_of, write_atomically
from dmpg.documents.sources import load_meeting_sources
from forms.gates import gate as gate_named
from models import ledger


@dataclass(frozen=True)
class MeetingDocumentRef:
    meeting_id: str
    kind: str
    version: int
    path: str
    sha256: str
    title: str


def _memo(item) -> str:  # noqa: ANN001 - models.tables.MeetingItem
    """The proposal's memo for the body (its gate's opening document; the indstillingsskema otherwise)."""
    g = gate_named(item.gate)
    if g.opening_documents:
        kind = g.opening_documents[0]
        return str(produce_document(item.proposal_id, kind, round=item.round if kind == "steering_memo" else 1).path)
    return latest_document(item.proposal_id, "proposal") or str(produce_document(item.proposal_id, "proposal").path)


def basis_of(meeting_id: str, kind: str) -> tuple[str, list[str]]:
    """What ``kind`` is made from, as a digest, and (for the pack) the memo files to append."""
    items = ledger.agenda(meeting_id)
    agenda = [(i.proposal_id, i.gate, i.round) for i in items]
    if kind == "meeting_minutes":
        return digest((ledger.get_meeting(meeting_id).minutes or {}).get("decisions", [])), []
    if kind == "meeting_pack":
        memos = [_memo(i) for i in items]
        return digest([agenda, [sha256_of(m) for m in memos]]), memos
    return digest(agenda), []


def produce_meeting_document(meeting_id: str, kind: str) -> MeetingDocumentRef:
    """The meeting's document ``kind``, rendered at most once per basis (module docstring)."""
    k = get_kind(kind)
    basis, memos = basis_of(meeting_id, kind)
    versions = ledger.meeting_documents(meeting_id, kind)
    latest = versions[-1] if versions else None
    if latest is not None and latest.basis == basis and _intact(latest):
        return MeetingDocumentRef(meeting_id, kind, latest.version, latest.path, latest.sha256, k.title)
    version = latest.version + 1 if latest else 1
    sources = load_meeting_sources(meeting_id)
    context = compose_meeting_context(kind if kind != "minutes_form" else "meeting_minutes", sources)
    context.update(version=version, document_title=k.title)
    if kind == "minutes_form":
        data = minutes_form_bytes({**context, "body": sources.meeting["body"]})
    else:
        data = render_to_bytes(k.template, context)
        if memos:
            data = append_documents(data, memos)
    path = document_dir(meeting_id) / meeting_filename(meeting_id, kind, version)
    sha256 = write_atomically(data, path)
    row = ledger.record_meeting_document(meeting_id, kind, basis, path, sha256)
    return MeetingDocumentRef(meeting_id, kind, row.version, row.path, row.sha256, k.title)


def append_documents(main: bytes, appendices: list[str]) -> bytes:
    """``main`` with each of ``appendices`` (whole .docx files) appended, each from a new page."""
    composer = Composer(Document(io.BytesIO(main)))
    for path in appendices:
        composer.doc.add_paragraph().add_run().add_break(WD_BREAK.PAGE)
        composer.append(Document(str(Path(path))))
    buf = io.BytesIO()
    composer.save(buf)
    return buf.getvalue()


def digest(data: object) -> str:
    """A short stable digest of JSON data (what a meeting document was made from)."""
    return hashlib.sha256(json.dumps(data, sort_keys=True, default=str).encode()).hexdigest()[:16]
