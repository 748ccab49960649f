"""The appointed group (udpegning, seed 001 "Deltagere"): the ``appointments`` gate's input and its check.

Contract (DESIGN.md "Premise findings"): ``appointments.base_members`` (block), ``appointments.chairs``
(block: exactly two distinct chairs, both appointed members), ``appointments.director`` (block),
``appointments.regions`` (warn). Pure: a blocking finding refuses the input and the gate stays open.
"""

from __future__ import annotations

import re

from pydantic import EmailStr, Field, field_validator

from core.identity import fold_address
from core.text import join_danish
from forms.findings import Finding
from forms.inputs import RECORDED_BY, GateInput
from forms.proposal import LooseDate, Person
from forms.vocabulary import (
    BASE_CATEGORIES,
    REGION_NAMES,
    Region,
    RepresentsCode,
    represents_name,
)

DELTAGERE = "Grundpræmis (Deltagere)"


class AppointedMember(GateInput):
    name: str = Field(min_length=1, title="Navn", description="Det udpegede medlems navn.")
    email: EmailStr = Field(title="E-mail", description="Medlemmets e-mailadresse.")
    represents: RepresentsCode = Field(title="Repræsenterer", description="Hvilken organisation har udpeget medlemmet (fx DPS).")
    region: Region | None = Field(None, title="Region", description="Medlemmets region.")


class AppointmentsInput(GateInput):
    """Udpegede medlemmer, de to formænd og den sundhedsfaglige direktør."""

    members: list[AppointedMember] = Field(
        min_length=1, title="Udpegede medlemmer", description="Medlemmerne, som organisationerne har udpeget."
    )
    chairs: list[EmailStr] = Field(
        title="Formænd", description="E-mail på de to formænd; begge skal være blandt de udpegede medlemmer."
    )
    director: Person = Field(title="Sundhedsfaglig direktør", description="Direktøren i formandskabet.")
    kickoff_date: LooseDate = Field(title="Dato for kickoff-møde", description="Dato for gruppens første møde.")
    kickoff_time: str | None = Field(None, title="Tidspunkt for kickoff-møde",
                                     description="Mødets start, fx 10:00 (tom: DMPG_KICKOFF_TIME).")
    kickoff_place: str | None = Field(None, title="Sted for kickoff-møde",
                                      description="Adresse og lokale (tom: DMPG_KICKOFF_PLACE).")
    kickoff_online_url: str | None = Field(None, title="Onlinelink til kickoff-møde",
                                           description="Link til at deltage online (Teams, Zoom …), hvis der er et.")
    recorded_by: EmailStr = Field(**RECORDED_BY)

    @field_validator("kickoff_time")
    @classmethod
    def _clock_time(cls, value: str | None) -> str | None:
        """"10", "10.00", "10:00" -> "10:00"; anything else is refused."""
        if value is None or not value.strip():
            return None
        return clock_time(value)

    @field_validator("kickoff_online_url")
    @classmethod
    def _web_address(cls, value: str | None) -> str | None:
        if value is None or not value.strip():
            return None
        if not re.fullmatch(r"https://\S+", value.strip()):
            raise ValueError(f"forventede en webadresse, der begynder med https://, fik '{value.strip()[:60]}'")
        return value.strip()


_TIME = re.compile(r"^\s*(?:kl\.?\s*)?(\d{1,2})(?:[:.](\d{2}))?\s*$", re.IGNORECASE)


def clock_time(text: str) -> str:
    """A time of day as people write it ("10", "kl. 9.30", "14:00") as ``HH:MM``; ``ValueError`` in Danish."""
    m = _TIME.match(text)
    hour, minute = (int(m.group(1)), int(m.group(2) or 0)) if m else (99, 99)
    if hour > 23 or minute > 59:
        raise ValueError(f"forventede et klokkeslæt som 10:00, fik '{text.strip()[:20]}'")
    return f"{hour:02d}:{minute:02d}"


def _count(n: int) -> str:
    return {0: "ingen formænd", 1: "én formand"}.get(n, f"{n} forskellige formænd")


def _email(value: str) -> str:
    return fold_address(value)


def check_appointments(inp: AppointmentsInput) -> list[Finding]:
    """Findings about the appointed members, chairs and director, in contract order."""
    findings: list[Finding] = []

    represented = {m.represents for m in inp.members}
    missing = [code for code in BASE_CATEGORIES if code not in represented]
    if missing:
        findings.append(Finding(
            "appointments.base_members",
            "block",
            f"{DELTAGERE}: Basismedlemmer i alle DMPG'er skal være udpeget: repræsentanter fra DPS, BUP, FYP, "
            "DSAM, DP og DASYS, for patienter og pårørende samt på hospitalsledelsesniveau. "
            f"Der er ikke udpeget medlemmer for: {join_danish([represents_name(c, in_sentence=True) for c in missing])}.",
            missing,
        ))

    member_emails = {_email(m.email) for m in inp.members}
    chairs = list(dict.fromkeys(_email(c) for c in inp.chairs))  # distinct, in order
    outsiders = [c for c in chairs if c not in member_emails]
    if len(chairs) != 2 or outsiders:
        problems = []
        if len(chairs) != 2:
            problems.append(f"der er valgt {_count(len(chairs))}, ikke to")
        if outsiders:
            problems.append(f"ikke blandt de udpegede medlemmer: {', '.join(outsiders)}")
        findings.append(Finding(
            "appointments.chairs",
            "block",
            f"{DELTAGERE}: Formandskabet består af to formænd, som vælges blandt de udpegede medlemmer; "
            f"{'; '.join(problems)}.",
            outsiders,
        ))

    director = inp.director
    if director is None or not (director.name or "").strip() or not (director.email or "").strip():
        findings.append(Finding(
            "appointments.director",
            "block",
            f"{DELTAGERE}: Formandskabet omfatter en sundhedsfaglig direktør for at sikre en god opstart og "
            "ledelsesmæssig opbakning; angiv direktørens navn og e-mail.",
        ))

    covered = {m.region for m in inp.members if m.region}
    uncovered = [code for code in REGION_NAMES if code not in covered]
    if uncovered:
        findings.append(Finding(
            "appointments.regions",
            "warn",
            f"{DELTAGERE}: Der tilstræbes repræsentation fra alle regioner. Ingen udpegede medlemmer fra: "
            f"{', '.join(REGION_NAMES[c] for c in uncovered)}.",
            uncovered,
        ))
    return findings
