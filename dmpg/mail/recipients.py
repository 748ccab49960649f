"""Who gets which mail. Pure: the roster, the form, the gates and the appointments decide.

| kind | recipients |
| --- | --- |
| receipt, decision | the form's proposers (with an e-mail) and the secretariat |
| a gate's opening mail (``forms.gates``: hearing, database_request, steering_memo, ...) | whoever decides the gate: its body's members; for the proposers' gate (revision_request) the proposers and the secretariat |
| appointment_request | the contact of each organisation with seats on the form (``other`` has none) |
| kickoff | the two chairs, the director and every appointed member |
| established | the proposers, the secretariat, the steering group and the director circle |
| reminder | whoever the gate waits on (``waiting_on``), named from the roster where known |
| digest, recovery | the secretariat |
| escalation | the chair of the body that decides the gate (the first member listed for it), or, for a gate no body's chair answers for (the secretariat's own, the proposers'), the secretariat (its first entry) |
| meeting_pack, meeting_minutes | the meeting body's members, and the secretariat (``meeting_recipients``); the minutes also go to the proposers of each decided proposal |
| minutes_approval | the body's chair |
| meeting_invitation | the meeting body's members (the secretariat is the invitation's organiser) |

The result is de-duplicated by lower-cased e-mail, first occurrence winning (so a proposer who is
also on the secretariat is one recipient, with role ``proposer``); one recipient is one message.

How a mail or letter opens (:func:`salutation`): a person is greeted "Kære <navn>"; an organisation,
a body or a function is addressed "Til <navn>". Appointed people (chairs, the director, members)
are persons; an organisation's contact is the organisation. Everyone else is judged by the name
(``core.text.is_person_name``): the roster writes a function as "Følgegruppen, Danske Regioner" or
"Lægefaglig direktør, Region Hovedstaden", which is not a person's name.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from core.errors import UserError
from core.identity import fold_address
from core.text import is_person_name
from dmpg.mail import KINDS, MEETING_KINDS
from forms.gates import GATES, PROPOSERS, Gate
from forms.vocabulary import BODIES

if TYPE_CHECKING:
    from forms.proposal import ProposalForm
    from forms.roster import Roster

_GATE_OF_MAIL = {g.opening_mail: g for g in GATES.values() if g.opening_mail}


@dataclass(frozen=True)
class Recipient:
    """One addressee. ``role``: proposer, secretariat, reference_group, steering_group, director_circle,
    organisation, chair, director, member or waiting. ``organisations``: for appointment requests, the
    ``represents`` codes this contact answers for (one contact may serve several)."""

    name: str
    email: str
    role: str
    organisations: tuple[str, ...] = field(default=())

    def as_context(self) -> dict[str, Any]:
        return {"name": self.name, "email": self.email, "role": self.role, "organisations": list(self.organisations)}


# Roles whose names are always a person's (typed into the appointments by the secretariat), and the
# role whose name is always an organisation's (the roster's contact of a represented body).
PERSON_ROLES = frozenset({"chair", "director", "member"})
ORGANISATION_ROLES = frozenset({"organisation"})
def salutation(name: str, role: str = "") -> str:
    """How a mail or letter to ``name`` opens: "Kære Anne Holm" for a person, "Til Dansk Selskab for
    Almen Medicin" for an organisation, a body or a function (see the module docstring)."""
    name = " ".join(name.split())
    if role in ORGANISATION_ROLES:
        return f"Til {name}"
    if role in PERSON_ROLES or is_person_name(name):
        return f"Kære {name}"
    return f"Til {name}"


def _get(item: Any, name: str) -> Any:
    return item.get(name) if isinstance(item, Mapping) else getattr(item, name, None)


def _people(items: Iterable[Any], role: str) -> list[Recipient]:
    return [Recipient(name=_get(p, "name") or str(_get(p, "email")), email=str(_get(p, "email")), role=role)
            for p in items if _get(p, "email")]


def dedupe(recipients: Iterable[Recipient]) -> list[Recipient]:
    """One recipient per lower-cased e-mail (first wins; organisations of later duplicates are merged)."""
    seen: dict[str, Recipient] = {}
    for r in recipients:
        key = fold_address(r.email)
        if key in seen:
            first = seen[key]
            merged = first.organisations + tuple(c for c in r.organisations if c not in first.organisations)
            seen[key] = Recipient(first.name, first.email, first.role, merged)
        else:
            seen[key] = Recipient(r.name.strip(), r.email.strip(), r.role, r.organisations)
    return list(seen.values())


def proposers(form: ProposalForm) -> list[Recipient]:
    return _people(form.proposers, "proposer")


def organisation_contacts(form: ProposalForm, roster: Roster) -> list[Recipient]:
    """The contact of each organisation with seats on the form, in seat order; ``other`` has no contact.

    Raises ``UserError`` naming ``roster.organisations.<code>`` when a represented body has no contact,
    because a silently skipped appointment request would leave a seat empty."""
    codes: list[str] = []
    for seat in form.composition.seats if form.composition else []:
        if seat.represents != "other" and seat.represents not in codes:
            codes.append(seat.represents)
    missing = [c for c in codes if c not in roster.organisations]
    if missing:
        raise UserError(
            "no contact for appointment requests: add "
            + ", ".join(f"roster.organisations.{c}" for c in missing)
            + " (name and email) to the roster"
        )
    return [
        Recipient(name=roster.organisations[c].name, email=str(roster.organisations[c].email),
                  role="organisation", organisations=(c,))
        for c in codes
    ]


def appointed(appointments: Mapping[str, Any]) -> list[Recipient]:
    """Chairs first, then the director, then the other members (from an ``AppointmentsInput`` dump)."""
    members = list(appointments.get("members") or [])
    by_email = {fold_address(_get(m, "email")): m for m in members}
    chairs = [str(c) for c in appointments.get("chairs") or []]
    out = [Recipient(name=_get(by_email.get(fold_address(c), {}), "name") or c, email=c, role="chair") for c in chairs]
    director = appointments.get("director")
    if director:
        out += _people([director], "director")
    out += _people(members, "member")
    return out


def recipients_for(
    kind: str,
    *,
    form: ProposalForm,
    roster: Roster,
    appointments: Mapping[str, Any] | None = None,
    waiting_on: Iterable[str] | None = None,
    gate: str | None = None,
) -> list[Recipient]:
    """The recipients of ``kind`` for this proposal (see the module table), de-duplicated by e-mail.

    ``appointments`` (the appointments gate's input as a dict) is needed for ``kickoff``;
    ``waiting_on`` (e-mails from the open gate's event) for ``reminder``; ``gate`` for ``escalation``.
    Raises ``UserError`` when what a kind needs is missing, or for an unknown kind."""
    if kind not in KINDS:
        raise UserError(f"unknown mail kind {kind!r}; expected one of: {', '.join(KINDS)}")
    if kind in MEETING_KINDS:
        raise UserError(f"mail {kind!r} belongs to a meeting, not a proposal: see meeting_recipients")
    secretariat = _people(roster.people("secretariat"), "secretariat")
    if kind in ("receipt", "decision"):
        found = proposers(form) + secretariat
    elif kind in _GATE_OF_MAIL:
        found = gate_recipients(_GATE_OF_MAIL[kind], form, roster)
    elif kind in ("digest", "recovery"):
        found = secretariat
    elif kind == "appointment_request":
        found = organisation_contacts(form, roster)
    elif kind == "established":
        found = proposers(form) + secretariat + _people(roster.people("steering_group"), "steering_group") \
            + _people(roster.people("director_circle"), "director_circle")
    elif kind == "escalation":
        if gate not in GATES:
            raise UserError("mail 'escalation' needs the gate that is overdue")
        found = escalation_recipients(GATES[gate], roster)
    elif kind == "kickoff":
        if not appointments:
            raise UserError("mail 'kickoff' needs the appointments (members, chairs, director)")
        found = appointed(appointments)
    else:  # reminder
        if waiting_on is None:
            raise UserError("mail 'reminder' needs waiting_on (the e-mails the gate waits on)")
        found = _named(waiting_on, form, roster)
    return dedupe(found)


def meeting_recipients(kind: str, body: str, roster: Roster) -> tuple[list[Recipient], list[Recipient]]:
    """Who a meeting's mail goes to: (the body's members, the secretariat not among them)."""
    if kind not in MEETING_KINDS:
        raise UserError(f"mail {kind!r} is not a meeting's mail; expected one of: {', '.join(MEETING_KINDS)}")
    members = dedupe(_people(roster.people(body), body))
    emails = {fold_address(m.email) for m in members}
    secretariat = [r for r in dedupe(_people(roster.people("secretariat"), "secretariat")) if fold_address(r.email) not in emails]
    return members, secretariat


def escalation_recipients(g: Gate, roster: Roster) -> list[Recipient]:
    """Who an overdue gate is escalated to, one person: the chair of the body that decides it (the first
    member listed for the body; role: the body), or the secretariat (its first entry) for a gate that no
    body's chair answers for, or a body nobody is listed in. The role is the body's, not ``chair``: the
    roster often names a seat ("Lægefaglig direktør, Region Hovedstaden"), which is greeted "Til …"."""
    if g.decided_by in BODIES and g.decided_by != "secretariat" and (members := roster.people(g.decided_by)):
        return _people(members[:1], g.decided_by)
    return _people(roster.people("secretariat")[:1], "secretariat")


def gate_recipients(g: Gate, form: ProposalForm, roster: Roster) -> list[Recipient]:
    """Who a gate's opening mail goes to: its deciders (the proposers, then the secretariat to keep it
    informed; or the members of the deciding body)."""
    if g.decided_by == PROPOSERS:
        return dedupe(proposers(form) + _people(roster.people("secretariat"), "secretariat"))
    return dedupe(_people(roster.people(g.decided_by), g.decided_by))


def _named(emails: Iterable[str], form: ProposalForm, roster: Roster) -> list[Recipient]:
    """Reminder recipients: names and roles from the roster or the proposers where the e-mail is known."""
    known: dict[str, Recipient] = {}
    for r in proposers(form) + [p for body in BODIES for p in _people(roster.people(body), body)]:
        known.setdefault(fold_address(r.email), r)
    out = []
    for email in emails:
        email = str(email).strip()
        if email:
            out.append(known.get(fold_address(email), Recipient(name=email, email=email, role="waiting")))
    return out
