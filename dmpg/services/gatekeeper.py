"""The ledger side of every gate: opening it, and taking an answer to it — for every channel alike.

An answer reaches a gate through one of three channels (DESIGN.md "Who decided, and how"): the
Prefect UI's Resume form (the flow takes it after the resume), the command line, or a decision
page. All of them go through :func:`take_answer`: one set of rules (``forms.gates.judge``), one
refusal writer, one key scheme (:func:`answer_key`). The ledger is where a decision happens: the
first decision recorded for a gate round stands, and the flow (resumed, or reaching the gate later)
takes the decision it finds there. Prefect's resume only wakes the flow.

Plain Python, no Prefect: the flow calls these through ``tasks.lifecycle``.
"""

from __future__ import annotations

import re
from dataclasses import asdict, dataclass, field
from functools import lru_cache
from collections.abc import Callable
from typing import Any

from core import release
from dmpg.documents import narrative
from dmpg.documents.context import organisation_seats, reply_deadline
from dmpg.documents.produce import latest_document
from dmpg.documents.sources import load_sources
from dmpg.mail.recipients import gate_recipients, recipients_for
from dmpg.services import effects
from dmpg.services.deadlines import at_opening
from dmpg.state.agenda import meeting_context, meeting_of
from forms.gates import Gate, allowed_recorders, judge, waiting_on
from forms.gates import gate as gate_named
from forms.resume_form import form_digest, form_model, to_form_values, wake_digest
from models import ledger
from models.vocabulary import EventKind


def gate_key(gate: str, round: int, attempt: int) -> str:  # noqa: A002
    """The suspension key of a gate's attempt: ``steering-r2-a1``. The round changes when a gate is
    held again (defer, revise); the attempt when an answer was refused and the gate waits again."""
    return f"{gate}-r{round}-a{attempt}"


def parse_gate_key(key: str | None) -> tuple[str, int, int] | None:
    """``(gate, round, attempt)`` of a suspension key made by :func:`gate_key`, else None."""
    match = re.fullmatch(r"([a-z][a-z0-9]*)-r(\d+)-a(\d+)", key or "")
    return (match.group(1), int(match.group(2)), int(match.group(3))) if match else None


def answer_key(proposal_id: str, gate: str, round: int, ref: str) -> str:  # noqa: A002
    """The audit key of one answer: ``ref`` is ``a<attempt>`` for an answer the flow took from Prefect,
    or the channel's own unique reference (``cli-…``, ``link-…``) for one recorded outside the flow."""
    return f"{proposal_id}:answer:{gate}:r{round}:{ref}"


@dataclass(frozen=True)
class Answer:
    """What became of an answer. ``accepted``: the gate round is decided and ``decision`` is the
    decision in force (this answer's, or — ``superseded`` — one recorded before it). Refused:
    ``refusal`` (``invalid``, ``not_allowed``, ``incomplete``) and ``reason``, and nothing decided."""

    accepted: bool
    decision: dict[str, Any] | None = None
    outcome: str | None = None
    superseded: bool = False
    refusal: str | None = None
    reason: str = ""
    problems: list[list[str]] = field(default_factory=list)
    findings: list[dict[str, Any]] = field(default_factory=list)

    @property
    def problems_codes(self) -> list[str]:
        """The blocking findings of an incomplete answer, as ``code (items)``."""
        return [f"{f['code']}" + (f" ({', '.join(f['items'])})" if f.get("items") else "")
                for f in self.findings if f.get("severity") == "block"]

    def to_json(self) -> dict[str, Any]:
        return asdict(self)

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> Answer:
        return cls(**data)


# --- who, and what is open ------------------------------------------------------------------------


def proposers(proposal_id: str) -> list[str]:
    """The e-mails of the proposers named on the proposal's current form."""
    form = ledger.get_proposal(proposal_id).form
    return [str(p["email"]) for p in form.get("proposers") or [] if p.get("email")]


def resume_input(proposal_id: str, gate: str, payload: dict[str, Any]) -> dict[str, Any]:
    """A recorded decision's ``payload`` as the gate's Resume form takes it (``forms.resume_form``):
    what every wake-up sends to Prefect (a decision channel's, a meeting's and the recovery sweep's)."""
    g = gate_named(gate)
    return to_form_values(g, payload, allowed_recorders(g, ledger.roster(), proposers(proposal_id)))


def current_form_digest(proposal_id: str, gate: str) -> str:
    """The digest of the Resume form ``gate`` would open with for this proposal today (its fields, labels
    and the people allowed now); compared with the one a waiting attempt opened with (``gate_opened``)."""
    g = gate_named(gate)
    return _form_digest(g.name, tuple(allowed_recorders(g, ledger.roster(), proposers(proposal_id))))


@lru_cache(maxsize=256)
def _form_digest(gate: str, recorders: tuple[tuple[str, str], ...]) -> str:
    return form_digest(form_model(gate_named(gate), list(recorders)))


def gate_waiting_on(proposal_id: str, gate: str) -> list[str]:
    """Who ``gate`` waits on for this proposal, from the roster in force."""
    return waiting_on(gate_named(gate), ledger.roster(), proposers(proposal_id))


def next_attempt(proposal_id: str, gate: str, round: int) -> int:  # noqa: A002
    """The attempt the flow waits at: one after the last of its own attempts that was refused or re-armed."""
    closed = [e.detail.get("attempt") for e in ledger.events(proposal_id)
              if e.gate == gate and e.round == round
              and e.kind in (EventKind.INPUT_REFUSED, EventKind.INPUT_INVALID, EventKind.GATE_REARMED)]
    return max([a for a in closed if isinstance(a, int)], default=0) + 1


def rearmed(proposal_id: str, gate: str, round: int, attempt: int, received: dict[str, Any]) -> bool:  # noqa: A002
    """Whether the input the run was resumed with at ``attempt`` is the re-arming wake-up the ledger asked
    for (``dmpg.services.wake.rearm``), not a person's answer: then the attempt is closed as re-armed, and the flow
    opens the next one with today's Resume form. A person's answer that won the race is judged as usual."""
    asked = ledger.event(proposal_id, f"{proposal_id}:{EventKind.GATE_REARM_REQUESTED}:{gate_key(gate, round, attempt)}")
    if asked is None or asked.detail.get("digest") != wake_digest(received):
        return False
    ledger.record_event(proposal_id, key=f"{proposal_id}:{EventKind.GATE_REARMED}:{gate_key(gate, round, attempt)}",
                        kind=EventKind.GATE_REARMED, gate=gate, round=round, detail={"attempt": attempt})
    return True


# --- opening a gate --------------------------------------------------------------------------------


def open_gate(proposal_id: str, gate: str, round: int, attempt: int, key: str) -> dict[str, Any]:  # noqa: A002
    """Open round ``round`` of ``gate`` (attempt 1) or re-open it after a refused answer or a re-arm: the
    stage, the gate's documents and its mail to whoever it waits on (each person once per round), and the
    ``gate_opened`` event. Returns what the Resume form shows: ``description`` (Danish markdown) and
    ``recorders`` (``[name, email]`` of everyone who may record the gate, the only choices it offers),
    and the ``proposal``, ``gate`` and ``round`` it is for (the description is made again from them
    when the journal replays the step: ``tasks.lifecycle``).

    One step, one transaction (``ledger.transaction()``): its stage, documents' rows, outbox rows, links
    and events are all in the ledger, or none of them; the roster is read once, at the step's start. A
    document file rendered by a step that then failed is rendered again (same version) when it reruns."""
    with ledger.transaction():
        ledger.roster()  # the step's roster: every later ledger.roster() of the step is this one
        return _open_gate(proposal_id, gate, round, attempt, key)


def _open_gate(proposal_id: str, gate: str, round: int, attempt: int, key: str) -> dict[str, Any]:  # noqa: A002
    g = gate_named(gate)
    ledger.set_stage(proposal_id, g.stage, key=f"{proposal_id}:stage:{g.stage}:{round}")  # the hearing's two gates: one stage
    people = gate_waiting_on(proposal_id, gate)
    # At every attempt: the outbox sends each recipient a round's mail once, so a later attempt mails only
    # those who joined the body since (a director who took the seat while the gate waited, re-armed).
    attachments = [effects.document(proposal_id, kind, round) for kind in g.opening_documents]
    for decided_gate in g.attach_decided:  # e.g. the directors get the steering group's decision record
        decided = ledger.latest_decision(proposal_id, decided_gate)
        record = gate_named(decided_gate).decision_document
        if decided is not None and record:
            attachments.append(effects.document(proposal_id, record, decided.round))
    if g.attach_proposal:
        attachments.append(latest_document(proposal_id, "proposal"))
    if g.opening_mail:
        recipients = gate_recipients(g, ledger.current_form(proposal_id), ledger.roster())
        effects.mail(proposal_id, g.opening_mail, round, recipients, attachments=attachments,
                     context={"gate": gate, **_opening_context(proposal_id, g),
                              **meeting_context_of(proposal_id, gate, round)}, decides=(gate, round))
    recorders = allowed_recorders(g, ledger.roster(), proposers(proposal_id))
    # The deadline the round is given (dmpg.services.deadlines): its letter's svarfrist, or when a meeting gate is due
    # with no meeting; recorded once, so what `pending` shows is what the letter said.
    given = at_opening(proposal_id, gate) if attempt == 1 else _given(proposal_id, gate, round)
    # What this attempt's Resume form is: the sweep re-arms a waiting run whose form is no longer today's.
    ledger.record_event(
        proposal_id, key=f"{proposal_id}:{EventKind.GATE_OPENED}:{key}", kind=EventKind.GATE_OPENED,
        stage=g.stage, gate=gate, round=round,
        detail={"key": key, "attempt": attempt, "waiting_on": people, "schema_version": g.schema_version,
                "form": _form_digest(g.name, tuple(recorders)), "release": release.current(), **given},
    )
    return {"description": narrative.gate_description(proposal_id, gate, round),
            "recorders": [list(person) for person in recorders],
            "proposal": proposal_id, "gate": gate, "round": round}


def _given(proposal_id: str, gate: str, round: int) -> dict[str, Any]:  # noqa: A002
    """The deadline recorded when the round first opened (a later attempt keeps it)."""
    first = ledger.event(proposal_id, f"{proposal_id}:{EventKind.GATE_OPENED}:{gate_key(gate, round, 1)}")
    detail = first.detail if first is not None else {}
    return {k: detail[k] for k in ("deadline", "deadline_rule") if k in detail}


def meeting_context_of(proposal_id: str, gate: str, round: int) -> dict[str, Any]:  # noqa: A002
    """``{"meeting": {...}}`` when the gate round is on a meeting's agenda (mails name its date), else ``{}``."""
    meeting = meeting_of(proposal_id, gate, round)
    return {"meeting": meeting_context(meeting)} if meeting is not None else {}


def _opening_context(proposal_id: str, g: Gate) -> dict[str, Any]:
    """What only some gates' mails say: the pieces the gate declares (``Gate.opening_context``)."""
    context: dict[str, Any] = {}
    for piece in g.opening_context:
        context.update(OPENING_CONTEXT[piece](proposal_id))
    return context


def advice_given(proposal_id: str) -> dict[str, Any]:
    """``advice``: the reference group's recommendation (the steering memo's mail names it)."""
    advice = ledger.decision(proposal_id, "advice", 1)
    return {"advice": advice.outcome} if advice else {}


def findings_recorded(proposal_id: str) -> dict[str, Any]:
    """``findings``: the premise check's findings of the latest form (the revision request lists the blocking ones)."""
    return {"findings": [f.to_dict() for f in ledger.recorded_findings(proposal_id)]}


def sent_back(proposal_id: str) -> dict[str, Any]:
    """``rationale``: the steering group's reasons when it last sent the proposal back for revision."""
    back = [d for d in ledger.decisions(proposal_id) if d.outcome == "revise"]  # only a steering round sends back
    return {"rationale": back[-1].payload.get("rationale", "")} if back else {}


def appointments_asked(proposal_id: str) -> dict[str, Any]:
    """What the secretariat's mails at the appointments gate say: the organisations asked to appoint
    members (name and seats) and the day they were asked to answer by."""
    form = ledger.current_form(proposal_id)
    organisations = ledger.roster().organisations
    asked = [{"name": organisations[code].name if code in organisations else code, "seats": seats}
             for code, seats in organisation_seats(form).items() if code != "other"]
    return {"organisations": asked, "answers_by": reply_deadline(load_sources(proposal_id), "appointments")}


# The pieces a gate's opening mail may declare (``Gate.opening_context``), by name.
OPENING_CONTEXT: dict[str, Callable[[str], dict[str, Any]]] = {
    "advice": advice_given, "findings": findings_recorded, "sent_back": sent_back,
    "appointments_asked": appointments_asked,
}


def announce_decision(proposal_id: str, gate: str, round: int) -> None:  # noqa: A002
    """The gate's decision document (e.g. the beslutningsreferat) and the decision mail to the
    proposers and the secretariat."""
    g = gate_named(gate)
    decided = ledger.decision(proposal_id, gate, round)
    attachments = [effects.document(proposal_id, g.decision_document, round)] if g.decision_document else []
    recipients = recipients_for("decision", form=ledger.current_form(proposal_id), roster=ledger.roster())
    effects.mail(proposal_id, "decision", round, recipients, attachments=attachments, scope=gate,
                 context={"gate": gate, "outcome": decided.outcome, "decision": decided.payload})


# --- taking an answer -----------------------------------------------------------------------------


def take_answer(proposal_id: str, gate: str, round: int, payload: dict[str, Any], *,  # noqa: A002
                ref: str, channel: str, identity: str = "secretariat",
                detail: dict[str, Any] | None = None, link: str | None = None) -> Answer:
    """Judge ``payload`` as an answer to ``gate`` round ``round`` and write the verdict, once per ``ref``.

    - Replaying a ``ref`` already judged gives the same answer without writing anything.
    - When the round is decided already, the decision in force is returned (``superseded`` when this
      payload is a different answer: it is audited as refused, and nothing changes).
    - A refused answer is written to the audit trail (``input_invalid`` or ``input_refused``).
    - An accepted one becomes the round's decision, with its channel and how the person was
      established, plus a ``decision_recorded`` event — and, for an answer through a decision ``link``,
      that link's use: one transaction (``models.ledger.record_decision``). ``LinkTaken`` when another
      request used the link first.
    """
    g = gate_named(gate)
    key = answer_key(proposal_id, gate, round, ref)
    attempt = int(ref[1:]) if ref[:1] == "a" and ref[1:].isdigit() else None
    earlier = ledger.event(proposal_id, key)
    decided = ledger.decision(proposal_id, gate, round)
    if earlier is not None and earlier.kind != EventKind.DECISION_RECORDED:
        return _replayed_refusal(earlier)
    if decided is not None:
        if earlier is None and not _same_answer(g, payload, decided.payload):
            _refuse(proposal_id, g, round, key, attempt, str(payload.get("recorded_by") or ""), channel,
                    "not_allowed", "en anden beslutning var allerede registreret for denne runde")
        return Answer(True, decided.payload, decided.outcome, superseded=not _same_answer(g, payload, decided.payload))

    verdict = judge(g, payload, roster=ledger.roster(), proposers=proposers(proposal_id))
    if not verdict.accepted:
        problems = [list(p) for p in verdict.problems]
        extra = {"problems": problems} if problems else {"findings": [f.to_dict() for f in verdict.findings]}
        _refuse(proposal_id, g, round, key, attempt, verdict.by, channel, verdict.refusal, verdict.reason, extra)
        return Answer(False, refusal=verdict.refusal, reason=verdict.reason, problems=problems,
                      findings=[f.to_dict() for f in verdict.findings])

    row, created = ledger.record_decision(
        proposal_id, gate, round, verdict.outcome, verdict.data, verdict.by, channel=channel, identity=identity,
        detail=detail, link_id=link, event_key=key,
        event_detail={"outcome": verdict.outcome, "channel": channel, "identity": identity,
                      **({"attempt": attempt} if attempt else {})})
    return Answer(True, row.payload, row.outcome, superseded=not created)


def _same_answer(g: Gate, payload: dict[str, Any], decided: dict[str, Any]) -> bool:
    """Whether ``payload`` is the decided answer itself (the flow woken with the input a channel recorded)."""
    try:
        return g.input.model_validate(dict(payload)).model_dump(mode="json") == decided
    except Exception:  # noqa: BLE001 - an invalid payload is certainly not the decided one
        return False


def _refuse(proposal_id: str, g: Gate, round: int, key: str, attempt: int | None, by: str,  # noqa: A002
            channel: str, refusal: str | None, reason: str, extra: dict[str, Any] | None = None) -> None:
    kind = EventKind.INPUT_REFUSED if refusal == "not_allowed" else EventKind.INPUT_INVALID
    ledger.record_event(
        proposal_id, key=key, kind=kind, gate=g.name, round=round, by=by or None,
        detail={"reason": reason, "refusal": refusal, "channel": channel,
                **({"attempt": attempt} if attempt else {}), **(extra or {})},
    )


def _replayed_refusal(event) -> Answer:
    return Answer(False, refusal=event.detail.get("refusal"), reason=event.detail.get("reason", ""),
                  problems=event.detail.get("problems", []), findings=event.detail.get("findings", []))
