"""The database engine, and units of work: `Database.session()` commits on success and rolls
back on any error. A request gets its one through web/unit_of_work.py, a command through
`session_scope()`."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager, suppress
from pathlib import Path
from typing import Any

from sqlalchemy import Engine, create_engine, event
from sqlalchemy.engine import make_url
from sqlalchemy.orm import Session, sessionmaker

from confide.config import Settings, get_settings


def _configure_sqlite(engine: Engine) -> None:
    # pysqlite's own transaction handling would defer BEGIN; we issue it ourselves so a writing
    # unit of work can take the write lock up front (BEGIN IMMEDIATE) instead of failing later
    # with SQLITE_BUSY when another writer got in between its read and its write.
    @event.listens_for(engine, "connect")
    def _on_connect(dbapi_connection: Any, _record: Any) -> None:
        dbapi_connection.isolation_level = None
        cursor = dbapi_connection.cursor()
        cursor.execute("PRAGMA journal_mode=WAL")
        cursor.execute("PRAGMA synchronous=NORMAL")
        cursor.execute("PRAGMA foreign_keys=ON")
        cursor.execute("PRAGMA busy_timeout=10000")
        cursor.close()

    @event.listens_for(engine, "begin")
    def _on_begin(connection: Any) -> None:
        write = connection.get_execution_options().get("confide_write", False)
        connection.exec_driver_sql("BEGIN IMMEDIATE" if write else "BEGIN")


def create_db_engine(database_url: str, *, pool_size: int = 20, echo: bool = False) -> Engine:
    url = make_url(database_url)
    if url.get_backend_name() == "sqlite":
        if url.database and url.database != ":memory:":
            Path(url.database).parent.mkdir(parents=True, exist_ok=True)
        engine = create_engine(
            url, echo=echo, connect_args={"check_same_thread": False, "timeout": 10}
        )
        _configure_sqlite(engine)
        return engine
    if url.drivername in ("postgresql", "postgres"):
        url = url.set(drivername="postgresql+psycopg")
    return create_engine(
        url, echo=echo, pool_size=pool_size, max_overflow=pool_size, pool_pre_ping=True
    )


class Database:
    """An engine and its session factory; the app, the CLI and the tests each hold one."""

    def __init__(self, engine: Engine) -> None:
        self.engine = engine
        self.sessions = sessionmaker(engine, expire_on_commit=False, autoflush=True)
        # the driver connections checked out now, so that `interrupt` can reach them
        self._in_use: set[Any] = set()
        event.listen(engine, "checkout", lambda conn, *_: self._in_use.add(conn))
        event.listen(engine, "checkin", lambda conn, *_: self._in_use.discard(conn))

    @classmethod
    def from_settings(cls, settings: Settings) -> Database:
        return cls(create_db_engine(settings.database_url, pool_size=settings.db_pool_size))

    @property
    def dialect(self) -> str:
        return self.engine.dialect.name

    @contextmanager
    def session(self, *, write: bool = False) -> Iterator[Session]:
        """One unit of work: commit on success, roll back on any error."""
        session = self.sessions()
        try:
            if write and self.dialect == "sqlite":
                # take SQLite's write lock up front (see _configure_sqlite); PostgreSQL locks rows
                session.connection(execution_options={"confide_write": True})
            yield session
            session.commit()
        except BaseException:
            session.rollback()
            raise
        finally:
            session.close()

    def interrupt(self) -> None:
        """Stop every statement running now (each fails, and its unit of work rolls back): a
        process shutting down past its time does not wait for a query stuck on a lock."""
        for connection in list(self._in_use):
            with suppress(Exception):  # it may have finished meanwhile
                if self.dialect == "sqlite":
                    connection.interrupt()
                else:
                    connection.cancel_safe(timeout=1)

    def dispose(self) -> None:
        self.engine.dispose()


@contextmanager
def session_scope(*, write: bool = False) -> Iterator[Session]:
    """A unit of work on the configured database: every CLI command's sessions come from here."""
    database = Database.from_settings(get_settings())
    try:
        with database.session(write=write) as session:
            yield session
    finally:
        database.dispose()
