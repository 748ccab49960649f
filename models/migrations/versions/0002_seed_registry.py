"""Seed the registry with the seven DMPGs of seed 001 ("Igangværende DMPG'er").

Revision ID: 0002
Revises: 0001
Create Date: 2026-11-22

A data migration with the rows written out literally (the same facts as forms.registry.SEED_GROUPS
at the time of writing; a test checks they agree): application code may change later, this file must
not. ICD-10 codes are 3-character categories with ranges expanded, as the overlap check expects.
Downgrade removes exactly these seeded rows (groups added by established proposals stay).
"""

from __future__ import annotations

from datetime import date

import sqlalchemy as sa
from alembic import op

revision = "0002"
down_revision = "0001"
branch_labels = None
depends_on = None

_registry = sa.table(
    "registry",
    sa.column("name", sa.String),
    sa.column("icd_codes", sa.JSON),
    sa.column("database_since", sa.String),
    sa.column("dmpg_since", sa.Date),
    sa.column("note", sa.String),
    sa.column("proposal_id", sa.String),
)


def _range(letter: str, low: int, high: int) -> list[str]:
    return [f"{letter}{n:02d}" for n in range(low, high + 1)]


SEED = [
    {
        "name": "Skizofreni",
        "icd_codes": _range("F", 20, 29),
        "database_since": "2003",
        "dmpg_since": date(2023, 3, 1),
        "note": "Startet som databasestyregruppe 2003; DMPG pr. marts 2023.",
    },
    {
        "name": "Depression",
        "icd_codes": ["F32", "F33"],
        "database_since": "2011",
        "dmpg_since": date(2023, 3, 1),
        "note": "Startet som databasestyregruppe 2011; DMPG marts 2023.",
    },
    {
        "name": "ADHD",
        "icd_codes": ["F90"],
        "database_since": "2013 (børn og unge; voksne fra 2024)",
        "dmpg_since": date(2023, 2, 1),
        "note": (
            "Startet som databasestyregruppe 2013 med fokus på udredning af ADHD hos børn og unge, fra 2021 "
            "inkluderet behandling af børn og unge og fra 2024 udredning og behandling for voksne; DMPG februar 2023."
        ),
    },
    {
        "name": "Bipolar",
        "icd_codes": ["F30", "F31"],
        "database_since": "december 2023",
        "dmpg_since": date(2024, 6, 1),
        "note": "Startet som databasestyregruppe december 2023; DMPG juni 2024.",
    },
    {
        "name": "Rusmidler og psykiatri",
        "icd_codes": _range("F", 10, 19),
        "database_since": "august 2024 (samtidig med DMPG'en)",
        "dmpg_since": date(2024, 8, 1),
        "note": (
            "Integreret tilbud. Startet august 2024 som prøvehandling med samtidig opstart af både "
            "databasestyregruppe og DMPG."
        ),
    },
    {
        "name": "Spiseforstyrrelser",
        "icd_codes": ["F50"],
        "database_since": "juni 2025 (samtidig med DMPG'en)",
        "dmpg_since": date(2025, 6, 1),
        "note": (
            "Startet juni 2025 med samtidig opstart af retningslinjearbejde og etablering af database. "
            "Dækker anoreksi, bulimi og binge eating disorder (tvangsspisning)."
        ),
    },
    {
        "name": "ECT / Stimulationsbehandling",
        "icd_codes": [],
        "database_since": None,
        "dmpg_since": date(2025, 11, 1),
        "note": (
            "Starter november 2025. Behandling med ECT og TMS, eventuelt flere stimulationsindsatser "
            "(ingen diagnosekoder)."
        ),
    },
]


def upgrade() -> None:
    # Skip a name that is already there (someone registered it by hand before this ran).
    existing = {row[0] for row in op.get_bind().execute(sa.select(_registry.c.name))}
    op.bulk_insert(_registry, [dict(row, proposal_id=None) for row in SEED if row["name"] not in existing])


def downgrade() -> None:
    op.execute(
        _registry.delete().where(
            _registry.c.name.in_([row["name"] for row in SEED]), _registry.c.proposal_id.is_(None)
        )
    )
