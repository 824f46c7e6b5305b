"""A small network with bookings that fill some caseloads and some weeks, on both databases."""

from __future__ import annotations

import sqlite3
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import select

from confide.db import Database
from confide.matching.index import MatchIndex
from confide.matching.indexing import build_index
from confide.models import Appointment, AppointmentParticipant, Client, Therapist
from confide.network.generator import generate_network
from confide.network.seeding import write_network
from confide.scheduling.openings import OpeningsIndex
from confide.vocab import get_vocabulary
from tests.conftest import REFERENCE_TABLES

NOW = datetime(2026, 11, 25, 17, 0, tzinfo=UTC)
NETWORK_DAY = date(2026, 11, 25)
HORIZON_DAYS = 14
SMALL_SIZE = 400


@dataclass
class SmallNetwork:
    database: Database
    openings: OpeningsIndex
    index: MatchIndex
    now: datetime
    full_caseload: list[int]
    full_week: list[int]


def new_client(session, state: str = "CA") -> Client:  # type: ignore[no-untyped-def]
    client = Client(
        name="Test Person",
        state=state,
        timezone="America/Los_Angeles",
    )
    session.add(client)
    session.flush()
    return client


def add_appointment(
    session,
    therapist_id: int,
    start: datetime,
    status: str,  # type: ignore[no-untyped-def]
    *,
    is_new: bool = True,
    minutes: int = 60,
    hold_expires_at: datetime | None = None,
) -> Appointment:
    client = new_client(session)
    end = start + timedelta(minutes=minutes)
    appointment = Appointment(
        therapist_id=therapist_id,
        session_type="intake",
        status=status,
        start_at=start,
        end_at=end,
        blocked_until=end + timedelta(minutes=10),
        hold_expires_at=hold_expires_at,
        is_new_client=is_new,
        client_state="CA",
        created_by_client_id=client.id,
        created_at=NOW,
        updated_at=NOW,
        participants=[
            AppointmentParticipant(client_id=client.id, start_at=start, end_at=end, status=status)
        ],
    )
    session.add(appointment)
    session.flush()
    return appointment


def write_bookings(session) -> tuple[list[int], list[int]]:  # type: ignore[no-untyped-def]
    """Fill the caseload of some therapists (one place left) and one week of others."""
    therapists = session.execute(
        select(Therapist.id, Therapist.caseload_limit, Therapist.weekly_new_client_limit).order_by(
            Therapist.id
        )
    ).all()
    full_caseload, full_week = [], []
    for t in therapists[::9][:25]:
        # one place left: individuals still fit, couples (two people) do not
        for k in range(t.caseload_limit - 1):
            add_appointment(
                session, t.id, NOW - timedelta(days=2 + k % 60, hours=k // 60), "fulfilled"
            )
        full_caseload.append(t.id)
    # the week after next, local Monday to Sunday, holds as many new clients as allowed
    wednesday = datetime(2026, 12, 2, 16, 0, tzinfo=UTC)
    for t in therapists[4::11][:25]:
        for k in range(t.weekly_new_client_limit):
            add_appointment(session, t.id, wednesday + timedelta(hours=2 * k), "booked")
        full_week.append(t.id)
    # an expired hold and a live hold elsewhere
    add_appointment(
        session,
        therapists[1].id,
        NOW + timedelta(days=2),
        "held",
        hold_expires_at=NOW - timedelta(minutes=1),
    )
    add_appointment(
        session,
        therapists[2].id,
        NOW + timedelta(days=2),
        "held",
        hold_expires_at=NOW + timedelta(minutes=5),
    )
    return full_caseload, full_week


@dataclass(frozen=True)
class _Written:
    """The small network as written once in this test process, kept to restore per test."""

    full_caseload: list[int]
    full_week: list[int]
    sqlite_file: Path | None = None
    postgres_tables: dict[str, bytes] = field(default_factory=dict)
    postgres_sequences: dict[str, int] = field(default_factory=dict)


_WRITTEN: dict[str, _Written] = {}


@pytest.fixture
def small_network(database: Database, tmp_path_factory: pytest.TempPathFactory) -> SmallNetwork:
    """400 therapists with bookings, in this test's own empty database. Generating and writing
    them takes 2-5 s, and about 110 tests use it: the first test of each process and database
    kind writes them, and the others restore those rows (a file copy on SQLite, COPY on
    PostgreSQL) in well under a second."""
    backend = database.engine.dialect.name
    written = _WRITTEN.get(backend)
    if written is None:
        network = generate_network(SMALL_SIZE, 11, get_vocabulary(), NETWORK_DAY)
        with database.session(write=True) as session:
            write_network(session, network)
            full_caseload, full_week = write_bookings(session)
        written = _WRITTEN[backend] = _keep(database, full_caseload, full_week, tmp_path_factory)
    else:
        _restore(database, written)
    openings = OpeningsIndex(horizon_days=HORIZON_DAYS)
    with database.session() as session:
        grid = openings.build(session, NOW)
        index = build_index(session, grid, NOW)
    return SmallNetwork(
        database, openings, index, NOW, list(written.full_caseload), list(written.full_week)
    )


def _keep(
    database: Database,
    full_caseload: list[int],
    full_week: list[int],
    tmp_path_factory: pytest.TempPathFactory,
) -> _Written:
    if database.engine.dialect.name == "sqlite":
        kept = tmp_path_factory.mktemp("small-network") / "confide.db"
        _sqlite_backup(database, kept, into_database=False)
        return _Written(full_caseload, full_week, sqlite_file=kept)
    tables: dict[str, bytes] = {}
    raw = database.engine.raw_connection()
    try:
        with raw.driver_connection.cursor() as cursor:  # type: ignore[union-attr]
            for table in _filled_tables(cursor):
                with cursor.copy(f'COPY "{table}" TO STDOUT (FORMAT binary)') as copy:
                    tables[table] = b"".join(bytes(chunk) for chunk in copy)
            cursor.execute(
                "SELECT sequencename, last_value FROM pg_sequences "
                "WHERE schemaname = 'public' AND last_value IS NOT NULL"
            )
            sequences = {name: int(value) for name, value in cursor.fetchall()}
    finally:
        raw.close()
    return _Written(full_caseload, full_week, postgres_tables=tables, postgres_sequences=sequences)


def _sqlite_backup(database: Database, file: Path, *, into_database: bool) -> None:
    """SQLite's online backup, page by page under its locks, so an app already holding
    connections to the database sees the restored rows (copying the file under it would not)."""
    raw = database.engine.raw_connection()
    other = sqlite3.connect(file)
    try:
        live = raw.driver_connection
        assert isinstance(live, sqlite3.Connection)
        if into_database:
            other.backup(live)
        else:
            live.backup(other)
    finally:
        other.close()
        raw.close()


def _filled_tables(cursor: Any) -> list[str]:
    cursor.execute("SELECT tablename FROM pg_tables WHERE schemaname = 'public' ORDER BY 1")
    filled = []
    for (table,) in cursor.fetchall():
        if table in REFERENCE_TABLES:
            continue
        cursor.execute(f'SELECT EXISTS (SELECT FROM "{table}")')
        if cursor.fetchone()[0]:
            filled.append(table)
    return filled


def _restore(database: Database, written: _Written) -> None:
    if written.sqlite_file is not None:
        _sqlite_backup(database, written.sqlite_file, into_database=True)
        return
    raw = database.engine.raw_connection()
    try:
        with raw.driver_connection.cursor() as cursor:  # type: ignore[union-attr]
            # replica mode skips triggers (foreign keys and the audit trail's checks): the rows
            # are the ones written and checked by the first test
            cursor.execute("SET session_replication_role = replica")
            for table, data in written.postgres_tables.items():
                with cursor.copy(f'COPY "{table}" FROM STDIN (FORMAT binary)') as copy:
                    copy.write(data)
            for sequence, value in written.postgres_sequences.items():
                cursor.execute("SELECT setval(%s, %s)", (sequence, value))
            cursor.execute("SET session_replication_role = DEFAULT")
        raw.commit()
    finally:
        raw.close()
