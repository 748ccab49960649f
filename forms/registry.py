"""The established DMPGs (seed 001, "Igangværende DMPG'er") and overlap of a proposal with them.

Plain data and pure functions: the ledger (``models``) stores the registry and seeds it from
:data:`SEED_GROUPS`; the premise check asks :func:`find_overlaps` whether a proposed topic is already
covered, by name (same or contained, ignoring case, punctuation and æ/ø/å spelling) or by shared
ICD-10 categories (``F32.1`` belongs to ``F32``; ranges such as ``F20–F29`` are expanded).
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import date

from core.text import fold
from forms.proposal import ProposalForm


@dataclass
class RegistryEntry:
    """One established DMPG. ``icd_codes`` are 3-character ICD-10 categories (ranges expanded)."""

    name: str
    icd_codes: list[str] = field(default_factory=list)
    database_since: str | None = None  # Danish free text: when the clinical quality database started
    dmpg_since: date = date(2023, 1, 1)
    note: str | None = None


# --- ICD-10 codes -------------------------------------------------------------------------------

_CODE = re.compile(r"^([A-Z])(\d{2})")


def icd_category(code: str) -> str | None:
    """``'F32.1'``/``'f321'``/``' F32 '`` -> ``'F32'``; None when it is not an ICD-10 code."""
    match = _CODE.match(code.strip().upper().replace(".", ""))
    return f"{match.group(1)}{match.group(2)}" if match else None


def expand_icd_codes(codes: Iterable[str]) -> list[str]:
    """Codes and ranges (``F20–F29``, ``F32-F33``, ``F32.0-F32.9``) as unique 3-character categories,
    in the order given. Text that is not an ICD-10 code is dropped (a group such as ECT has no diagnosis codes).
    """
    out: list[str] = []
    for raw in codes:
        joined = re.sub(r"\s*[–—-]\s*", "-", raw.strip())  # 'F32 – F33' -> 'F32-F33'
        for part in re.split(r"[,;\s]+", joined):
            ends = [p for p in part.split("-") if p]
            cats = [icd_category(p) for p in ends]
            if len(cats) == 2 and cats[0] and cats[1] and cats[0][0] == cats[1][0]:
                letter, lo, hi = cats[0][0], int(cats[0][1:]), int(cats[1][1:])
                lo, hi = min(lo, hi), max(lo, hi)
                cats = [f"{letter}{n:02d}" for n in range(lo, hi + 1)]
            for cat in cats:
                if cat and cat not in out:
                    out.append(cat)
    return out


# --- the seven groups of seed 001 ---------------------------------------------------------------

SEED_GROUPS: list[RegistryEntry] = [
    RegistryEntry(
        name="Skizofreni",
        icd_codes=expand_icd_codes(["F20–F29"]),
        database_since="2003",
        dmpg_since=date(2023, 3, 1),
        note="Startet som databasestyregruppe 2003; DMPG pr. marts 2023.",
    ),
    RegistryEntry(
        name="Depression",
        icd_codes=expand_icd_codes(["F32–F33"]),
        database_since="2011",
        dmpg_since=date(2023, 3, 1),
        note="Startet som databasestyregruppe 2011; DMPG marts 2023.",
    ),
    RegistryEntry(
        name="ADHD",
        icd_codes=expand_icd_codes(["F90"]),
        database_since="2013 (børn og unge; voksne fra 2024)",
        dmpg_since=date(2023, 2, 1),
        note=(
            "Startet som databasestyregruppe 2013 med fokus på udredning af ADHD hos børn og unge, fra 2021 "
            "inkluderet behandling af børn og unge og fra 2024 udredning og behandling for voksne; DMPG februar 2023."
        ),
    ),
    RegistryEntry(
        name="Bipolar",
        icd_codes=expand_icd_codes(["F30–F31"]),
        database_since="december 2023",
        dmpg_since=date(2024, 6, 1),
        note="Startet som databasestyregruppe december 2023; DMPG juni 2024.",
    ),
    RegistryEntry(
        name="Rusmidler og psykiatri",
        icd_codes=expand_icd_codes(["F10–F19"]),
        database_since="august 2024 (samtidig med DMPG'en)",
        dmpg_since=date(2024, 8, 1),
        note=(
            "Integreret tilbud. Startet august 2024 som prøvehandling med samtidig opstart af både "
            "databasestyregruppe og DMPG."
        ),
    ),
    RegistryEntry(
        name="Spiseforstyrrelser",
        icd_codes=expand_icd_codes(["F50"]),
        database_since="juni 2025 (samtidig med DMPG'en)",
        dmpg_since=date(2025, 6, 1),
        note=(
            "Startet juni 2025 med samtidig opstart af retningslinjearbejde og etablering af database. "
            "Dækker anoreksi, bulimi og binge eating disorder (tvangsspisning)."
        ),
    ),
    RegistryEntry(
        name="ECT / Stimulationsbehandling",
        icd_codes=[],
        database_since=None,
        dmpg_since=date(2025, 11, 1),
        note=(
            "Starter november 2025. Behandling med ECT og TMS, eventuelt flere stimulationsindsatser "
            "(ingen diagnosekoder)."
        ),
    ),
]


# Seed 001, "Faseopdelt proces": the phase of the DMPG project each seeded group started in. Groups the
# engine establishes come after the project, in the permanent organisation (from 2026).
SEED_PHASES: dict[str, str] = {
    "Skizofreni": "Fase 1", "Depression": "Fase 1", "ADHD": "Fase 1",
    "Bipolar": "Fase 2", "Rusmidler og psykiatri": "Fase 2",
    "Spiseforstyrrelser": "Fase 3", "ECT / Stimulationsbehandling": "Fase 3",
}
PERMANENT_PHASE = "Permanent (fra 2026)"

# Seed 001, fase 3: the topics proposed or given input on that are not groups yet.
CANDIDATE_TOPICS: tuple[str, ...] = (
    "Retspsykiatri",
    "Hurtig opstart af behandling og tryg opfølgning i børne- og ungdomspsykiatrien",
    "Prædiagnostisk indsats",
    "Angst og OCD",
    "Personlighedsforstyrrelser",
    "PTSD",
)


def phase_of(group_name: str) -> str:
    """The phase a registry group started in: seed 001's ("Fase 1" … "Fase 3"), or the permanent
    organisation's for a group established since."""
    return SEED_PHASES.get(group_name, PERMANENT_PHASE)


# --- overlap ------------------------------------------------------------------------------------

# Short names (ADHD, ECT) must match as whole words; longer ones also inside Danish compounds
# ("Spiseforstyrrelse" in "Spiseforstyrrelser", "Depression" in "Depressionsbehandling").
_MIN_SUBSTRING = 6


def normalise_name(text: str) -> str:
    """Lower case, æ/ø/å folded, '&' as 'og', punctuation as spaces.

    ``'ECT / Stimulations-behandling'`` -> ``'ect stimulations behandling'``.
    """
    return " ".join(re.sub(r"[^a-z0-9]+", " ", fold(text.replace("&", " og "))).split())


def _names_overlap(a: str, b: str) -> bool:
    if not a or not b:
        return False
    if f" {a} " in f" {b} " or f" {b} " in f" {a} ":
        return True
    shorter, longer = sorted((a, b), key=len)
    return len(shorter) >= _MIN_SUBSTRING and shorter in longer


def same_topic(a: str, b: str) -> bool:
    """Whether two names are the same topic by the overlap check's name rule ("Angst og OCD" and
    "Angst & OCD"; "Spiseforstyrrelse" in "Spiseforstyrrelser")."""
    return _names_overlap(normalise_name(a), normalise_name(b))


def overlap_reason(form: ProposalForm, group: RegistryEntry) -> str | None:
    """Why ``form`` overlaps ``group`` (Danish, for the finding's message), or None when it does not.

    A group named ``'A / B'`` is known under both parts as well as its whole name.
    """
    title = normalise_name(form.title)
    aliases = {normalise_name(group.name)} | {normalise_name(p) for p in group.name.split("/")}
    if any(_names_overlap(title, alias) for alias in aliases):
        return f"{group.name} (navnet)"
    form_codes = expand_icd_codes(form.topic.icd_codes) if form.topic else []
    shared = [c for c in form_codes if c in set(expand_icd_codes(group.icd_codes))]
    if shared:
        return f"{group.name} (fælles ICD-10-koder: {', '.join(shared)})"
    return None


def find_overlaps(form: ProposalForm, groups: Sequence[RegistryEntry]) -> list[str]:
    """Names of the groups in ``groups`` that already cover the form's topic, in registry order."""
    return [g.name for g in groups if overlap_reason(form, g) is not None]
