"""How a decision was recorded (channel, identity), the lifecycle's journal, ledger facts.

Revision ID: 0003
Revises: 0002
Create Date: 2026-11-30

Self-contained (no application imports). Existing decisions were all entered through the Prefect
UI's resume or the command line by the secretariat: they get channel 'prefect-ui' and identity
'secretariat', which is what they were.
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0003"
down_revision = "0002"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("decisions") as batch:
        batch.add_column(sa.Column("channel", sa.String(16), nullable=False, server_default="prefect-ui"))
        batch.add_column(sa.Column("identity", sa.String(16), nullable=False, server_default="secretariat"))
        batch.add_column(sa.Column("detail", sa.JSON(), nullable=False, server_default="{}"))

    op.create_table(
        "journal",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("proposal_id", sa.String(32), sa.ForeignKey("proposals.id"), nullable=False),
        sa.Column("key", sa.String(255), nullable=False, unique=True),
        sa.Column("result", sa.JSON(), nullable=True),
        sa.Column("at", sa.DateTime(), nullable=False),
    )
    op.create_index("ix_journal_proposal_id", "journal", ["proposal_id"])

    op.create_table(
        "ledger_meta",
        sa.Column("key", sa.String(64), primary_key=True),
        sa.Column("value", sa.String(), nullable=False),
    )


def downgrade() -> None:
    op.drop_table("ledger_meta")
    op.drop_index("ix_journal_proposal_id", table_name="journal")
    op.drop_table("journal")
    with op.batch_alter_table("decisions") as batch:
        batch.drop_column("detail")
        batch.drop_column("identity")
        batch.drop_column("channel")
