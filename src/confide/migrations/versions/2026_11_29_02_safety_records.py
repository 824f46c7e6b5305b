"""Safety records: each client's private answers on partner violence and self-harm risk.

Revision ID: 20261129_02
Revises: 20261129_01
Create Date: 2026-11-29 10:30:00
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "20261129_02"
down_revision = "20261129_01"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "safety_records",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("client_id", sa.Integer(), nullable=False),
        # encrypted (confide.crypto): the flags as well as the text
        sa.Column("partner_violence", sa.Text(), nullable=False),
        sa.Column("self_harm_risk", sa.Text(), nullable=False),
        sa.Column("recorded_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("source", sa.Text(), nullable=False),
        sa.Column("detail", sa.Text(), nullable=True),
        sa.ForeignKeyConstraint(
            ["client_id"],
            ["clients.id"],
            name=op.f("fk_safety_records_client_id_clients"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_safety_records")),
    )
    op.create_index(
        "ix_safety_records_client_recorded", "safety_records", ["client_id", "recorded_at"]
    )


def downgrade() -> None:
    op.drop_index("ix_safety_records_client_recorded", table_name="safety_records")
    op.drop_table("safety_records")
