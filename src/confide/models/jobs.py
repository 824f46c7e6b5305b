"""Durable jobs: work to do after a transaction commits (mostly telling someone something)."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import CheckConstraint, Index, Integer, String
from sqlalchemy.orm import Mapped, mapped_column

from confide.crypto import EncryptedJSON
from confide.models.base import Base, utcnow

# pending: waiting for run_at; running: claimed under a lease; done: finished (the "sent"
# marker); dead: failed max-attempts times, left for an operator.
JOB_STATUSES = ("pending", "running", "done", "dead")
_status_list = ", ".join(f"'{s}'" for s in JOB_STATUSES)


class Job(Base):
    __tablename__ = "jobs"
    __table_args__ = (
        CheckConstraint(f"status IN ({_status_list})", name="status"),
        CheckConstraint(
            "status <> 'running' OR (lease_token IS NOT NULL AND lease_expires_at IS NOT NULL)",
            name="running_has_lease",
        ),
        # what a worker looks for: due pending jobs and running ones whose lease ran out
        Index("ix_jobs_status_run_at", "status", "run_at"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    kind: Mapped[str] = mapped_column(String(60))
    # unique: enqueuing the same key twice is a no-op; mail sent for the job is named by it
    key: Mapped[str] = mapped_column(String(200), unique=True)
    # encrypted: a payload may carry a single-use link; cleared once the job is done
    payload: Mapped[dict[str, Any] | None] = mapped_column(EncryptedJSON("jobs", "payload"))
    status: Mapped[str] = mapped_column(String(10), default="pending")
    run_at: Mapped[datetime] = mapped_column()
    attempts: Mapped[int] = mapped_column(Integer, default=0)
    lease_token: Mapped[str | None] = mapped_column(String(32))
    lease_expires_at: Mapped[datetime | None] = mapped_column()
    last_error: Mapped[str | None] = mapped_column(String(300))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    finished_at: Mapped[datetime | None] = mapped_column()
