"""Reading meetings: which meeting decides a gate round, and how a meeting is named and shown.
Read-only; planning, minutes and approval (the writes) are in ``dmpg.services.meetings``. Low in the house so
that the gatekeeper, the narrative, the decision page and the CLI can name a meeting without
importing the machinery that records its minutes.
"""

from __future__ import annotations

from typing import Any

from core.settings import get_settings
from forms.meetings import (
    CANCELLED,
    MINUTES_RECORDED,
    meeting_title,
    normalise_meeting_id,
)
from models import ledger
from models.ledger import ensure_schema


def get_meeting(text: str):  # noqa: ANN201 - models.tables.Meeting
    """The meeting named ``text`` (any case, æøå or ASCII); ``UserError`` when there is none."""
    ensure_schema()
    return ledger.get_meeting(normalise_meeting_id(text))


def meeting_of(proposal_id: str, gate: str, round: int):  # noqa: A002, ANN201 - Meeting | None
    """The meeting that decides (or decided) that gate round: the open meeting with it on its agenda,
    else the meeting whose minutes recorded its decision; None when it is on no meeting. For mails,
    the Prefect UI's description and the decision page ("to be decided at …")."""
    meetings = ledger.meetings_of_round(proposal_id, gate, round)
    for m in meetings:
        if m.status not in (MINUTES_RECORDED, CANCELLED):
            return m
    decided = ledger.decision(proposal_id, gate, round)
    by_minutes = (decided.detail or {}).get("meeting") if decided else None
    return next((m for m in meetings if m.id == by_minutes), None)


def meeting_context(meeting) -> dict[str, Any]:  # noqa: ANN001
    """A meeting as mails and documents name it: ``{"id", "body", "title", "date"}`` (title in Danish)."""
    return {"id": meeting.id, "body": meeting.body, "title": meeting_title(meeting.body), "date": meeting.date}


def meeting_view(meeting) -> dict[str, Any]:  # noqa: ANN001
    """The meeting as ``dmpg meeting show --json`` prints it: agenda with each item's state, documents."""
    settings = get_settings()
    minutes = {d["proposal"]: d for d in (meeting.minutes or {}).get("decisions", [])}
    agenda = []
    for item in ledger.agenda(meeting.id):
        proposal = ledger.get_proposal(item.proposal_id)
        decided = ledger.decision(item.proposal_id, item.gate, item.round)
        agenda.append({
            "proposal": item.proposal_id, "title": proposal.title, "gate": item.gate, "round": item.round,
            "source": item.source, "stage": proposal.stage,
            "decision": decided.outcome if decided else None,
            "decided_by_meeting": (decided.detail or {}).get("meeting") if decided else None,
            "in_minutes": minutes.get(item.proposal_id, {}).get("decision"),
            "url": settings.flow_run_url(proposal.flow_run_id) if proposal.flow_run_id else None,
        })
    return {
        "meeting": meeting.id, "body": meeting.body, "date": meeting.date.isoformat(), "status": meeting.status,
        "pack_at": meeting.pack_at.isoformat() if meeting.pack_at else None,
        "pack_flow_run_id": meeting.pack_flow_run_id,
        "pack_url": settings.flow_run_url(meeting.pack_flow_run_id) if meeting.pack_flow_run_id else None,
        "agenda": agenda,
        "minutes_by": meeting.minutes_by, "minutes_at": meeting.minutes_at.isoformat() if meeting.minutes_at else None,
        "approved_by": meeting.approved_by,
        "documents": [{"kind": d.kind, "version": d.version, "path": d.path, "sha256": d.sha256}
                      for d in ledger.meeting_documents(meeting.id)],
    }
