"""Which database failures pass by themselves: a lost connection, a serialization failure, a
deadlock, a lock or statement timeout, a database busy or restarting.

Such a failure says nothing about the request: the same unit of work may well succeed a moment
later. The unit of work tries once more where that is safe, and the answer is 503 with
Retry-After, never a 500.
"""

from __future__ import annotations

import sqlite3

import psycopg
from sqlalchemy import exc

# SQLSTATE classes and codes (PostgreSQL appendix A) that a retry can get past.
TRANSIENT_SQLSTATE_CLASSES = ("08",)  # connection exception
TRANSIENT_SQLSTATES = frozenset(
    {
        "40001",  # serialization_failure
        "40P01",  # deadlock_detected
        "55P03",  # lock_not_available (lock_timeout)
        "57014",  # query_canceled (statement_timeout, pg_cancel_backend)
        "57P01",  # admin_shutdown (pg_terminate_backend, a restart)
        "57P02",  # crash_shutdown
        "57P03",  # cannot_connect_now (starting up, in recovery)
        "53300",  # too_many_connections
    }
)
SQLITE_TRANSIENT = ("database is locked", "database is busy", "database table is locked")


def is_transient(error: BaseException) -> bool:
    """True for a database failure that is likely gone a moment later."""
    if isinstance(error, exc.TimeoutError):  # no pooled connection came free in time
        return True
    if isinstance(error, exc.DBAPIError):
        if error.connection_invalidated:
            return True
        return is_transient(error.orig) if error.orig is not None else False
    if isinstance(error, sqlite3.OperationalError):
        return str(error).startswith(SQLITE_TRANSIENT)
    sqlstate = getattr(error, "sqlstate", None)
    if isinstance(sqlstate, str):
        return sqlstate in TRANSIENT_SQLSTATES or sqlstate.startswith(TRANSIENT_SQLSTATE_CLASSES)
    # without a SQLSTATE: the server closed the connection, or could not be reached at all
    return isinstance(error, psycopg.OperationalError)
