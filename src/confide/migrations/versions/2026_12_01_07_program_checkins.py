"""Weekly check-ins in the couples program (scores encrypted), each partner's choice to share
them with the other, and the couple's consent to show them to their therapist (kept as history).

Revision ID: 20261201_07
Revises: 20261201_06
Create Date: 2026-12-01 10:00:00
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "20261201_07"
down_revision = "20261201_06"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "program_check_ins",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("space_id", sa.Integer(), nullable=False),
        sa.Column("client_id", sa.Integer(), nullable=False),
        sa.Column("week", sa.Integer(), nullable=False),
        sa.Column("answered_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("scores", sa.Text(), nullable=False),
        sa.Column("mood_screening_id", sa.Integer(), nullable=False),
        sa.Column("worry_screening_id", sa.Integer(), nullable=False),
        sa.CheckConstraint("week >= 1", name=op.f("ck_program_check_ins_week")),
        sa.ForeignKeyConstraint(
            ["client_id"],
            ["clients.id"],
            name=op.f("fk_program_check_ins_client_id_clients"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["mood_screening_id"],
            ["screening_responses.id"],
            name=op.f("fk_program_check_ins_mood_screening_id_screening_responses"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["space_id"],
            ["program_spaces.id"],
            name=op.f("fk_program_check_ins_space_id_program_spaces"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["worry_screening_id"],
            ["screening_responses.id"],
            name=op.f("fk_program_check_ins_worry_screening_id_screening_responses"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_program_check_ins")),
        sa.UniqueConstraint(
            "space_id",
            "client_id",
            "week",
            name=op.f("uq_program_check_ins_space_id_client_id_week"),
        ),
    )
    op.create_table(
        "program_check_in_sharing",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("space_id", sa.Integer(), nullable=False),
        sa.Column("client_id", sa.Integer(), nullable=False),
        sa.Column("with_partner", sa.Boolean(), nullable=False),
        sa.Column("changed_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["client_id"],
            ["clients.id"],
            name=op.f("fk_program_check_in_sharing_client_id_clients"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["space_id"],
            ["program_spaces.id"],
            name=op.f("fk_program_check_in_sharing_space_id_program_spaces"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_program_check_in_sharing")),
        sa.UniqueConstraint(
            "space_id", "client_id", name=op.f("uq_program_check_in_sharing_space_id_client_id")
        ),
    )
    op.create_table(
        "program_therapist_consents",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("space_id", sa.Integer(), nullable=False),
        sa.Column("client_id", sa.Integer(), nullable=False),
        sa.Column("therapist_id", sa.Integer(), nullable=False),
        sa.Column("given_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("withdrawn_at", sa.DateTime(timezone=True), nullable=True),
        sa.ForeignKeyConstraint(
            ["client_id"],
            ["clients.id"],
            name=op.f("fk_program_therapist_consents_client_id_clients"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["space_id"],
            ["program_spaces.id"],
            name=op.f("fk_program_therapist_consents_space_id_program_spaces"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["therapist_id"],
            ["therapists.id"],
            name=op.f("fk_program_therapist_consents_therapist_id_therapists"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_program_therapist_consents")),
    )
    with op.batch_alter_table("program_therapist_consents", schema=None) as batch_op:
        batch_op.create_index(
            "ix_program_therapist_consents_space",
            ["space_id", "client_id", "withdrawn_at"],
            unique=False,
        )


def downgrade() -> None:
    with op.batch_alter_table("program_therapist_consents", schema=None) as batch_op:
        batch_op.drop_index("ix_program_therapist_consents_space")

    op.drop_table("program_therapist_consents")
    op.drop_table("program_check_in_sharing")
    op.drop_table("program_check_ins")
