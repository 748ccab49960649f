"""The domain's controlled vocabularies (contract: DESIGN.md) with the Danish labels people read.

Codes stay English in data, files and JSON; every Danish label of a code is written here once
(outcomes of a gate are part of the gate's declaration in ``forms.gates``).
"""

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


def label(labels: dict[str, str], code: object) -> str:
    """The Danish label of ``code``; the code itself when unknown (a new code never breaks a text), "" for None."""
    if code is None:
        return ""
    return labels.get(str(code), str(code))


# --- the lifecycle ---------------------------------------------------------------------------------

Stage = Literal[
    "submitted", "needs_revision", "reference_group", "steering",
    "director_approval", "appointments", "established", "rejected",
]
STAGE_LABELS: dict[str, str] = {
    "submitted": "Indsendt",
    "needs_revision": "Afventer revision",
    "reference_group": "I høring hos følgegruppen og RKKP",
    "steering": "Hos DMPG-styregruppen",
    "director_approval": "Hos psykiatridirektørkredsen",
    "appointments": "Udpegning af medlemmer",
    "established": "Etableret",
    "rejected": "Afvist",
}
STAGES: tuple[str, ...] = tuple(STAGE_LABELS)
FINAL_STAGES: tuple[str, ...] = ("established", "rejected")

SEVERITY_LABELS: dict[str, str] = {"block": "Blokerende", "warn": "Advarsel", "info": "Til orientering"}

# The roster's bodies (keys of roster.yaml besides ``organisations``): the Danish name in a sentence
# ("sendt til følgegruppen") and as a heading. The secretariat may record every gate; each other
# body records the gates declared for it in ``forms.gates``.
BODY_LABELS: dict[str, str] = {
    "secretariat": "DMPG-sekretariatet",
    "reference_group": "følgegruppen",
    "steering_group": "DMPG-styregruppen",
    "director_circle": "psykiatridirektørkredsen",
    "rkkp": "RKKP",
}
BODIES: tuple[str, ...] = tuple(BODY_LABELS)
