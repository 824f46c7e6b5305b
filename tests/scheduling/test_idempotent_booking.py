"""Holds and bookings under an Idempotency-Key through the app: a twin waits for the answer,
a dead claim is taken over, a refusal is the key's answer byte for byte, a passing database
failure is tried again once."""

from __future__ import annotations

import sqlite3
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta

import psycopg
import pytest
import time_machine
from fastapi.testclient import TestClient
from psycopg import errors as pg
from sqlalchemy import exc, func, select

from confide.db import Database
from confide.models import Appointment, Client
from confide.network import service as network
from confide.scheduling import service
from confide.web import idempotency
from confide.web.idempotency import Claim
from tests.scheduling.factories import make_client, make_therapist

NOW = datetime(2026, 12, 2, 15, 0, tzinfo=UTC)
MONDAY_9_NY = datetime(2026, 12, 7, 14, 0, tzinfo=UTC)
LEASE = timedelta(seconds=15)
HOLDS = "/api/v1/holds"


@pytest.fixture
def frozen() -> Iterator[time_machine.Coordinates]:
    with time_machine.travel(NOW, tick=False) as traveller:
        yield traveller


def claim(database: Database, client_id: int, key: str, digest: str) -> object:
    with database.session(write=True) as session:
        return idempotency.claim(
            session, client_id, key, "holds", digest, NOW, LEASE, idempotency.new_token()
        )


@pytest.fixture
def therapist_id(database: Database) -> int:
    with database.session(write=True) as session:
        return make_therapist(session, licensed=("NY",)).id


def hold_body(therapist_id: int, start: datetime = MONDAY_9_NY) -> dict[str, object]:
    return {"therapist_id": therapist_id, "session_type": "intake", "start": start.isoformat()}


def test_a_twin_waits_for_the_answer_of_the_request_at_work(
    client: TestClient, database: Database, therapist_id: int, frozen: time_machine.Coordinates
) -> None:
    client.app.state.settings.idempotency_wait_seconds = 0.05  # type: ignore[attr-defined]
    me = make_client(client)
    body = hold_body(therapist_id)
    with database.session() as session:
        client_id = session.scalars(select(Client.id)).one()
    # another process claimed this key and is at work
    digest = idempotency.request_hash("holds", {**body, "start": "2026-12-07T14:00:00Z"})
    at_work = claim(database, client_id, key="twin", digest=digest)
    assert isinstance(at_work, Claim)
    waiting = client.post(HOLDS, json=body, headers={**me, "Idempotency-Key": "twin"})
    assert waiting.status_code == 409, waiting.text
    assert waiting.json()["error"] == "idempotency_in_progress"
    assert waiting.headers["Retry-After"] == "1"
    with database.session(write=True) as session:
        idempotency.finish(session, at_work, 201, b'{"hold_id": 99}')
    answered = client.post(HOLDS, json=body, headers={**me, "Idempotency-Key": "twin"})
    assert (answered.status_code, answered.content) == (201, b'{"hold_id": 99}')
    assert answered.headers["Idempotent-Replayed"] == "true"
    # the work never ran here
    with database.session() as session:
        assert session.scalar(select(func.count()).select_from(Appointment)) == 0


def test_a_dead_claim_is_taken_over_after_its_lease(
    client: TestClient, database: Database, therapist_id: int, frozen: time_machine.Coordinates
) -> None:
    client.app.state.settings.idempotency_wait_seconds = 0  # type: ignore[attr-defined]
    me = make_client(client)
    body = hold_body(therapist_id)
    with database.session() as session:
        client_id = session.scalars(select(Client.id)).one()
    digest = idempotency.request_hash("holds", {**body, "start": "2026-12-07T14:00:00Z"})
    assert isinstance(claim(database, client_id, key="orphan", digest=digest), Claim)
    headers = {**me, "Idempotency-Key": "orphan"}
    assert client.post(HOLDS, json=body, headers=headers).status_code == 409
    frozen.shift(timedelta(seconds=client.app.state.settings.idempotency_lease_seconds))  # type: ignore[attr-defined]
    taken = client.post(HOLDS, json=body, headers=headers)
    assert taken.status_code == 201, taken.text
    assert client.post(HOLDS, json=body, headers=headers).content == taken.content


def test_a_refusal_is_the_answer_to_its_key_byte_for_byte(
    client: TestClient, therapist_id: int, frozen: time_machine.Coordinates
) -> None:
    first, second = make_client(client), make_client(client, name="Lee")
    taken = client.post(HOLDS, json=hold_body(therapist_id), headers=first)
    assert taken.status_code == 201
    headers = {**second, "Idempotency-Key": "late"}
    refused = client.post(HOLDS, json=hold_body(therapist_id), headers=headers)
    assert refused.status_code == 409
    assert refused.json()["error"] == "slot_unavailable"
    assert len(refused.json()["alternatives"]) == 3
    # the time comes free; the same request under the same key still gets its first answer
    cancel = f"/api/v1/appointments/{taken.json()['hold_id']}/cancel"
    assert client.post(cancel, headers=first, json={}).status_code == 200
    again = client.post(HOLDS, json=hold_body(therapist_id), headers=headers)
    assert (again.status_code, again.content) == (409, refused.content)
    assert again.headers["Idempotent-Replayed"] == "true"
    fresh = client.post(
        HOLDS, json=hold_body(therapist_id), headers={**second, "Idempotency-Key": "new"}
    )
    assert fresh.status_code == 201


def _cut_connection() -> exc.DBAPIError:
    return exc.OperationalError(
        "INSERT", {}, pg.AdminShutdown("terminating connection due to administrator command")
    )


def test_a_keyed_write_is_tried_again_once_after_a_cut_connection(
    client: TestClient,
    database: Database,
    therapist_id: int,
    frozen: time_machine.Coordinates,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    me = make_client(client)
    real, calls = service.create_hold, []

    def flaky(*args, **kwargs):  # type: ignore[no-untyped-def]
        calls.append(1)
        if len(calls) == 1:
            raise _cut_connection()
        return real(*args, **kwargs)

    monkeypatch.setattr(service, "create_hold", flaky)
    held = client.post(HOLDS, json=hold_body(therapist_id), headers={**me, "Idempotency-Key": "x"})
    assert held.status_code == 201, held.text
    assert len(calls) == 2
    # without a key, a write is not repeated: the client is told to try again
    calls.clear()
    later = hold_body(therapist_id, MONDAY_9_NY + timedelta(hours=3))
    unkeyed = client.post(HOLDS, json=later, headers=me)
    assert unkeyed.status_code == 503
    assert unkeyed.json()["error"] == "temporarily_unavailable"
    assert len(calls) == 1
    with database.session() as session:
        assert session.scalar(select(func.count()).select_from(Appointment)) == 1


def test_a_key_whose_work_failed_twice_is_free_for_the_retry(
    client: TestClient,
    database: Database,
    therapist_id: int,
    frozen: time_machine.Coordinates,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    me = make_client(client)
    real = service.create_hold

    def down(*args, **kwargs):  # type: ignore[no-untyped-def]
        raise _cut_connection()

    monkeypatch.setattr(service, "create_hold", down)
    headers = {**me, "Idempotency-Key": "retry-me"}
    failed = client.post(HOLDS, json=hold_body(therapist_id), headers=headers)
    assert failed.status_code == 503
    assert failed.headers["Retry-After"] == "1"
    monkeypatch.setattr(service, "create_hold", real)
    retried = client.post(HOLDS, json=hold_body(therapist_id), headers=headers)
    assert retried.status_code == 201, retried.text
    assert "Idempotent-Replayed" not in retried.headers


def test_a_read_is_tried_again_once(
    client: TestClient, therapist_id: int, monkeypatch: pytest.MonkeyPatch
) -> None:
    real, calls = network.get_therapist, []

    def flaky(*args, **kwargs):  # type: ignore[no-untyped-def]
        calls.append(1)
        if len(calls) == 1:
            raise _cut_connection()
        return real(*args, **kwargs)

    monkeypatch.setattr(network, "get_therapist", flaky)
    assert client.get(f"/api/v1/therapists/{therapist_id}").status_code == 200
    assert len(calls) == 2


@pytest.mark.parametrize("lost", ["claim", "work"])
def test_a_write_committed_before_its_connection_broke_answers_once(
    lost: str,
    client: TestClient,
    database: Database,
    therapist_id: int,
    frozen: time_machine.Coordinates,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """A commit went through but its acknowledgement was lost: trying again finds the key
    claimed by this very request, or answered, instead of waiting for itself or refusing the
    time its own hold took."""
    me = make_client(client)
    dialect = database.engine.dialect
    commit, commits = dialect.do_commit, []

    def lose_the_acknowledgement(dbapi_connection: object) -> None:
        commit(dbapi_connection)
        commits.append(1)
        if len(commits) == ("claim", "work").index(lost) + 1:
            if database.dialect == "sqlite":
                raise sqlite3.OperationalError("database is locked")
            raise psycopg.OperationalError("server closed the connection unexpectedly")

    monkeypatch.setattr(dialect, "do_commit", lose_the_acknowledgement)
    held = client.post(
        HOLDS, json=hold_body(therapist_id), headers={**me, "Idempotency-Key": "ack"}
    )
    monkeypatch.undo()
    assert held.status_code == 201, held.text
    with database.session() as session:
        assert session.scalar(select(func.count()).select_from(Appointment)) == 1
        hold_id = session.scalars(select(Appointment.id)).one()
    assert held.json()["hold_id"] == hold_id
