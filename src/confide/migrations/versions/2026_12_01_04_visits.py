"""Appointments record who cancelled, when, and whether late; the therapist's attendance mark;
a client's choice to share their intake and screenings with a therapist they booked with.

SQLite: columns are added in place (no batch rebuild, which would drop the overlap triggers);
the check on `cancelled_by` is PostgreSQL's only.

Revision ID: 20261201_04
Revises: 20261130_03
Create Date: 2026-12-01 09:00:00
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "20261201_04"
down_revision = "20261201_03"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.add_column("appointments", sa.Column("cancelled_by", sa.String(16), nullable=True))
    op.add_column(
        "appointments", sa.Column("cancelled_at", sa.DateTime(timezone=True), nullable=True)
    )
    op.add_column(
        "appointments",
        sa.Column("cancelled_late", sa.Boolean(), nullable=False, server_default=sa.false()),
    )
    op.add_column(
        "appointments", sa.Column("attendance_marked_at", sa.DateTime(timezone=True), nullable=True)
    )
    if op.get_bind().dialect.name == "postgresql":
        op.create_check_constraint(
            op.f("ck_appointments_cancelled_by"),
            "appointments",
            "cancelled_by IS NULL OR cancelled_by IN ('client', 'therapist', 'system')",
        )
    op.create_table(
        "therapist_sharing",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("client_id", sa.Integer(), nullable=False),
        sa.Column("therapist_id", sa.Integer(), nullable=False),
        sa.Column("shared_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["client_id"],
            ["clients.id"],
            name=op.f("fk_therapist_sharing_client_id_clients"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["therapist_id"],
            ["therapists.id"],
            name=op.f("fk_therapist_sharing_therapist_id_therapists"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_therapist_sharing")),
        sa.UniqueConstraint(
            "client_id", "therapist_id", name=op.f("uq_therapist_sharing_client_id_therapist_id")
        ),
    )


def downgrade() -> None:
    op.drop_table("therapist_sharing")
    if op.get_bind().dialect.name == "postgresql":
        op.drop_constraint(op.f("ck_appointments_cancelled_by"), "appointments", type_="check")
    for column in ("attendance_marked_at", "cancelled_late", "cancelled_at", "cancelled_by"):
        op.drop_column("appointments", column)
