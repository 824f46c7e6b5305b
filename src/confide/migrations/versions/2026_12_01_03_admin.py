"""Admin: match answers counted per minute (network health), a safety flag's escalation, a
plan's retirement.

Revision ID: 20261201_03
Revises: 20261130_03
Create Date: 2026-12-01 09:00:00
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "20261201_03"
down_revision = "20261201_01"
branch_labels = None
depends_on = None

WHEN = sa.DateTime(timezone=True)


def upgrade() -> None:
    op.create_table(
        "match_tallies",
        sa.Column("minute", WHEN, nullable=False),
        sa.Column("answers", sa.Integer(), nullable=False),
        sa.Column("offered", sa.Integer(), nullable=False),
        sa.Column("within_48_hours", sa.Integer(), nullable=False),
        sa.Column("within_10_business_days", sa.Integer(), nullable=False),
        sa.CheckConstraint(
            "answers >= offered AND offered >= within_10_business_days "
            "AND within_10_business_days >= within_48_hours AND within_48_hours >= 0",
            name=op.f("ck_match_tallies_counts_nested"),
        ),
        sa.PrimaryKeyConstraint("minute", name=op.f("pk_match_tallies")),
    )
    with op.batch_alter_table("safety_flags", schema=None) as batch_op:
        batch_op.add_column(sa.Column("escalated_at", WHEN, nullable=True))
    with op.batch_alter_table("plans", schema=None) as batch_op:
        batch_op.add_column(sa.Column("retired_at", WHEN, nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("plans", schema=None) as batch_op:
        batch_op.drop_column("retired_at")
    with op.batch_alter_table("safety_flags", schema=None) as batch_op:
        batch_op.drop_column("escalated_at")
    op.drop_table("match_tallies")
