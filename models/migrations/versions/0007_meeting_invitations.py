"""Meetings as calendar invitations: each meeting's time, place and online link, and the SEQUENCE of
its iCalendar invitation (raised when the meeting changes or is cancelled).

Revision ID: 0007
Revises: 0006
Create Date: 2026-12-06

Self-contained (no application imports).
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0007"
down_revision = "0006"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("meetings") as batch:
        batch.add_column(sa.Column("start_time", sa.String(5), nullable=True))
        batch.add_column(sa.Column("place", sa.String(300), nullable=True))
        batch.add_column(sa.Column("online_url", sa.String(500), nullable=True))
        batch.add_column(sa.Column("invitation_sequence", sa.Integer(), nullable=False, server_default="0"))


def downgrade() -> None:
    with op.batch_alter_table("meetings") as batch:
        batch.drop_column("invitation_sequence")
        batch.drop_column("online_url")
        batch.drop_column("place")
        batch.drop_column("start_time")
