"""Meetings: a body decides many proposals at one dated meeting (DESIGN.md "Meetings"; the pure rules
are in ``forms.meetings``). Plain Python, no Prefect import: the pack flow (``flows.meetings``) and
the command line (``dmpg meeting``) call these.

The life of a meeting, all in the ledger:

1. **Planned** (:func:`plan_meeting`): the agenda is the gate rounds waiting at the body's gate that
   are on no other open meeting's agenda (or the named proposals), and a flow run of the pack
   deployment is scheduled in Prefect for ``date - DMPG_MEETING_PACK_DAYS_BEFORE`` days at 08:00
   Copenhagen time (at once if that has passed), named after the meeting. Planning the same body and
   date again adds what has come to wait since (or the named proposals) while the pack is not out.
   The body's members get a calendar invitation (``dmpg.services.invitations``: time, place and online link from
   the plan or the settings); planning it again with another time, place or link sends the change
   (the same UID, the next SEQUENCE), and :func:`cancel_meeting` the cancellation.
2. **Pack sent** (:func:`send_pack`, run by that flow): the meeting pack (agenda, comparison of the
   candidates, the groups being established right now, each proposal's memo as an appendix) and the
   minutes form are rendered once, and mailed once to the body's members (the secretariat also gets
   the minutes form). From then on the agenda is final.
3. **Minutes** (:func:`record_minutes`): the whole file is checked first, without writing anything;
   any problem stops it, every problem named. Then the minutes are taken (stored on the meeting) and
   take effect (:func:`apply_minutes`): each decision is recorded under the same rules as a single
   decision (``dmpg.services.decisions.record_decision``, ref ``meeting-<id>``: a replay writes nothing) and
   wakes its flow; a deferred proposal's next round, and every agenda item the minutes left out, go
   on the body's next planned meeting (when there is one; otherwise the next ``plan`` picks them up,
   as they still wait); one beslutningsreferat for the whole meeting is rendered and mailed once to
   the body, the proposers and the secretariat. Running ``record`` again with the same minutes after
   a crash completes the rest with no duplicates.
4. With ``DMPG_MINUTES_NEED_CHAIR_APPROVAL`` the taken minutes wait (``awaiting_approval``) until the
   body's chair approves them (:func:`approve_minutes`); only then step 3's effects happen. The chair
   is the first member listed for the body in the roster.
"""

from __future__ import annotations

import hashlib
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

from core import clock
from core.errors import InputError, UserError
from core.identity import fold_address, same_address
from core.settings import get_settings
from core.text import capitalise
from dmpg.adapters.prefect_api import MEETING_PACK_DEPLOYMENT, PrefectAPI
from dmpg.documents.meeting import produce_meeting_document
from dmpg.documents.naming import document_dir
from dmpg.mail.outbox import enqueue
from dmpg.mail.recipients import Recipient, dedupe, meeting_recipients, proposers
from dmpg.services import effects, invitations
from dmpg.services.decisions import record_decision, wake_rounds
from dmpg.state.agenda import get_meeting, meeting_context
from dmpg.state.gates_open import open_gates
from dmpg.state.links import minutes_link
from forms.appointments import clock_time
from forms.gates import GATES
from forms.loading import read_data
from forms.meetings import (
    AWAITING_APPROVAL,
    CANCELLED,
    MEETING_BODIES,
    MINUTES_RECORDED,
    PACK_SENT,
    PLANNED,
    AgendaItem,
    ItemState,
    Naming,
    check_minutes,
    meeting_gate,
    meeting_id,
    meeting_title,
    select_agenda,
)
from forms.minutesform import read_minutes_docx
from forms.vocabulary import FINAL_STAGES, STAGE_LABELS
from models import ledger
from models.ledger import ensure_schema

PACK_HOUR = time(8, 0)
PACK_TIMEZONE = "Europe/Copenhagen"


# --- 1. planning -------------------------------------------------------------------------------------


@dataclass
class Planned:
    meeting: Any
    created: bool
    added: list[AgendaItem] = field(default_factory=list)

    def to_json(self) -> dict[str, Any]:
        items = [AgendaItem(i.proposal_id, ledger.get_proposal(i.proposal_id).title, i.gate, i.round).to_json()
                 for i in ledger.agenda(self.meeting.id)]
        return {"meeting": self.meeting.id, "body": self.meeting.body, "date": self.meeting.date.isoformat(),
                "status": self.meeting.status, "agenda": items, "time": self.meeting.start_time,
                "place": self.meeting.place, "online_url": self.meeting.online_url,
                "invitation_sequence": self.meeting.invitation_sequence,
                "pack_at": self.meeting.pack_at.isoformat() if self.meeting.pack_at else None,
                "pack_flow_run_id": self.meeting.pack_flow_run_id}


def plan_meeting(body: str, day: date, named: Sequence[str] = (), *, start: str | None = None,
                 place: str | None = None, online_url: str | None = None) -> Planned:
    """Plan (or top up) the meeting of ``body`` on ``day``, schedule its pack and invite the body
    (module docstring). ``start`` (HH:MM), ``place`` and ``online_url`` default to the settings'
    ``DMPG_MEETING_*``; given for a planned meeting with other values, they change it and the change
    is sent. A named proposal that is not waiting at the body's gate, or is on another open meeting's
    agenda, is a ``UserError`` listing every such proposal, and nothing is changed."""
    ensure_schema()
    if start is not None:
        try:
            start = clock_time(start)
        except ValueError as exc:
            raise UserError(f"--time: {exc}", exit_code=2) from None
    if online_url is not None and not online_url.startswith("https://"):
        raise UserError(f"--online: forventede en webadresse, der begynder med https://, fik {online_url!r}",
                        exit_code=2)
    mid = meeting_id(body, day)
    existing = ledger.find_meeting(mid)
    if existing is not None and existing.status == CANCELLED:
        raise UserError(f"{mid} er aflyst; planlæg mødet på en anden dato", exit_code=1)
    if existing is not None and existing.status != PLANNED:
        if named:
            raise UserError(f"mødematerialet til {mid} er sendt ud; dagsordenen ligger fast. "
                            f"Planlæg forslagene til et senere møde", exit_code=1)
        _change_invitation(existing, start, place, online_url)
        return Planned(ledger.get_meeting(mid), created=False)
    taken = {key: other for key, other in ledger.open_agenda_rounds().items() if other != mid}
    items, problems = select_agenda(body, open_gates(), [p.strip().upper() for p in named], taken=taken,
                                    known=where_is)
    if problems:
        raise UserError(f"{mid} kan ikke planlægges; intet er ændret:\n" + "\n".join(f"  - {p}" for p in problems),
                        exit_code=1)
    own = {i.proposal_id for i in ledger.agenda(mid)}
    meeting, created = ledger.create_meeting(mid, body, day)
    added = [i for i in items if i.proposal not in own]
    ledger.add_agenda_items(mid, [(i.proposal, i.gate, i.round) for i in added], "named" if named else "automatic")
    if meeting.pack_flow_run_id is None:
        try:
            schedule_pack(meeting)
        except BaseException:
            if created:
                ledger.delete_meeting(mid)  # both or neither: no meeting without its pack run
            raise
    if created or meeting.start_time is None:
        settings = get_settings()
        ledger.update_meeting(mid, start_time=start or settings.meeting_time,
                              place=place or settings.meeting_place, online_url=online_url or settings.meeting_online_url)
        send_invitation(ledger.get_meeting(mid))
    else:
        _change_invitation(ledger.get_meeting(mid), start, place, online_url)
    return Planned(ledger.get_meeting(mid), created, added)


# --- the calendar invitation --------------------------------------------------------------------------


def calendar_meeting(meeting) -> invitations.Meeting:  # noqa: ANN001
    """The meeting as a calendar has it (``dmpg.services.invitations``)."""
    settings = get_settings()
    g = meeting_gate(meeting.body)
    title = meeting_title(meeting.body)
    return invitations.Meeting(
        uid=invitations.uid(meeting.id), title=capitalise(title), day=meeting.date,
        time=meeting.start_time or settings.meeting_time, minutes=settings.meeting_minutes,
        place=meeting.place or settings.meeting_place, online_url=meeting.online_url,
        description=f"{capitalise(title)}: beslutning om forslag til nye DMPG'er, der venter på {g.label}. "
                    f"Mødematerialet sendes {settings.meeting_pack_days_before} dage før mødet.",
        sequence=meeting.invitation_sequence, cancelled=meeting.status == CANCELLED)


def send_invitation(meeting) -> None:  # noqa: ANN001
    """Mail the body's members the meeting's calendar invitation (or its change, or its cancellation),
    once per SEQUENCE: the outbox key carries it as the round."""
    members, _ = meeting_recipients("meeting_invitation", meeting.body, ledger.roster())
    first = ledger.roster().people("secretariat")[0]
    event = calendar_meeting(meeting)
    path = invitations.write(event, document_dir(meeting.id), meeting.id, (first.name, str(first.email)),
                             [(m.name, m.email) for m in members])
    context = {"meeting": {**meeting_context(meeting), "gate": meeting_gate(meeting.body).label},
               "invitation": event.as_context(), "pack_days": get_settings().meeting_pack_days_before,
               "agenda": _agenda_lines(meeting.id)}
    enqueue(None, "meeting_invitation", meeting.invitation_sequence + 1, members, context, [path], scope=meeting.id)


def _change_invitation(meeting, start: str | None, place: str | None, online_url: str | None) -> None:  # noqa: ANN001
    """A planned meeting given another time, place or online link: changed, and the change sent."""
    changes = {key: value for key, value in (("start_time", start), ("place", place),
                                             ("online_url", online_url))
               if value is not None and value != getattr(meeting, key)}
    if not changes or meeting.status in (MINUTES_RECORDED, CANCELLED):
        return
    sequence = meeting.invitation_sequence + 1
    if ledger.update_meeting(meeting.id, only_if={"invitation_sequence": meeting.invitation_sequence},
                             invitation_sequence=sequence, **changes):
        send_invitation(ledger.get_meeting(meeting.id))


def cancel_meeting(text: str) -> Any:
    """Cancel a meeting whose minutes are not recorded: it is ``cancelled``, its scheduled pack run is
    cancelled, its agenda is free for the next meeting (the proposals still wait), and the body gets
    the calendar's cancellation (the same UID, the next SEQUENCE). Cancelling it again changes nothing."""
    meeting = get_meeting(text)
    if meeting.status == CANCELLED:
        return meeting
    if meeting.minutes is not None or meeting.status == MINUTES_RECORDED:
        raise UserError(f"{meeting.id} har fået sit referat registreret og kan ikke aflyses", exit_code=1)
    if ledger.update_meeting(meeting.id, only_if={"status": meeting.status}, status=CANCELLED,
                             invitation_sequence=meeting.invitation_sequence + 1):
        _cancel_pack(meeting, "Mødet er aflyst.")
        send_invitation(ledger.get_meeting(meeting.id))
    return ledger.get_meeting(meeting.id)


def where_is(proposal_id: str) -> str | None:
    """Where a proposal is, in a sentence (for a proposal not where it was expected); None if unknown."""
    proposal = ledger.find_proposal(proposal_id)
    if proposal is None:
        return None
    if proposal.stage in FINAL_STAGES:
        return f"sagen er afsluttet ({STAGE_LABELS.get(proposal.stage, proposal.stage).lower()})"
    waiting = open_gates(proposal_id)
    if waiting:
        return "den venter på " + ", ".join(f"{GATES[g.gate].label} (runde {g.round})" for g in waiting)
    return f"den venter ikke på en beslutning lige nu (stadie: {STAGE_LABELS.get(proposal.stage, proposal.stage).lower()})"


def pack_time(day: date, days_before: int, now: datetime) -> datetime | None:
    """When the pack goes out: ``days_before`` days before ``day`` at 08:00 Copenhagen time; None
    (meaning now) when that moment has passed."""
    at = datetime.combine(day - timedelta(days=days_before), PACK_HOUR, tzinfo=ZoneInfo(PACK_TIMEZONE))
    return at if at > now else None


def schedule_pack(meeting) -> None:  # noqa: ANN001
    """A flow run of the pack deployment named after the meeting, scheduled for the pack's moment
    (once: the meeting id is its idempotency key). Prefect schedules on the machine's clock, so on a
    simulated calendar (the demo) the moment is moved back by the calendar's lead."""
    now = clock.now()
    at = pack_time(meeting.date, get_settings().meeting_pack_days_before, now)
    with PrefectAPI() as api:
        run = api.create_flow_run(
            api.deployment_id(MEETING_PACK_DEPLOYMENT), parameters={"meeting_id": meeting.id}, name=meeting.id,
            tags=["dmpg", "meeting", meeting.body, meeting.id], scheduled_time=at - clock.offset() if at else None,
            idempotency_key=f"meeting-pack:{meeting.id}",
        )
    ledger.update_meeting(meeting.id, pack_flow_run_id=str(run["id"]), pack_at=at or now)


# --- 2. the pack -------------------------------------------------------------------------------------


def send_pack(mid: str) -> dict[str, Any]:
    """Render the pack and the minutes form once and mail them once (module docstring, step 2).
    A meeting whose pack is out, or whose minutes are taken, is left as it is."""
    meeting = ledger.get_meeting(mid)
    if meeting.status != PLANNED or meeting.minutes is not None:
        return {"meeting": mid, "sent": False, "status": meeting.status}
    g = meeting_gate(meeting.body)
    for item in ledger.agenda(mid):  # each memo exists (rendered once, shared with the flow)
        for kind in g.opening_documents:
            effects.document(item.proposal_id, kind, item.round if kind == "steering_memo" else 1)
    pack = produce_meeting_document(mid, "meeting_pack")
    form = produce_meeting_document(mid, "minutes_form")
    roster = ledger.roster()
    context = {"meeting": meeting_context(meeting), "agenda": _agenda_lines(mid)}
    members, secretariat = meeting_recipients("meeting_pack", meeting.body, roster)
    enqueue(None, "meeting_pack", 1, members, context, [pack.path], scope=mid)
    enqueue(None, "meeting_pack", 1, secretariat, context, [pack.path, form.path], scope=mid)
    ledger.update_meeting(mid, only_if={"status": PLANNED}, status=PACK_SENT)
    return {"meeting": mid, "sent": True, "status": PACK_SENT, "documents": [pack.path, form.path]}


def _agenda_lines(mid: str) -> list[dict[str, Any]]:
    return [{"proposal": i.proposal_id, "title": ledger.get_proposal(i.proposal_id).title, "round": i.round}
            for i in ledger.agenda(mid)]


# --- 3. the minutes --------------------------------------------------------------------------------


@dataclass
class MinutesResult:
    meeting: str
    status: str
    recorded: list[dict[str, Any]] = field(default_factory=list)  # {proposal, gate, round, decision, woken}
    not_recorded: list[dict[str, Any]] = field(default_factory=list)  # {proposal, reason}
    left_waiting: list[str] = field(default_factory=list)
    moved_to: dict[str, str] = field(default_factory=dict)  # proposal -> the next meeting it is on

    def to_json(self) -> dict[str, Any]:
        return {"meeting": self.meeting, "status": self.status, "decisions": self.recorded,
                "not_recorded": self.not_recorded, "left_waiting": self.left_waiting, "moved_to": self.moved_to}


def read_minutes(path: Path, mid: str) -> tuple[object, Naming]:
    """The minutes file as data and how to name its items: YAML/JSON, or the minutes form in Word."""
    if path.suffix.lower() == ".docx":
        return read_minutes_docx(path, ledger.get_meeting(mid).body)

    return read_data(path), Naming()


def item_states(meeting) -> list[ItemState]:  # noqa: ANN001
    """Where each agenda item stands in the ledger (see ``forms.meetings.ItemState``)."""
    waiting = {(g.proposal, g.gate, g.round) for g in open_gates()}
    states = []
    for row in ledger.agenda(meeting.id):
        item = AgendaItem(row.proposal_id, ledger.get_proposal(row.proposal_id).title, row.gate, row.round)
        decided = ledger.decision(row.proposal_id, row.gate, row.round)
        if decided is not None:
            here = (decided.detail or {}).get("meeting") == meeting.id
            states.append(ItemState(item, "decided_here" if here else "decided_elsewhere", decided.payload,
                                    decided.recorded_by))
        elif (row.proposal_id, row.gate, row.round) in waiting:
            states.append(ItemState(item, "waiting"))
        else:
            states.append(ItemState(item, "not_waiting", where=where_is(row.proposal_id) or ""))
    return states


def record_minutes(text: str, path: Path, by: str) -> MinutesResult:
    """Check the minutes in ``path`` for meeting ``text`` as a whole, take them, and let them take
    effect (module docstring, steps 3 and 4). Every problem raises ``InputError`` (exit 2) naming
    item and field, and nothing is written. ``by`` is matched as every door matches an address
    (``core.identity``) and recorded as the roster spells it."""
    by = fold_address(by)
    meeting = get_meeting(text)
    data, naming = read_minutes(Path(path), meeting.id)
    if meeting.minutes is None:
        if meeting.status == MINUTES_RECORDED:  # cannot happen without minutes; say so rather than guess
            raise UserError(f"{meeting.id} har allerede fået sit referat registreret", exit_code=1)
        check = check_minutes(data, meeting=meeting.id, body=meeting.body, day=meeting.date, by=by,
                              states=item_states(meeting), roster=ledger.roster(), naming=naming, known=where_is)
        if check.problems:
            raise InputError(str(path), check.problems)
        minutes = {
            "decisions": [{"proposal": d.item.proposal, "gate": d.item.gate, "round": d.item.round,
                           "decision": d.outcome, "rationale": _reason(d), "payload": d.payload}
                          for d in check.decisions],
            "source": str(path), "sha256": _sha256(Path(path)),
        }
        status = AWAITING_APPROVAL if get_settings().minutes_need_chair_approval else meeting.status
        taken = ledger.update_meeting(meeting.id, only_if={"minutes_at": None}, minutes=minutes, minutes_by=by,
                                      minutes_at=clock.now(), status=status)
        meeting = ledger.get_meeting(meeting.id)
        if not taken:
            _require_same(meeting, data, path)
    else:
        _require_same(meeting, data, path)
    if meeting.status == AWAITING_APPROVAL:
        ask_chair(meeting)
        return MinutesResult(meeting.id, AWAITING_APPROVAL,
                             [{**_short(d), "woken": False} for d in meeting.minutes["decisions"]])
    return apply_minutes(meeting.id)


def _reason(d) -> str:  # noqa: ANN001 - forms.meetings.Decided
    g = GATES[d.item.gate]
    return str(d.payload.get(g.reason_field) or "") if g.reason_field else ""


def _short(d: dict[str, Any]) -> dict[str, Any]:
    return {k: d[k] for k in ("proposal", "gate", "round", "decision")}


def _sha256(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def _require_same(meeting, data: object, path: Path) -> None:  # noqa: ANN001
    """A second ``record`` of a meeting whose minutes are taken must bring the same minutes: then it
    completes what a crash left undone; different minutes are refused (nothing changes)."""
    taken = [(d["proposal"], d["decision"], " ".join(str(d["rationale"]).split())) for d in meeting.minutes["decisions"]]
    given = []
    for entry in (data.get("decisions") if isinstance(data, dict) else None) or []:
        if isinstance(entry, dict):
            given.append((str(entry.get("proposal") or "").strip().upper(), str(entry.get("decision") or "").strip(),
                          " ".join(str(entry.get("rationale") or "").split())))
    if sorted(given) != sorted(taken):
        when = f"{meeting.minutes_at:%d.%m.%Y kl. %H:%M} (UTC)" if meeting.minutes_at else "tidligere"
        raise UserError(f"referatet af {meeting.id} blev registreret {when} af {meeting.minutes_by} fra "
                        f"{meeting.minutes.get('source')}, og {path} siger noget andet; intet er ændret "
                        f"(se 'dmpg meeting show {meeting.id}')", exit_code=1)


def apply_minutes(mid: str) -> MinutesResult:
    """Let taken minutes take effect, each step once (module docstring, step 3). Safe to run again.
    Every decision is recorded first, then the flows are woken together."""
    meeting = ledger.get_meeting(mid)
    result = MinutesResult(mid, MINUTES_RECORDED)
    standing = []
    for d in meeting.minutes["decisions"]:
        decided = ledger.decision(d["proposal"], d["gate"], d["round"])
        try:
            if decided is None:
                record_decision(d["proposal"], d["gate"], d["payload"], channel="cli", ref=f"meeting-{mid}",
                                detail={"meeting": mid}, wake_now=False)
            elif (decided.detail or {}).get("meeting") != mid:
                raise UserError(f"en anden beslutning ('{decided.outcome}', registreret af {decided.recorded_by}) kom først")
        except UserError as exc:
            result.not_recorded.append({"proposal": d["proposal"], "reason": str(exc)})
            continue
        standing.append(d)
    woken = wake_rounds([(d["proposal"], d["gate"], d["round"], ledger.decision(d["proposal"], d["gate"], d["round"]).payload)
                         for d in standing])
    result.recorded = [{**_short(d), "woken": w} for d, w in zip(standing, woken)]
    result.moved_to, result.left_waiting = _carry_over(meeting)
    announce_minutes(meeting)
    ledger.update_meeting(mid, status=MINUTES_RECORDED)
    if not ledger.meeting_documents(mid, "meeting_pack"):
        _cancel_pack(meeting)
    return result


def _cancel_pack(meeting, why: str = "Referatet blev registreret, før mødematerialet skulle udsendes.") -> None:  # noqa: ANN001
    """The minutes came before the pack was due, or the meeting was cancelled: its scheduled run is
    cancelled (it would do nothing)."""
    if not meeting.pack_flow_run_id:
        return
    try:
        with PrefectAPI() as api:
            if api.run_state(meeting.pack_flow_run_id).type == "SCHEDULED":
                api.cancel(meeting.pack_flow_run_id, why)
    except UserError:
        pass  # best effort: the run finds the minutes recorded and sends nothing


def _carry_over(meeting) -> tuple[dict[str, str], list[str]]:  # noqa: ANN001
    """A deferred proposal's next round, and each agenda item the minutes left out, go on the body's
    next planned meeting (if one is planned). Returns (proposal -> that meeting, those left waiting)."""
    decided = {d["proposal"]: d for d in meeting.minutes["decisions"]}
    following = [m for m in ledger.list_meetings(meeting.body) if m.date > meeting.date and m.status == PLANNED]
    moved: dict[str, str] = {}
    left: list[str] = []
    for item in ledger.agenda(meeting.id):
        d = decided.get(item.proposal_id)
        if d is not None and d["decision"] != "defer":
            continue
        if d is None:
            left.append(item.proposal_id)
        if following:
            next_round = item.round + 1 if d is not None else item.round
            ledger.add_agenda_items(following[0].id, [(item.proposal_id, item.gate, next_round)],
                                    "deferred" if d is not None else "carried_over")
            moved[item.proposal_id] = following[0].id
    return moved, left


def announce_minutes(meeting) -> None:  # noqa: ANN001
    """One beslutningsreferat for the whole meeting, rendered once and mailed once to the body's
    members, the proposers of the decided proposals and the secretariat."""
    referat = produce_meeting_document(meeting.id, "meeting_minutes")
    roster = ledger.roster()
    members, secretariat = meeting_recipients("meeting_minutes", meeting.body, roster)
    people = list(members)
    for d in meeting.minutes["decisions"]:
        people += proposers(ledger.current_form(d["proposal"]))
    decisions = [{"proposal": d["proposal"], "title": ledger.get_proposal(d["proposal"]).title,
                  "gate": d["gate"], "outcome": d["decision"]} for d in meeting.minutes["decisions"]]
    context = {"meeting": meeting_context(meeting), "decisions": decisions}
    enqueue(None, "meeting_minutes", 1, dedupe(people + secretariat), context, [referat.path], scope=meeting.id)


# --- 4. the chair's approval -----------------------------------------------------------------------


def chair_of(body: str) -> tuple[str, str]:
    """The body's chair as (name, email): the first member listed for the body in the roster."""
    people = ledger.roster().people(body)
    if not people:
        raise UserError(f"rosteren har ingen medlemmer af {body}; tilføj dem (formanden først)", exit_code=1)
    return people[0].name, str(people[0].email)


def ask_chair(meeting) -> None:  # noqa: ANN001
    """Mail the chair the taken minutes to approve (once), with their own decision link (``dmpg.state.links``,
    purpose ``minutes``); the secretariat may also record the approval with ``dmpg meeting approve``."""
    name, email = chair_of(meeting.body)
    decisions = [{"proposal": d["proposal"], "title": ledger.get_proposal(d["proposal"]).title,
                  "gate": d["gate"], "outcome": d["decision"], "rationale": d["rationale"]}
                 for d in meeting.minutes["decisions"]]
    context = {"meeting": meeting_context(meeting), "decisions": decisions,
               "url": minutes_link(meeting.id, email), "personal_link": True}
    enqueue(None, "minutes_approval", 1, [Recipient(name, email, "chair")], context, scope=meeting.id)


def approve_minutes(text: str, by: str) -> MinutesResult:
    """The chair approves the taken minutes of the meeting; they take effect (again safe to repeat).
    ``UserError`` when ``by`` is not the chair, or there are no minutes awaiting approval."""
    meeting = get_meeting(text)
    _, chair = chair_of(meeting.body)
    by = fold_address(by)
    if not same_address(by, chair):
        raise UserError(f"{by} er ikke formand for {MEETING_BODIES[meeting.body][1]}; kun "
                        f"{chair} må godkende referatet af {meeting.id}", exit_code=1)
    if meeting.minutes is None:
        raise UserError(f"{meeting.id} har intet referat at godkende; registrér det først (dmpg meeting record)",
                        exit_code=1)
    if meeting.status == AWAITING_APPROVAL:
        ledger.update_meeting(meeting.id, only_if={"status": AWAITING_APPROVAL}, status=PACK_SENT,
                              approved_by=by, approved_at=clock.now())
    return apply_minutes(meeting.id)
