"""A version stamp per kind of reference data kept in memory (plans), so every process learns
of an admin's change to the plans by reading one row.

Revision ID: 20261202_01
Revises: 20261201_07
Create Date: 2026-12-02 09:00:00
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "20261202_01"
down_revision = "20261201_07"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "reference_versions",
        sa.Column("name", sa.String(length=40), nullable=False),
        sa.Column("version", sa.String(length=32), nullable=False),
        sa.Column("changed_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("name", name=op.f("pk_reference_versions")),
    )


def downgrade() -> None:
    op.drop_table("reference_versions")
