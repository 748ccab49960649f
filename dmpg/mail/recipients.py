"""Who gets which mail. Pure: the roster, the form, the gates and the appointments decide.

| kind | recipients |
| --- | --- |
| receipt, decision | the form's proposers (with an e-mail) and the secretariat |
| a gate's opening mail (``forms.gates``: hearing, database_request, steering_memo, ...) | whoever decides the gate: its body's members; for the proposers' gate (revision_request) the proposers and the secretariat |
| appointment_request | the contact of each organisation with seats on the form (``other`` has none) |
| kickoff | the two chairs, the director and every appointed member |
| reminder | whoever the gate waits on (``waiting_on``), named from the roster where known |
| digest, recovery | the secretariat |

The result is de-duplicated by lower-cased e-mail, first occurrence winning (so a proposer who is
also on the secretariat is one recipient, with role ``proposer``); one recipient is one message.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from core.errors import UserError
from dmpg.mail import KINDS
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


def _get(item: Any, name: str) -> Any:
    return item.get(name) if isinstance(item, Mapping) else getattr(item, name, None)


def _people(items: Iterable[Any], role: str) -> list[Recipient]:
    return [Recipient(name=_get(p, "name") or str(_get(p, "email")), email=str(_get(p, "email")), role=role)
            for p in items if _get(p, "email")]


def dedupe(recipients: Iterable[Recipient]) -> list[Recipient]:
    """One recipient per lower-cased e-mail (first wins; organisations of later duplicates are merged)."""
    seen: dict[str, Recipient] = {}
    for r in recipients:
        key = r.email.strip().lower()
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
    by_email = {str(_get(m, "email")).lower(): m for m in members}
    chairs = [str(c) for c in appointments.get("chairs") or []]
    out = [Recipient(name=_get(by_email.get(c.lower(), {}), "name") or c, email=c, role="chair") for c in chairs]
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
) -> list[Recipient]:
    """The recipients of ``kind`` for this proposal (see the module table), de-duplicated by e-mail.

    ``appointments`` (the appointments gate's input as a dict) is needed for ``kickoff``;
    ``waiting_on`` (e-mails from the open gate's event) for ``reminder``. Raises ``UserError`` when
    what a kind needs is missing, or for an unknown kind."""
    if kind not in KINDS:
        raise UserError(f"unknown mail kind {kind!r}; expected one of: {', '.join(KINDS)}")
    secretariat = _people(roster.people("secretariat"), "secretariat")
    if kind in ("receipt", "decision"):
        found = proposers(form) + secretariat
    elif kind in _GATE_OF_MAIL:
        found = gate_recipients(_GATE_OF_MAIL[kind], form, roster)
    elif kind in ("digest", "recovery"):
        found = secretariat
    elif kind == "appointment_request":
        found = organisation_contacts(form, roster)
    elif kind == "kickoff":
        if not appointments:
            raise UserError("mail 'kickoff' needs the appointments (members, chairs, director)")
        found = appointed(appointments)
    else:  # reminder
        if waiting_on is None:
            raise UserError("mail 'reminder' needs waiting_on (the e-mails the gate waits on)")
        found = _named(waiting_on, form, roster)
    return dedupe(found)


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
        known.setdefault(r.email.lower(), r)
    out = []
    for email in emails:
        email = str(email).strip()
        if email:
            out.append(known.get(email.lower(), Recipient(name=email, email=email, role="waiting")))
    return out
