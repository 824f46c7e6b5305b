"""The couples trust-repair program: spaces, members, step progress, items, apologies,
commitments, needs agreements and communication turns (written text encrypted).

Revision ID: 20261201_06
Revises: 20261130_03
Create Date: 2026-12-01 09:00:00
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "20261201_06"
down_revision = "20261201_05"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "program_spaces",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("started_by", sa.Integer(), nullable=False),
        sa.Column("invited", sa.Integer(), nullable=False),
        sa.Column("status", sa.String(length=16), nullable=False),
        sa.Column("ended_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("end_reason", sa.String(length=16), nullable=True),
        sa.CheckConstraint(
            "end_reason IS NULL OR end_reason IN ('left', 'unlinked', 'declined')",
            name=op.f("ck_program_spaces_end_reason"),
        ),
        sa.CheckConstraint(
            "status IN ('waiting', 'active', 'ended')", name=op.f("ck_program_spaces_status")
        ),
        sa.ForeignKeyConstraint(
            ["invited"],
            ["clients.id"],
            name=op.f("fk_program_spaces_invited_clients"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["started_by"],
            ["clients.id"],
            name=op.f("fk_program_spaces_started_by_clients"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_program_spaces")),
    )
    op.create_table(
        "program_agreements",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("space_id", sa.Integer(), nullable=False),
        sa.Column("proposed_by", sa.Integer(), nullable=False),
        sa.Column("need", sa.Text(), nullable=False),
        sa.Column("review_on", sa.Date(), nullable=False),
        sa.Column("status", sa.String(length=12), nullable=False),
        sa.Column("revises_id", sa.Integer(), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("answered_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("ended_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("ended_by", sa.Integer(), nullable=True),
        sa.CheckConstraint(
            "status IN ('proposed', 'accepted', 'declined', 'withdrawn', 'ended')",
            name=op.f("ck_program_agreements_status"),
        ),
        sa.ForeignKeyConstraint(
            ["ended_by"],
            ["clients.id"],
            name=op.f("fk_program_agreements_ended_by_clients"),
            ondelete="SET NULL",
        ),
        sa.ForeignKeyConstraint(
            ["proposed_by"],
            ["clients.id"],
            name=op.f("fk_program_agreements_proposed_by_clients"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["revises_id"],
            ["program_agreements.id"],
            name=op.f("fk_program_agreements_revises_id_program_agreements"),
            ondelete="SET NULL",
        ),
        sa.ForeignKeyConstraint(
            ["space_id"],
            ["program_spaces.id"],
            name=op.f("fk_program_agreements_space_id_program_spaces"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_program_agreements")),
    )
    op.create_table(
        "program_apologies",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("space_id", sa.Integer(), nullable=False),
        sa.Column("author_id", sa.Integer(), nullable=False),
        sa.Column("parts", sa.Text(), nullable=False),
        sa.Column("status", sa.String(length=12), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("offered_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("answered_at", sa.DateTime(timezone=True), nullable=True),
        sa.CheckConstraint(
            "status IN ('draft', 'offered', 'accepted', 'declined', 'deferred')",
            name=op.f("ck_program_apologies_status"),
        ),
        sa.ForeignKeyConstraint(
            ["author_id"],
            ["clients.id"],
            name=op.f("fk_program_apologies_author_id_clients"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["space_id"],
            ["program_spaces.id"],
            name=op.f("fk_program_apologies_space_id_program_spaces"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_program_apologies")),
    )
    op.create_table(
        "program_commitments",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("space_id", sa.Integer(), nullable=False),
        sa.Column("author_id", sa.Integer(), nullable=False),
        sa.Column("promise", sa.Text(), nullable=False),
        sa.Column("due_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("status", sa.String(length=8), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("marked_by", sa.Integer(), nullable=True),
        sa.Column("marked_at", sa.DateTime(timezone=True), nullable=True),
        sa.CheckConstraint(
            "status IN ('open', 'kept', 'missed')", name=op.f("ck_program_commitments_status")
        ),
        sa.ForeignKeyConstraint(
            ["author_id"],
            ["clients.id"],
            name=op.f("fk_program_commitments_author_id_clients"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["marked_by"],
            ["clients.id"],
            name=op.f("fk_program_commitments_marked_by_clients"),
            ondelete="SET NULL",
        ),
        sa.ForeignKeyConstraint(
            ["space_id"],
            ["program_spaces.id"],
            name=op.f("fk_program_commitments_space_id_program_spaces"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_program_commitments")),
    )
    with op.batch_alter_table("program_commitments", schema=None) as batch_op:
        batch_op.create_index("ix_program_commitments_space", ["space_id", "due_at"], unique=False)

    op.create_table(
        "program_items",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("space_id", sa.Integer(), nullable=False),
        sa.Column("author_id", sa.Integer(), nullable=False),
        sa.Column("step", sa.Integer(), nullable=False),
        sa.Column("kind", sa.String(length=24), nullable=False),
        sa.Column("visibility", sa.String(length=8), nullable=False),
        sa.Column("body", sa.Text(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("shared_at", sa.DateTime(timezone=True), nullable=True),
        sa.CheckConstraint(
            "kind IN ('acknowledgement', 'responsibility', 'shared_goal', 'time_together', 'small_gesture', 'question', 'note')",
            name=op.f("ck_program_items_kind"),
        ),
        sa.CheckConstraint(
            "visibility IN ('private', 'shared')", name=op.f("ck_program_items_visibility")
        ),
        sa.CheckConstraint("step BETWEEN 1 AND 8", name=op.f("ck_program_items_step")),
        sa.ForeignKeyConstraint(
            ["author_id"],
            ["clients.id"],
            name=op.f("fk_program_items_author_id_clients"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["space_id"],
            ["program_spaces.id"],
            name=op.f("fk_program_items_space_id_program_spaces"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_program_items")),
    )
    with op.batch_alter_table("program_items", schema=None) as batch_op:
        batch_op.create_index("ix_program_items_space", ["space_id", "author_id"], unique=False)

    op.create_table(
        "program_members",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("space_id", sa.Integer(), nullable=False),
        sa.Column("client_id", sa.Integer(), nullable=False),
        sa.Column("role", sa.String(length=16), nullable=False),
        sa.Column("joined_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("left_at", sa.DateTime(timezone=True), nullable=True),
        sa.CheckConstraint(
            "role IN ('broke_trust', 'hurt', 'both')", name=op.f("ck_program_members_role")
        ),
        sa.ForeignKeyConstraint(
            ["client_id"],
            ["clients.id"],
            name=op.f("fk_program_members_client_id_clients"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["space_id"],
            ["program_spaces.id"],
            name=op.f("fk_program_members_space_id_program_spaces"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_program_members")),
        sa.UniqueConstraint(
            "space_id", "client_id", name=op.f("uq_program_members_space_id_client_id")
        ),
    )
    with op.batch_alter_table("program_members", schema=None) as batch_op:
        batch_op.create_index("ix_program_members_client", ["client_id", "left_at"], unique=False)

    op.create_table(
        "program_step_progress",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("space_id", sa.Integer(), nullable=False),
        sa.Column("client_id", sa.Integer(), nullable=False),
        sa.Column("step", sa.Integer(), nullable=False),
        sa.Column("done_at", sa.DateTime(timezone=True), nullable=False),
        sa.CheckConstraint("step BETWEEN 1 AND 8", name=op.f("ck_program_step_progress_step")),
        sa.ForeignKeyConstraint(
            ["client_id"],
            ["clients.id"],
            name=op.f("fk_program_step_progress_client_id_clients"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["space_id"],
            ["program_spaces.id"],
            name=op.f("fk_program_step_progress_space_id_program_spaces"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_program_step_progress")),
        sa.UniqueConstraint(
            "space_id",
            "client_id",
            "step",
            name=op.f("uq_program_step_progress_space_id_client_id_step"),
        ),
    )
    op.create_table(
        "program_turns",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("space_id", sa.Integer(), nullable=False),
        sa.Column("author_id", sa.Integer(), nullable=False),
        sa.Column("kind", sa.String(length=8), nullable=False),
        sa.Column("answers_id", sa.Integer(), nullable=True),
        sa.Column("prompt", sa.String(length=80), nullable=True),
        sa.Column("body", sa.Text(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.CheckConstraint(
            "kind IN ('speak', 'reflect', 'reply')", name=op.f("ck_program_turns_kind")
        ),
        sa.ForeignKeyConstraint(
            ["answers_id"],
            ["program_turns.id"],
            name=op.f("fk_program_turns_answers_id_program_turns"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["author_id"],
            ["clients.id"],
            name=op.f("fk_program_turns_author_id_clients"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["space_id"],
            ["program_spaces.id"],
            name=op.f("fk_program_turns_space_id_program_spaces"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_program_turns")),
    )
    with op.batch_alter_table("program_turns", schema=None) as batch_op:
        batch_op.create_index("ix_program_turns_space", ["space_id", "created_at"], unique=False)


def downgrade() -> None:
    with op.batch_alter_table("program_turns", schema=None) as batch_op:
        batch_op.drop_index("ix_program_turns_space")

    op.drop_table("program_turns")
    op.drop_table("program_step_progress")
    with op.batch_alter_table("program_members", schema=None) as batch_op:
        batch_op.drop_index("ix_program_members_client")

    op.drop_table("program_members")
    with op.batch_alter_table("program_items", schema=None) as batch_op:
        batch_op.drop_index("ix_program_items_space")

    op.drop_table("program_items")
    with op.batch_alter_table("program_commitments", schema=None) as batch_op:
        batch_op.drop_index("ix_program_commitments_space")

    op.drop_table("program_commitments")
    op.drop_table("program_apologies")
    op.drop_table("program_agreements")
    op.drop_table("program_spaces")
