"""Migrations run from empty on both databases and leave exactly the schema the models describe."""

from __future__ import annotations

from pathlib import Path

import pytest
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from sqlalchemy import inspect, text

from confide import migrate
from confide.db import Database, create_db_engine
from confide.models import Base
from tests.conftest import BACKENDS, PostgresDatabases


@pytest.fixture(params=BACKENDS)
def empty_database(request: pytest.FixtureRequest, tmp_path: Path) -> Database:
    if request.param == "sqlite":
        url = f"sqlite:///{tmp_path / 'empty.db'}"
    else:
        databases: PostgresDatabases = request.getfixturevalue("postgres_databases")
        url = databases.create("migrations")
    return Database(create_db_engine(url))


def test_upgrade_from_empty_matches_the_models(empty_database: Database) -> None:
    engine = empty_database.engine
    assert migrate.current_revision(engine) is None
    migrate.upgrade(engine)
    assert migrate.current_revision(engine) == migrate.head_revision()
    with engine.connect() as conn:
        diff = compare_metadata(MigrationContext.configure(conn), Base.metadata)
    # Alembic cannot see exclusion constraints or triggers; everything else must agree.
    assert diff == []
    tables = set(inspect(engine).get_table_names())
    assert set(Base.metadata.tables) <= tables
    empty_database.dispose()


def test_downgrade_to_base_and_up_again(empty_database: Database) -> None:
    engine = empty_database.engine
    migrate.upgrade(engine)
    migrate.downgrade(engine, "base")
    assert set(inspect(engine).get_table_names()) <= {"alembic_version"}
    migrate.upgrade(engine)
    assert migrate.current_revision(engine) == migrate.head_revision()
    empty_database.dispose()


def test_overlap_guards_exist(empty_database: Database) -> None:
    engine = empty_database.engine
    migrate.upgrade(engine)
    with engine.connect() as conn:
        if engine.dialect.name == "postgresql":
            names = set(conn.scalars(text("SELECT conname FROM pg_constraint WHERE contype = 'x'")))
            assert names == {
                "ex_appointments_therapist_overlap",
                "ex_appointment_participants_client_overlap",
            }
        else:
            names = set(conn.scalars(text("SELECT name FROM sqlite_master WHERE type = 'trigger'")))
            assert {
                "tr_appointments_no_overlap_insert",
                "tr_appointments_no_overlap_update",
                "tr_appointment_participants_no_overlap_insert",
                "tr_appointment_participants_no_overlap_update",
            } <= names
            assert conn.scalar(text("PRAGMA journal_mode")) == "wal"
            assert conn.scalar(text("PRAGMA foreign_keys")) == 1
    empty_database.dispose()
