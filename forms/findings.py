"""What a check reports: findings with a severity. Shared by the premise check and the appointment check.

Contract (DESIGN.md "Premise findings"): each finding has a ``code`` (English, stable), a ``severity``
(``block``, ``warn`` or ``info``), a Danish, actionable ``message`` that names the seed rule, and
``items`` (what exactly is missing, e.g. the base categories without a seat). A form or an appointment
is *submittable* when no finding blocks.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import asdict, dataclass, field
from typing import Literal

from forms.vocabulary import REGION_NAMES, REPRESENTS_LABELS, represents_name

Severity = Literal["block", "warn", "info"]
SEVERITIES: tuple[str, ...] = ("block", "warn", "info")


@dataclass(frozen=True)
class Finding:
    code: str
    severity: Severity
    message: str
    items: list[str] = field(default_factory=list)

    def __post_init__(self) -> None:
        if self.severity not in SEVERITIES:
            raise ValueError(f"severity must be one of {', '.join(SEVERITIES)}, got {self.severity!r}")

    def to_dict(self) -> dict[str, object]:
        """The JSON shape of ``dmpg check --json``: ``{"code", "severity", "message", "items"}``."""
        return asdict(self)


# What each finding is about, in Danish: the heading a person reads instead of the code.
FINDING_TITLES: dict[str, str] = {
    "proposers.missing": "Indstillere",
    "topic.description": "Beskrivelse af emnet",
    "topic.severity_volume": "Sværhedsgrad og volumen",
    "target.primary_sector": "Primærsektoren i målgruppen",
    "target.child_adult": "Børne- og ungdomspsykiatri og voksenpsykiatri i målgruppen",
    "tasks.guidelines": "Retningslinjer",
    "composition.base_members": "Basismedlemmer i sammensætningen",
    "database.status": "Klinisk kvalitetsdatabase",
    "registry.overlap": "Overlap med en eksisterende DMPG",
    "appointments.base_members": "Udpegede basismedlemmer",
    "appointments.chairs": "Formandskabet",
    "appointments.director": "Sundhedsfaglig direktør",
    "appointments.regions": "Regioner",
}
# The form's fields an item may name (JSON keeps the path; a person reads the words).
FIELD_WORDS: dict[str, str] = {
    "topic.severity": "sværhedsgrad",
    "topic.volume.patients_per_year": "volumen (patienter pr. år)",
    "topic.target_group.child_and_adolescent": "børne- og ungdomspsykiatri",
    "topic.target_group.adult": "voksenpsykiatri",
}


def finding_title(code: str) -> str:
    """The Danish heading of a finding ("Primærsektoren i målgruppen"); the code when there is none."""
    return FINDING_TITLES.get(code, code)


def readable_items(items: Iterable[str]) -> list[str]:
    """A finding's items as a person knows them: seats by their Danish names, regions by theirs, the
    form's fields in words; anything else (a group's name) as it is."""
    out = []
    for item in items:
        text = str(item)
        if text in REPRESENTS_LABELS:
            out.append(represents_name(text))
        elif text in REGION_NAMES:
            out.append(REGION_NAMES[text])
        else:
            out.append(FIELD_WORDS.get(text, text))
    return out


def submittable(findings: Iterable[Finding]) -> bool:
    """True when no finding has severity ``block`` (warnings and info never stop a proposal)."""
    return not any(f.severity == "block" for f in findings)


def blocking(findings: Iterable[Finding]) -> list[Finding]:
    """The findings that stop a proposal, in their order."""
    return [f for f in findings if f.severity == "block"]
