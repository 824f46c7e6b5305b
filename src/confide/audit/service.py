"""Recording accesses to health data on the chained trail, verifying it, and reading it.

`record` writes in the caller's transaction and never commits. It serialises every writer of
the trail until that transaction ends, so call it late in a unit of work, after the work it
records: on PostgreSQL it takes a transaction-level advisory lock; on SQLite the unit of work
must have opened as a writer (BEGIN IMMEDIATE, `Database.session(write=True)`), even when what
it records is a read: a reader that starts writing late fails with "database is locked" as
soon as another writer got in first.

A unit of work that fails rolls back its audit rows with everything else; to keep a trace of
a refused request, record the refusal in a unit of work of its own.
"""

from __future__ import annotations

import csv
from collections.abc import Iterable
from datetime import UTC, datetime
from typing import IO, NoReturn

from sqlalchemy import insert, text
from sqlalchemy.orm import Session

from confide.audit import queries
from confide.audit.chain import GENESIS, ChainReport, ChainRow, row_hash, verify
from confide.audit.schemas import (
    ACTIONS,
    ADDRESS,
    OBJECT_ID,
    OBJECT_TYPE,
    OUTCOMES,
    Actor,
    AuditEventRead,
    AuditFilter,
    AuditPage,
    AuditQuery,
)
from confide.models import ACTOR_ROLES, AuditEvent

# pg_advisory_xact_lock key for the trail ("confide" + "audit" folded into a signed 64-bit int)
CHAIN_LOCK = 0x636F6E66_69646541
CSV_COLUMNS = (
    "id",
    "occurred_at",
    "actor_user_id",
    "actor_role",
    "action",
    "object_type",
    "object_id",
    "address",
    "outcome",
    "prev_hash",
    "row_hash",
)


class AuditUnitOfWorkError(RuntimeError):
    """record() was called where it cannot keep the chain: a programming error, not input."""


def _refuse(problem: str) -> NoReturn:
    raise ValueError(f"audit record refused: {problem}")


def _check(
    actor: Actor, action: str, object_type: str, object_id: str | None, outcome: str, now: datetime
) -> None:
    if actor.role not in ACTOR_ROLES:
        _refuse(f"role {actor.role!r} is not one of {ACTOR_ROLES}")
    if actor.user_id is not None and not 1 <= actor.user_id < 2**31:
        _refuse(f"user id {actor.user_id} is out of range")
    if actor.address is not None and not ADDRESS.fullmatch(actor.address):
        _refuse(f"address {actor.address!r} is not an address")
    if action not in ACTIONS:
        _refuse(f"action {action!r} is not one of {sorted(ACTIONS)}")
    if outcome not in OUTCOMES:
        _refuse(f"outcome {outcome!r} is not one of {sorted(OUTCOMES)}")
    if not OBJECT_TYPE.fullmatch(object_type):
        _refuse(f"object type {object_type!r}: use lower-case snake_case")
    if object_id is not None and not OBJECT_ID.fullmatch(object_id):
        _refuse(f"object id {object_id!r}: use letters, digits and . _ : -")
    if now.tzinfo is None:
        _refuse("naive datetime: pass an instant")


def _take_chain_lock(session: Session) -> None:
    connection = session.connection()
    if connection.dialect.name == "postgresql":
        session.execute(text("SELECT pg_advisory_xact_lock(:key)"), {"key": CHAIN_LOCK})
    elif not connection.get_execution_options().get("confide_write", False):
        raise AuditUnitOfWorkError(
            "audit.record on SQLite needs a unit of work opened as a writer "
            "(Database.session(write=True)), also when the work it records is a read"
        )


def record(
    session: Session,
    actor: Actor,
    action: str,
    object_type: str,
    object_id: int | str | None,
    outcome: str,
    now: datetime,
) -> int:
    """Append one event to the trail in the caller's transaction; returns its id."""
    object_key = None if object_id is None else str(object_id)
    _check(actor, action, object_type, object_key, outcome, now)
    _take_chain_lock(session)
    head = queries.chain_head(session)
    event = ChainRow(
        id=1 if head is None else head[0] + 1,
        occurred_at=now.astimezone(UTC),
        actor_user_id=actor.user_id,
        actor_role=actor.role,
        action=action,
        object_type=object_type,
        object_id=object_key,
        address=actor.address,
        outcome=outcome,
        prev_hash=GENESIS if head is None else head[1],
    )
    values = {name: getattr(event, name) for name in CSV_COLUMNS if name != "row_hash"}
    session.execute(insert(AuditEvent).values(**values, row_hash=row_hash(event)))
    return event.id


def verify_chain(session: Session, *, anchors: Iterable[str] = ()) -> ChainReport:
    """Walk the whole trail; the report names the first row edited, deleted or put in by hand."""
    return verify(queries.chain_rows(session), anchors)


def list_events(session: Session, actor: Actor, query: AuditQuery, now: datetime) -> AuditPage:
    """A page of the trail, newest first; reading the trail is itself recorded."""
    filters = AuditFilter.model_validate(query.model_dump(exclude={"page", "per_page"}))
    page = AuditPage(
        items=[
            AuditEventRead.model_validate(event)
            for event in queries.events_page(
                session, filters, page=query.page, per_page=query.per_page
            )
        ],
        total=queries.count_events(session, filters),
        page=query.page,
        per_page=query.per_page,
    )
    record(session, actor, "read", "audit_log", None, "ok", now)
    return page


def export_csv(
    session: Session, actor: Actor, filters: AuditFilter, out: IO[str], now: datetime
) -> int:
    """Write the matching events to `out` as CSV, oldest first, hashes included; returns the count.

    Consume it inside the unit of work (write to a spooled file, then send that).
    """
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(CSV_COLUMNS)
    count = 0
    for row in queries.iter_events(session, filters):
        cells = [getattr(row, name) for name in CSV_COLUMNS]
        cells[1] = row.occurred_at.astimezone(UTC).isoformat()
        writer.writerow(["" if cell is None else cell for cell in cells])
        count += 1
    record(session, actor, "export", "audit_log", None, "ok", now)
    return count
