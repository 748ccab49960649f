"""Proposals: creating one (with a fresh id), reading, moving its stage, revising its form, deleting it."""

from __future__ import annotations

import re
from typing import Any

from sqlmodel import Session, col, delete, select

from core import clock, release
from core.errors import UserError
from core.text import slugify
from forms.proposal import ProposalForm, same_proposal
from forms.vocabulary import FINAL_STAGES, STAGES
from models.ledger.audit import event_row
from models.ledger.rows import ID_ATTEMPTS, insert_once, load_proposal
from models.ledger.sessions import joined
from models.tables import (
    Decision,
    DecisionLink,
    Document,
    JournalEntry,
    MeetingItem,
    Notification,
    Proposal,
    RegistryGroup,
    StageEvent,
    utcnow,
)
from models.vocabulary import EventKind

PROPOSAL_ID = re.compile(r"^DMPG-(\d{4})-(\d{3,})$")

def next_proposal_id(session: Session, year: int) -> str:
    """The next free id of ``year`` ('DMPG-2026-001', '-002', ...; more digits after 999).

    Reading the highest number and inserting it is a race between processes; ``create_proposal``
    settles it by retrying on the primary key's unique violation."""
    ids = session.exec(select(Proposal.id).where(col(Proposal.id).like(f"DMPG-{year}-%"))).all()
    numbers = [int(m.group(2)) for pid in ids if (m := PROPOSAL_ID.match(pid))]
    return f"DMPG-{year}-{max(numbers, default=0) + 1:03d}"


class DuplicateProposal(UserError):
    """The same form (title and proposers) is already an open proposal; ``existing`` is its row."""

    exit_code = 1

    def __init__(self, message: str, existing: Proposal):
        super().__init__(message)
        self.existing = existing


def create_proposal(
    form: ProposalForm, *, year: int | None = None, source: str | None = None, again: bool = True,
    session: Session | None = None,
) -> Proposal:
    """Store a new proposal at stage ``submitted`` with a fresh id of ``year`` (default: this year)
    and record its ``submitted`` event (detail ``{"source": source}``). Never reuses an id.
    ``again=False``: :class:`DuplicateProposal` when an open proposal has the same title and proposers
    (``forms.proposal.same_proposal``), checked in the same transaction as the insert."""
    year = year or clock.today().year
    with joined(session) as s:
        if not again:
            data = form.model_dump(mode="json")
            for existing in s.exec(select(Proposal).where(col(Proposal.stage).not_in(FINAL_STAGES))).all():
                if same_proposal(data, existing.form):
                    raise DuplicateProposal(
                        f"indstillingen er allerede indsendt: {existing.id} «{existing.title}» med de samme "
                        f"indstillere er i gang (se 'dmpg status {existing.id}'). Skal den alligevel indsendes som "
                        "en ny sag, så tilføj --again", existing)
        for _ in range(ID_ATTEMPTS):
            proposal = Proposal(
                id=next_proposal_id(s, year),
                title=form.title,
                slug=slugify(form.title),
                stage="submitted",
                form=form.model_dump(mode="json"),
                release=release.current(),
            )
            if insert_once(s, proposal):
                break
        else:
            raise UserError(f"could not allocate a proposal id for {year}: too many at once, try again")
        s.add(event_row(proposal.id, key=f"{proposal.id}:{EventKind.SUBMITTED}:submitted:1",
                         kind=EventKind.SUBMITTED, stage="submitted", detail={"source": source}))
        s.flush()
        return proposal


def delete_proposal(proposal_id: str, *, session: Session | None = None) -> bool:
    """Remove a proposal and every ledger row about it (events, decisions, documents, notifications),
    e.g. when its flow run could not be started. Files on disk are left alone. False when unknown.
    A proposal that established a registry group cannot be deleted (``UserError``)."""
    with joined(session) as s:
        proposal = s.get(Proposal, proposal_id)
        if proposal is None:
            return False
        if s.exec(select(RegistryGroup.id).where(RegistryGroup.proposal_id == proposal_id)).first() is not None:
            raise UserError(f"{proposal_id} established a group in the registry and cannot be deleted")
        for table in (StageEvent, Decision, Document, Notification, JournalEntry, DecisionLink, MeetingItem):
            s.exec(delete(table).where(table.proposal_id == proposal_id))
        s.delete(proposal)
        s.flush()
        return True



def get_proposal(proposal_id: str, *, session: Session | None = None) -> Proposal:
    """The proposal; ``UserError`` 'no proposal DMPG-... (see dmpg status/pending)' when unknown."""
    with joined(session) as s:
        return load_proposal(s, proposal_id)


def find_proposal(proposal_id: str, *, session: Session | None = None) -> Proposal | None:
    """The proposal, or None when there is no such proposal."""
    with joined(session) as s:
        return s.get(Proposal, proposal_id)


def current_form(proposal_id: str, *, session: Session | None = None) -> ProposalForm:
    """The proposal's current form (the latest revision), validated."""
    return ProposalForm.model_validate(get_proposal(proposal_id, session=session).form)


def list_proposals(stage: str | None = None, *, session: Session | None = None) -> list[Proposal]:
    """All proposals (or those at ``stage``), oldest first."""
    with joined(session) as s:
        query = select(Proposal).order_by(Proposal.created_at, Proposal.id)
        if stage is not None:
            query = query.where(Proposal.stage == stage)
        return list(s.exec(query).all())


def set_flow_run(proposal_id: str, flow_run_id: str, *, session: Session | None = None) -> None:
    """Remember the proposal's lifecycle flow run (what ``pending``/``decide`` resume)."""
    with joined(session) as s:
        proposal = load_proposal(s, proposal_id)
        proposal.flow_run_id = str(flow_run_id)
        proposal.updated_at = utcnow()
        s.add(proposal)


def set_stage(
    proposal_id: str,
    stage: str,
    *,
    key: str,
    by: str | None = None,
    detail: dict[str, Any] | None = None,
    session: Session | None = None,
) -> bool:
    """Move the proposal to ``stage`` and record a ``stage_entered`` event, once per ``key``.

    Returns True when this call did it. A replay of an old key (a resumed run re-executing from the
    top) changes nothing, so the stage never flips back to an earlier one."""
    if stage not in STAGES:
        raise ValueError(f"unknown stage {stage!r}; expected one of {', '.join(STAGES)}")
    with joined(session) as s:
        proposal = load_proposal(s, proposal_id)
        row = event_row(proposal_id, key=key, kind=EventKind.STAGE_ENTERED, stage=stage, by=by, detail=detail)
        if not insert_once(s, row):
            return False
        proposal.stage = stage
        proposal.updated_at = utcnow()
        s.add(proposal)
        return True


def update_form(proposal_id: str, form: ProposalForm, *, session: Session | None = None) -> Proposal:
    """Replace the stored form (a revision); the title and slug follow the new form."""
    with joined(session) as s:
        proposal = load_proposal(s, proposal_id)
        proposal.form = form.model_dump(mode="json")
        proposal.title = form.title
        proposal.slug = slugify(form.title)
        proposal.updated_at = utcnow()
        s.add(proposal)
        return proposal
