"""The document kinds (stable names: ledger, file names, flow), their templates and Danish titles, and
the ASCII file names under ``DMPG_HOME/documents/<proposal>/``. A gate's documents are declared with the
gate (``forms.gates``: ``Gate.documents``); the proposal's own and a meeting's are declared here.

File name: ``DMPG-2026-001_steering-minutes_r2_v1.docx``; an appointment request adds its recipient
(the organisation's ``represents`` code): ``DMPG-2026-001_appointment-request_r1_DPS_v1.docx``. A
meeting's documents live under ``DMPG_HOME/documents/<meeting>/``:
``styregruppen-2027-03-11_meeting-pack_v1.docx``.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cache
from pathlib import Path

from core.settings import get_settings
from core.text import ascii_name
from forms.vocabulary import REPRESENTS_LABELS, label


@dataclass(frozen=True)
class Kind:
    name: str            # stable code, e.g. "steering_minutes"
    template: str        # file in templates/
    title: str           # the Danish document title (header, first heading)


# The proposal's own documents: the form, and the group's founding papers. Each gate's documents are
# declared with the gate (forms.gates: Gate.documents) and joined in :func:`kinds`.
OWN_KINDS: dict[str, Kind] = {
    k.name: k
    for k in (
        Kind("proposal", "proposal.docx", "Indstillingsskema"),
        Kind("terms_of_reference", "terms_of_reference.docx", "Kommissorium"),
        Kind("kickoff_invitation", "kickoff_invitation.docx", "Invitation til kickoff-møde"),
    )
}


@cache
def kinds() -> dict[str, Kind]:
    """Every kind of a proposal's document: its own and the gates' (``KINDS``)."""
    # lazy: the gates' models only when a gate's document is named: pending and status --json name none
    from forms.gates import GATES

    declared = {name: Kind(name, f"{name}.docx", title) for g in GATES.values() for name, title in g.documents.items()}
    return {**OWN_KINDS, **declared}


@cache
def rounded() -> frozenset[str]:
    """The kinds made again in later rounds (the form after a revision, a gate held again), titled with their round."""
    # lazy: as in kinds()
    from forms.gates import GATES

    return frozenset({"proposal", *(name for g in GATES.values() if g.held_again for name in g.documents)})


def __getattr__(name: str) -> object:
    if name == "KINDS":  # the table of kinds, for those who import it by name
        return kinds()
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


# The documents of a whole meeting (dmpg.services.meetings), under DMPG_HOME/documents/<meeting>/. The minutes
# form is written in code (dmpg.documents.minutesform), like the proposal form: its template is None.
MEETING_KINDS: dict[str, Kind] = {
    k.name: k
    for k in (
        Kind("meeting_pack", "meeting_pack.docx", "Mødemateriale"),
        Kind("meeting_minutes", "meeting_minutes.docx", "Beslutningsreferat"),
        Kind("minutes_form", "", "Referatskema"),
    )
}


def kind(name: str) -> Kind:
    """The :class:`Kind` called ``name`` (a proposal's or a meeting's); ``ValueError`` naming the known kinds otherwise."""
    found = MEETING_KINDS.get(name) or kinds().get(name)
    if found is None:
        raise ValueError(f"unknown document kind {name!r}; known: {', '.join([*kinds(), *MEETING_KINDS])}")
    return found


def document_title(row: object) -> str:
    """A recorded document's Danish title as lists show it: "Anmodning om udpegning — Dansk
    Psykiatrisk Selskab (DPS)", "Indstilling til DMPG-styregruppen, runde 2"."""
    k = OWN_KINDS.get(row.kind) or kinds().get(row.kind)
    title = k.title if k else row.kind
    if row.recipient:
        title += f" — {label(REPRESENTS_LABELS, row.recipient)}"
    return f"{title}, runde {row.round}" if row.kind in rounded() else title


def document_filename(proposal_id: str, kind_name: str, round: int, version: int, recipient: str = "") -> str:
    """``DMPG-2026-001_steering-minutes_r2_v1.docx`` (recipient, if any, before the version)."""
    kind(kind_name)  # refuse unknown kinds early
    parts = [ascii_name(proposal_id), kind_name.replace("_", "-"), f"r{int(round)}"]
    if recipient:
        parts.append(ascii_name(recipient))
    parts.append(f"v{int(version)}")
    return "_".join(parts) + ".docx"


def meeting_filename(meeting_id: str, kind_name: str, version: int) -> str:
    """``styregruppen-2027-03-11_meeting-pack_v1.docx``."""
    kind(kind_name)
    return f"{ascii_name(meeting_id)}_{kind_name.replace('_', '-')}_v{int(version)}.docx"


def document_dir(proposal_id: str) -> Path:
    """``DMPG_HOME/documents/<proposal>/`` (not created here)."""
    return get_settings().documents_dir / ascii_name(proposal_id)
