"""Who is who (``roster.yaml``): the people of each body and a contact per represented organisation.

Format: one key per body of :data:`forms.vocabulary.BODIES` (``secretariat``, ``reference_group``,
``steering_group``, ``director_circle``, ``rkkp``) holding a list of ``{name, email}``, and
``organisations`` mapping ``represents`` codes to a contact ``{name, email}`` for appointment
requests. Who may record which gate is the gates' rule (``forms.gates.may_record``). Pure: the
ledger keeps the roster in force (``models.ledger.roster``), everything reads it from there.
"""

from __future__ import annotations

from pathlib import Path

from pydantic import BaseModel, ConfigDict, Field, create_model

from core.identity import fold_address
from forms.loading import read_data, validate_model
from forms.proposal import Person
from forms.vocabulary import BODIES, BODY_LABELS, RepresentsCode


class _RosterBase(BaseModel):
    model_config = ConfigDict(extra="forbid", strict=True, str_strip_whitespace=True)

    organisations: dict[RepresentsCode, Person] = Field(
        default_factory=dict,
        title="Organisationer",
        description="Kontakt pr. repræsenteret organisation (nøgler som represents, fx DPS), til udpegningsanmodninger.",
    )

    def people(self, body: str) -> list[Person]:
        """The people of ``body`` in the file's order (``ValueError`` for a body that does not exist)."""
        if body not in BODIES:
            raise ValueError(f"unknown roster body {body!r}; the bodies are {', '.join(BODIES)}")
        return list(getattr(self, body))

    def emails(self, body: str) -> set[str]:
        """The e-mails of one body, folded for comparison (``core.identity.fold_address``)."""
        return {fold_address(p.email) for p in self.people(body)}

    def person(self, email: str) -> tuple[str, Person] | None:
        """The first body listing ``email`` (after NFKC and case folding) and the person, or None."""
        wanted = fold_address(email)
        for body in BODIES:
            for p in self.people(body):
                if fold_address(p.email) == wanted:
                    return body, p
        return None


# One field per body, so a new body (declared in forms.vocabulary) is a new roster key by itself.
# The secretariat must not be empty: it may record every gate and receives every receipt.
Roster = create_model(  # type: ignore[call-overload]
    "Roster",
    __base__=_RosterBase,
    __doc__="``roster.yaml``: the bodies' people and one contact per represented organisation.",
    **{
        body: (list[Person], Field(default_factory=list, min_length=1 if body == "secretariat" else 0,
                                   title=BODY_LABELS[body][:1].upper() + BODY_LABELS[body][1:]))
        for body in BODIES
    },
)


def load_roster(path: str | Path) -> Roster:
    """Read and validate a roster file (YAML or JSON); problems raise ``InputError`` with field paths."""
    return validate_model(Roster, rejoin_split_names(read_data(path)), str(path))


def rejoin_split_names(data: object) -> object:
    """Undo YAML's split of an unquoted comma inside a flow mapping.

    ``{name: Følgegruppen, Danske Regioner, email: …}`` reads as ``name: Følgegruppen`` plus a key
    ``Danske Regioner`` with no value. A key with no value right after ``name`` can only be the rest
    of the name, so it is joined back (in order). Anything else stays as it was, for validation to report.
    """
    if not isinstance(data, dict):
        return data
    fixed: dict[object, object] = {}
    for body, value in data.items():
        if isinstance(value, list):
            fixed[body] = [_rejoin(entry) for entry in value]
        elif isinstance(value, dict):
            fixed[body] = {code: _rejoin(entry) for code, entry in value.items()}
        else:
            fixed[body] = value
    return fixed


def _rejoin(entry: object) -> object:
    if not isinstance(entry, dict) or not isinstance(entry.get("name"), str):
        return entry
    result: dict[object, object] = {}
    joining = False
    for key, value in entry.items():
        if key == "name":
            result[key] = value
            joining = True
        elif joining and value is None and isinstance(key, str):
            result["name"] = f"{result['name']}, {key}"
        else:
            joining = False
            result[key] = value
    return result
