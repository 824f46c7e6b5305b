"""The rows a test wrote, kept once and put back into the next test's own empty database.

Building a world of rows (a network, accounts, bookings) can take seconds; tests that need the
same world take it from a snapshot instead: a copy of the file on SQLite, the filled tables
(COPY, binary) and the sequences on PostgreSQL.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Generic, TypeVar

import pytest

from confide.db import Database
from tests.conftest import REFERENCE_TABLES

T = TypeVar("T")


@dataclass(frozen=True)
class Snapshot:
    sqlite_file: Path | None = None
    postgres_tables: dict[str, bytes] = field(default_factory=dict)
    postgres_sequences: dict[str, int] = field(default_factory=dict)

    @classmethod
    def take(cls, database: Database, directory: Path) -> Snapshot:
        """The rows of `database` now (on SQLite, kept as a file in `directory`)."""
        if database.engine.dialect.name == "sqlite":
            kept = directory / "snapshot.db"
            _sqlite_backup(database, kept, into_database=False)
            return cls(sqlite_file=kept)
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
        return cls(postgres_tables=tables, postgres_sequences=sequences)

    def restore(self, database: Database) -> None:
        """Put the rows back into `database`, empty but for the reference data (as the
        `database` fixture gives it), in well under a second."""
        if self.sqlite_file is not None:
            _sqlite_backup(database, self.sqlite_file, into_database=True)
            return
        raw = database.engine.raw_connection()
        try:
            with raw.driver_connection.cursor() as cursor:  # type: ignore[union-attr]
                # replica mode skips triggers (foreign keys and the audit trail's checks): the
                # rows are the ones written and checked when the snapshot was taken
                cursor.execute("SET session_replication_role = replica")
                for table, data in self.postgres_tables.items():
                    with cursor.copy(f'COPY "{table}" FROM STDIN (FORMAT binary)') as copy:
                        copy.write(data)
                for sequence, value in self.postgres_sequences.items():
                    cursor.execute("SELECT setval(%s, %s)", (sequence, value))
                cursor.execute("SET session_replication_role = DEFAULT")
            raw.commit()
        finally:
            raw.close()


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


@dataclass
class Kept(Generic[T]):
    """A world built once for each kind of database, and what its builder returned."""

    label: str
    built: dict[str, tuple[T, Snapshot]] = field(default_factory=dict)

    def once(
        self, database: Database, build: Callable[[], T], tmp_path_factory: pytest.TempPathFactory
    ) -> T:
        """`build()` writes the world into `database` the first time on its kind of database;
        every other time its rows are restored into `database` (empty, as the `database`
        fixture gives it) and the first return value is given again."""
        backend = database.engine.dialect.name
        if backend in self.built:
            value, snapshot = self.built[backend]
            snapshot.restore(database)
            return value
        value = build()
        self.built[backend] = (value, Snapshot.take(database, tmp_path_factory.mktemp(self.label)))
        return value
