"""Indexes on updated_at: how each worker's openings index finds what changed since it looked.

Revision ID: 20261125_03
Revises: 20261125_02
Create Date: 2026-11-25 18:00:00
"""

from __future__ import annotations

from alembic import op

revision = "20261125_03"
down_revision = "20261125_02"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_index("ix_therapists_updated_at", "therapists", ["updated_at"])
    op.create_index("ix_appointments_updated_at", "appointments", ["updated_at"])


def downgrade() -> None:
    op.drop_index("ix_appointments_updated_at", table_name="appointments")
    op.drop_index("ix_therapists_updated_at", table_name="therapists")
