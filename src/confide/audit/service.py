"""Recording accesses to health data on the trail, verifying it, and reading it.

`record` inserts one row in the caller's transaction and never commits, so the access and its
record commit or roll back together. It takes no lock shared with other requests: the row is
inserted "pending" (no seq, no hashes) and audit/sealing.py chains it within about a second of
its commit, in commit order. On SQLite the unit of work must still have opened as a writer
(BEGIN IMMEDIATE, `Database.session(write=True)`), even when what it records is a read: a
deferred transaction that has read and then writes fails at once with "database is locked"
(SQLITE_BUSY_SNAPSHOT, no waiting) as soon as another writer committed in between.

A unit of work that fails rolls back its audit rows with everything else; to keep a trace of
a refused request, record the refusal in a unit of work of its own.

What pending rows do not protect: until a row is sealed, nothing in the chain vouches for it, so
someone able to bypass the triggers (the database's owner) could delete it in that window, about
a second, without leaving a gap. Once sealed, a deletion is a missing seq. `verify_chain` reports
rows pending for longer than `STALE_AFTER`: a sealer that stopped is a problem to see.
"""

from __future__ import annotations

import csv
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import IO, NoReturn

from sqlalchemy import insert
from sqlalchemy.orm import Session

from confide.audit import queries
from confide.audit.chain import ChainReport, verify
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
from confide.audit.sealing import AuditUnitOfWorkError, is_writer, seal
from confide.models import ACTOR_ROLES, AuditEvent

# a row pending for longer than this means the sealer is not running
STALE_AFTER = timedelta(minutes=1)
CSV_COLUMNS = (
    "seq",
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


def record(
    session: Session,
    actor: Actor,
    action: str,
    object_type: str,
    object_id: int | str | None,
    outcome: str,
    now: datetime,
) -> int:
    """Add one pending event to the trail in the caller's transaction; returns its id."""
    object_key = None if object_id is None else str(object_id)
    _check(actor, action, object_type, object_key, outcome, now)
    if session.get_bind().dialect.name == "sqlite" and not is_writer(session):
        raise AuditUnitOfWorkError(
            "audit.record on SQLite needs a unit of work opened as a writer "
            "(Database.session(write=True)), also when the work it records is a read"
        )
    event_id: int | None = session.scalar(
        insert(AuditEvent)
        .values(
            occurred_at=now.astimezone(UTC),
            actor_user_id=actor.user_id,
            actor_role=actor.role,
            action=action,
            object_type=object_type,
            object_id=object_key,
            address=actor.address,
            outcome=outcome,
        )
        .returning(AuditEvent.id)
    )
    assert event_id is not None
    return event_id


@dataclass(frozen=True, slots=True)
class TrailReport:
    """The chain of sealed rows, and the rows still pending."""

    chain: ChainReport
    pending: int
    stale_ids: tuple[int, ...]  # the first few rows pending for longer than STALE_AFTER

    @property
    def sound(self) -> bool:
        return self.chain.intact and not self.stale_ids


def verify_chain(session: Session, now: datetime, *, anchors: Iterable[str] = ()) -> TrailReport:
    """Walk the sealed trail in seq order (the report names the first row edited, deleted or put
    in by hand), and count the rows pending, naming those pending for too long.

    Seal first (`sealing.seal_pending`) to have every committed row walked."""
    chain = verify(queries.chain_rows(session), anchors)
    pending, stale = queries.pending_since(session, now - STALE_AFTER)
    return TrailReport(chain, pending, tuple(stale))


def list_events(session: Session, actor: Actor, query: AuditQuery, now: datetime) -> AuditPage:
    """A page of the trail, newest first; reading the trail is itself recorded."""
    filters = AuditFilter.model_validate(query.model_dump(exclude={"page", "per_page"}))
    seal(session, wait=True)  # an admin sees every committed row chained (this read's is pending)
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
    seal(session, wait=True)  # every committed row chained first (this export's is pending)
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(CSV_COLUMNS)
    count = 0
    for row in queries.iter_events(session, filters):
        cells = [getattr(row, name) for name in CSV_COLUMNS]
        if not row.seq:  # a pending row: no place in the chain yet, its chain cells empty
            cells[0] = None
        cells[2] = row.occurred_at.astimezone(UTC).isoformat()
        writer.writerow(["" if cell is None else cell for cell in cells])
        count += 1
    record(session, actor, "export", "audit_log", None, "ok", now)
    return count
