"""The durable job queue, kept in the database (table `jobs`): enqueue in the caller's
transaction, claim under a lease, complete, or fail with exponential backoff until dead.

A job is enqueued in the same transaction as the change it reports (a booking, a reset link),
so it exists exactly when that change committed. Workers claim due jobs in a short transaction
of their own (PostgreSQL: FOR UPDATE SKIP LOCKED, so two workers never take the same row;
SQLite: the claim runs in a write transaction, BEGIN IMMEDIATE, which serialises claimers).
A claim sets a lease; a worker that dies leaves the lease to run out, and the job is claimed
again. How a retry avoids sending twice is told in worker.py.
"""

from __future__ import annotations

import secrets
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import and_, or_, select, update
from sqlalchemy.dialects.postgresql import insert as postgresql_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlalchemy.orm import Session

from confide.models import Job

MAX_KEY_LENGTH = 200
MAX_KIND_LENGTH = 60
MAX_ERROR_LENGTH = 300


@dataclass(frozen=True, slots=True)
class ClaimedJob:
    """A job a worker holds under its lease: `token` proves the lease is still this worker's."""

    id: int
    kind: str
    key: str
    payload: Mapping[str, Any]
    attempts: int
    token: str


def enqueue(
    session: Session, kind: str, payload: Mapping[str, Any], *, key: str, run_at: datetime
) -> None:
    """Queue a job in the caller's transaction; a key already queued (in any state) is left
    alone, so enqueuing twice is a no-op."""
    if not 0 < len(key) <= MAX_KEY_LENGTH or not 0 < len(kind) <= MAX_KIND_LENGTH:
        raise ValueError(f"a job's kind and key must be 1-{MAX_KIND_LENGTH}/{MAX_KEY_LENGTH} chars")
    if run_at.tzinfo is None:
        raise ValueError("run_at must be an instant (timezone-aware)")
    values = {
        "kind": kind,
        "key": key,
        "payload": dict(payload),
        "status": "pending",
        "run_at": run_at,
        "attempts": 0,
    }
    dialect = session.get_bind().dialect.name
    insert = postgresql_insert if dialect == "postgresql" else sqlite_insert
    session.execute(insert(Job).values(**values).on_conflict_do_nothing(index_elements=["key"]))


def claim(
    session: Session,
    now: datetime,
    *,
    lease: timedelta,
    max_attempts: int,
    limit: int = 10,
    key: str | None = None,
) -> list[ClaimedJob]:
    """Take up to `limit` due jobs (pending and due, or running with a lease run out) under a
    new lease, in the caller's (short, writing) transaction. A job that has already used its
    attempts (its workers kept dying) is marked dead instead. With `key`, only that job."""
    due = or_(
        and_(Job.status == "pending", Job.run_at <= now),
        and_(Job.status == "running", Job.lease_expires_at <= now),
    )
    query = select(Job).where(due)
    if key is not None:
        query = query.where(Job.key == key)
    found = session.scalars(
        query.order_by(Job.run_at, Job.id)
        .limit(limit)
        .with_for_update(skip_locked=True)
        .execution_options(populate_existing=True)
    ).all()
    token = secrets.token_hex(16)
    claimed = []
    for job in found:
        if job.attempts >= max_attempts:
            job.status = "dead"
            job.lease_token = job.lease_expires_at = None
            job.finished_at = now
            job.last_error = "its worker stopped before finishing, on every attempt"
            continue
        job.status = "running"
        job.attempts += 1
        job.lease_token = token
        job.lease_expires_at = now + lease
        claimed.append(
            ClaimedJob(job.id, job.kind, job.key, job.payload or {}, job.attempts, token)
        )
    session.flush()
    return claimed


def complete(session: Session, job: ClaimedJob, now: datetime) -> bool:
    """Mark the job done (its "sent" marker), if the lease is still this worker's; the payload
    is cleared (it may hold a single-use link). False when the lease was lost."""
    result = session.execute(
        update(Job)
        .where(Job.id == job.id, Job.status == "running", Job.lease_token == job.token)
        .values(
            status="done",
            finished_at=now,
            payload=None,
            lease_token=None,
            lease_expires_at=None,
            last_error=None,
        )
        .execution_options(synchronize_session=False)
    )
    return bool(getattr(result, "rowcount", 0))


def release(session: Session, job: ClaimedJob) -> None:
    """Give back a job claimed but never started (a worker stopping): pending, due at once,
    the claim not counted as a try."""
    session.execute(
        update(Job)
        .where(Job.id == job.id, Job.status == "running", Job.lease_token == job.token)
        .values(
            status="pending", attempts=Job.attempts - 1, lease_token=None, lease_expires_at=None
        )
        .execution_options(synchronize_session=False)
    )


def backoff(attempts: int, *, base: timedelta, cap: timedelta) -> timedelta:
    """The wait after the `attempts`-th failed try: base, 2×base, 4×base, … up to `cap`."""
    wait: timedelta = base * (2 ** max(0, attempts - 1))
    return min(cap, wait)


def fail(
    session: Session,
    job: ClaimedJob,
    now: datetime,
    error: str,
    *,
    max_attempts: int,
    base: timedelta,
    cap: timedelta,
) -> str | None:
    """Record a failed try: pending again after the backoff, or dead after `max_attempts`.
    Returns the new status, or None when the lease was no longer this worker's."""
    dead = job.attempts >= max_attempts
    values: dict[str, Any] = {
        "status": "dead" if dead else "pending",
        "lease_token": None,
        "lease_expires_at": None,
        "last_error": error[:MAX_ERROR_LENGTH],
    }
    if dead:
        values["finished_at"] = now
    else:
        values["run_at"] = now + backoff(job.attempts, base=base, cap=cap)
    result = session.execute(
        update(Job)
        .where(Job.id == job.id, Job.status == "running", Job.lease_token == job.token)
        .values(**values)
        .execution_options(synchronize_session=False)
    )
    return str(values["status"]) if getattr(result, "rowcount", 0) else None
