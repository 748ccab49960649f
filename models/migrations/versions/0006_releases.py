"""Releases: each proposal records the release (package version and commit) it started under.

Revision ID: 0006
Revises: 0005
Create Date: 2026-12-06

Self-contained (no application imports). A proposal started before this revision has no release
recorded (NULL): ``dmpg status`` and ``dmpg upgrade check`` say so.
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0006"
down_revision = "0005"
branch_labels = None
depends_on = None


# Plain ALTER TABLE, not a batch: SQLite adds and drops a column in place (3.35+), while a batch would
# rebuild ``proposals``, which every other table references.
def upgrade() -> None:
    op.add_column("proposals", sa.Column("release", sa.JSON(), nullable=True))


def downgrade() -> None:
    op.execute("ALTER TABLE proposals DROP COLUMN release")
