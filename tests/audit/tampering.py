"""Changing the audit trail behind the application's back, as someone with database access might."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

from sqlalchemy import Connection, text

from confide.db import Database


@contextmanager
def bypassing_triggers(database: Database) -> Iterator[Connection]:
    """A transaction in which the append-only triggers do not fire."""
    with database.engine.begin() as conn:
        if database.dialect == "postgresql":
            conn.execute(text("SET LOCAL session_replication_role = replica"))
        else:
            for name in ("seal_only", "no_update", "no_delete"):
                conn.execute(text(f"DROP TRIGGER IF EXISTS tr_audit_events_{name}"))
        yield conn
