"""The privacy log: every export, erasure and retention run over personal data (dmpg.services.persondata).

Revision ID: 0008
Revises: 0007
Create Date: 2026-12-06

Self-contained (no application imports).
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0008"
down_revision = "0007"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "privacy_actions",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("at", sa.DateTime(), nullable=False),
        sa.Column("action", sa.String(16), nullable=False),
        sa.Column("subject", sa.String(320), nullable=False),
        sa.Column("by", sa.String(320), nullable=False),
        sa.Column("detail", sa.JSON(), nullable=False),
    )
    op.create_index("ix_privacy_actions_subject", "privacy_actions", ["subject"])


def downgrade() -> None:
    op.drop_index("ix_privacy_actions_subject", table_name="privacy_actions")
    op.drop_table("privacy_actions")
