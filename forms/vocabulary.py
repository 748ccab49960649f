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

# What the Word form and the appointments page offer for a seat (and accept back, besides the codes and
# the labels above): the societies by their short names, the other seats by a Danish word.
REPRESENTS_CHOICES: dict[str, str] = {
    "DPS": "DPS", "BUP": "BUP", "FYP": "FYP", "DSAM": "DSAM", "DP": "DP", "DASYS": "DASYS",
    "patients": "Patienter", "relatives": "Pårørende", "sundhed_danmark": "Sundhed Danmark",
    "hospital_management": "Hospitalsledelse", "other": "Andre",
}

# Seed 001, "Basismedlemmer i alle DMPG'er". Sundhed Danmark is "where relevant", so not required.
BASE_CATEGORIES: tuple[str, ...] = (
    "DPS", "BUP", "FYP", "DSAM", "DP", "DASYS", "patients", "relatives", "hospital_management",
)

TopicKind = Literal["diagnosis", "cross_cutting"]
TOPIC_KIND_LABELS: dict[str, str] = {"diagnosis": "Diagnoseområde", "cross_cutting": "Tværgående emne"}

TOPIC_KIND_CHOICES: dict[str, str] = {"diagnosis": "Diagnoseområde", "cross_cutting": "Tværgående emne"}

DatabaseStatus = Literal["existing", "planned", "none"]
DATABASE_STATUS_LABELS: dict[str, str] = {
    "existing": "Findes",
    "planned": "Planlagt (koordineres med RKKP)",
    "none": "Ingen klinisk kvalitetsdatabase endnu",
}
DATABASE_STATUS_CHOICES: dict[str, str] = {"existing": "Findes", "planned": "Planlagt", "none": "Ingen"}


def normalise_region(value: object) -> object:
    """Accept the code or the display name in any case ('Region Sjælland', 'Sjælland', 'SJAELLAND')."""
    if not isinstance(value, str):
        return value
    folded = fold(value)
    if folded.startswith("region "):
        folded = folded[len("region "):].strip()
    return folded if folded in REGION_NAMES else value


def _by_fold(*tables: dict[str, str], extra: dict[str, str] | None = None) -> dict[str, str]:
    """Folded code, label and choice -> code: what a person may write for a code."""
    found: dict[str, str] = {}
    for table in tables:
        for code, text in table.items():
            found[fold(code)] = code
            found[fold(text)] = code
            found[fold(text.split(" (")[0])] = code  # "Dansk Psykiatrisk Selskab (DPS)" -> its name alone
    return {**found, **{fold(k): v for k, v in (extra or {}).items()}}


_REPRESENTS_BY_FOLD = _by_fold(REPRESENTS_LABELS, REPRESENTS_CHOICES,
                               extra={"patient": "patients", "patientrepræsentant": "patients",
                                      "pårørenderepræsentant": "relatives", "hospitalsledelser": "hospital_management",
                                      "anden": "other", "andet": "other"})
_TOPIC_KIND_BY_FOLD = _by_fold(TOPIC_KIND_LABELS, extra={"diagnose": "diagnosis", "tværgående": "cross_cutting"})
_DATABASE_STATUS_BY_FOLD = _by_fold(DATABASE_STATUS_LABELS, DATABASE_STATUS_CHOICES,
                                    extra={"eksisterende": "existing", "findes ikke": "none"})


def _normaliser(table: dict[str, str]):  # noqa: ANN202 - a pydantic before-validator
    def normalise(value: object) -> object:
        if not isinstance(value, str):
            return value
        return table.get(fold(value), value)

    return normalise


normalise_represents = _normaliser(_REPRESENTS_BY_FOLD)
normalise_represents.__doc__ = ("A seat's code, its Danish label or choice in any case ('dps' -> 'DPS', 'Pårørende' -> "
                                "'relatives'); other values pass through to be refused.")
normalise_topic_kind = _normaliser(_TOPIC_KIND_BY_FOLD)
normalise_database_status = _normaliser(_DATABASE_STATUS_BY_FOLD)

Region = Annotated[RegionCode, BeforeValidator(normalise_region)]
RepresentsCode = Annotated[Represents, BeforeValidator(normalise_represents)]
TopicKindCode = Annotated[TopicKind, BeforeValidator(normalise_topic_kind)]
DatabaseStatusCode = Annotated[DatabaseStatus, BeforeValidator(normalise_database_status)]


# Every choice's code and the word a person reads and writes for it (for messages about a choice).
CHOICE_WORDS: dict[str, str] = {**REGION_NAMES, **REPRESENTS_CHOICES, **TOPIC_KIND_CHOICES, **DATABASE_STATUS_CHOICES}


def represents_name(code: str, *, in_sentence: bool = False) -> str:
    """A seat as a reader knows it: a society by its full name ("Dansk Psykiatrisk Selskab (DPS)"), the
    others by their Danish label, lower-cased inside a sentence ("pårørenderepræsentanter")."""
    name = REPRESENTS_LABELS.get(code, code)
    return name[:1].lower() + name[1:] if in_sentence and code in REPRESENTS_LABELS and not code.isupper() else name


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
