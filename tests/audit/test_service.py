"""Recording on both databases: the chain verifies, refuses changes, and names any made by hand."""

from __future__ import annotations

import threading
import time
from dataclasses import replace
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from sqlalchemy import func, select, text
from sqlalchemy.exc import DBAPIError, IntegrityError, OperationalError

from confide.audit import SYSTEM, Actor, queries, record
from confide.audit.chain import ChainRow, row_hash
from confide.audit.service import AuditUnitOfWorkError, verify_chain
from confide.db import Database
from confide.models import AuditEvent
from tests.audit.tampering import bypassing_triggers

NOW = datetime(2026, 11, 29, 12, 0, tzinfo=UTC)
CLIENT = Actor(user_id=7, role="client", address="203.0.113.9")
THERAPIST = Actor(user_id=12, role="therapist", address="2001:db8::1")


def record_some(database: Database, count: int) -> None:
    with database.session(write=True) as session:
        for number in range(count):
            actor = (CLIENT, THERAPIST, SYSTEM)[number % 3]
            action = ("read", "create", "update")[number % 3]
            record(
                session,
                actor,
                action,
                "appointment",
                40 + number,
                "ok",
                NOW + timedelta(seconds=number),
            )


def verified(database: Database, anchors: tuple[str, ...] = ()) -> Any:
    with database.session() as session:
        return verify_chain(session, anchors=anchors)


def test_recorded_events_form_a_chain_that_verifies(database: Database) -> None:
    record_some(database, 5)
    with database.session(write=True) as session:
        event_id = record(session, CLIENT, "read", "safety_record", 7, "denied", NOW)
    assert event_id == 6
    report = verified(database)
    assert report.intact
    assert (report.count, report.head_id) == (6, 6)
    with database.session() as session:
        rows = list(queries.chain_rows(session))
    assert [r.id for r in rows] == [1, 2, 3, 4, 5, 6]
    assert rows[0].actor_user_id == 7
    assert rows[0].address == "203.0.113.9"
    assert rows[1].address == "2001:db8::1"
    assert rows[2].actor_role == "system"
    assert rows[5].occurred_at == NOW
    assert rows[5].object_id == "7"
    assert all(rows[i].prev_hash == rows[i - 1].row_hash for i in range(1, 6))


def test_a_rolled_back_unit_of_work_leaves_no_event_and_no_gap(database: Database) -> None:
    record_some(database, 2)

    def failing_work() -> None:
        with database.session(write=True) as session:
            record(session, CLIENT, "read", "appointment", 1, "ok", NOW)
            raise RuntimeError("the work failed")

    with pytest.raises(RuntimeError):
        failing_work()
    record_some(database, 1)
    report = verified(database)
    assert report.intact
    assert report.count == 3
    assert report.head_id == 3


@pytest.mark.parametrize(
    "statement",
    ["UPDATE audit_events SET outcome = 'denied' WHERE id = 2", "DELETE FROM audit_events"],
)
def test_the_trail_refuses_update_and_delete(database: Database, statement: str) -> None:
    record_some(database, 3)
    with pytest.raises(DBAPIError, match="append-only"), database.engine.begin() as conn:
        conn.execute(text(statement))
    assert verified(database).count == 3


def test_the_trail_refuses_truncate_on_postgresql(database: Database) -> None:
    if database.dialect != "postgresql":
        pytest.skip("SQLite has no TRUNCATE")
    record_some(database, 2)
    with pytest.raises(DBAPIError, match="append-only"), database.engine.begin() as conn:
        conn.execute(text("TRUNCATE audit_events"))
    assert verified(database).count == 2


def test_a_row_changed_by_hand_is_named(database: Database) -> None:
    record_some(database, 5)
    with bypassing_triggers(database) as conn:
        conn.execute(text("UPDATE audit_events SET actor_user_id = 99 WHERE id = 3"))
    report = verified(database)
    assert report.broken is not None
    assert (report.broken.row_id, report.broken.problem) == (3, "edited")
    assert report.count == 2


def test_a_deleted_row_is_named(database: Database) -> None:
    record_some(database, 5)
    with bypassing_triggers(database) as conn:
        conn.execute(text("DELETE FROM audit_events WHERE id = 4"))
    report = verified(database)
    assert report.broken is not None
    assert (report.broken.row_id, report.broken.problem) == (4, "deleted")
    assert "row 4 deleted" in report.broken.message


def _fields(row: ChainRow) -> dict[str, Any]:
    return {name: getattr(row, name) for name in ChainRow.__slots__}  # type: ignore[attr-defined]


def test_an_inserted_row_is_named(database: Database) -> None:
    record_some(database, 3)
    with database.session() as session:
        head = list(queries.chain_rows(session))[-1]
    # a forger who knows the recipe: a well-formed, correctly hashed row, but with an id of
    # their own choosing, since the next id in sequence would leave no trace at all
    forged = replace(head, id=8, prev_hash=head.row_hash, object_id="31337", outcome="ok")
    forged = replace(forged, row_hash=row_hash(forged))
    with bypassing_triggers(database) as conn:
        conn.execute(AuditEvent.__table__.insert().values(**_fields(forged)))
    report = verified(database)
    assert report.broken is not None
    assert (report.broken.row_id, report.broken.problem) == (8, "inserted")


def test_a_row_inserted_with_a_made_up_hash_is_named(database: Database) -> None:
    record_some(database, 3)
    with database.session() as session:
        head = list(queries.chain_rows(session))[-1]
    forged = replace(head, id=4, prev_hash=head.row_hash, row_hash="ab" * 32)
    with bypassing_triggers(database) as conn:
        conn.execute(AuditEvent.__table__.insert().values(**_fields(forged)))
    report = verified(database)
    assert report.broken is not None
    assert report.broken.row_id == 4
    assert "put in by hand" in report.broken.message


def test_an_anchor_catches_the_last_rows_deleted(database: Database) -> None:
    record_some(database, 4)
    head_hash = verified(database).head_hash
    with bypassing_triggers(database) as conn:
        conn.execute(text("DELETE FROM audit_events WHERE id >= 3"))
    assert verified(database).intact  # a plain chain cannot see its end cut off...
    report = verified(database, anchors=(head_hash,))
    assert report.broken is not None
    assert report.broken.problem == "anchor_missing"


def test_sqlite_refuses_to_record_in_a_reading_unit_of_work(database: Database) -> None:
    if database.dialect != "sqlite":
        pytest.skip("PostgreSQL serialises recorders with an advisory lock instead")
    with pytest.raises(AuditUnitOfWorkError, match="write=True"), database.session() as session:
        record(session, CLIENT, "read", "appointment", 1, "ok", NOW)


@pytest.mark.parametrize(
    ("actor", "action", "object_type", "object_id", "outcome", "now", "message"),
    [
        (Actor(1, "superuser"), "read", "appointment", 1, "ok", NOW, "role"),
        (CLIENT, "peek", "appointment", 1, "ok", NOW, "action"),
        (CLIENT, "read", "appointment", 1, "fine", NOW, "outcome"),
        (CLIENT, "read", "Appointment", 1, "ok", NOW, "object type"),
        (CLIENT, "read", "appointment", "=HYPERLINK(1)", "ok", NOW, "object id"),
        (Actor(1, "client", "=cmd|' /c calc'!A1"), "read", "appointment", 1, "ok", NOW, "address"),
        (Actor(2**40, "client"), "read", "appointment", 1, "ok", NOW, "user id"),
        (CLIENT, "read", "appointment", 1, "ok", NOW.replace(tzinfo=None), "naive"),
    ],
)
def test_record_refuses_values_outside_the_vocabulary(
    database: Database,
    actor: Actor,
    action: str,
    object_type: str,
    object_id: Any,
    outcome: str,
    now: datetime,
    message: str,
) -> None:
    with pytest.raises(ValueError, match=message), database.session(write=True) as session:
        record(session, actor, action, object_type, object_id, outcome, now)


WRITERS = 8
EACH = 25


def _record_concurrently(database: Database, pause: float) -> list[BaseException]:
    """WRITERS threads, each recording EACH events in units of work of their own."""
    failures: list[BaseException] = []
    start = threading.Barrier(WRITERS)

    def writer(number: int) -> None:
        start.wait()
        for step in range(EACH):
            try:
                with database.session(write=True) as session:
                    record(
                        session,
                        Actor(number + 1, "client", f"198.51.100.{number}"),
                        "read",
                        "appointment",
                        step,
                        "ok",
                        NOW,
                    )
                    time.sleep(pause)  # other work after the record, holding the transaction
            except (IntegrityError, OperationalError) as error:
                failures.append(error)

    threads = [threading.Thread(target=writer, args=(n,)) for n in range(WRITERS)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return failures


def test_concurrent_writers_keep_one_linear_chain(database: Database) -> None:
    assert _record_concurrently(database, pause=0.001) == []
    report = verified(database)
    assert report.intact, report.broken
    assert report.count == report.head_id == WRITERS * EACH
    with database.session() as session:
        per_actor = dict(
            session.execute(
                select(AuditEvent.actor_user_id, func.count()).group_by(AuditEvent.actor_user_id)
            ).all()
        )
    assert per_actor == {n + 1: EACH for n in range(WRITERS)}


def test_without_the_lock_postgresql_writers_would_collide(
    database: Database, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The advisory lock is what keeps writers apart; the unique prev_hash refuses a fork."""
    if database.dialect != "postgresql":
        pytest.skip("on SQLite the write lock is the unit of work's, not record()'s")
    from confide.audit import service

    read_head = queries.chain_head

    def slow_head(session: Any) -> Any:
        head = read_head(session)
        time.sleep(0.002)  # widen the window between reading the head and inserting
        return head

    monkeypatch.setattr(service, "_take_chain_lock", lambda session: None)
    monkeypatch.setattr(service.queries, "chain_head", slow_head)
    failures = _record_concurrently(database, pause=0)
    assert failures, "unlocked writers should have collided on the same head"
    assert all(isinstance(f, IntegrityError) for f in failures)
    assert verified(database).intact  # refused, never forked
