"""The proposal form (indstillingsskema): 1) emnevalg, 2) opgaven i gruppen, 3) sammensætning.

Contract (DESIGN.md): ``title`` is required; every other field may be missing, because the premise
check reports what is missing. Types are strict and unknown keys are errors, so a typo never passes
silently. Titles and descriptions are Danish: the Prefect UI and the Word form show them.
"""

from __future__ import annotations

from datetime import date
from typing import Annotated

from pydantic import BaseModel, ConfigDict, EmailStr, Field

from core.identity import fold_address
from core.text import fold
from forms.vocabulary import DatabaseStatusCode, Region, RepresentsCode, TopicKindCode

# Dates come as YAML dates or ISO strings (JSON); everything else is strict.
LooseDate = Annotated[date, Field(strict=False)]


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", strict=True, str_strip_whitespace=True)


class Proposer(_Strict):
    name: str | None = Field(None, title="Navn", description="Indstillers navn eller rolle i den forberedende gruppe.")
    email: EmailStr | None = Field(None, title="E-mail", description="Indstillers e-mailadresse; kvitteringer sendes hertil.")
    organisation: str | None = Field(None, title="Organisation", description="Arbejdssted eller organisation.")
    region: Region | None = Field(None, title="Region", description="Region (fx 'Region Midtjylland' eller 'midtjylland').")


class Volume(_Strict):
    patients_per_year: int | None = Field(
        None, ge=0, title="Patienter pr. år", description="Skønnet antal patienter pr. år i målgruppen."
    )
    source: str | None = Field(None, title="Kilde", description="Kilde til skønnet (fx Landspatientregisteret).")


class TargetGroup(_Strict):
    regional_psychiatry: bool | None = Field(None, title="Regionspsykiatrien", description="Omfatter målgruppen regionspsykiatrien?")
    primary_sector: bool | None = Field(
        None, title="Primærsektoren", description="Omfatter målgruppen primærsektoren? Et krav i grundpræmisserne."
    )
    child_and_adolescent: bool | None = Field(
        None, title="Børne- og ungdomspsykiatri", description="Omfatter målgruppen børn og unge?"
    )
    adult: bool | None = Field(None, title="Voksenpsykiatri", description="Omfatter målgruppen voksne?")
    justification: str | None = Field(
        None,
        title="Begrundelse",
        description="Begrundelse, hvis målgruppen ikke går på tværs af børne-unge- og voksenpsykiatrien.",
    )


class ClinicalDatabase(_Strict):
    status: DatabaseStatusCode | None = Field(
        None,
        title="Status for klinisk kvalitetsdatabase",
        description="Findes, Planlagt (koordineres med RKKP) eller Ingen.",
    )
    name: str | None = Field(None, title="Databasens navn", description="Navnet på den kliniske kvalitetsdatabase.")


class Topic(_Strict):
    """1) Emnevalg."""

    kind: TopicKindCode | None = Field(
        None, title="Emnetype", description="Diagnoseområde eller Tværgående emne."
    )
    description: str | None = Field(None, title="Beskrivelse af emnet", description="Hvilket område eller emne dækker gruppen?")
    icd_codes: list[str] = Field(
        default_factory=list, title="ICD-10-koder", description="Diagnosekoder, fx F40, F41 (bruges til at finde overlap)."
    )
    severity: str | None = Field(None, title="Sværhedsgrad", description="Områdets sværhedsgrad (et krav i grundpræmisserne).")
    volume: Volume | None = Field(None, title="Volumen", description="Områdets volumen.")
    target_group: TargetGroup | None = Field(None, title="Målgruppe", description="Hvem målgruppen omfatter.")
    clinical_database: ClinicalDatabase | None = Field(
        None, title="Klinisk kvalitetsdatabase", description="Status for en klinisk kvalitetsdatabase på området."
    )


class Guideline(_Strict):
    title: str = Field(title="Retningslinjens titel", description="Foreslået kliniknær DMPG-retningslinje.")
    rationale: str | None = Field(None, title="Begrundelse", description="Hvorfor netop denne retningslinje?")


class Tasks(_Strict):
    """2) Opgaven i gruppen."""

    guidelines: list[Guideline] = Field(
        default_factory=list,
        title="Foreslåede retningslinjer",
        description="De første kliniske retningslinjer, gruppen skal udarbejde via forfattergrupper.",
    )
    monitoring: str | None = Field(None, title="Monitorering", description="Hvordan indsatsen monitoreres i kliniske kvalitetsdatabaser.")
    research: str | None = Field(None, title="Forskning", description="Forskningsaktiviteter og national koordinering (på sigt).")
    education: str | None = Field(None, title="Uddannelse", description="Indsatser ift. uddannelse (på sigt).")


class Seat(_Strict):
    represents: RepresentsCode = Field(
        title="Repræsenterer",
        description="DPS, BUP, FYP, DSAM, DP, DASYS, Patienter, Pårørende, Sundhed Danmark, Hospitalsledelse eller Andre.",
    )
    count: int = Field(1, ge=1, title="Antal pladser", description="Antal medlemmer fra denne kategori.")
    description: str | None = Field(None, title="Beskrivelse", description="Uddybning, fx hvem 'Andre' dækker.")


class Person(_Strict):
    name: str = Field(title="Navn", description="Fulde navn.")
    email: EmailStr = Field(title="E-mail", description="E-mailadresse.")


class Composition(_Strict):
    """3) Sammensætning af deltagerkreds."""

    seats: list[Seat] = Field(default_factory=list, title="Pladser", description="Deltagerkredsens sammensætning.")
    director: Person | None = Field(
        None, title="Sundhedsfaglig direktør", description="Foreslået sundhedsfaglig direktør i formandskabet."
    )


class ProposalForm(_Strict):
    """Indstillingsskema — forslag til ny DMPG."""

    title: str = Field(min_length=1, title="Titel", description="Den foreslåede DMPG's emne, fx 'Angst og OCD'.")
    submitted_on: LooseDate | None = Field(None, title="Indsendt", description="Dato for indsendelse.")
    proposers: list[Proposer] = Field(
        default_factory=list, title="Indstillere", description="Den forberedende gruppes kontaktpersoner."
    )
    topic: Topic | None = Field(None, title="1) Emnevalg", description="Emne, sværhedsgrad, volumen og målgruppe.")
    tasks: Tasks | None = Field(None, title="2) Opgaven i gruppen", description="Retningslinjer, monitorering, forskning og uddannelse.")
    composition: Composition | None = Field(
        None, title="3) Sammensætning af deltagerkreds", description="Pladser pr. kategori og sundhedsfaglig direktør."
    )


def same_proposal(form: dict, other: dict) -> bool:
    """Whether two forms (as JSON) are the same proposal sent twice: the same title (case, spacing and
    Danish letters folded) and the same proposers' addresses (``core.identity``). A form without proposers
    matches only by title when the other has none either."""
    def key(f: dict) -> tuple[str, frozenset[str]]:
        people = frozenset(fold_address(p.get("email")) for p in f.get("proposers") or [] if p.get("email"))
        return " ".join(fold(str(f.get("title") or "")).split()), people

    return key(form) == key(other)
