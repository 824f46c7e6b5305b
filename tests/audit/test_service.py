"""Recording on both databases: rows pending, then sealed into a chain that verifies, refuses
changes but its sealing, and names any change made by hand."""

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
from confide.audit.chain import GENESIS, ChainRow, row_hash
from confide.audit.sealing import AuditUnitOfWorkError, seal_pending
from confide.audit.service import STALE_AFTER, verify_chain
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


def verified(database: Database, anchors: tuple[str, ...] = (), *, seal: bool = True) -> Any:
    """The trail's report, its pending rows sealed first (as `confide audit verify` does)."""
    if seal:
        seal_pending(database)
    with database.session() as session:
        return verify_chain(session, NOW, anchors=anchors)


def test_recorded_events_are_pending_until_sealed_then_chained_in_order(
    database: Database,
) -> None:
    record_some(database, 5)
    with database.session(write=True) as session:
        event_id = record(session, CLIENT, "read", "safety_record", 7, "denied", NOW)
    with database.session() as session:
        assert session.scalar(select(func.max(AuditEvent.id))) == event_id
        assert queries.pending_rows(session, limit=100)[-1].id == event_id
        assert list(queries.chain_rows(session)) == []  # nothing vouched for yet
    before = verified(database, seal=False)
    assert (before.chain.count, before.pending) == (0, 6)
    assert seal_pending(database) == 6
    assert seal_pending(database) == 0  # nothing left
    report = verified(database)
    assert report.sound
    assert (report.chain.count, report.chain.head_seq, report.pending) == (6, 6, 0)
    with database.session() as session:
        rows = list(queries.chain_rows(session))
    assert [r.seq for r in rows] == [1, 2, 3, 4, 5, 6]
    assert [r.id for r in rows] == sorted(r.id for r in rows)  # sealed in id order
    assert rows[0].actor_user_id == 7
    assert rows[0].address == "203.0.113.9"
    assert rows[1].address == "2001:db8::1"
    assert rows[2].actor_role == "system"
    assert rows[5].occurred_at == NOW
    assert rows[5].object_id == "7"
    assert rows[0].prev_hash == GENESIS
    assert all(rows[i].prev_hash == rows[i - 1].row_hash for i in range(1, 6))


def test_rows_committed_later_are_chained_after_the_head(database: Database) -> None:
    record_some(database, 2)
    seal_pending(database)
    head = verified(database).chain.head_hash
    record_some(database, 3)
    assert seal_pending(database) == 3
    report = verified(database, anchors=(head,))
    assert report.sound
    assert report.chain.count == 5


def test_a_rolled_back_unit_of_work_leaves_no_event_and_no_gap(database: Database) -> None:
    record_some(database, 2)

    def failing_work() -> None:
        with database.session(write=True) as session:
            record(session, CLIENT, "read", "appointment", 999, "ok", NOW)
            raise RuntimeError("the work failed")

    with pytest.raises(RuntimeError):
        failing_work()
    record_some(database, 1)
    report = verified(database)
    assert report.sound
    assert (report.chain.count, report.chain.head_seq) == (3, 3)
    with database.session() as session:
        assert session.scalar(select(func.count()).where(AuditEvent.object_id == "999")) == 0


@pytest.mark.parametrize(
    "statement",
    [
        "UPDATE audit_events SET outcome = 'denied' WHERE seq = 2",
        "UPDATE audit_events SET seq = 9 WHERE seq = 2",
        "UPDATE audit_events SET seq = NULL, prev_hash = NULL, row_hash = NULL WHERE seq = 3",
        "DELETE FROM audit_events",
        "DELETE FROM audit_events WHERE seq IS NULL",
        # a pending row: only its sealing, whole, is allowed
        "UPDATE audit_events SET outcome = 'denied' WHERE seq IS NULL",
        "UPDATE audit_events SET seq = 4, prev_hash = 'a', row_hash = 'b', actor_user_id = 1 "
        "WHERE seq IS NULL",
        "UPDATE audit_events SET seq = 4, prev_hash = 'a', row_hash = 'b', object_id = NULL "
        "WHERE seq IS NULL",
        "UPDATE audit_events SET seq = 4 WHERE seq IS NULL",
    ],
)
def test_the_trail_refuses_update_and_delete_except_sealing(
    database: Database, statement: str
) -> None:
    record_some(database, 3)
    seal_pending(database)
    record_some(database, 1)
    with pytest.raises(DBAPIError, match="append-only"), database.engine.begin() as conn:
        conn.execute(text(statement))
    report = verified(database, seal=False)
    assert (report.chain.count, report.pending, report.sound) == (3, 1, True)


def test_the_trail_refuses_truncate_on_postgresql(database: Database) -> None:
    if database.dialect != "postgresql":
        pytest.skip("SQLite has no TRUNCATE")
    record_some(database, 2)
    with pytest.raises(DBAPIError, match="append-only"), database.engine.begin() as conn:
        conn.execute(text("TRUNCATE audit_events"))
    assert verified(database).chain.count == 2


def test_a_row_changed_by_hand_after_sealing_is_named(database: Database) -> None:
    record_some(database, 5)
    seal_pending(database)
    with bypassing_triggers(database) as conn:
        conn.execute(text("UPDATE audit_events SET actor_user_id = 99 WHERE seq = 3"))
    report = verified(database).chain
    assert report.broken is not None
    assert (report.broken.seq, report.broken.problem) == (3, "edited")
    assert report.count == 2


def test_a_row_renumbered_by_hand_is_named(database: Database) -> None:
    record_some(database, 3)
    seal_pending(database)
    with bypassing_triggers(database) as conn:
        conn.execute(text("UPDATE audit_events SET id = id + 1000 WHERE seq = 2"))
    report = verified(database).chain
    assert report.broken is not None
    assert (report.broken.seq, report.broken.problem) == (2, "edited")


def test_a_deleted_row_is_named(database: Database) -> None:
    record_some(database, 5)
    seal_pending(database)
    with bypassing_triggers(database) as conn:
        conn.execute(text("DELETE FROM audit_events WHERE seq = 4"))
    report = verified(database).chain
    assert report.broken is not None
    assert (report.broken.seq, report.broken.problem) == (4, "deleted")
    assert "seq 4 deleted" in report.broken.message


def test_a_pending_row_deleted_before_sealing_leaves_no_trace(database: Database) -> None:
    """The window the design leaves open (audit/sealing.py): said here so that it stays known."""
    record_some(database, 3)
    with bypassing_triggers(database) as conn:
        conn.execute(text("DELETE FROM audit_events WHERE object_id = '41'"))
    report = verified(database)
    assert report.sound
    assert report.chain.count == 2


def _fields(row: ChainRow) -> dict[str, Any]:
    return {name: getattr(row, name) for name in ChainRow.__slots__}  # type: ignore[attr-defined]


def test_an_inserted_row_is_named(database: Database) -> None:
    record_some(database, 3)
    seal_pending(database)
    with database.session() as session:
        head = list(queries.chain_rows(session))[-1]
    # a forger who knows the recipe: a well-formed, correctly hashed row, but with a seq of
    # their own choosing, since the next seq in sequence would leave no trace at all
    forged = replace(head, seq=8, id=80, prev_hash=head.row_hash, object_id="31337")
    forged = replace(forged, row_hash=row_hash(forged))
    with bypassing_triggers(database) as conn:
        conn.execute(AuditEvent.__table__.insert().values(**_fields(forged)))
    report = verified(database).chain
    assert report.broken is not None
    assert (report.broken.seq, report.broken.problem) == (8, "inserted")


def test_a_row_inserted_with_a_made_up_hash_is_named(database: Database) -> None:
    record_some(database, 3)
    seal_pending(database)
    with database.session() as session:
        head = list(queries.chain_rows(session))[-1]
    forged = replace(head, seq=4, id=40, prev_hash=head.row_hash, row_hash="ab" * 32)
    with bypassing_triggers(database) as conn:
        conn.execute(AuditEvent.__table__.insert().values(**_fields(forged)))
    report = verified(database).chain
    assert report.broken is not None
    assert report.broken.seq == 4
    assert "put in by hand" in report.broken.message


def test_an_anchor_catches_the_last_rows_deleted(database: Database) -> None:
    record_some(database, 4)
    head_hash = verified(database).chain.head_hash
    with bypassing_triggers(database) as conn:
        conn.execute(text("DELETE FROM audit_events WHERE seq >= 3"))
    assert verified(database).sound  # a plain chain cannot see its end cut off...
    report = verified(database, anchors=(head_hash,)).chain
    assert report.broken is not None
    assert report.broken.problem == "anchor_missing"


def test_verify_reports_a_row_pending_for_too_long(database: Database) -> None:
    record_some(database, 2)
    seal_pending(database)
    with database.session(write=True) as session:
        late = record(session, CLIENT, "read", "appointment", 5, "ok", NOW)
    with database.session() as session:
        # the clock is passed in: 30 s after the access it is merely pending...
        fresh = verify_chain(session, NOW + timedelta(seconds=30))
        # ...past STALE_AFTER, the sealer has stopped
        stale = verify_chain(session, NOW + STALE_AFTER + timedelta(seconds=1))
    assert (fresh.sound, fresh.pending, fresh.stale_ids) == (True, 1, ())
    assert (stale.sound, stale.pending, stale.stale_ids) == (False, 1, (late,))
    assert stale.chain.intact


def test_sqlite_refuses_to_record_in_a_reading_unit_of_work(database: Database) -> None:
    if database.dialect != "sqlite":
        pytest.skip("PostgreSQL writes from any transaction")
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


def test_concurrent_writers_and_sealers_keep_one_linear_chain(database: Database) -> None:
    sealing = threading.Event()
    sealed: list[int] = []

    def sealer() -> None:
        while not sealing.is_set():
            sealed.append(seal_pending(database))
            time.sleep(0.005)

    thread = threading.Thread(target=sealer)
    thread.start()
    try:
        assert _record_concurrently(database, pause=0.001) == []
    finally:
        sealing.set()
        thread.join()
    seal_pending(database)
    report = verified(database, seal=False)
    assert report.sound, report.chain.broken
    assert report.chain.count == report.chain.head_seq == WRITERS * EACH
    assert report.pending == 0
    with database.session() as session:
        per_actor = dict(
            session.execute(
                select(AuditEvent.actor_user_id, func.count()).group_by(AuditEvent.actor_user_id)
            ).all()
        )
    assert per_actor == {n + 1: EACH for n in range(WRITERS)}


def test_postgresql_recorders_do_not_wait_for_each_other(database: Database) -> None:
    """The point of sealing: a request's audit row holds no lock another request needs."""
    if database.dialect != "postgresql":
        pytest.skip("SQLite has one writer at a time in any case")
    recorded, release = threading.Event(), threading.Event()

    def slow_request() -> None:
        with database.session(write=True) as session:
            record(session, CLIENT, "read", "appointment", 1, "ok", NOW)
            recorded.set()
            release.wait(10)

    thread = threading.Thread(target=slow_request)
    thread.start()
    try:
        assert recorded.wait(10)
        started = time.monotonic()
        with database.session(write=True) as session:
            record(session, THERAPIST, "read", "appointment", 2, "ok", NOW)
        assert time.monotonic() - started < 1.0
        assert seal_pending(database) == 1  # the open one is not visible yet
    finally:
        release.set()
        thread.join()
    assert seal_pending(database) == 1  # committed since: chained after the other
    with database.session() as session:
        assert [r.actor_user_id for r in queries.chain_rows(session)] == [12, 7]
    assert verified(database).sound
