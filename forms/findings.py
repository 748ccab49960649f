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


def submittable(findings: Iterable[Finding]) -> bool:
    """True when no finding has severity ``block`` (warnings and info never stop a proposal)."""
    return not any(f.severity == "block" for f in findings)


def blocking(findings: Iterable[Finding]) -> list[Finding]:
    """The findings that stop a proposal, in their order."""
    return [f for f in findings if f.severity == "block"]
