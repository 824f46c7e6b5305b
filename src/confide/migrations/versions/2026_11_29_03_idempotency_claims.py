"""Idempotency keys are claimed before the work: a state (in progress, done), the claim's token
and lease, the answer empty until done, and an index to find expired keys.

Revision ID: 20261129_03
Revises: 20261129_02
Create Date: 2026-11-29 12:00:00
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "20261129_03"
down_revision = "20261129_02"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("idempotency_records") as batch:
        # every record so far is a finished request
        batch.add_column(
            sa.Column("state", sa.String(length=12), nullable=False, server_default="done")
        )
        batch.add_column(sa.Column("claim_token", sa.String(length=32), nullable=True))
        batch.add_column(sa.Column("lease_expires_at", sa.DateTime(timezone=True), nullable=True))
    with op.batch_alter_table("idempotency_records") as batch:
        batch.alter_column("state", server_default=None)
        batch.alter_column("status_code", existing_type=sa.Integer(), nullable=True)
        batch.alter_column("response_body", existing_type=sa.Text(), nullable=True)
        batch.create_check_constraint("state", "state IN ('in_progress', 'done')")
        batch.create_check_constraint(
            "claim_has_lease",
            "state <> 'in_progress' OR (claim_token IS NOT NULL AND lease_expires_at IS NOT NULL)",
        )
        batch.create_check_constraint(
            "done_has_answer",
            "state <> 'done' OR (status_code IS NOT NULL AND response_body IS NOT NULL)",
        )
    op.create_index("ix_idempotency_records_created_at", "idempotency_records", ["created_at"])


def downgrade() -> None:
    op.drop_index("ix_idempotency_records_created_at", table_name="idempotency_records")
    # keys still at work have no answer to keep
    op.execute("DELETE FROM idempotency_records WHERE state <> 'done'")
    with op.batch_alter_table("idempotency_records") as batch:
        batch.drop_constraint("done_has_answer", type_="check")
        batch.drop_constraint("claim_has_lease", type_="check")
        batch.drop_constraint("state", type_="check")
        batch.alter_column("response_body", existing_type=sa.Text(), nullable=False)
        batch.alter_column("status_code", existing_type=sa.Integer(), nullable=False)
        batch.drop_column("lease_expires_at")
        batch.drop_column("claim_token")
        batch.drop_column("state")
