"""Decision links: one row per signed link mailed to a person who may decide.

Revision ID: 0004
Revises: 0003
Create Date: 2026-11-30

Self-contained (no application imports).
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0004"
down_revision = "0003"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "decision_links",
        sa.Column("id", sa.String(32), primary_key=True),
        sa.Column("purpose", sa.String(16), nullable=False),
        sa.Column("proposal_id", sa.String(32), sa.ForeignKey("proposals.id"), nullable=True),
        sa.Column("gate", sa.String(32), nullable=True),
        sa.Column("round", sa.Integer(), nullable=True),
        sa.Column("meeting_id", sa.String(64), nullable=True),
        sa.Column("recipient", sa.String(320), nullable=False),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.Column("expires_at", sa.DateTime(), nullable=False),
        sa.Column("used_at", sa.DateTime(), nullable=True),
    )
    op.create_index("ix_decision_links_proposal_id", "decision_links", ["proposal_id"])
    op.create_index("ix_decision_links_meeting_id", "decision_links", ["meeting_id"])


def downgrade() -> None:
    op.drop_index("ix_decision_links_meeting_id", table_name="decision_links")
    op.drop_index("ix_decision_links_proposal_id", table_name="decision_links")
    op.drop_table("decision_links")
