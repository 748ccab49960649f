"""A proposal's and a meeting's documents' sources read from the ledger (``models.ledger``), and a document's
context made from them: the findings recorded for the document's round (never re-checked against today's
registry), the decisions, the roster in force and the meetings on whose agenda a gate round stands.
Composing the context from the sources is pure and lives in ``dmpg.documents.context``.
"""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any

from core import clock
from core.settings import get_settings
from dmpg.documents.context import MeetingSources, Sources, compose_context, local_day
from models import ledger
from models.vocabulary import EventKind


def load_sources(proposal_id: str, findings_round: int | None = None) -> Sources:
    """A proposal's :class:`Sources` from the ledger: the premise findings recorded for
    ``findings_round`` (default: the latest round), its decisions and the roster in force."""
    proposal = ledger.get_proposal(proposal_id)
    findings = [f.to_dict() for f in ledger.recorded_findings(proposal_id, findings_round)]
    decisions = [
        {"gate": d.gate, "round": d.round, "outcome": d.outcome, "payload": dict(d.payload or {}),
         "recorded_by": d.recorded_by, "at": d.at}
        for d in ledger.decisions(proposal_id)
    ]
    stages: dict[str, date] = {}
    for e in ledger.events(proposal_id):  # oldest first: the first entry into a stage counts
        if e.kind == EventKind.STAGE_ENTERED and e.stage:
            stages.setdefault(e.stage, local_day(e.at))
    settings = get_settings()
    return Sources(proposal_id=proposal_id, title=proposal.title, form=proposal.form, findings=findings,
                   decisions=decisions, roster=ledger.roster().model_dump(mode="json"), stages=stages,
                   meeting_dates=meeting_dates(proposal_id), reply_days=settings.reply_days,
                   kickoff_defaults={"time": settings.kickoff_time, "minutes": settings.kickoff_minutes,
                                     "place": settings.kickoff_place, "online_url": settings.kickoff_online_url})


def meeting_dates(proposal_id: str) -> dict[tuple[str, int], date]:
    """The date of the meeting that will decide each gate round of the proposal that is on an open
    meeting's agenda (``dmpg meeting plan``): letters name it (``meeting_date``)."""
    meetings = {m.id: m.date for m in ledger.list_meetings()}
    return {(gate, round_): meetings[mid] for (pid, gate, round_), mid in ledger.open_agenda_rounds().items()
            if pid == proposal_id and mid in meetings}


def build_context(kind: str, proposal_id: str, round: int = 1, recipient: str = "") -> dict[str, Any]:
    """The context of document ``kind`` for ``proposal_id`` read from the ledger (see module docstring)."""
    # The indstillingsskema of revision round N shows the findings of premise check N.
    findings_round = round if kind == "proposal" else None
    return compose_context(kind, load_sources(proposal_id, findings_round), round=round, recipient=recipient)


def load_meeting_sources(meeting_id: str, today: date | None = None) -> MeetingSources:
    """A meeting's :class:`MeetingSources` from the ledger."""
    meeting = ledger.get_meeting(meeting_id)
    items = [({"proposal": i.proposal_id, "gate": i.gate, "round": i.round, "source": i.source},
              load_sources(i.proposal_id)) for i in ledger.agenda(meeting_id)]
    today = today or clock.today()
    workload: dict[str, list[dict[str, Any]]] = {
        stage: [{"name": p.title, "proposal": p.id} for p in ledger.list_proposals(stage)]
        for stage in ("appointments", "director_approval")
    }
    workload["recent"] = [{"name": g.name} for g in ledger.registry_groups()
                          if g.dmpg_since > today - timedelta(days=365) and g.dmpg_since <= today]
    minutes = [{k: d[k] for k in ("proposal", "gate", "round", "decision", "rationale")}
               for d in (meeting.minutes or {}).get("decisions", [])]
    return MeetingSources(
        meeting={"id": meeting.id, "body": meeting.body, "date": meeting.date, "status": meeting.status,
                 "minutes_by": meeting.minutes_by, "approved_by": meeting.approved_by},
        items=items, roster=ledger.roster().model_dump(mode="json"), minutes=minutes, workload=workload, today=today)
