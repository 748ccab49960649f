"""The ledger's repository: every read and write of business records goes through these functions.

Conventions (contracts for every caller — flows, tasks, CLI):
- Each function takes an optional keyword ``session``. Without it the function opens its own
  ``session_scope()`` and commits before returning; with it the work joins the caller's transaction
  (nothing is committed here) so several writes can be one unit.
- Returned rows are detached, fully loaded objects: safe to read after the session has closed.
- "Once per key" writes are idempotent *and* concurrent-safe: the unique constraint decides, the
  insert runs in a SAVEPOINT, and losing the race is the same as having written it before. A
  resumed flow run re-executes from the top, so replays are the normal case, not an error.
- A missing proposal is a ``UserError`` a user can act on.
"""

from __future__ import annotations

import hashlib
import re
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import date, datetime
from pathlib import Path
from typing import Any

from pydantic_core import to_jsonable_python
from sqlalchemy import func, update
from sqlalchemy.exc import IntegrityError
from sqlmodel import Session, col, delete, select

from core import clock, release
from core.errors import UserError
from core.identity import fold_address
from core.settings import get_settings
from core.text import slugify
from forms.findings import Finding
from forms.proposal import ProposalForm, same_proposal
from forms.registry import RegistryEntry, expand_icd_codes
from forms.roster import Roster, load_roster
from forms.vocabulary import BODIES, FINAL_STAGES, STAGES
from models.db import session_scope
from models.tables import (
    Decision,
    DecisionLink,
    Document,
    JournalEntry,
    LedgerMeta,
    Meeting,
    MeetingDocument,
    MeetingItem,
    Notification,
    Organisation,
    Proposal,
    RegistryGroup,
    RosterPerson,
    StageEvent,
    utcnow,
)
from models.vocabulary import EventKind

PROPOSAL_ID = re.compile(r"^DMPG-(\d{4})-(\d{3,})$")
_ID_ATTEMPTS = 20  # concurrent proposals racing for the same number retry with the next one


@contextmanager
def _session(session: Session | None) -> Iterator[Session]:
    """The caller's session as is, or a fresh committed-on-exit one."""
    if session is not None:
        yield session
    else:
        with session_scope() as own:
            yield own


def insert_once(session: Session, row: Any) -> bool:
    """Insert ``row`` in a SAVEPOINT; False (and nothing written) when a unique constraint refuses it.
    The caller's transaction stays usable either way. The building block of every once-per-key write."""
    try:
        with session.begin_nested():
            session.add(row)
    except IntegrityError:
        return False
    return True


# --- proposals ------------------------------------------------------------------------------------


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
    with _session(session) as s:
        if not again:
            data = form.model_dump(mode="json")
            for existing in s.exec(select(Proposal).where(col(Proposal.stage).not_in(FINAL_STAGES))).all():
                if same_proposal(data, existing.form):
                    raise DuplicateProposal(
                        f"indstillingen er allerede indsendt: {existing.id} «{existing.title}» med de samme "
                        f"indstillere er i gang (se 'dmpg status {existing.id}'). Skal den alligevel indsendes som "
                        "en ny sag, så tilføj --again", existing)
        for _ in range(_ID_ATTEMPTS):
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
        s.add(_event_row(proposal.id, key=f"{proposal.id}:{EventKind.SUBMITTED}:submitted:1",
                         kind=EventKind.SUBMITTED, stage="submitted", detail={"source": source}))
        s.flush()
        return proposal


def delete_proposal(proposal_id: str, *, session: Session | None = None) -> bool:
    """Remove a proposal and every ledger row about it (events, decisions, documents, notifications),
    e.g. when its flow run could not be started. Files on disk are left alone. False when unknown.
    A proposal that established a registry group cannot be deleted (``UserError``)."""
    with _session(session) as s:
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


def _load(session: Session, proposal_id: str) -> Proposal:
    proposal = session.get(Proposal, proposal_id)
    if proposal is None:
        raise UserError(f"no proposal {proposal_id} (see dmpg status/pending)")
    return proposal


def get_proposal(proposal_id: str, *, session: Session | None = None) -> Proposal:
    """The proposal; ``UserError`` 'no proposal DMPG-... (see dmpg status/pending)' when unknown."""
    with _session(session) as s:
        return _load(s, proposal_id)


def find_proposal(proposal_id: str, *, session: Session | None = None) -> Proposal | None:
    """The proposal, or None when there is no such proposal."""
    with _session(session) as s:
        return s.get(Proposal, proposal_id)


def current_form(proposal_id: str, *, session: Session | None = None) -> ProposalForm:
    """The proposal's current form (the latest revision), validated."""
    return ProposalForm.model_validate(get_proposal(proposal_id, session=session).form)


def list_proposals(stage: str | None = None, *, session: Session | None = None) -> list[Proposal]:
    """All proposals (or those at ``stage``), oldest first."""
    with _session(session) as s:
        query = select(Proposal).order_by(Proposal.created_at, Proposal.id)
        if stage is not None:
            query = query.where(Proposal.stage == stage)
        return list(s.exec(query).all())


def set_flow_run(proposal_id: str, flow_run_id: str, *, session: Session | None = None) -> None:
    """Remember the proposal's lifecycle flow run (what ``pending``/``decide`` resume)."""
    with _session(session) as s:
        proposal = _load(s, proposal_id)
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
    with _session(session) as s:
        proposal = _load(s, proposal_id)
        row = _event_row(proposal_id, key=key, kind=EventKind.STAGE_ENTERED, stage=stage, by=by, detail=detail)
        if not insert_once(s, row):
            return False
        proposal.stage = stage
        proposal.updated_at = utcnow()
        s.add(proposal)
        return True


def update_form(proposal_id: str, form: ProposalForm, *, session: Session | None = None) -> Proposal:
    """Replace the stored form (a revision); the title and slug follow the new form."""
    with _session(session) as s:
        proposal = _load(s, proposal_id)
        proposal.form = form.model_dump(mode="json")
        proposal.title = form.title
        proposal.slug = slugify(form.title)
        proposal.updated_at = utcnow()
        s.add(proposal)
        return proposal


# --- audit trail and decisions --------------------------------------------------------------------


def _event_row(proposal_id: str, *, key: str, kind: str, stage: str | None = None, gate: str | None = None,
               round: int | None = None, by: str | None = None, detail: dict[str, Any] | None = None) -> StageEvent:
    return StageEvent(proposal_id=proposal_id, key=key, kind=kind, stage=stage, gate=gate, round=round,
                      by=by, detail=dict(detail or {}))


def record_event(
    proposal_id: str,
    *,
    key: str,
    kind: str,
    stage: str | None = None,
    gate: str | None = None,
    round: int | None = None,  # noqa: A002 - the domain's word (a gate's round)
    by: str | None = None,
    detail: dict[str, Any] | None = None,
    session: Session | None = None,
) -> bool:
    """Append an audit event once per ``key``: True if this call inserted it, False if it existed."""
    with _session(session) as s:
        _load(s, proposal_id)
        if s.exec(select(StageEvent.id).where(StageEvent.key == key)).first() is not None:
            return False
        return insert_once(s, _event_row(proposal_id, key=key, kind=kind, stage=stage, gate=gate,
                                          round=round, by=by, detail=detail))


def events(proposal_id: str, *, session: Session | None = None) -> list[StageEvent]:
    """The proposal's audit trail, oldest first (time, then insertion order)."""
    with _session(session) as s:
        query = select(StageEvent).where(StageEvent.proposal_id == proposal_id)
        return list(s.exec(query.order_by(StageEvent.at, StageEvent.id)).all())


def event(proposal_id: str, key: str, *, session: Session | None = None) -> StageEvent | None:
    """The audit event with ``key``, or None."""
    with _session(session) as s:
        return s.exec(select(StageEvent).where(StageEvent.key == key)).first()


def recorded_findings(proposal_id: str, round: int | None = None, *, session: Session | None = None) -> list[Finding]:  # noqa: A002
    """The premise findings recorded for ``round`` of the premise check (default: the latest round).

    What a document or a page shows is what was recorded then: the registry may grow meanwhile, and
    a recorded verdict never changes after the fact."""
    with _session(session) as s:
        query = select(StageEvent).where(StageEvent.proposal_id == proposal_id,
                                         StageEvent.kind == EventKind.PREMISES_CHECKED)
        if round is not None:
            query = query.where(StageEvent.round == round)
        row = s.exec(query.order_by(col(StageEvent.round).desc(), col(StageEvent.id).desc())).first()
    return [Finding(**f) for f in row.detail["findings"]] if row else []


class LinkTaken(UserError):
    """The decision link was used by another request first (or is used already): nothing was recorded."""

    exit_code = 1


def record_decision(
    proposal_id: str,
    gate: str,
    round: int,  # noqa: A002
    outcome: str,
    payload: dict[str, Any],
    recorded_by: str,
    *,
    channel: str = "prefect-ui",
    identity: str = "secretariat",
    detail: dict[str, Any] | None = None,
    event_key: str | None = None,
    event_detail: dict[str, Any] | None = None,
    link_id: str | None = None,
    session: Session | None = None,
) -> tuple[Decision, bool]:
    """Store a gate's accepted input once per (proposal, gate, round), with how it was recorded — and, in
    the same transaction, its ``decision_recorded`` event (``event_key``, ``event_detail``) and the use of
    the decision link it came through (``link_id``): all of it is in the ledger, or none of it (a process
    killed half-way leaves the link unused and the gate waiting).

    Returns ``(row, created)``: when a decision for that round exists already (a replay, or another
    person's decision that came first), that row and False — the first decision stands, and the link is
    left unused. :class:`LinkTaken` when the link was used by another request first."""
    with _session(session) as s:
        _load(s, proposal_id)
        if link_id is not None:
            # First, so that a second request through the same link waits for the first one's transaction
            # and then finds the link used (it is shown what the first recorded).
            used = s.execute(update(DecisionLink).where(
                DecisionLink.id == link_id, col(DecisionLink.used_at).is_(None)).values(used_at=utcnow()))
            if used.rowcount != 1:
                raise LinkTaken("the decision link was used by another request first")
        if (found := _decision(s, proposal_id, gate, round)) is not None:
            if link_id is not None:  # decided through another channel: the link decided nothing
                s.execute(update(DecisionLink).where(DecisionLink.id == link_id).values(used_at=None))
            return found, False
        row = Decision(proposal_id=proposal_id, gate=gate, round=round, outcome=outcome,
                       payload=_jsonable(payload), recorded_by=recorded_by, channel=channel,
                       identity=identity, detail=dict(detail or {}))
        if not insert_once(s, row):
            found = _decision(s, proposal_id, gate, round)
            assert found is not None  # the unique constraint refused it, so it exists
            if link_id is not None:  # the link decided nothing: it stays usable (its gate is closed now)
                s.execute(update(DecisionLink).where(DecisionLink.id == link_id).values(used_at=None))
            return found, False
        if event_key is not None:
            insert_once(s, _event_row(proposal_id, key=event_key, kind=EventKind.DECISION_RECORDED, gate=gate,
                                      round=round, by=recorded_by, detail=event_detail))
        s.flush()
        return row, True


def _decision(s: Session, proposal_id: str, gate: str, round: int) -> Decision | None:  # noqa: A002
    query = select(Decision).where(Decision.proposal_id == proposal_id, Decision.gate == gate, Decision.round == round)
    return s.exec(query).first()


def latest_decision(proposal_id: str, gate: str, *, session: Session | None = None) -> Decision | None:
    """The decision of the gate's latest round, when that round is decided (None while it waits or
    before it ever opened)."""
    with _session(session) as s:
        opened = s.exec(select(func.max(StageEvent.round)).where(
            StageEvent.proposal_id == proposal_id, StageEvent.gate == gate,
            StageEvent.kind == EventKind.GATE_OPENED)).one()
        return _decision(s, proposal_id, gate, opened) if opened else None


def decision(proposal_id: str, gate: str, round: int, *, session: Session | None = None) -> Decision | None:  # noqa: A002
    """The decision of (proposal, gate, round), or None while the gate round is undecided."""
    with _session(session) as s:
        return _decision(s, proposal_id, gate, round)


def decisions(proposal_id: str, *, session: Session | None = None) -> list[Decision]:
    """The proposal's decisions, oldest first."""
    with _session(session) as s:
        query = select(Decision).where(Decision.proposal_id == proposal_id)
        return list(s.exec(query.order_by(Decision.at, Decision.id)).all())


def _jsonable(payload: dict[str, Any]) -> dict[str, Any]:
    """Dates and other pydantic-serialisable values as JSON (a gate input's ``model_dump()``)."""
    return to_jsonable_python(payload)


# --- documents ------------------------------------------------------------------------------------


def record_document(
    proposal_id: str,
    kind: str,
    round: int,  # noqa: A002
    recipient: str,
    path: str | Path,
    sha256: str,
    *,
    session: Session | None = None,
) -> Document:
    """Record a rendered document as a new version of (proposal, kind, round, recipient)."""
    with _session(session) as s:
        _load(s, proposal_id)
        for _ in range(_ID_ATTEMPTS):
            latest = _latest_version(s, proposal_id, kind, round, recipient)
            row = Document(proposal_id=proposal_id, kind=kind, round=round, recipient=recipient,
                           version=latest + 1, path=str(path), sha256=sha256)
            if insert_once(s, row):
                return row
        raise UserError(f"could not record document {kind} for {proposal_id}: too many writers at once")


def _latest_version(s: Session, proposal_id: str, kind: str, round: int, recipient: str) -> int:  # noqa: A002
    query = select(func.max(Document.version)).where(
        Document.proposal_id == proposal_id, Document.kind == kind,
        Document.round == round, Document.recipient == recipient,
    )
    return s.exec(query).one() or 0


def documents(proposal_id: str, latest_only: bool = True, *, session: Session | None = None) -> list[Document]:
    """The proposal's documents, oldest first; by default only the latest version of each
    (kind, round, recipient)."""
    with _session(session) as s:
        query = select(Document).where(Document.proposal_id == proposal_id)
        rows = list(s.exec(query.order_by(Document.created_at, Document.id)).all())
    if not latest_only:
        return rows
    latest: dict[tuple[str, int, str], Document] = {}
    for row in rows:
        slot = (row.kind, row.round, row.recipient)
        if slot not in latest or row.version > latest[slot].version:
            latest[slot] = row
    return sorted(latest.values(), key=lambda d: (d.created_at, d.id or 0))


def document_by_id(document_id: int, *, session: Session | None = None) -> Document | None:
    with _session(session) as s:
        return s.get(Document, document_id)


def find_document(
    proposal_id: str, kind: str, round: int, recipient: str = "", *, session: Session | None = None  # noqa: A002
) -> Document | None:
    """The latest version of that document, or None if it was never rendered."""
    with _session(session) as s:
        query = select(Document).where(
            Document.proposal_id == proposal_id, Document.kind == kind,
            Document.round == round, Document.recipient == recipient,
        )
        return s.exec(query.order_by(col(Document.version).desc())).first()


# --- registry -------------------------------------------------------------------------------------


def registry_groups(*, session: Session | None = None) -> list[RegistryGroup]:
    """The registry's rows (with ``proposal_id``), ordered by DMPG start, then seed/insertion order."""
    with _session(session) as s:
        return list(s.exec(select(RegistryGroup).order_by(RegistryGroup.dmpg_since, RegistryGroup.id)).all())


def list_registry(*, session: Session | None = None) -> list[RegistryEntry]:
    """The established DMPGs as ``forms.registry.RegistryEntry`` (what the overlap check reads),
    ordered by DMPG start."""
    return [
        RegistryEntry(name=g.name, icd_codes=list(g.icd_codes), database_since=g.database_since,
                      dmpg_since=g.dmpg_since, note=g.note)
        for g in registry_groups(session=session)
    ]


def add_registry_group(
    name: str,
    icd_codes: list[str],
    dmpg_since: date,
    database_since: str | None = None,
    note: str | None = None,
    proposal_id: str | None = None,
    *,
    session: Session | None = None,
) -> bool:
    """Add an established group, once per name: True if added, False if a group of that name exists.
    ``icd_codes`` are stored as 3-character categories, ranges expanded (``F40.1`` -> ``F40``,
    ``F40-F42`` -> ``F40, F41, F42``), as the registry's overlap check expects."""
    if isinstance(dmpg_since, datetime):
        dmpg_since = dmpg_since.date()
    icd_codes = expand_icd_codes(icd_codes)
    with _session(session) as s:
        if s.exec(select(RegistryGroup.id).where(RegistryGroup.name == name)).first() is not None:
            return False
        return insert_once(s, RegistryGroup(name=name, icd_codes=icd_codes, dmpg_since=dmpg_since,
                                             database_since=database_since, note=note, proposal_id=proposal_id))


# --- roster ---------------------------------------------------------------------------------------

_ROSTER_SHA = "roster_sha256"
_roster_cache: dict[str, Roster] = {}  # the roster built from the rows, by the file sha they came from


def roster(path: str | Path | None = None) -> Roster:
    """The roster in force, as the ledger holds it; the file (``settings.roster`` by default) is its source.

    The one roster truth for permissions, mail, documents and reminders. When the file changed since
    the ledger last took it (its sha256), the ledger's people and organisations are replaced first,
    in one transaction; an invalid file raises ``InputError`` with its field paths and changes nothing."""
    path = Path(path) if path is not None else get_settings().roster
    try:
        sha = hashlib.sha256(path.read_bytes()).hexdigest()
    except OSError:
        sha = ""  # load_roster says what is wrong with the path
    with session_scope() as s:
        meta = s.get(LedgerMeta, _ROSTER_SHA)
        if meta is not None and meta.value == sha and (cached := _roster_cache.get(sha)) is not None:
            return cached
        if meta is None or meta.value != sha:
            sync_roster(load_roster(path), session=s)
            s.merge(LedgerMeta(key=_ROSTER_SHA, value=sha))
            s.flush()
        held = _roster_from_rows(s)
    _roster_cache.clear()
    _roster_cache[sha] = held
    return held


def _roster_from_rows(s: Session) -> Roster:
    people = s.exec(select(RosterPerson).order_by(RosterPerson.id)).all()
    organisations = s.exec(select(Organisation).order_by(Organisation.code)).all()
    return Roster.model_validate({
        **{body: [{"name": p.name, "email": p.email} for p in people if p.body == body] for body in BODIES},
        "organisations": {o.code: {"name": o.name, "email": o.email} for o in organisations},
    })


def sync_roster(roster: Roster, *, session: Session | None = None) -> tuple[int, int]:
    """Make the ledger's roster exactly ``roster``: people per body and organisations are replaced in
    one transaction (nobody ever sees a half-loaded roster). Returns (people, organisations)."""
    people: dict[tuple[str, str], RosterPerson] = {}
    for body in BODIES:
        for person in roster.people(body):
            email = fold_address(person.email)
            # A person listed twice in one body is one seat (the unique key is body + email).
            people.setdefault((body, email), RosterPerson(body=body, name=person.name, email=email))
    organisations = [
        Organisation(code=code, name=org.name, email=fold_address(org.email))
        for code, org in roster.organisations.items()
    ]
    with _session(session) as s:
        s.exec(delete(RosterPerson))
        s.exec(delete(Organisation))
        s.add_all(list(people.values()) + organisations)
        s.flush()
    return len(people), len(organisations)


# --- decision links -------------------------------------------------------------------------------


def decision_link(*, purpose: str, recipient: str, make_id: Any, expires_at: datetime,
                  proposal_id: str | None = None, gate: str | None = None, round: int | None = None,  # noqa: A002
                  meeting_id: str | None = None, session: Session | None = None) -> DecisionLink:
    """The unused link row for (purpose, proposal, gate, round, meeting, recipient), made when there is
    none (``make_id()`` names it): mailing again reuses the link; a used one is never handed out again.
    Recipients compare as ``core.identity.fold_address`` does."""
    recipient = fold_address(recipient)

    def existing(s: Session) -> DecisionLink | None:
        same = [col(getattr(DecisionLink, name)).is_(None) if value is None else getattr(DecisionLink, name) == value
                for name, value in (("purpose", purpose), ("proposal_id", proposal_id), ("gate", gate),
                                    ("round", round), ("meeting_id", meeting_id), ("recipient", recipient))]
        return s.exec(select(DecisionLink).where(*same, col(DecisionLink.used_at).is_(None))).first()

    with _session(session) as s:
        if (found := existing(s)) is not None:
            return found
        row = DecisionLink(id=make_id(), purpose=purpose, proposal_id=proposal_id, gate=gate, round=round,
                           meeting_id=meeting_id, recipient=recipient, expires_at=expires_at)
        insert_once(s, row)
        return existing(s) or row


def get_decision_link(link_id: str, *, session: Session | None = None) -> DecisionLink | None:
    with _session(session) as s:
        return s.get(DecisionLink, link_id)


def use_decision_link(link_id: str, *, session: Session | None = None) -> bool:
    """Mark a link used; True only for the one call that found it unused (a conditional update)."""
    with _session(session) as s:
        result = s.execute(update(DecisionLink).where(
            DecisionLink.id == link_id, col(DecisionLink.used_at).is_(None)).values(used_at=utcnow()))
        return result.rowcount == 1


def release_decision_link(link_id: str, *, session: Session | None = None) -> None:
    """Undo :func:`use_decision_link` (the decision posted through the link was refused)."""
    with _session(session) as s:
        s.execute(update(DecisionLink).where(DecisionLink.id == link_id).values(used_at=None))


# --- the lifecycle's journal ------------------------------------------------------------------------

NOT_DONE = object()  # what journal_result returns for a step not done yet (None is a valid result)


def journal_result(key: str, *, session: Session | None = None) -> Any:
    """The recorded result of the step ``key``, or :data:`NOT_DONE`."""
    with _session(session) as s:
        row = s.exec(select(JournalEntry).where(JournalEntry.key == key)).first()
    return NOT_DONE if row is None else row.result


def record_journal(proposal_id: str, key: str, result: Any, *, session: Session | None = None) -> None:
    """Record that step ``key`` finished with ``result`` (JSON); a second record of the key is a no-op."""
    with _session(session) as s:
        insert_once(s, JournalEntry(proposal_id=proposal_id, key=key, result=_jsonable(result)))


# --- meetings ---------------------------------------------------------------------------------------

OPEN_MEETING_STATUSES = ("planned", "pack_sent", "awaiting_approval")  # minutes not in force yet


def create_meeting(meeting_id: str, body: str, day: date, *, session: Session | None = None) -> tuple[Meeting, bool]:
    """The meeting ``meeting_id`` (``planned``), created once: ``(row, created)``."""
    with _session(session) as s:
        if (found := s.get(Meeting, meeting_id)) is not None:
            return found, False
        row = Meeting(id=meeting_id, body=body, date=day, status="planned")
        if insert_once(s, row):
            return row, True
        return s.get(Meeting, meeting_id), False


def delete_meeting(meeting_id: str, *, session: Session | None = None) -> None:
    """Remove a meeting and its agenda (a meeting whose pack could not be scheduled). Not once it
    has documents: those went out."""
    with _session(session) as s:
        s.exec(delete(MeetingItem).where(MeetingItem.meeting_id == meeting_id))
        s.exec(delete(Meeting).where(Meeting.id == meeting_id))


def find_meeting(meeting_id: str, *, session: Session | None = None) -> Meeting | None:
    with _session(session) as s:
        return s.get(Meeting, meeting_id)


def get_meeting(meeting_id: str, *, session: Session | None = None) -> Meeting:
    """The meeting; ``UserError`` naming the command that lists them when unknown."""
    found = find_meeting(meeting_id, session=session)
    if found is None:
        raise UserError(f"no meeting {meeting_id} (see dmpg meeting list)", exit_code=1)
    return found


def list_meetings(body: str | None = None, *, session: Session | None = None) -> list[Meeting]:
    """The meetings (of one body), by date."""
    with _session(session) as s:
        query = select(Meeting).order_by(Meeting.date, Meeting.id)
        if body is not None:
            query = query.where(Meeting.body == body)
        return list(s.exec(query).all())


def update_meeting(meeting_id: str, *, only_if: dict[str, Any] | None = None, session: Session | None = None,
                   **values: Any) -> bool:
    """Set ``values`` on the meeting; with ``only_if`` (column -> value) only when the row still has
    those values (a compare-and-set: two processes never both take the same step). True if updated."""
    with _session(session) as s:
        stmt = update(Meeting).where(Meeting.id == meeting_id)
        for column, value in (only_if or {}).items():
            attr = getattr(Meeting, column)
            stmt = stmt.where(attr.is_(None) if value is None else attr == value)
        return s.execute(stmt.values(**values, updated_at=utcnow())).rowcount == 1


def agenda(meeting_id: str, *, session: Session | None = None) -> list[MeetingItem]:
    """The meeting's agenda items in order."""
    with _session(session) as s:
        query = select(MeetingItem).where(MeetingItem.meeting_id == meeting_id)
        return list(s.exec(query.order_by(MeetingItem.position, MeetingItem.id)).all())


def add_agenda_items(meeting_id: str, items: list[tuple[str, str, int]], source: str, *,
                     session: Session | None = None) -> list[MeetingItem]:
    """Put ``(proposal, gate, round)`` items on the meeting's agenda after those there, each proposal
    once; returns the items added now."""
    added = []
    with _session(session) as s:
        position = s.exec(select(func.max(MeetingItem.position)).where(MeetingItem.meeting_id == meeting_id)).one() or 0
        for proposal_id, gate, round_ in items:
            position += 1
            row = MeetingItem(meeting_id=meeting_id, proposal_id=proposal_id, gate=gate, round=round_,
                              position=position, source=source)
            if insert_once(s, row):
                added.append(row)
    return added


def open_agenda_rounds(*, session: Session | None = None) -> dict[tuple[str, str, int], str]:
    """Every gate round on the agenda of a meeting whose minutes are not in force yet -> that meeting."""
    with _session(session) as s:
        rows = s.exec(
            select(MeetingItem, Meeting.id).join(Meeting, Meeting.id == MeetingItem.meeting_id)
            .where(col(Meeting.status).in_(OPEN_MEETING_STATUSES))
        ).all()
        return {(item.proposal_id, item.gate, item.round): mid for item, mid in rows}


def meetings_of_round(proposal_id: str, gate: str, round: int, *,  # noqa: A002
                      session: Session | None = None) -> list[Meeting]:
    """The meetings with that gate round on their agenda, by date."""
    with _session(session) as s:
        return list(s.exec(
            select(Meeting).join(MeetingItem, MeetingItem.meeting_id == Meeting.id)
            .where(MeetingItem.proposal_id == proposal_id, MeetingItem.gate == gate, MeetingItem.round == round)
            .order_by(Meeting.date, Meeting.id)
        ).all())


def record_meeting_document(meeting_id: str, kind: str, basis: str, path: str | Path, sha256: str, *,
                            session: Session | None = None) -> MeetingDocument:
    """Record a rendered meeting document as a new version of (meeting, kind)."""
    with _session(session) as s:
        for _ in range(_ID_ATTEMPTS):
            latest = s.exec(select(func.max(MeetingDocument.version)).where(
                MeetingDocument.meeting_id == meeting_id, MeetingDocument.kind == kind)).one() or 0
            row = MeetingDocument(meeting_id=meeting_id, kind=kind, version=latest + 1, basis=basis,
                                  path=str(path), sha256=sha256)
            if insert_once(s, row):
                return row
        raise UserError(f"could not record document {kind} for {meeting_id}: too many writers at once")


def meeting_documents(meeting_id: str, kind: str | None = None, *,
                      session: Session | None = None) -> list[MeetingDocument]:
    """The meeting's documents (of ``kind``), oldest version first."""
    with _session(session) as s:
        query = select(MeetingDocument).where(MeetingDocument.meeting_id == meeting_id)
        if kind is not None:
            query = query.where(MeetingDocument.kind == kind)
        return list(s.exec(query.order_by(MeetingDocument.kind, MeetingDocument.version)).all())
