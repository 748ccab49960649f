"""The lifecycle's side effects, one plain function per step (no Prefect: ``tasks.lifecycle`` wraps them).

Every function is idempotent and deterministic under replay: a resumed flow run re-executes from the
top, so each step first looks in the ledger for what it already did (its audit event, its decision,
its documents and outbox rows, all keyed) and returns the same answer without doing it again. The
registry or roster may change while a gate waits for months; recorded verdicts never flip.
"""

from __future__ import annotations

from typing import Any

from core.settings import get_settings
from forms.findings import Finding, blocking
from forms.gates import GATE_INPUTS
from forms.proposal import ProposalForm
from models import ledger
from models.vocabulary import GATE_STAGE, EventKind

# Documents and mails that go out when a gate opens (first attempt only), per gate.
OPENING_DOCUMENTS: dict[str, tuple[str, ...]] = {
    "revision": (),
    "advice": ("hearing_letter",),
    "steering": ("steering_memo",),
    "approval": ("director_memo",),
    "appointments": (),
}
OPENING_MAIL: dict[str, str | None] = {
    "revision": "revision_request",
    "advice": "hearing",
    "steering": "steering_memo",
    "approval": "director_memo",
    "appointments": None,
}
# The document that records a decision (sent with the decision mail).
DECISION_DOCUMENT: dict[str, str | None] = {
    "revision": None,
    "advice": None,
    "steering": "steering_minutes",
    "approval": "director_letter",
    "appointments": None,
}
OUTCOME_FIELD: dict[str, str | None] = {
    "revision": None,
    "advice": "recommendation",
    "steering": "decision",
    "approval": "decision",
    "appointments": None,
}
DEFAULT_OUTCOME = {"revision": "revised", "appointments": "appointed"}


def _key(proposal_id: str, *parts: object) -> str:
    return ":".join([proposal_id, *(str(p) for p in parts)])


def _form(proposal_id: str) -> ProposalForm:
    return ProposalForm.model_validate(ledger.get_proposal(proposal_id).form)


# --- submission and revision ----------------------------------------------------------------------


def check_submission(proposal_id: str, form: dict[str, Any], round: int) -> bool:  # noqa: A002
    """Round ``round`` of the premise check. Records the findings once, stores a revised form, renders
    the proposal document with the findings appendix and sends the receipt. Returns ``submittable``."""
    from forms.findings import submittable
    from forms.premises import check_premises

    key = _key(proposal_id, EventKind.PREMISES_CHECKED, "r" + str(round))
    recorded = _event(proposal_id, key)
    if recorded is None:
        parsed = ProposalForm.model_validate(form)
        if round > 1:
            ledger.update_form(proposal_id, parsed)
        findings = check_premises(parsed, ledger.list_registry())
        ledger.record_event(
            proposal_id, key=key, kind=EventKind.PREMISES_CHECKED, round=round,
            detail={"submittable": submittable(findings), "findings": [f.to_dict() for f in findings]},
        )
        recorded = _event(proposal_id, key)
    ok = bool(recorded.detail["submittable"])
    document = _document(proposal_id, "proposal", round)
    _mail(proposal_id, "receipt", round, attachments=[document],
          context={"submittable": ok, "findings": recorded.detail["findings"]})
    return ok


def findings_of_round(proposal_id: str, round: int | None = None) -> list[Finding]:  # noqa: A002
    """The recorded premise findings of a round (default: the latest)."""
    checked = [e for e in ledger.events(proposal_id) if e.kind == EventKind.PREMISES_CHECKED]
    if round is not None:
        checked = [e for e in checked if e.round == round]
    if not checked:
        return []
    return [Finding(**f) for f in checked[-1].detail["findings"]]


# --- gates ------------------------------------------------------------------------------------------


def open_gate(proposal_id: str, gate: str, round: int, attempt: int, key: str) -> str:  # noqa: A002
    """Open (or re-open, after a refused answer) a gate: stage, documents and mails of the first
    attempt, the ``gate_opened`` audit event. Returns the Danish markdown shown above the Resume form."""
    from dmpg import narrative

    settings = get_settings()
    proposal = ledger.get_proposal(proposal_id)
    ledger.set_stage(proposal_id, GATE_STAGE[gate], key=_key(proposal_id, "stage", gate, round))
    waiting_on = waiting_on_emails(proposal_id, gate)
    url = settings.flow_run_url(proposal.flow_run_id) if proposal.flow_run_id else None
    if attempt == 1:
        documents = [_document(proposal_id, kind, round) for kind in OPENING_DOCUMENTS[gate]]
        if gate in ("revision", "advice"):
            documents.append(_latest_document(proposal_id, "proposal"))
        if mail_kind := OPENING_MAIL[gate]:
            _mail(proposal_id, mail_kind, round, attachments=documents,
                  context={"url": url, "gate": gate, **_opening_context(proposal_id, gate)})
    ledger.record_event(
        proposal_id, key=_key(proposal_id, EventKind.GATE_OPENED, key), kind=EventKind.GATE_OPENED,
        stage=GATE_STAGE[gate], gate=gate, round=round,
        detail={"key": key, "attempt": attempt, "waiting_on": waiting_on, "url": url},
    )
    return narrative.gate_description(proposal_id, gate, round, attempt)


def _opening_context(proposal_id: str, gate: str) -> dict[str, Any]:
    """What a revision request says: the blocking findings, or the steering group's reasons."""
    if gate != "revision":
        return {}
    context: dict[str, Any] = {"findings": [f.to_dict() for f in findings_of_round(proposal_id)]}
    steering = [d for d in ledger.decisions(proposal_id) if d.gate == "steering" and d.outcome == "revise"]
    if steering:
        context["rationale"] = steering[-1].payload.get("rationale", "")
    return context


def waiting_on_emails(proposal_id: str, gate: str) -> list[str]:
    """Who a gate waits on: the gate's body from the roster; the proposers for a revision; the
    secretariat for appointments."""
    from forms.gates import GATE_BODIES

    roster = load_roster()
    if gate == "revision":
        return [str(p.email) for p in _form(proposal_id).proposers if p.email]
    body = GATE_BODIES.get(gate) or "secretariat"
    return [str(p.email) for p in getattr(roster, body)]


def judge_input(proposal_id: str, gate: str, round: int, attempt: int, payload: dict[str, Any]) -> dict[str, Any]:  # noqa: A002
    """Decide whether an answer to a gate stands: valid for the gate's model, recorded by someone the
    roster allows, and (appointments) complete. Writes the decision or the refusal to the audit trail.
    Returns ``{"accepted": bool, "input": dict | None, "reason": str}``."""
    from forms.loading import describe_validation_error
    from forms.roster import may_record

    import pydantic

    attempt_key = _key(proposal_id, "answer", gate, "r" + str(round), "a" + str(attempt))
    if (earlier := _verdict(proposal_id, gate, round, attempt_key)) is not None:
        return earlier  # replay: the first judgement stands

    by = str(payload.get("recorded_by") or "")
    try:
        accepted = GATE_INPUTS[gate].model_validate(payload)
    except pydantic.ValidationError as exc:
        problems = describe_validation_error(exc, model=GATE_INPUTS[gate])
        reason = "; ".join(f"{path}: {message}" for path, message in problems)
        return _refuse(proposal_id, gate, round, attempt_key, EventKind.INPUT_INVALID, by, reason,
                       {"problems": [list(p) for p in problems]})

    proposers = [str(p.email) for p in _form(proposal_id).proposers if p.email]
    allowed, why = may_record(load_roster(), gate, by, proposers)
    if not allowed:
        return _refuse(proposal_id, gate, round, attempt_key, EventKind.INPUT_REFUSED, by, why, {})

    if gate == "appointments":
        from forms.appointments import check_appointments

        findings = check_appointments(accepted)
        if blockers := blocking(findings):
            reason = "; ".join(f.message for f in blockers)
            return _refuse(proposal_id, gate, round, attempt_key, EventKind.INPUT_INVALID, by, reason,
                           {"findings": [f.to_dict() for f in findings]})

    data = accepted.model_dump(mode="json")
    field = OUTCOME_FIELD[gate]
    outcome = data[field] if field else DEFAULT_OUTCOME[gate]
    ledger.record_decision(proposal_id, gate, round, outcome, data, by)
    ledger.record_event(
        proposal_id, key=attempt_key, kind=EventKind.DECISION_RECORDED, gate=gate, round=round, by=by,
        detail={"outcome": outcome, "attempt": attempt},
    )
    return {"accepted": True, "input": data, "reason": ""}


def _refuse(proposal_id: str, gate: str, round: int, key: str, kind: str, by: str, reason: str,  # noqa: A002
            detail: dict[str, Any]) -> dict[str, Any]:
    ledger.record_event(proposal_id, key=key, kind=kind, gate=gate, round=round, by=by or None,
                        detail={"reason": reason, **detail})
    return {"accepted": False, "input": None, "reason": reason}


def _verdict(proposal_id: str, gate: str, round: int, attempt_key: str) -> dict[str, Any] | None:  # noqa: A002
    event = _event(proposal_id, attempt_key)
    if event is None:
        return None
    if event.kind != EventKind.DECISION_RECORDED:
        return {"accepted": False, "input": None, "reason": event.detail.get("reason", "")}
    decision = next(d for d in ledger.decisions(proposal_id) if d.gate == gate and d.round == round)
    return {"accepted": True, "input": decision.payload, "reason": ""}


def announce_decision(proposal_id: str, gate: str, round: int, decision: dict[str, Any]) -> None:  # noqa: A002
    """The decision's document (e.g. beslutningsreferat) and the decision mail to proposers and secretariat."""
    documents = []
    if kind := DECISION_DOCUMENT[gate]:
        documents.append(_document(proposal_id, kind, round))
    field = OUTCOME_FIELD[gate]
    _mail(proposal_id, "decision", round, attachments=documents,
          context={"gate": gate, "outcome": decision[field] if field else DEFAULT_OUTCOME[gate],
                   "decision": decision})


# --- appointments and kickoff ---------------------------------------------------------------------


def request_appointments(proposal_id: str) -> None:
    """One udpegningsanmodning per organisation with seats on the form, each mailed to its contact."""
    from dmpg.mail.recipients import recipients_for

    recipients = recipients_for("appointment_request", form=_form(proposal_id), roster=load_roster())
    for recipient in recipients:
        letters = [_document(proposal_id, "appointment_request", 1, recipient=code) for code in recipient.organisations]
        _mail(proposal_id, "appointment_request", 1, attachments=letters, only=[recipient],
              context={"organisations": list(recipient.organisations)})


def establish_group(proposal_id: str, appointments: dict[str, Any]) -> str:
    """Kommissorium and kickoff invitation, the kickoff mail, the group in the registry, stage ``established``."""
    form = _form(proposal_id)
    documents = [_document(proposal_id, "terms_of_reference", 1), _document(proposal_id, "kickoff_invitation", 1)]
    members = {m["email"].lower(): m for m in appointments["members"]}
    chairs = [members.get(email.lower(), {"name": email, "email": email}) for email in appointments["chairs"]]
    _mail(proposal_id, "kickoff", 1, attachments=documents, appointments=appointments,
          context={"kickoff_date": appointments["kickoff_date"], "chairs": chairs,
                   "director": appointments["director"], "members": appointments["members"]})
    topic = form.topic
    database = topic.clinical_database if topic else None
    ledger.add_registry_group(
        name=form.title,
        icd_codes=list(topic.icd_codes) if topic else [],
        dmpg_since=_as_date(appointments["kickoff_date"]),
        database_since=_database_note(database),
        note=f"Etableret via {proposal_id}",
        proposal_id=proposal_id,
    )
    ledger.set_stage(proposal_id, "established", key=_key(proposal_id, "stage", "established"))
    ledger.record_event(proposal_id, key=_key(proposal_id, EventKind.ESTABLISHED), kind=EventKind.ESTABLISHED,
                        stage="established", detail={"kickoff_date": appointments["kickoff_date"]})
    return "established"


def finish_rejected(proposal_id: str, gate: str, round: int) -> str:  # noqa: A002
    decision = next(d for d in ledger.decisions(proposal_id) if d.gate == gate and d.round == round)
    ledger.set_stage(proposal_id, "rejected", key=_key(proposal_id, "stage", "rejected"))
    ledger.record_event(proposal_id, key=_key(proposal_id, EventKind.REJECTED), kind=EventKind.REJECTED,
                        stage="rejected", gate=gate, round=round, by=decision.recorded_by,
                        detail={"rationale": decision.payload.get("rationale", "")})
    return "rejected"


# --- shared helpers -------------------------------------------------------------------------------


def load_roster():
    from forms.roster import load_roster as load

    return load(get_settings().roster)


def _event(proposal_id: str, key: str):
    return next((e for e in ledger.events(proposal_id) if e.key == key), None)


def _document(proposal_id: str, kind: str, round: int = 1, recipient: str = "") -> str:  # noqa: A002
    """Render a document once (the ledger remembers it); returns its path."""
    from dmpg.documents.produce import produce_document

    return str(produce_document(proposal_id, kind, round=round, recipient=recipient).path)


def _latest_document(proposal_id: str, kind: str) -> str:
    rows = [d for d in ledger.documents(proposal_id) if d.kind == kind]
    return max(rows, key=lambda d: (d.round, d.version)).path


def _mail(proposal_id: str, kind: str, round: int, *, attachments: list[str], context: dict[str, Any],  # noqa: A002
          appointments: dict[str, Any] | None = None, only: list[Any] | None = None) -> None:
    """Queue one message per recipient in the outbox (once per key), then deliver what is due.
    A mail server outage leaves the rows pending for the reminders flow to deliver later."""
    from dmpg.mail.outbox import notify
    from dmpg.mail.recipients import recipients_for

    proposal = ledger.get_proposal(proposal_id)
    recipients = only or recipients_for(kind, form=_form(proposal_id), roster=load_roster(), appointments=appointments)
    base = {"title": proposal.title, "round": round}
    if proposal.flow_run_id and "url" not in context:
        base["url"] = get_settings().flow_run_url(proposal.flow_run_id)
    notify(proposal_id, kind, round, recipients, {**base, **context}, attachments)


def _as_date(value: Any):
    from datetime import date

    return value if isinstance(value, date) else date.fromisoformat(str(value))


def _database_note(database) -> str | None:
    if database is None or database.status is None:
        return None
    label = {"existing": "eksisterende database", "planned": "database planlagt", "none": "ingen database"}
    return f"{label[database.status]}{': ' + database.name if database.name else ''}"
