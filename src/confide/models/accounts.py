"""Accounts: users and their roles, single-use mailed links, browser sessions and API tokens.

No secret is stored as given: links, session ids and API tokens are kept as SHA-256 digests,
passwords as argon2id hashes (accounts/passwords.py).
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import CheckConstraint, ForeignKey, Index, Integer, String
from sqlalchemy.orm import Mapped, mapped_column

from confide.models.base import Base, utcnow

USER_ROLES = ("client", "therapist", "reviewer", "admin")
LINK_PURPOSES = ("verify", "reset", "invite")


def _among(values: tuple[str, ...]) -> str:
    return ", ".join(f"'{v}'" for v in values)


class User(Base):
    __tablename__ = "users"
    __table_args__ = (
        CheckConstraint(f"role IN ({_among(USER_ROLES)})", name="role"),
        CheckConstraint("role = 'therapist' OR therapist_id IS NULL", name="therapist_role"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    # kept as typed but compared lower-cased: `email_key` is unique
    email: Mapped[str] = mapped_column(String(254))
    email_key: Mapped[str] = mapped_column(String(254), unique=True)
    # None for an account made by trusted code that has not chosen a password yet
    password_hash: Mapped[str | None] = mapped_column(String(200))
    role: Mapped[str] = mapped_column(String(16))
    email_verified_at: Mapped[datetime | None]
    therapist_id: Mapped[int | None] = mapped_column(
        ForeignKey("therapists.id", ondelete="SET NULL"), unique=True
    )
    created_at: Mapped[datetime] = mapped_column(default=utcnow)


class AccountLink(Base):
    """A single-use link mailed to someone: verify an address, reset a password, or join."""

    __tablename__ = "account_links"
    __table_args__ = (
        CheckConstraint(f"purpose IN ({_among(LINK_PURPOSES)})", name="purpose"),
        CheckConstraint(f"role IS NULL OR role IN ({_among(USER_ROLES)})", name="role"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    purpose: Mapped[str] = mapped_column(String(8))
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    user_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"))
    # an invitation: who is invited, as what, and for a therapist, which therapist record
    email: Mapped[str | None] = mapped_column(String(254))
    role: Mapped[str | None] = mapped_column(String(16))
    therapist_id: Mapped[int | None] = mapped_column(
        ForeignKey("therapists.id", ondelete="CASCADE")
    )
    invited_by_user_id: Mapped[int | None] = mapped_column(
        ForeignKey("users.id", ondelete="SET NULL")
    )
    created_at: Mapped[datetime]
    expires_at: Mapped[datetime]
    used_at: Mapped[datetime | None]


class BrowserSession(Base):
    __tablename__ = "browser_sessions"
    __table_args__ = (Index("ix_browser_sessions_user_id", "user_id"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    # SHA-256 of the cookie's value; the value itself lives only in the browser
    id_hash: Mapped[str] = mapped_column(String(64), unique=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"))
    csrf_token: Mapped[str] = mapped_column(String(64))
    user_agent: Mapped[str] = mapped_column(String(200), default="")
    created_at: Mapped[datetime]
    last_seen_at: Mapped[datetime]
    ended_at: Mapped[datetime | None]


class ApiToken(Base):
    __tablename__ = "api_tokens"
    __table_args__ = (Index("ix_api_tokens_user_id", "user_id"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"))
    scopes: Mapped[str] = mapped_column(String(200))  # space-separated
    created_at: Mapped[datetime]
    expires_at: Mapped[datetime]
    revoked_at: Mapped[datetime | None]
