"""Accounts: users with roles, single-use mailed links, browser sessions, API tokens; a client
record belongs to a user, and the anonymous client tokens are gone.

Revision ID: 20261129_04
Revises: 20261129_03
Create Date: 2026-11-29 14:00:00
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "20261129_04"
down_revision = "20261129_03"
branch_labels = None
depends_on = None

WHEN = sa.DateTime(timezone=True)


def _users() -> None:
    op.create_table(
        "users",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("email", sa.String(length=254), nullable=False),
        sa.Column("email_key", sa.String(length=254), nullable=False),
        sa.Column("password_hash", sa.String(length=200), nullable=True),
        sa.Column("role", sa.String(length=16), nullable=False),
        sa.Column("email_verified_at", WHEN, nullable=True),
        sa.Column("therapist_id", sa.Integer(), nullable=True),
        sa.Column("created_at", WHEN, nullable=False),
        sa.CheckConstraint(
            "role IN ('client', 'therapist', 'reviewer', 'admin')", name=op.f("ck_users_role")
        ),
        sa.CheckConstraint(
            "role = 'therapist' OR therapist_id IS NULL", name=op.f("ck_users_therapist_role")
        ),
        sa.ForeignKeyConstraint(
            ["therapist_id"],
            ["therapists.id"],
            name=op.f("fk_users_therapist_id_therapists"),
            ondelete="SET NULL",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_users")),
        sa.UniqueConstraint("email_key", name=op.f("uq_users_email_key")),
        sa.UniqueConstraint("therapist_id", name=op.f("uq_users_therapist_id")),
    )


def _links() -> None:
    op.create_table(
        "account_links",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("purpose", sa.String(length=8), nullable=False),
        sa.Column("token_hash", sa.String(length=64), nullable=False),
        sa.Column("user_id", sa.Integer(), nullable=True),
        sa.Column("email", sa.String(length=254), nullable=True),
        sa.Column("role", sa.String(length=16), nullable=True),
        sa.Column("therapist_id", sa.Integer(), nullable=True),
        sa.Column("invited_by_user_id", sa.Integer(), nullable=True),
        sa.Column("created_at", WHEN, nullable=False),
        sa.Column("expires_at", WHEN, nullable=False),
        sa.Column("used_at", WHEN, nullable=True),
        sa.CheckConstraint(
            "purpose IN ('verify', 'reset', 'invite')", name=op.f("ck_account_links_purpose")
        ),
        sa.CheckConstraint(
            "role IS NULL OR role IN ('client', 'therapist', 'reviewer', 'admin')",
            name=op.f("ck_account_links_role"),
        ),
        sa.ForeignKeyConstraint(
            ["user_id"],
            ["users.id"],
            name=op.f("fk_account_links_user_id_users"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["therapist_id"],
            ["therapists.id"],
            name=op.f("fk_account_links_therapist_id_therapists"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["invited_by_user_id"],
            ["users.id"],
            name=op.f("fk_account_links_invited_by_user_id_users"),
            ondelete="SET NULL",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_account_links")),
        sa.UniqueConstraint("token_hash", name=op.f("uq_account_links_token_hash")),
    )


def _sessions_and_tokens() -> None:
    op.create_table(
        "browser_sessions",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("id_hash", sa.String(length=64), nullable=False),
        sa.Column("user_id", sa.Integer(), nullable=False),
        sa.Column("csrf_token", sa.String(length=64), nullable=False),
        sa.Column("user_agent", sa.String(length=200), nullable=False),
        sa.Column("created_at", WHEN, nullable=False),
        sa.Column("last_seen_at", WHEN, nullable=False),
        sa.Column("ended_at", WHEN, nullable=True),
        sa.ForeignKeyConstraint(
            ["user_id"],
            ["users.id"],
            name=op.f("fk_browser_sessions_user_id_users"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_browser_sessions")),
        sa.UniqueConstraint("id_hash", name=op.f("uq_browser_sessions_id_hash")),
    )
    op.create_index("ix_browser_sessions_user_id", "browser_sessions", ["user_id"])
    op.create_table(
        "api_tokens",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("token_hash", sa.String(length=64), nullable=False),
        sa.Column("user_id", sa.Integer(), nullable=False),
        sa.Column("scopes", sa.String(length=200), nullable=False),
        sa.Column("created_at", WHEN, nullable=False),
        sa.Column("expires_at", WHEN, nullable=False),
        sa.Column("revoked_at", WHEN, nullable=True),
        sa.ForeignKeyConstraint(
            ["user_id"],
            ["users.id"],
            name=op.f("fk_api_tokens_user_id_users"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_api_tokens")),
        sa.UniqueConstraint("token_hash", name=op.f("uq_api_tokens_token_hash")),
    )
    op.create_index("ix_api_tokens_user_id", "api_tokens", ["user_id"])


def upgrade() -> None:
    _users()
    _links()
    _sessions_and_tokens()
    # the anonymous bearer tokens end here: a client acts through their own account
    with op.batch_alter_table("clients") as batch:
        batch.drop_constraint("uq_clients_token_hash", type_="unique")
        batch.drop_column("token_hash")
        batch.add_column(sa.Column("user_id", sa.Integer(), nullable=True))
        batch.create_foreign_key(
            "fk_clients_user_id_users", "users", ["user_id"], ["id"], ondelete="SET NULL"
        )
        batch.create_unique_constraint("uq_clients_user_id", ["user_id"])


def downgrade() -> None:
    with op.batch_alter_table("clients") as batch:
        batch.drop_constraint("uq_clients_user_id", type_="unique")
        batch.drop_constraint("fk_clients_user_id_users", type_="foreignkey")
        batch.drop_column("user_id")
        # old rows get a token no one holds: they must be given accounts to be used again
        batch.add_column(
            sa.Column("token_hash", sa.String(length=64), nullable=False, server_default="")
        )
    op.execute("UPDATE clients SET token_hash = 'retired-' || CAST(id AS VARCHAR(20))")
    with op.batch_alter_table("clients") as batch:
        batch.alter_column("token_hash", server_default=None)
        batch.create_unique_constraint("uq_clients_token_hash", ["token_hash"])
    op.drop_index("ix_api_tokens_user_id", table_name="api_tokens")
    op.drop_table("api_tokens")
    op.drop_index("ix_browser_sessions_user_id", table_name="browser_sessions")
    op.drop_table("browser_sessions")
    op.drop_table("account_links")
    op.drop_table("users")
