"""Screening responses (encrypted FHIR answers and totals) and safety flags for clinicians.

Revision ID: 20261130_01
Revises: 20261129_05
Create Date: 2026-11-30 09:00:00
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "20261130_01"
down_revision = "20261129_05"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "screening_responses",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("client_id", sa.Integer(), nullable=False),
        sa.Column("answered_at", sa.DateTime(timezone=True), nullable=False),
        # encrypted (confide.crypto): everything but who and when
        sa.Column("instrument", sa.Text(), nullable=False),
        sa.Column("total", sa.Text(), nullable=False),
        sa.Column("band", sa.Text(), nullable=False),
        sa.Column("positive", sa.Text(), nullable=False),
        sa.Column("flags", sa.Text(), nullable=False),
        sa.Column("questionnaire_response", sa.Text(), nullable=False),
        sa.Column("observation", sa.Text(), nullable=False),
        sa.ForeignKeyConstraint(
            ["client_id"],
            ["clients.id"],
            name=op.f("fk_screening_responses_client_id_clients"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_screening_responses")),
    )
    op.create_index(
        "ix_screening_responses_client_answered",
        "screening_responses",
        ["client_id", "answered_at"],
    )
    op.create_table(
        "safety_flags",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("client_id", sa.Integer(), nullable=False),
        sa.Column("kind", sa.String(length=40), nullable=False),
        sa.Column("raised_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("source", sa.Text(), nullable=False),  # encrypted
        sa.Column("acknowledged_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("acknowledged_by", sa.Integer(), nullable=True),
        sa.Column("note", sa.Text(), nullable=True),  # encrypted
        sa.CheckConstraint("kind IN ('self_harm_risk')", name=op.f("ck_safety_flags_kind")),
        sa.ForeignKeyConstraint(
            ["client_id"],
            ["clients.id"],
            name=op.f("fk_safety_flags_client_id_clients"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["acknowledged_by"],
            ["users.id"],
            name=op.f("fk_safety_flags_acknowledged_by_users"),
            ondelete="SET NULL",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_safety_flags")),
    )
    op.create_index("ix_safety_flags_client_raised", "safety_flags", ["client_id", "raised_at"])
    op.create_index("ix_safety_flags_open", "safety_flags", ["acknowledged_at", "raised_at"])


def downgrade() -> None:
    op.drop_index("ix_safety_flags_open", table_name="safety_flags")
    op.drop_index("ix_safety_flags_client_raised", table_name="safety_flags")
    op.drop_table("safety_flags")
    op.drop_index("ix_screening_responses_client_answered", table_name="screening_responses")
    op.drop_table("screening_responses")
