"""Reads of the audit trail: the chain's head, the rows in order, filtered pages."""

from __future__ import annotations

from collections.abc import Iterator

from sqlalchemy import ColumnElement, func, select
from sqlalchemy.orm import Session

from confide.audit.chain import ChainRow
from confide.audit.schemas import AuditFilter
from confide.models import AuditEvent

CHAIN_COLUMNS = (
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
    """The last row's id and hash (the chain lock must be held for this to stay true)."""
    head = session.execute(
        select(AuditEvent.id, AuditEvent.row_hash).order_by(AuditEvent.id.desc()).limit(1)
    ).one_or_none()
    return None if head is None else (head.id, head.row_hash)


def chain_rows(session: Session, *, batch_size: int = 2_000) -> Iterator[ChainRow]:
    """Every row in id order, streamed (a server-side cursor on PostgreSQL)."""
    result = session.execute(
        select(*CHAIN_COLUMNS).order_by(AuditEvent.id).execution_options(yield_per=batch_size)
    )
    for row in result:
        yield ChainRow(**row._mapping)


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
    """Matching rows oldest first, streamed: an export of the whole log can be re-verified."""
    result = session.execute(
        select(*CHAIN_COLUMNS)
        .where(*_conditions(filters))
        .order_by(AuditEvent.id)
        .execution_options(yield_per=batch_size)
    )
    for row in result:
        yield ChainRow(**row._mapping)
