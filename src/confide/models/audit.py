"""The audit trail: one row per access to health data, each chained to the one before it.

A request inserts its rows "pending" (`seq`, `prev_hash` and `row_hash` NULL) in its own
transaction, without any lock shared with other requests; audit/sealing.py then chains the
committed pending rows, giving each the next `seq` (1, 2, 3, ... without gaps: a missing seq is a
deleted row) and its hashes. Triggers refuse UPDATE, DELETE and TRUNCATE, except that one sealing
update of a pending row (only seq, prev_hash and row_hash, only from NULL). `seq` and `prev_hash`
are unique, so the chain cannot fork. `id` is an ordinary identity: it may have gaps.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import BigInteger, CheckConstraint, Index, Integer, String, text
from sqlalchemy.orm import Mapped, mapped_column

from confide.models.base import Base

ACTOR_ROLES = ("client", "therapist", "reviewer", "admin", "anonymous", "system")
_role_list = ", ".join(f"'{role}'" for role in ACTOR_ROLES)
# SQLite gives a table an autoincrementing id only when it is declared INTEGER PRIMARY KEY
_ID = BigInteger().with_variant(Integer(), "sqlite")


class AuditEvent(Base):
    __tablename__ = "audit_events"
    __table_args__ = (
        CheckConstraint(f"actor_role IN ({_role_list})", name="actor_role"),
        # a row is sealed whole or not at all
        CheckConstraint(
            "(seq IS NULL AND prev_hash IS NULL AND row_hash IS NULL) OR "
            "(seq IS NOT NULL AND prev_hash IS NOT NULL AND row_hash IS NOT NULL)",
            name="sealed_whole",
        ),
        Index("ix_audit_events_object", "object_type", "object_id"),
        Index("ix_audit_events_actor_user_id", "actor_user_id"),
        Index("ix_audit_events_occurred_at", "occurred_at"),
        # what the sealer looks for: few rows at any time
        Index(
            "ix_audit_events_pending",
            "id",
            postgresql_where=text("seq IS NULL"),
            sqlite_where=text("seq IS NULL"),
        ),
    )

    id: Mapped[int] = mapped_column(_ID, primary_key=True, autoincrement=True)
    occurred_at: Mapped[datetime]
    actor_user_id: Mapped[int | None] = mapped_column(Integer)
    actor_role: Mapped[str] = mapped_column(String(16))
    action: Mapped[str] = mapped_column(String(32))
    object_type: Mapped[str] = mapped_column(String(40))
    object_id: Mapped[str | None] = mapped_column(String(64))
    address: Mapped[str | None] = mapped_column(String(64))
    outcome: Mapped[str] = mapped_column(String(20))
    # NULL while pending; set once by the sealer
    seq: Mapped[int | None] = mapped_column(BigInteger, unique=True)
    prev_hash: Mapped[str | None] = mapped_column(String(64), unique=True)
    row_hash: Mapped[str | None] = mapped_column(String(64))
