"""Clinician-reviewed content: items (slugs) and their versions through review.

Revision ID: 20261201_05
Revises: 20261130_03
Create Date: 2026-12-01 10:00:00
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "20261201_05"
down_revision = "20261201_04"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "content_items",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("slug", sa.String(length=80), nullable=False),
        sa.Column("kind", sa.String(length=16), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.CheckConstraint("kind IN ('article', 'guidance')", name=op.f("ck_content_items_kind")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_content_items")),
        sa.UniqueConstraint("slug", name=op.f("uq_content_items_slug")),
    )
    op.create_table(
        "content_versions",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("item_id", sa.Integer(), nullable=False),
        sa.Column("number", sa.Integer(), nullable=False),
        sa.Column("state", sa.String(length=16), nullable=False),
        sa.Column("title", sa.String(length=200), nullable=False),
        sa.Column("summary", sa.String(length=400), nullable=False),
        sa.Column("body_markdown", sa.Text(), nullable=False),
        sa.Column("author_user_id", sa.Integer(), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("submitted_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("approved_by_user_id", sa.Integer(), nullable=True),
        sa.Column("approved_by_name", sa.String(length=120), nullable=True),
        sa.Column("approved_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("published_at", sa.DateTime(timezone=True), nullable=True),
        sa.CheckConstraint(
            "state IN ('draft', 'in_review', 'approved', 'published', 'superseded')",
            name=op.f("ck_content_versions_state"),
        ),
        sa.CheckConstraint("number >= 1", name=op.f("ck_content_versions_number")),
        sa.CheckConstraint(
            "state NOT IN ('approved', 'published') OR approved_at IS NOT NULL",
            name=op.f("ck_content_versions_approval"),
        ),
        sa.CheckConstraint(
            "approved_by_user_id IS NULL OR author_user_id IS NULL "
            "OR approved_by_user_id <> author_user_id",
            name=op.f("ck_content_versions_not_self_approved"),
        ),
        sa.ForeignKeyConstraint(
            ["item_id"],
            ["content_items.id"],
            name=op.f("fk_content_versions_item_id_content_items"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["author_user_id"],
            ["users.id"],
            name=op.f("fk_content_versions_author_user_id_users"),
            ondelete="SET NULL",
        ),
        sa.ForeignKeyConstraint(
            ["approved_by_user_id"],
            ["users.id"],
            name=op.f("fk_content_versions_approved_by_user_id_users"),
            ondelete="SET NULL",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_content_versions")),
        sa.UniqueConstraint("item_id", "number", name=op.f("uq_content_versions_item_id_number")),
    )
    op.create_index("ix_content_versions_state", "content_versions", ["state"])


def downgrade() -> None:
    op.drop_index("ix_content_versions_state", table_name="content_versions")
    op.drop_table("content_versions")
    op.drop_table("content_items")
