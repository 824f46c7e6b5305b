"""Sealing: the thread that chains pending rows, two processes at once, one sealer at a time, and
the migration that moved existing v1 rows onto the sealed chain."""

from __future__ import annotations

import hashlib
import json
import multiprocessing
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import text

from confide import migrate
from confide.audit import SYSTEM, Actor, queries, record
from confide.audit.sealing import CHAIN_LOCK, Sealer, seal_pending
from confide.audit.service import verify_chain
from confide.db import Database, create_db_engine
from confide.main import create_app
from tests.conftest import BACKENDS, PostgresDatabases, settings_for

NOW = datetime(2026, 11, 29, 12, 0, tzinfo=UTC)
CLIENT = Actor(user_id=7, role="client", address="203.0.113.9")


def record_one(database: Database, object_id: int, actor: Actor = CLIENT) -> int:
    with database.session(write=True) as session:
        return record(session, actor, "read", "appointment", object_id, "ok", NOW)


def pending(database: Database) -> int:
    with database.session() as session:
        return verify_chain(session, NOW).pending


def wait_for(condition: object, seconds: float = 10.0) -> bool:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if condition():  # type: ignore[operator]
            return True
        time.sleep(0.02)
    return False


def test_the_sealer_thread_chains_rows_while_it_runs_and_once_more_on_stop(
    database: Database,
) -> None:
    sealer = Sealer(database, every=0.05)
    sealer.start()
    try:
        record_one(database, 1)
        record_one(database, 2)
        assert wait_for(lambda: pending(database) == 0)
    finally:
        sealer.stop(timeout=5)
    assert sealer.sealed == 2
    slow = Sealer(database, every=60)  # its only pass is the last one
    slow.start()
    record_one(database, 3)
    started = time.monotonic()
    slow.stop(timeout=5)
    assert time.monotonic() - started < 5
    assert (slow.sealed, pending(database)) == (1, 0)
    with database.session() as session:
        report = verify_chain(session, NOW)
    assert report.sound
    assert report.chain.count == 3


def test_a_sealer_at_zero_seconds_does_not_run(database: Database) -> None:
    sealer = Sealer(database, every=0)
    sealer.start()
    record_one(database, 1)
    sealer.stop(timeout=1)
    assert pending(database) == 1


def test_the_app_seals_in_the_background(database: Database) -> None:
    settings = settings_for(str(database.engine.url)).model_copy(
        update={"audit_seal_seconds": 0.05, "warm_up_request": False}
    )
    app = create_app(settings, database=database)
    with TestClient(app):
        record_one(database, 1)
        assert wait_for(lambda: pending(database) == 0)
        record_one(database, 2)
    # the app's shutdown made a last pass
    assert pending(database) == 0


def test_one_postgresql_process_seals_at_a_time(database: Database) -> None:
    if database.dialect != "postgresql":
        pytest.skip("SQLite's write lock does this")
    record_one(database, 1)
    with database.session() as other:
        # another process sealing now: this pass skips its turn instead of queueing
        other.execute(text("SELECT pg_advisory_xact_lock(:key)"), {"key": CHAIN_LOCK})
        assert seal_pending(database) == 0
    assert seal_pending(database) == 1


WRITES_PER_PROCESS = 60


def _write_and_seal(url: str, process: int) -> None:
    """One app process: audited requests one after another, a sealing pass every few."""
    database = Database(create_db_engine(url, pool_size=2))
    try:
        for number in range(WRITES_PER_PROCESS):
            record_one(database, number, Actor(process, "client", f"198.51.100.{process}"))
            if number % 7 == 0:
                seal_pending(database)
    finally:
        database.dispose()


def test_two_processes_writing_and_sealing_make_one_unbroken_chain(database: Database) -> None:
    if database.dialect != "postgresql":
        pytest.skip("two processes against one SQLite file take turns on its write lock")
    url = database.engine.url.render_as_string(hide_password=False)
    context = multiprocessing.get_context("spawn")
    processes = [context.Process(target=_write_and_seal, args=(url, n)) for n in (1, 2)]
    for process in processes:
        process.start()
    for process in processes:
        process.join(120)
    assert [p.exitcode for p in processes] == [0, 0]
    seal_pending(database, wait=True)
    with database.session() as session:
        report = verify_chain(session, NOW)
        rows = list(queries.chain_rows(session))
    assert report.sound, report.chain.broken
    assert report.chain.count == report.chain.head_seq == 2 * WRITES_PER_PROCESS
    assert sorted(r.actor_user_id or 0 for r in rows) == [1] * 60 + [2] * 60


# --- the migration ---------------------------------------------------------------------------

BEFORE = "20261129_05"


def _v1_hash(number: int, occurred_at: datetime, object_id: str, prev: str) -> str:
    instant = occurred_at.strftime("%Y-%m-%dT%H:%M:%S.%fZ")
    fields = ["confide-audit-v1", number, instant, None, "system", "read", "appointment"]
    fields += [object_id, None, "ok", prev]
    return hashlib.sha256(json.dumps(fields, separators=(",", ":")).encode()).hexdigest()


def _insert_v1_rows(database: Database, count: int, *, break_at: int | None = None) -> None:
    prev = "0" * 64
    with database.engine.begin() as conn:
        for number in range(1, count + 1):
            occurred = NOW + timedelta(seconds=number)
            hashed = _v1_hash(number, occurred, str(number), prev)
            conn.execute(
                text(
                    "INSERT INTO audit_events (id, occurred_at, actor_user_id, actor_role, action, "
                    "object_type, object_id, address, outcome, prev_hash, row_hash) VALUES "
                    "(:id, :at, NULL, 'system', 'read', 'appointment', :object_id, NULL, 'ok', "
                    ":prev, :hash)"
                ),
                {
                    "id": number,
                    "at": occurred
                    if database.dialect == "postgresql"
                    else occurred.replace(tzinfo=None),
                    "object_id": "x" if number == break_at else str(number),
                    "prev": prev,
                    "hash": hashed,
                },
            )
            prev = hashed


@pytest.fixture(params=BACKENDS)
def before_sealing(request: pytest.FixtureRequest, tmp_path: Path) -> Database:
    if request.param == "sqlite":
        url = f"sqlite:///{tmp_path / 'v1.db'}"
    else:
        databases: PostgresDatabases = request.getfixturevalue("postgres_databases")
        url = databases.create("sealing")
    database = Database(create_db_engine(url))
    migrate.upgrade(database.engine, BEFORE)
    return database


def test_the_migration_reseals_a_v1_trail_and_goes_back(before_sealing: Database) -> None:
    database = before_sealing
    _insert_v1_rows(database, 5)
    migrate.upgrade(database.engine)
    with database.session() as session:
        report = verify_chain(session, NOW)
        rows = list(queries.chain_rows(session))
    assert report.sound, report.chain.broken
    assert (report.chain.count, report.pending) == (5, 0)
    assert [(r.seq, r.id, r.object_id) for r in rows] == [(n, n, str(n)) for n in range(1, 6)]
    # new rows get the next id, pending, and are chained after the old ones
    assert record_one(database, 6, SYSTEM) == 6
    assert seal_pending(database) == 1
    with database.session() as session:
        assert verify_chain(session, NOW).chain.count == 6
    # and back: rows numbered and hashed as v1 had them
    migrate.downgrade(database.engine, BEFORE)
    with database.engine.connect() as conn:
        first = conn.execute(text("SELECT id, prev_hash, row_hash FROM audit_events WHERE id = 1"))
        assert tuple(first.one()) == (
            1,
            "0" * 64,
            _v1_hash(1, NOW + timedelta(seconds=1), "1", "0" * 64),
        )
    database.dispose()


def test_the_migration_stops_on_a_broken_v1_trail(before_sealing: Database) -> None:
    database = before_sealing
    _insert_v1_rows(database, 4, break_at=3)
    with pytest.raises(RuntimeError, match="broken at row 3"):
        migrate.upgrade(database.engine)
    assert migrate.current_revision(database.engine) == BEFORE
    database.dispose()
