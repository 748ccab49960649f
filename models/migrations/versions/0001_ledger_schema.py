"""The ledger's schema: proposals, audit trail, decisions, documents, outbox, roster, registry.

Revision ID: 0001
Revises:
Create Date: 2026-11-22

Self-contained: never import application code here (it changes; this file must not). The tables
mirror models/tables.py as of this revision; tests/ledger checks that head and the models agree.
Types are portable (SQLite by default, PostgreSQL in production): timestamps are naive UTC.
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0001"
down_revision = None
branch_labels = None
depends_on = None


def _proposal_fk(nullable: bool = False) -> sa.Column:
    return sa.Column("proposal_id", sa.String(32), sa.ForeignKey("proposals.id"), nullable=nullable)


def upgrade() -> None:
    op.create_table(
        "proposals",
        sa.Column("id", sa.String(32), primary_key=True),
        sa.Column("title", sa.String(), nullable=False),
        sa.Column("slug", sa.String(120), nullable=False),
        sa.Column("stage", sa.String(32), nullable=False),
        sa.Column("form", sa.JSON(), nullable=False),
        sa.Column("flow_run_id", sa.String(64), nullable=True),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.Column("updated_at", sa.DateTime(), nullable=False),
    )
    op.create_index("ix_proposals_stage", "proposals", ["stage"])
    op.create_index("ix_proposals_flow_run_id", "proposals", ["flow_run_id"])

    op.create_table(
        "stage_events",
        sa.Column("id", sa.Integer(), primary_key=True),
        _proposal_fk(),
        sa.Column("key", sa.String(255), nullable=False, unique=True),
        sa.Column("at", sa.DateTime(), nullable=False),
        sa.Column("kind", sa.String(48), nullable=False),
        sa.Column("stage", sa.String(32), nullable=True),
        sa.Column("gate", sa.String(32), nullable=True),
        sa.Column("round", sa.Integer(), nullable=True),
        sa.Column("by", sa.String(320), nullable=True),
        sa.Column("detail", sa.JSON(), nullable=False),
    )
    op.create_index("ix_stage_events_proposal_id", "stage_events", ["proposal_id"])

    op.create_table(
        "decisions",
        sa.Column("id", sa.Integer(), primary_key=True),
        _proposal_fk(),
        sa.Column("gate", sa.String(32), nullable=False),
        sa.Column("round", sa.Integer(), nullable=False),
        sa.Column("outcome", sa.String(48), nullable=False),
        sa.Column("payload", sa.JSON(), nullable=False),
        sa.Column("recorded_by", sa.String(320), nullable=False),
        sa.Column("at", sa.DateTime(), nullable=False),
        sa.UniqueConstraint("proposal_id", "gate", "round", name="uq_decision_gate_round"),
    )
    op.create_index("ix_decisions_proposal_id", "decisions", ["proposal_id"])

    op.create_table(
        "documents",
        sa.Column("id", sa.Integer(), primary_key=True),
        _proposal_fk(),
        sa.Column("kind", sa.String(48), nullable=False),
        sa.Column("round", sa.Integer(), nullable=False),
        sa.Column("recipient", sa.String(320), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column("path", sa.String(), nullable=False),
        sa.Column("sha256", sa.String(64), nullable=False),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.UniqueConstraint("proposal_id", "kind", "round", "recipient", "version", name="uq_document_version"),
    )
    op.create_index("ix_documents_proposal_id", "documents", ["proposal_id"])

    op.create_table(
        "notifications",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("key", sa.String(400), nullable=False, unique=True),
        _proposal_fk(nullable=True),
        sa.Column("kind", sa.String(48), nullable=False),
        sa.Column("round", sa.Integer(), nullable=False),
        sa.Column("recipient", sa.String(320), nullable=False),
        sa.Column("subject", sa.String(), nullable=False),
        sa.Column("body_text", sa.String(), nullable=False),
        sa.Column("body_html", sa.String(), nullable=False),
        sa.Column("attachments", sa.JSON(), nullable=False),
        sa.Column("status", sa.String(16), nullable=False),
        sa.Column("attempts", sa.Integer(), nullable=False),
        sa.Column("last_error", sa.String(), nullable=True),
        sa.Column("next_attempt_at", sa.DateTime(), nullable=True),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.Column("sent_at", sa.DateTime(), nullable=True),
    )
    op.create_index("ix_notifications_proposal_id", "notifications", ["proposal_id"])
    op.create_index("ix_notifications_status", "notifications", ["status"])

    op.create_table(
        "roster_people",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("body", sa.String(32), nullable=False),
        sa.Column("name", sa.String(), nullable=False),
        sa.Column("email", sa.String(320), nullable=False),
        sa.UniqueConstraint("body", "email", name="uq_roster_body_email"),
    )
    op.create_index("ix_roster_people_body", "roster_people", ["body"])
    op.create_index("ix_roster_people_email", "roster_people", ["email"])

    op.create_table(
        "organisations",
        sa.Column("code", sa.String(32), primary_key=True),
        sa.Column("name", sa.String(), nullable=False),
        sa.Column("email", sa.String(320), nullable=False),
    )

    op.create_table(
        "registry",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("name", sa.String(200), nullable=False, unique=True),
        sa.Column("icd_codes", sa.JSON(), nullable=False),
        sa.Column("database_since", sa.String(), nullable=True),
        sa.Column("dmpg_since", sa.Date(), nullable=False),
        sa.Column("note", sa.String(), nullable=True),
        _proposal_fk(nullable=True),
    )


def downgrade() -> None:
    # Children before parents (foreign keys); indexes go with their tables.
    for table in ("registry", "organisations", "roster_people", "notifications", "documents",
                  "decisions", "stage_events", "proposals"):
        op.drop_table(table)
