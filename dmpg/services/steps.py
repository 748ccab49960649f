"""The lifecycle's steps between the gates, one plain function each (no Prefect: ``tasks.lifecycle`` wraps them).

Every function is idempotent: a resumed flow run re-executes from the top, so each step's writes are
keyed in the ledger (its audit event, documents and outbox rows) and a second run changes nothing.
Recorded verdicts never flip: the registry or roster may change while a gate waits for months.
"""

from __future__ import annotations

from datetime import date
from typing import Any

from core.identity import fold_address
from core.text import danish_date
from dmpg.documents.context import organisation_seats
from dmpg.documents.naming import document_dir
from dmpg.mail.recipients import recipients_for
from dmpg.services import effects, invitations
from forms.findings import submittable
from forms.gates import GATES
from forms.premises import check_premises
from forms.proposal import ProposalForm
from forms.vocabulary import DATABASE_STATUS_LABELS
from models import ledger
from models.vocabulary import EventKind


def check_submission(proposal_id: str, form: dict[str, Any], round: int) -> bool:  # noqa: A002
    """Round ``round`` of the premise check: the findings recorded once (a revised form is stored
    first), the proposal document with its findings appendix, and the receipt. Returns ``submittable``."""
    key = f"{proposal_id}:{EventKind.PREMISES_CHECKED}:r{round}"
    if ledger.event(proposal_id, key) is None:
        parsed = ProposalForm.model_validate(form)
        if round > 1:
            ledger.update_form(proposal_id, parsed)
        findings = check_premises(parsed, ledger.list_registry())
        ledger.record_event(
            proposal_id, key=key, kind=EventKind.PREMISES_CHECKED, round=round,
            detail={"submittable": submittable(findings), "findings": [f.to_dict() for f in findings]},
        )
    findings = ledger.recorded_findings(proposal_id, round)
    ok = submittable(findings)
    attachment = effects.document(proposal_id, "proposal", round)
    # A form revised after the hearing (the steering group sent it back) goes back to the steering group.
    heard = ledger.decision(proposal_id, "advice", 1) is not None
    effects.mail(proposal_id, "receipt", round, _recipients("receipt", proposal_id), attachments=[attachment],
                 context={"submittable": ok, "findings": [f.to_dict() for f in findings], "heard": heard})
    return ok


def request_appointments(proposal_id: str) -> None:
    """One udpegningsanmodning per organisation with seats on the form, each mailed to its contact
    naming the organisation as the roster does and how many members it appoints."""
    seats = organisation_seats(ledger.current_form(proposal_id))
    organisations = ledger.roster().organisations
    for recipient in _recipients("appointment_request", proposal_id):
        letters = [effects.document(proposal_id, "appointment_request", 1, recipient=code)
                   for code in recipient.organisations]
        named = [{"code": code, "name": organisations[code].name, "seats": seats.get(code)}
                 for code in recipient.organisations]
        effects.mail(proposal_id, "appointment_request", 1, [recipient], attachments=letters,
                     context={"organisations": named})


def establish_group(proposal_id: str, appointments: dict[str, Any]) -> str:
    """Kommissorium and kickoff invitation, the kickoff mail with its calendar invitation to the
    appointed, the establishment notice (with the kommissorium) to the proposers, the secretariat, the
    steering group and the director circle, the group in the registry, stage ``established``."""
    form = ledger.current_form(proposal_id)
    terms = effects.document(proposal_id, "terms_of_reference", 1)
    documents = [terms, effects.document(proposal_id, "kickoff_invitation", 1)]
    members = {fold_address(m["email"]): m for m in appointments["members"]}
    chairs = [members.get(fold_address(email), {"name": email, "email": email}) for email in appointments["chairs"]]
    kickoff = invitations.kickoff_of(proposal_id, form.title, appointments)
    calendar = invitations.write(kickoff, document_dir(proposal_id), f"{proposal_id}_kickoff",
                                 _organiser(), invitations.invitees(appointments))
    people = {"kickoff": kickoff.as_context(), "chairs": chairs, "director": appointments["director"],
              "members": appointments["members"]}
    effects.mail(proposal_id, "kickoff", 1, _recipients("kickoff", proposal_id, appointments=appointments),
                 attachments=[*documents, str(calendar)], context=people)
    effects.mail(proposal_id, "established", 1, _recipients("established", proposal_id), attachments=[terms],
                 context=people)
    topic = form.topic
    ledger.add_registry_group(
        name=form.title,
        icd_codes=list(topic.icd_codes) if topic else [],
        dmpg_since=date.fromisoformat(str(appointments["kickoff_date"])),
        database_since=_database_note(proposal_id, form),
        note=f"Etableret via {proposal_id}",
        proposal_id=proposal_id,
    )
    ledger.set_stage(proposal_id, "established", key=f"{proposal_id}:stage:established")
    ledger.record_event(proposal_id, key=f"{proposal_id}:{EventKind.ESTABLISHED}", kind=EventKind.ESTABLISHED,
                        stage="established", detail={"kickoff_date": appointments["kickoff_date"]})
    return "established"


def finish_rejected(proposal_id: str, gate: str, round: int) -> str:  # noqa: A002
    """The proposal ends as ``rejected`` by the decision of ``gate`` round ``round``."""
    decision = ledger.decision(proposal_id, gate, round)
    ledger.set_stage(proposal_id, "rejected", key=f"{proposal_id}:stage:rejected")
    ledger.record_event(proposal_id, key=f"{proposal_id}:{EventKind.REJECTED}", kind=EventKind.REJECTED,
                        stage="rejected", gate=gate, round=round, by=decision.recorded_by if decision else None,
                        detail={"rationale": decision.payload.get("rationale", "") if decision else ""})
    return "rejected"


# --- shared ----------------------------------------------------------------------------------------


def _organiser() -> tuple[str, str]:
    """Who sends meetings' invitations: the secretariat, as the roster names it first."""
    first = ledger.roster().people("secretariat")[0]
    return first.name, str(first.email)


def _recipients(kind: str, proposal_id: str, **extra: Any) -> list:
    return recipients_for(kind, form=ledger.current_form(proposal_id), roster=ledger.roster(), **extra)


def _database_note(proposal_id: str, form: ProposalForm) -> str | None:
    """The registry's "clinical database" note: RKKP's statement when the gate recorded one, else the form's status."""
    statement = ledger.decision(proposal_id, "database", 1)  # the hearing is held once
    if statement is not None:
        start = statement.payload.get("expected_start")
        label = GATES["database"].outcome(statement.outcome).label
        return label + (f" (forventet opstart {danish_date(start)})" if start else "")
    database = form.topic.clinical_database if form.topic else None
    if database is None or database.status is None:
        return None
    return DATABASE_STATUS_LABELS[database.status] + (f": {database.name}" if database.name else "")
