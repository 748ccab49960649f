"""The roster in force: roster.yaml as the ledger holds it (people per body, organisations)."""

from __future__ import annotations

import hashlib
from pathlib import Path

from sqlmodel import Session, delete, select

from core.identity import fold_address
from core.settings import get_settings
from forms.roster import Roster, load_roster
from forms.vocabulary import BODIES
from models.ledger.sessions import current, joined
from models.tables import LedgerMeta, Organisation, RosterPerson

_ROSTER_SHA = "roster_sha256"
_roster_cache: dict[str, Roster] = {}  # the roster built from the rows, by the file sha they came from
_STEP_ROSTER = "dmpg_step_roster"  # the step's roster, in its session's ``info``


def roster(path: str | Path | None = None, *, session: Session | None = None) -> Roster:
    """The roster in force, as the ledger holds it; the file (``settings.roster`` by default) is its source.

    The one roster truth for permissions, mail, documents and reminders. When the file changed since
    the ledger last took it (its sha256), the ledger's people and organisations are replaced first,
    in one transaction; an invalid file raises ``InputError`` with its field paths and changes nothing.
    Read once per step: inside a step's transaction (``ledger.transaction()``) the file is read at the
    first call and every later call of the step gets that same roster."""
    with joined(session) as s:
        if path is None and (held := s.info.get(_STEP_ROSTER)) is not None:
            return held
        file = Path(path) if path is not None else get_settings().roster
        try:
            sha = hashlib.sha256(file.read_bytes()).hexdigest()
        except OSError:
            sha = ""  # load_roster says what is wrong with the path
        meta = s.get(LedgerMeta, _ROSTER_SHA)
        if meta is not None and meta.value == sha and (cached := _roster_cache.get(sha)) is not None:
            held = cached
        else:
            if meta is None or meta.value != sha:
                sync_roster(load_roster(file), session=s)
                s.merge(LedgerMeta(key=_ROSTER_SHA, value=sha))
                s.flush()
            held = _roster_from_rows(s)
            _roster_cache.clear()
            _roster_cache[sha] = held
        if path is None and s is current():
            s.info[_STEP_ROSTER] = held
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
    with joined(session) as s:
        s.exec(delete(RosterPerson))
        s.exec(delete(Organisation))
        s.add_all(list(people.values()) + organisations)
        s.flush()
    return len(people), len(organisations)
