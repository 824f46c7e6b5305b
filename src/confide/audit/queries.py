"""Reads of the audit trail: the chain's head, sealed rows in order, pending rows, pages."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import datetime
from typing import Any

from sqlalchemy import ColumnElement, func, select
from sqlalchemy.orm import Session

from confide.audit.chain import ChainRow
from confide.audit.schemas import AuditFilter
from confide.models import AuditEvent

CHAIN_COLUMNS = (
    AuditEvent.seq,
    AuditEvent.id,
    AuditEvent.occurred_at,
    AuditEvent.actor_user_id,
    AuditEvent.actor_role,
    AuditEvent.action,
    AuditEvent.object_type,
    AuditEvent.object_id,
    AuditEvent.address,
    AuditEvent.outcome,
    AuditEvent.prev_hash,
    AuditEvent.row_hash,
)


def chain_head(session: Session) -> tuple[int, str] | None:
    """The last sealed row's seq and hash (the chain lock must be held for this to stay true)."""
    head = session.execute(
        select(AuditEvent.seq, AuditEvent.row_hash)
        .where(AuditEvent.seq.is_not(None))
        .order_by(AuditEvent.seq.desc())
        .limit(1)
    ).one_or_none()
    if head is None or head.seq is None or head.row_hash is None:
        return None
    return head.seq, head.row_hash


def _chain_row(mapping: Any) -> ChainRow:
    values = dict(mapping)
    # a pending row has no place or hashes yet: zeros and empty strings, never a valid link
    values["seq"] = values["seq"] or 0
    values["prev_hash"] = values["prev_hash"] or ""
    values["row_hash"] = values["row_hash"] or ""
    return ChainRow(**values)


def chain_rows(session: Session, *, batch_size: int = 2_000) -> Iterator[ChainRow]:
    """Every sealed row in seq order, streamed (a server-side cursor on PostgreSQL)."""
    result = session.execute(
        select(*CHAIN_COLUMNS)
        .where(AuditEvent.seq.is_not(None))
        .order_by(AuditEvent.seq)
        .execution_options(yield_per=batch_size)
    )
    for row in result:
        yield _chain_row(row._mapping)


def pending_rows(session: Session, *, limit: int) -> list[ChainRow]:
    """Up to `limit` committed rows not sealed yet, in id order (seq 0, hashes empty)."""
    result = session.execute(
        select(*CHAIN_COLUMNS).where(AuditEvent.seq.is_(None)).order_by(AuditEvent.id).limit(limit)
    )
    return [_chain_row(row._mapping) for row in result]


def any_pending(session: Session) -> bool:
    return (
        session.scalar(select(AuditEvent.id).where(AuditEvent.seq.is_(None)).limit(1)) is not None
    )


def pending_since(session: Session, before: datetime, *, limit: int = 10) -> tuple[int, list[int]]:
    """How many rows are pending, and the ids of the first few that occurred before `before`."""
    count = session.scalar(
        select(func.count()).select_from(AuditEvent).where(AuditEvent.seq.is_(None))
    )
    stale = session.scalars(
        select(AuditEvent.id)
        .where(AuditEvent.seq.is_(None), AuditEvent.occurred_at < before)
        .order_by(AuditEvent.id)
        .limit(limit)
    )
    return count or 0, list(stale)


def _conditions(filters: AuditFilter) -> list[ColumnElement[bool]]:
    conditions: list[ColumnElement[bool]] = []
    for name in ("actor_user_id", "actor_role", "action", "object_type", "object_id", "outcome"):
        value = getattr(filters, name)
        if value is not None:
            conditions.append(getattr(AuditEvent, name) == value)
    if filters.since is not None:
        conditions.append(AuditEvent.occurred_at >= filters.since)
    if filters.until is not None:
        conditions.append(AuditEvent.occurred_at < filters.until)
    return conditions


def count_events(session: Session, filters: AuditFilter) -> int:
    return (
        session.scalar(select(func.count()).select_from(AuditEvent).where(*_conditions(filters)))
        or 0
    )


def events_page(
    session: Session, filters: AuditFilter, *, page: int, per_page: int
) -> list[AuditEvent]:
    """Newest first."""
    return list(
        session.scalars(
            select(AuditEvent)
            .where(*_conditions(filters))
            .order_by(AuditEvent.id.desc())
            .offset((page - 1) * per_page)
            .limit(per_page)
        )
    )


def iter_events(
    session: Session, filters: AuditFilter, *, batch_size: int = 2_000
) -> Iterator[ChainRow]:
    """Matching rows in chain order (pending ones last, by id), streamed: an export of the whole
    log can be re-verified. Pending rows come with seq 0 and empty hashes."""
    result = session.execute(
        select(*CHAIN_COLUMNS)
        .where(*_conditions(filters))
        .order_by(AuditEvent.seq.is_(None), AuditEvent.seq, AuditEvent.id)
        .execution_options(yield_per=batch_size)
    )
    for row in result:
        yield _chain_row(row._mapping)
