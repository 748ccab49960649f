"""Meetings: a body's dated meetings, their agendas and their documents.

Revision ID: 0005
Revises: 0004
Create Date: 2026-11-30

Self-contained (no application imports).
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0005"
down_revision = "0004"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "meetings",
        sa.Column("id", sa.String(64), primary_key=True),
        sa.Column("body", sa.String(32), nullable=False),
        sa.Column("date", sa.Date(), nullable=False),
        sa.Column("status", sa.String(24), nullable=False),
        sa.Column("pack_flow_run_id", sa.String(64), nullable=True),
        sa.Column("pack_at", sa.DateTime(), nullable=True),
        sa.Column("minutes", sa.JSON(), nullable=True),
        sa.Column("minutes_by", sa.String(320), nullable=True),
        sa.Column("minutes_at", sa.DateTime(), nullable=True),
        sa.Column("approved_by", sa.String(320), nullable=True),
        sa.Column("approved_at", sa.DateTime(), nullable=True),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.Column("updated_at", sa.DateTime(), nullable=False),
    )
    op.create_index("ix_meetings_body", "meetings", ["body"])
    op.create_index("ix_meetings_status", "meetings", ["status"])
    op.create_table(
        "meeting_items",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("meeting_id", sa.String(64), sa.ForeignKey("meetings.id"), nullable=False),
        sa.Column("proposal_id", sa.String(32), sa.ForeignKey("proposals.id"), nullable=False),
        sa.Column("gate", sa.String(32), nullable=False),
        sa.Column("round", sa.Integer(), nullable=False),
        sa.Column("position", sa.Integer(), nullable=False),
        sa.Column("source", sa.String(16), nullable=False),
        sa.Column("added_at", sa.DateTime(), nullable=False),
        sa.UniqueConstraint("meeting_id", "proposal_id", name="uq_meeting_item"),
    )
    op.create_index("ix_meeting_items_meeting_id", "meeting_items", ["meeting_id"])
    op.create_index("ix_meeting_items_proposal_id", "meeting_items", ["proposal_id"])
    op.create_table(
        "meeting_documents",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("meeting_id", sa.String(64), sa.ForeignKey("meetings.id"), nullable=False),
        sa.Column("kind", sa.String(48), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column("basis", sa.String(64), nullable=False),
        sa.Column("path", sa.String(), nullable=False),
        sa.Column("sha256", sa.String(64), nullable=False),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.UniqueConstraint("meeting_id", "kind", "version", name="uq_meeting_document_version"),
    )
    op.create_index("ix_meeting_documents_meeting_id", "meeting_documents", ["meeting_id"])


def downgrade() -> None:
    op.drop_index("ix_meeting_documents_meeting_id", table_name="meeting_documents")
    op.drop_table("meeting_documents")
    op.drop_index("ix_meeting_items_proposal_id", table_name="meeting_items")
    op.drop_index("ix_meeting_items_meeting_id", table_name="meeting_items")
    op.drop_table("meeting_items")
    op.drop_index("ix_meetings_status", table_name="meetings")
    op.drop_index("ix_meetings_body", table_name="meetings")
    op.drop_table("meetings")
