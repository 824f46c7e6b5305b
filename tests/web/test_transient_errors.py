"""A database failure that passes by itself answers 503 temporarily_unavailable, never 500."""

from __future__ import annotations

import sqlite3

import psycopg
import pytest
from fastapi.testclient import TestClient
from psycopg import errors as pg
from sqlalchemy import exc

from confide.db import Database
from confide.main import create_app
from confide.network import service as network_service
from confide.transient import is_transient
from tests.conftest import settings_for


def wrapped(orig: BaseException, *, invalidated: bool = False) -> exc.DBAPIError:
    driver_error = sqlite3.Error if isinstance(orig, sqlite3.Error) else psycopg.Error
    return exc.DBAPIError.instance(
        "SELECT 1", {}, orig, driver_error, connection_invalidated=invalidated
    )


@pytest.mark.parametrize(
    "error",
    [
        pg.AdminShutdown("terminating connection due to administrator command"),
        pg.SerializationFailure("could not serialize access"),
        pg.DeadlockDetected("deadlock detected"),
        pg.LockNotAvailable("canceling statement due to lock timeout"),
        pg.QueryCanceled("canceling statement due to statement timeout"),
        pg.CannotConnectNow("the database system is starting up"),
        pg.TooManyConnections("sorry, too many clients already"),
        psycopg.OperationalError("server closed the connection unexpectedly"),
        sqlite3.OperationalError("database is locked"),
    ],
    ids=lambda e: type(e).__name__ + ":" + str(e)[:20],
)
def test_transient_failures(error: BaseException) -> None:
    assert is_transient(error)
    assert is_transient(wrapped(error))


@pytest.mark.parametrize(
    "error",
    [
        pg.UniqueViolation("duplicate key"),
        pg.ExclusionViolation("conflicting key value violates exclusion constraint"),
        pg.UndefinedTable('relation "x" does not exist'),
        pg.DiskFull("could not extend file"),
        sqlite3.OperationalError("no such table: x"),
        ValueError("not a database error"),
    ],
    ids=lambda e: type(e).__name__,
)
def test_lasting_failures(error: BaseException) -> None:
    assert not is_transient(error)
    if not isinstance(error, ValueError):
        assert not is_transient(wrapped(error))


def test_a_lost_connection_is_transient_whatever_its_message() -> None:
    closed = psycopg.InterfaceError("the connection is closed")
    assert is_transient(wrapped(closed, invalidated=True))
    assert is_transient(exc.TimeoutError("QueuePool limit of size 20 overflow 20 reached"))


@pytest.mark.parametrize(
    "failure",
    [
        pg.AdminShutdown("terminating connection due to administrator command"),
        pg.DeadlockDetected("deadlock detected"),
        sqlite3.OperationalError("database is locked"),
    ],
    ids=lambda e: type(e).__name__,
)
def test_a_transient_failure_answers_503_with_retry_after(
    client: TestClient, monkeypatch: pytest.MonkeyPatch, failure: BaseException
) -> None:
    def broken(*args: object, **kwargs: object) -> None:
        raise wrapped(failure)

    monkeypatch.setattr(network_service, "get_therapist", broken)
    response = client.get("/api/v1/therapists/1")
    assert response.status_code == 503, response.text
    assert response.headers["Retry-After"] == "1"
    assert response.json()["error"] == "temporarily_unavailable"


def test_a_lasting_database_failure_is_still_a_500(
    monkeypatch: pytest.MonkeyPatch, database: Database
) -> None:
    def broken(*args: object, **kwargs: object) -> None:
        raise wrapped(pg.UndefinedTable('relation "therapists" does not exist'))

    monkeypatch.setattr(network_service, "get_therapist", broken)
    app = create_app(settings_for(str(database.engine.url)), database=database)
    with TestClient(app, raise_server_exceptions=False) as plain:
        response = plain.get("/api/v1/therapists/1")
    assert response.status_code == 500
    assert response.json()["error"] == "internal_error"
