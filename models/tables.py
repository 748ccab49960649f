"""Ledger tables. Every row a side effect writes carries a unique ``key`` (or a unique constraint),
so that a resumed flow run, which re-executes from the top, never writes the same fact twice.

Key conventions (all strings, stable across re-runs):
- stage event: ``{proposal}:{kind}:{gate or stage}:{round}`` (+ ``:{attempt}`` for refused inputs)
- document:    unique (proposal_id, kind, round, recipient, version)
- notification ``{proposal}:{kind}:{round}:{recipient}``
"""

from __future__ import annotations

from datetime import date, datetime, timezone
from typing import Any

from sqlalchemy import JSON, Column, DateTime, UniqueConstraint
from sqlalchemy.types import TypeDecorator
from sqlmodel import Field, SQLModel

from core import clock


def utcnow() -> datetime:
    """The engine's time (``core.clock``): every timestamp in the ledger comes from the one clock."""
    return clock.now()


class UTCDateTime(TypeDecorator):
    """A timestamp stored as naive UTC (a plain DATETIME column on every backend) and read back as an
    aware UTC ``datetime``. Without it SQLite hands back naive values, and ``utcnow() - event.at``
    would raise for whoever computes how long a gate has waited."""

    impl = DateTime
    cache_ok = True

    def process_bind_param(self, value, dialect):  # noqa: ANN001, ANN201
        if value is not None and value.tzinfo is not None:
            value = value.astimezone(timezone.utc).replace(tzinfo=None)
        return value

    def process_result_value(self, value, dialect):  # noqa: ANN001, ANN201
        if value is not None and value.tzinfo is None:
            value = value.replace(tzinfo=timezone.utc)
        return value


class Proposal(SQLModel, table=True):
    """One proposed DMPG (indstilling), identified as ``DMPG-<year>-<nnn>``."""

    __tablename__ = "proposals"

    id: str = Field(primary_key=True, max_length=32)
    title: str
    slug: str = Field(max_length=120)
    stage: str = Field(default="submitted", index=True, max_length=32)
    form: dict[str, Any] = Field(sa_column=Column(JSON, nullable=False))
    flow_run_id: str | None = Field(default=None, index=True, max_length=64)
    # The release the proposal started under (``core.release.current()``); None before 0.2.0.
    release: dict[str, Any] | None = Field(default=None, sa_column=Column(JSON, nullable=True))
    created_at: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime)
    updated_at: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime)


class StageEvent(SQLModel, table=True):
    """The audit trail: every stage change, gate opening, decision, refusal and expiry."""

    __tablename__ = "stage_events"

    id: int | None = Field(default=None, primary_key=True)
    proposal_id: str = Field(foreign_key="proposals.id", index=True, max_length=32)
    key: str = Field(unique=True, max_length=255)
    at: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime)
    kind: str = Field(max_length=48)
    stage: str | None = Field(default=None, max_length=32)
    gate: str | None = Field(default=None, max_length=32)
    round: int | None = None
    by: str | None = Field(default=None, max_length=320)
    detail: dict[str, Any] = Field(default_factory=dict, sa_column=Column(JSON, nullable=False))


class Decision(SQLModel, table=True):
    """An accepted gate input; one per (proposal, gate, round): the first one recorded stands.

    ``recorded_by`` is the person the decision is theirs; ``channel`` how it reached the ledger
    (``mail-link``, ``prefect-ui``, ``cli``) and ``identity`` how that person was established
    (``link`` — possession of a single-use link mailed to them; ``secretariat`` — entered by the
    secretariat on their behalf). ``detail`` holds the channel's particulars (link, meeting …)."""

    __tablename__ = "decisions"
    __table_args__ = (UniqueConstraint("proposal_id", "gate", "round", name="uq_decision_gate_round"),)

    id: int | None = Field(default=None, primary_key=True)
    proposal_id: str = Field(foreign_key="proposals.id", index=True, max_length=32)
    gate: str = Field(max_length=32)
    round: int
    outcome: str = Field(max_length=48)
    payload: dict[str, Any] = Field(sa_column=Column(JSON, nullable=False))
    recorded_by: str = Field(max_length=320)
    channel: str = Field(default="prefect-ui", max_length=16)
    identity: str = Field(default="secretariat", max_length=16)
    detail: dict[str, Any] = Field(default_factory=dict, sa_column=Column(JSON, nullable=False))
    at: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime)


class Document(SQLModel, table=True):
    """A rendered Word document: where it is and its sha256. Each re-render is a new version."""

    __tablename__ = "documents"
    __table_args__ = (
        UniqueConstraint("proposal_id", "kind", "round", "recipient", "version", name="uq_document_version"),
    )

    id: int | None = Field(default=None, primary_key=True)
    proposal_id: str = Field(foreign_key="proposals.id", index=True, max_length=32)
    kind: str = Field(max_length=48)
    round: int = 1
    recipient: str = Field(default="", max_length=320)  # e.g. the organisation of an appointment request
    version: int = 1
    path: str
    sha256: str = Field(max_length=64)
    created_at: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime)


class Notification(SQLModel, table=True):
    """The outbox: a row is written before a message is sent, once per key; delivery updates it."""

    __tablename__ = "notifications"

    id: int | None = Field(default=None, primary_key=True)
    key: str = Field(unique=True, max_length=400)
    proposal_id: str | None = Field(default=None, foreign_key="proposals.id", index=True, max_length=32)
    kind: str = Field(max_length=48)
    round: int = 1
    recipient: str = Field(max_length=320)
    subject: str
    body_text: str
    body_html: str = ""
    attachments: list[str] = Field(default_factory=list, sa_column=Column(JSON, nullable=False))
    status: str = Field(default="pending", index=True, max_length=16)  # pending | sent | failed
    attempts: int = 0
    last_error: str | None = None
    next_attempt_at: datetime | None = Field(default=None, sa_type=UTCDateTime)
    created_at: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime)
    sent_at: datetime | None = Field(default=None, sa_type=UTCDateTime)


class RosterPerson(SQLModel, table=True):
    """A person on the roster and the body they sit in (secretariat, reference_group, ...)."""

    __tablename__ = "roster_people"
    __table_args__ = (UniqueConstraint("body", "email", name="uq_roster_body_email"),)

    id: int | None = Field(default=None, primary_key=True)
    body: str = Field(max_length=32, index=True)
    name: str
    email: str = Field(max_length=320, index=True)


class Organisation(SQLModel, table=True):
    """Contact for a represented body (``represents`` code), who receives appointment requests."""

    __tablename__ = "organisations"

    code: str = Field(primary_key=True, max_length=32)
    name: str
    email: str = Field(max_length=320)


class RegistryGroup(SQLModel, table=True):
    """An established DMPG. Seeded from seed 001; an established proposal adds its group."""

    __tablename__ = "registry"

    id: int | None = Field(default=None, primary_key=True)
    name: str = Field(unique=True, max_length=200)
    icd_codes: list[str] = Field(default_factory=list, sa_column=Column(JSON, nullable=False))
    database_since: str | None = None  # free text, e.g. "2013 (børn; voksne fra 2024)"
    dmpg_since: date
    note: str | None = None
    proposal_id: str | None = Field(default=None, foreign_key="proposals.id", max_length=32)


class JournalEntry(SQLModel, table=True):
    """What the lifecycle flow has done, step by step (like Temporal's history): a resumed run
    re-executes from the top and takes each finished step's result from here instead of doing it
    (or asking Prefect) again, so a resume costs the same at round 10 as at round 1."""

    __tablename__ = "journal"

    id: int | None = Field(default=None, primary_key=True)
    proposal_id: str = Field(foreign_key="proposals.id", index=True, max_length=32)
    key: str = Field(unique=True, max_length=255)
    result: Any = Field(default=None, sa_column=Column(JSON, nullable=True))
    at: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime)


class LedgerMeta(SQLModel, table=True):
    """Small facts about the ledger itself, e.g. the sha256 of the roster file it holds."""

    __tablename__ = "ledger_meta"

    key: str = Field(primary_key=True, max_length=64)
    value: str


class DecisionLink(SQLModel, table=True):
    """A signed link that lets one person decide one thing from their mail (DESIGN.md "Who decided, and
    how"): a gate round of a proposal (``purpose`` ``gate``) or the approval of a meeting's minutes
    (``minutes``). The token in the mail is signed (``dmpg.state.links``) and names this row; the row makes it
    single use (``used_at``) and lets it die with the gate (``expires_at``, or the round no longer open)."""

    __tablename__ = "decision_links"

    id: str = Field(primary_key=True, max_length=32)
    purpose: str = Field(default="gate", max_length=16)
    proposal_id: str | None = Field(default=None, foreign_key="proposals.id", index=True, max_length=32)
    gate: str | None = Field(default=None, max_length=32)
    round: int | None = None
    meeting_id: str | None = Field(default=None, index=True, max_length=64)
    recipient: str = Field(max_length=320)
    created_at: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime)
    expires_at: datetime = Field(sa_type=UTCDateTime)
    used_at: datetime | None = Field(default=None, sa_type=UTCDateTime)


class Meeting(SQLModel, table=True):
    """A dated meeting of a deciding body (``forms.meetings``): its agenda is :class:`MeetingItem`,
    its documents :class:`MeetingDocument`. ``status``: planned, pack_sent, awaiting_approval,
    minutes_recorded, cancelled. ``minutes`` holds the minutes as taken (checked, before they take effect):
    ``{"decisions": [{proposal, gate, round, outcome, payload}], "source", "sha256"}``; a re-run of
    ``dmpg meeting record`` completes exactly these."""

    __tablename__ = "meetings"

    id: str = Field(primary_key=True, max_length=64)
    body: str = Field(max_length=32, index=True)
    date: date
    status: str = Field(default="planned", max_length=24, index=True)
    pack_flow_run_id: str | None = Field(default=None, max_length=64)
    pack_at: datetime | None = Field(default=None, sa_type=UTCDateTime)
    minutes: dict[str, Any] | None = Field(default=None, sa_column=Column(JSON, nullable=True))
    minutes_by: str | None = Field(default=None, max_length=320)
    minutes_at: datetime | None = Field(default=None, sa_type=UTCDateTime)
    approved_by: str | None = Field(default=None, max_length=320)
    approved_at: datetime | None = Field(default=None, sa_type=UTCDateTime)
    # The calendar invitation (dmpg.services.invitations): start (HH:MM, Copenhagen), place, online link, and the
    # iCalendar SEQUENCE, raised on every change and on cancellation (migration 0007).
    start_time: str | None = Field(default=None, max_length=5)
    place: str | None = Field(default=None, max_length=300)
    online_url: str | None = Field(default=None, max_length=500)
    invitation_sequence: int = Field(default=0)
    created_at: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime)
    updated_at: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime)


class MeetingItem(SQLModel, table=True):
    """A gate round on a meeting's agenda; a proposal is on one agenda once. ``source``: how it came
    there (``automatic``, ``named``, ``deferred`` from an earlier meeting)."""

    __tablename__ = "meeting_items"
    __table_args__ = (UniqueConstraint("meeting_id", "proposal_id", name="uq_meeting_item"),)

    id: int | None = Field(default=None, primary_key=True)
    meeting_id: str = Field(foreign_key="meetings.id", index=True, max_length=64)
    proposal_id: str = Field(foreign_key="proposals.id", index=True, max_length=32)
    gate: str = Field(max_length=32)
    round: int
    position: int
    source: str = Field(default="automatic", max_length=16)
    added_at: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime)


class MeetingDocument(SQLModel, table=True):
    """A document of a whole meeting (the pack, the beslutningsreferat, the minutes form): path and
    sha256, one version per ``basis`` (a digest of what it was made from, e.g. the agenda)."""

    __tablename__ = "meeting_documents"
    __table_args__ = (UniqueConstraint("meeting_id", "kind", "version", name="uq_meeting_document_version"),)

    id: int | None = Field(default=None, primary_key=True)
    meeting_id: str = Field(foreign_key="meetings.id", index=True, max_length=64)
    kind: str = Field(max_length=48)
    version: int = 1
    basis: str = Field(default="", max_length=64)
    path: str
    sha256: str = Field(max_length=64)
    created_at: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime)


class PrivacyAction(SQLModel, table=True):
    """The privacy log (``dmpg.services.persondata``): one row per export of a person's data, erasure and
    retention run. ``subject`` is the person's address for an export, their pseudonym once erased
    (an erasure rewrites the earlier rows too), ``retention`` for a retention run; ``by`` who ran it;
    ``detail`` what was found, removed, pseudonymised and kept (never an erased address)."""

    __tablename__ = "privacy_actions"

    id: int | None = Field(default=None, primary_key=True)
    at: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime)
    action: str = Field(max_length=16)  # export | erase | retention
    subject: str = Field(max_length=320, index=True)
    by: str = Field(max_length=320)
    detail: dict[str, Any] = Field(default_factory=dict, sa_column=Column(JSON, nullable=False))
