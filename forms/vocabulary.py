"""Controlled vocabularies of the form (contract: DESIGN.md), with the Danish labels users see."""

from __future__ import annotations

from typing import Annotated, Literal

from pydantic import BeforeValidator

from core.text import fold

RegionCode = Literal["hovedstaden", "sjaelland", "syddanmark", "midtjylland", "nordjylland"]

REGION_NAMES: dict[str, str] = {
    "hovedstaden": "Region Hovedstaden",
    "sjaelland": "Region Sjælland",
    "syddanmark": "Region Syddanmark",
    "midtjylland": "Region Midtjylland",
    "nordjylland": "Region Nordjylland",
}

Represents = Literal[
    "DPS", "BUP", "FYP", "DSAM", "DP", "DASYS",
    "patients", "relatives", "sundhed_danmark", "hospital_management", "other",
]

REPRESENTS_LABELS: dict[str, str] = {
    "DPS": "Dansk Psykiatrisk Selskab (DPS)",
    "BUP": "Børne- og Ungdomspsykiatrisk Selskab (BUP)",
    "FYP": "Foreningen af Yngre Psykiatere (FYP)",
    "DSAM": "Dansk Selskab for Almen Medicin (DSAM)",
    "DP": "Dansk Psykologforening (DP)",
    "DASYS": "Dansk Sygepleje Selskab (DASYS)",
    "patients": "Patientrepræsentanter",
    "relatives": "Pårørenderepræsentanter",
    "sundhed_danmark": "Sundhed Danmark",
    "hospital_management": "Hospitalsledelse",
    "other": "Andre",
}

# Seed 001, "Basismedlemmer i alle DMPG'er". Sundhed Danmark is "where relevant", so not required.
BASE_CATEGORIES: tuple[str, ...] = (
    "DPS", "BUP", "FYP", "DSAM", "DP", "DASYS", "patients", "relatives", "hospital_management",
)

TopicKind = Literal["diagnosis", "cross_cutting"]
TOPIC_KIND_LABELS: dict[str, str] = {"diagnosis": "Diagnoseområde", "cross_cutting": "Tværgående emne"}

DatabaseStatus = Literal["existing", "planned", "none"]
DATABASE_STATUS_LABELS: dict[str, str] = {
    "existing": "Findes",
    "planned": "Planlagt (koordineres med RKKP)",
    "none": "Ingen klinisk kvalitetsdatabase endnu",
}


def normalise_region(value: object) -> object:
    """Accept the code or the display name in any case ('Region Sjælland', 'Sjælland', 'SJAELLAND')."""
    if not isinstance(value, str):
        return value
    folded = fold(value)
    if folded.startswith("region "):
        folded = folded[len("region "):].strip()
    return folded if folded in REGION_NAMES else value


_REPRESENTS_BY_FOLD = {code.lower(): code for code in REPRESENTS_LABELS}


def normalise_represents(value: object) -> object:
    """Society codes in any case ('dps' -> 'DPS'); other values pass through to be refused."""
    if not isinstance(value, str):
        return value
    return _REPRESENTS_BY_FOLD.get(value.strip().lower(), value)


Region = Annotated[RegionCode, BeforeValidator(normalise_region)]
RepresentsCode = Annotated[Represents, BeforeValidator(normalise_represents)]
