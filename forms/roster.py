"""Who is who (``roster.yaml``) and who may record which gate (DESIGN.md "The lifecycle flow and its gates").

Rule: the secretariat may record any gate; a body's own members may record that body's gate
(:data:`forms.gates.GATE_BODIES`); the ``revision`` gate may also be recorded by the proposal's
proposers. E-mails compare case-insensitively. Pure: the ledger stores the roster, the CLI and the
flow ask :func:`may_record`.
"""

from __future__ import annotations

from collections.abc import Iterable
from pathlib import Path

from pydantic import BaseModel, ConfigDict, Field

from forms.gates import GATE_BODIES, GATES
from forms.loading import read_data, validate_model
from forms.proposal import Person
from forms.vocabulary import RepresentsCode

BODIES: tuple[str, ...] = ("secretariat", "reference_group", "steering_group", "director_circle")

# Danish names of the bodies and gates, as the refusal message shows them.
BODY_LABELS: dict[str, str] = {
    "secretariat": "sekretariatet",
    "reference_group": "følgegruppen",
    "steering_group": "DMPG-styregruppen",
    "director_circle": "psykiatridirektørkredsen",
}
GATE_LABELS: dict[str, str] = {
    "revision": "revideret indstillingsskema",
    "advice": "følgegruppens rådgivning",
    "steering": "styregruppens beslutning",
    "approval": "psykiatridirektørkredsens godkendelse",
    "appointments": "udpegning af medlemmer og formandskab",
}


class Roster(BaseModel):
    """``roster.yaml``: the four bodies (lists of ``{name, email}``) and one contact per represented body."""

    model_config = ConfigDict(extra="forbid", strict=True, str_strip_whitespace=True)

    secretariat: list[Person] = Field(min_length=1, title="Sekretariatet", description="Må registrere alle gates.")
    reference_group: list[Person] = Field(default_factory=list, title="Følgegruppen")
    steering_group: list[Person] = Field(default_factory=list, title="DMPG-styregruppen")
    director_circle: list[Person] = Field(default_factory=list, title="Psykiatridirektørkredsen")
    organisations: dict[RepresentsCode, Person] = Field(
        default_factory=dict,
        title="Organisationer",
        description="Kontakt pr. repræsenteret organisation (nøgler som represents, fx DPS), til udpegningsanmodninger.",
    )

    def emails(self, body: str) -> set[str]:
        """The lower-cased e-mails of one body (``secretariat``, ``reference_group`` …)."""
        return {_norm(p.email) for p in getattr(self, body)}


def load_roster(path: str | Path) -> Roster:
    """Read and validate a roster file (YAML or JSON); problems raise ``InputError`` with field paths."""
    return validate_model(Roster, rejoin_split_names(read_data(path)), str(path))


def rejoin_split_names(data: object) -> object:
    """Undo YAML's split of an unquoted comma inside a flow mapping.

    The roster format (``examples/roster.yaml``) writes ``{name: Følgegruppen, Danske Regioner, email: …}``;
    YAML reads that as ``name: Følgegruppen`` plus a key ``Danske Regioner`` with no value. A key with
    no value right after ``name`` can only be the rest of the name, so it is joined back (in order).
    Anything else stays as it was, for validation to report.
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


def _norm(email: str) -> str:
    return email.strip().lower()


def may_record(
    roster: Roster, gate: str, email: str, proposer_emails: Iterable[str] = ()
) -> tuple[bool, str]:
    """Whether ``email`` may record ``gate``, and why (Danish; when refused it names who may)."""
    if gate not in GATES:
        return False, f"ukendt gate '{gate}'; gyldige gates: {', '.join(GATES)}"
    who = _norm(email)
    label = f"'{gate}' ({GATE_LABELS[gate]})"
    if who in roster.emails("secretariat"):
        return True, f"{email} er med i sekretariatet, som må registrere alle gates"
    body = GATE_BODIES.get(gate)
    if body and who in roster.emails(body):
        return True, f"{email} er medlem af {BODY_LABELS[body]}, som må registrere {label}"
    proposers = {_norm(e) for e in proposer_emails if e}
    if gate == "revision" and who in proposers:
        return True, f"{email} er indstiller på forslaget og må registrere {label}"

    allowed = [f"sekretariatet ({', '.join(sorted(roster.emails('secretariat')))})"]
    if body:
        members = sorted(roster.emails(body))
        allowed.append(f"{BODY_LABELS[body]}s medlemmer ({', '.join(members) or 'ingen på rosteren'})")
    if gate == "revision":
        allowed.append(f"forslagets indstillere ({', '.join(sorted(proposers)) or 'ingen angivet'})")
    return False, f"{email} må ikke registrere {label}; det må kun {' og '.join(allowed)}"
