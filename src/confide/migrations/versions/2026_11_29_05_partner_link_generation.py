"""Partner invitation codes work once: each client counts their links and unlinks, the count is
signed into every code they give, and a code whose count has moved on is refused.

Revision ID: 20261129_05
Revises: 20261129_04
Create Date: 2026-11-29 15:30:00
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "20261129_05"
down_revision = "20261129_04"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("clients") as batch:
        batch.add_column(
            sa.Column("link_generation", sa.Integer(), nullable=False, server_default="0")
        )


def downgrade() -> None:
    with op.batch_alter_table("clients") as batch:
        batch.drop_column("link_generation")
