"""The audit trail: one row per access to health data, each chained to the one before it.

Rows are only ever inserted (triggers refuse UPDATE, DELETE and TRUNCATE). Ids are given by the
writer, one more than the head's, under the chain lock (see audit/service.py), so they run
without gaps: a missing id is a deleted row. `prev_hash` is unique, so the chain cannot fork.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import BigInteger, CheckConstraint, Index, Integer, String
from sqlalchemy.orm import Mapped, mapped_column

from confide.models.base import Base

ACTOR_ROLES = ("client", "therapist", "reviewer", "admin", "anonymous", "system")
_role_list = ", ".join(f"'{role}'" for role in ACTOR_ROLES)


class AuditEvent(Base):
    __tablename__ = "audit_events"
    __table_args__ = (
        CheckConstraint(f"actor_role IN ({_role_list})", name="actor_role"),
        Index("ix_audit_events_object", "object_type", "object_id"),
        Index("ix_audit_events_actor_user_id", "actor_user_id"),
        Index("ix_audit_events_occurred_at", "occurred_at"),
    )

    id: Mapped[int] = mapped_column(BigInteger, primary_key=True, autoincrement=False)
    occurred_at: Mapped[datetime]
    actor_user_id: Mapped[int | None] = mapped_column(Integer)
    actor_role: Mapped[str] = mapped_column(String(16))
    action: Mapped[str] = mapped_column(String(32))
    object_type: Mapped[str] = mapped_column(String(40))
    object_id: Mapped[str | None] = mapped_column(String(64))
    address: Mapped[str | None] = mapped_column(String(64))
    outcome: Mapped[str] = mapped_column(String(20))
    prev_hash: Mapped[str] = mapped_column(String(64), unique=True)
    row_hash: Mapped[str] = mapped_column(String(64))
