"""Intake drafts: a browser's answers on the way to a first session, encrypted, for a week.

Revision ID: 20261130_02
Revises: 20261130_01
Create Date: 2026-11-30 10:00:00
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "20261130_02"
down_revision = "20261130_01"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "intake_drafts",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("key_hash", sa.String(length=64), nullable=False),
        sa.Column("user_id", sa.Integer(), nullable=True),
        # encrypted (confide.crypto): every answer, screening and safety ones included
        sa.Column("answers", sa.Text(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("expires_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["user_id"],
            ["users.id"],
            name=op.f("fk_intake_drafts_user_id_users"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_intake_drafts")),
        sa.UniqueConstraint("key_hash", name=op.f("uq_intake_drafts_key_hash")),
    )
    op.create_index(op.f("ix_intake_drafts_user_id"), "intake_drafts", ["user_id"])
    op.create_index(op.f("ix_intake_drafts_expires_at"), "intake_drafts", ["expires_at"])


def downgrade() -> None:
    op.drop_index(op.f("ix_intake_drafts_expires_at"), table_name="intake_drafts")
    op.drop_index(op.f("ix_intake_drafts_user_id"), table_name="intake_drafts")
    op.drop_table("intake_drafts")
