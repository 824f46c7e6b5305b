"""Rate limits: per address and per account, 429 with Retry-After, windows that end, a switch,
and counts shared through Redis."""

from __future__ import annotations

import os
import time
import uuid
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta

import pytest
import redis
import time_machine
from fastapi import FastAPI
from fastapi.testclient import TestClient
from pydantic import ValidationError
from sqlalchemy import func, select

from confide.config import DEFAULT_RATE_LIMITS, Settings
from confide.db import Database
from confide.main import create_app
from confide.models import Appointment, Client
from confide.web.rate_limits import RateLimit, RateLimiter
from tests.conftest import IN_CI, TEST_ENCRYPTION_KEYS, TEST_OUTBOX, form_csrf, signed_in_client
from tests.scheduling.factories import make_client, make_therapist

NOW = datetime(2026, 12, 2, 15, 0, tzinfo=UTC)  # a Wednesday, 10:00 in New York
REDIS_URL = os.environ.get("CONFIDE_TEST_REDIS_URL", "redis://127.0.0.1:6379/0")
ALL_WEEK = tuple((d, 0, 24 * 60) for d in range(7))

# the limits live in the web layer: one database backend is enough
sqlite_only = pytest.mark.parametrize("database", ["sqlite"], indirect=True)


def limited_app(database: Database, limits: dict[str, str], **overrides: object) -> FastAPI:
    # tests make their clients through the API: registration is not what they limit
    settings = Settings(
        environment="test",
        database_url=str(database.engine.url),
        secret_key="t" * 40,
        encryption_keys=TEST_ENCRYPTION_KEYS,
        rate_limits={"register": "1000/hour", **limits},
        **{"outbox_dir": TEST_OUTBOX, **overrides},  # type: ignore[arg-type]
    )
    return create_app(settings, database=database)


def hold(api: TestClient, headers: dict[str, str], therapist_id: int, start: datetime):  # type: ignore[no-untyped-def]
    return api.post(
        "/api/v1/holds",
        json={"therapist_id": therapist_id, "session_type": "intake", "start": start.isoformat()},
        headers=headers,
    )


def registration(number: int) -> dict[str, str]:
    return {
        "email": f"person-{number}-{uuid.uuid4().hex[:6]}@example.org",
        "password": "a long enough password",
        "name": "Sam",
        "state": "NY",
        "timezone": "UTC",
    }


def count(database: Database, table: type) -> int:
    with database.session() as session:
        return session.scalar(select(func.count()).select_from(table)) or 0


@pytest.fixture
def frozen() -> Iterator[time_machine.Coordinates]:
    with time_machine.travel(NOW, tick=False) as traveller:
        yield traveller


@pytest.fixture
def therapist_id(database: Database) -> int:
    with database.session(write=True) as session:
        return make_therapist(session, hours=ALL_WEEK).id


def assert_refused(response, retry_after_at_most: int) -> None:  # type: ignore[no-untyped-def]
    assert response.status_code == 429, response.text
    body = response.json()
    assert body["error"] == "rate_limited"
    assert "try again" in body["detail"]
    assert 1 <= int(response.headers["retry-after"]) <= retry_after_at_most
    assert body["retry_after"] == int(response.headers["retry-after"])
    assert response.headers["cache-control"] == "no-store"


@sqlite_only
def test_limits_are_on_by_default(database: Database, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("CONFIDE_RATE_LIMITS_ENABLED", raising=False)
    monkeypatch.delenv("CONFIDE_RATE_LIMITS", raising=False)
    settings = Settings(
        environment="test",
        database_url=str(database.engine.url),
        secret_key="d" * 40,
        encryption_keys=TEST_ENCRYPTION_KEYS,
        outbox_dir=TEST_OUTBOX,
    )
    assert settings.rate_limits_enabled
    assert settings.rate_limits == DEFAULT_RATE_LIMITS
    assert set(DEFAULT_RATE_LIMITS) == {
        "register",
        "signin",
        "reset",
        "tokens",
        "holds",
        "appointments",
        "matches",
        "intake_text",
        "book",
    }
    # registration: five an hour from one address, whichever addresses they name
    with TestClient(create_app(settings, database=database)) as api:
        statuses = [
            api.post("/api/v1/auth/register", json=registration(n)).status_code for n in range(7)
        ]
    assert statuses == [202] * 5 + [429] * 2
    assert count(database, Client) == 5


@sqlite_only
def test_a_flood_of_holds_from_one_address_is_refused_and_changes_nothing(
    database: Database, therapist_id: int, frozen: time_machine.Coordinates
) -> None:
    app = limited_app(database, {"holds": "3/minute"})
    with TestClient(app) as api:
        clients = [make_client(api, name=f"Client {i}") for i in range(5)]
        first = NOW + timedelta(days=2)
        statuses = [
            hold(api, me, therapist_id, first + timedelta(hours=2 * i)).status_code
            for i, me in enumerate(clients[:4])
        ]
        assert statuses == [201, 201, 201, 429]
        refused = hold(api, clients[4], therapist_id, first + timedelta(hours=10))
        assert_refused(refused, 60)
        assert count(database, Appointment) == 3
        # the window is a minute: 61 seconds on, holds are taken again
        frozen.shift(timedelta(seconds=61))
        assert hold(api, clients[4], therapist_id, first + timedelta(hours=10)).status_code == 201


@sqlite_only
def test_retry_after_counts_down_to_when_a_place_frees(
    database: Database, therapist_id: int, frozen: time_machine.Coordinates
) -> None:
    app = limited_app(database, {"holds": "2/minute"})
    with TestClient(app) as api:
        people = [make_client(api, name=f"Client {i}") for i in range(3)]
        later = NOW + timedelta(days=2)
        assert hold(api, people[0], therapist_id, later).status_code == 201
        frozen.shift(timedelta(seconds=20))
        assert hold(api, people[1], therapist_id, later + timedelta(hours=2)).status_code == 201
        frozen.shift(timedelta(seconds=10))
        # the first hold was 30 s ago: its place frees 30 s from now
        assert_refused(hold(api, people[2], therapist_id, later + timedelta(hours=4)), 30)
        assert int(hold(api, people[2], therapist_id, later).headers["retry-after"]) == 30
        frozen.shift(timedelta(seconds=31))
        assert hold(api, people[2], therapist_id, later + timedelta(hours=4)).status_code == 201


@sqlite_only
def test_an_account_is_limited_across_addresses(
    database: Database, therapist_id: int, frozen: time_machine.Coordinates
) -> None:
    app = limited_app(database, {"holds": "2/minute"})
    later = NOW + timedelta(days=2)
    with TestClient(app, client=("203.0.113.1", 5000)) as first_address:
        me = make_client(first_address)
        # every attempt counts, even one the schema refuses: the limit is checked first
        for _ in range(2):
            assert first_address.post("/api/v1/holds", json={}, headers=me).status_code == 422
    with TestClient(app, client=("198.51.100.7", 5000)) as second_address:
        # the same token from a new address: the account's limit is used up
        assert_refused(hold(second_address, me, therapist_id, later + timedelta(hours=6)), 60)
        # another account at the new address is fine
        other = make_client(second_address, name="Alex")
        assert (
            hold(second_address, other, therapist_id, later + timedelta(hours=8)).status_code == 201
        )


@sqlite_only
def test_ipv6_addresses_count_by_64_block(
    database: Database, frozen: time_machine.Coordinates
) -> None:
    app = limited_app(database, {"register": "2/hour"})
    statuses = []
    for host in ("2001:db8:1:2::1", "2001:db8:1:2::2", "2001:db8:1:2:aaaa::3", "2001:db8:1:3::1"):
        with TestClient(app, client=(host, 5000)) as api:
            statuses.append(api.post("/api/v1/auth/register", json=registration(0)).status_code)
    assert statuses == [202, 202, 429, 202]


@sqlite_only
def test_book_posts_and_matches_are_limited(
    database: Database, therapist_id: int, frozen: time_machine.Coordinates
) -> None:
    app = limited_app(database, {"book": "2/minute", "matches": "3/minute"})
    start = (NOW + timedelta(days=2)).replace(minute=0)
    with TestClient(app) as api:
        statuses = []
        for i in range(4):
            person = TestClient(app)  # a browser each, all from one address
            signed_in_client(person, name=f"Person {i}")
            response = person.post(
                "/book",
                data={
                    "therapist": therapist_id,
                    "session_type": "intake",
                    "start": (start + timedelta(hours=2 * i)).isoformat(),
                    "csrf_token": form_csrf(person, "/account"),
                },
            )
            statuses.append(response.status_code)
        assert statuses == [200, 200, 429, 429]
        assert_refused(response, 60)
        assert count(database, Appointment) == 2
        intake = {
            "state": "NY",
            "concerns": ["infidelity"],
            "payment": {"method": "self_pay", "max_rate": 300},
            "timezone": "America/New_York",
        }
        matched = [api.post("/api/v1/matches", json=intake).status_code for _ in range(4)]
        assert matched == [200, 200, 200, 429]


@sqlite_only
def test_the_switch_turns_limits_off(database: Database, therapist_id: int, frozen) -> None:  # type: ignore[no-untyped-def]
    app = limited_app(database, {"holds": "1/minute"}, rate_limits_enabled=False)
    with TestClient(app) as api:
        later = NOW + timedelta(days=2)
        statuses = [
            hold(api, make_client(api), therapist_id, later + timedelta(hours=2 * i)).status_code
            for i in range(4)
        ]
    assert statuses == [201] * 4


def test_settings_take_json_and_refuse_what_they_cannot_read(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setenv("CONFIDE_RATE_LIMITS", '{"holds": "3/minute;20/hour"}')
    monkeypatch.setenv("CONFIDE_RATE_LIMITS_ENABLED", "false")
    settings = Settings()
    assert settings.rate_limits["holds"] == "3/minute;20/hour"
    assert settings.rate_limits["book"] == DEFAULT_RATE_LIMITS["book"]
    assert not settings.rate_limits_enabled
    with pytest.raises(ValidationError, match="unknown rate limit hods"):
        Settings(rate_limits={"hods": "3/minute"})
    with pytest.raises(ValidationError, match="not like '10/minute'"):
        Settings(rate_limits={"holds": "three a minute"})
    with pytest.raises(ValueError, match="unknown rate limit"):
        RateLimit("nonsense")


@pytest.fixture
def redis_url() -> str:
    try:
        redis.Redis.from_url(REDIS_URL, socket_connect_timeout=2).ping()
    except redis.RedisError as error:
        message = f"Redis at {REDIS_URL} is not reachable ({error})"
        if IN_CI:
            pytest.fail(message + "; under CI=true the Redis tests are required")
        pytest.skip(message + "; Redis tests skipped")
    return REDIS_URL


@sqlite_only
def test_processes_share_counts_through_redis(
    database: Database, therapist_id: int, redis_url: str
) -> None:
    namespace = f"confide-test-{uuid.uuid4().hex[:12]}"
    apps = []
    for _ in range(2):  # two app instances, as two server processes would be
        # a window long enough for four holds on a busy machine (each takes well under a second)
        app = limited_app(database, {"holds": "3/6 seconds"}, redis_url=redis_url)
        app.state.rate_limiter = RateLimiter.from_settings(app.state.settings, namespace=namespace)
        apps.append(app)
    later = (datetime.now(UTC) + timedelta(days=2)).replace(minute=0, second=0, microsecond=0)
    try:
        with TestClient(apps[0]) as first, TestClient(apps[1]) as second:
            people = [make_client(first, name=f"Client {i}") for i in range(5)]
            statuses = [
                hold(api, people[i], therapist_id, later + timedelta(hours=2 * i)).status_code
                for i, api in enumerate([first, second, first, second])
            ]
            assert statuses == [201, 201, 201, 429]
            assert count(database, Appointment) == 3
            keys = redis.Redis.from_url(redis_url).keys(f"{namespace}:*")
            assert keys, "the counts live in Redis"
            time.sleep(6.1)  # the window ends
            assert (
                hold(second, people[4], therapist_id, later + timedelta(hours=8)).status_code == 201
            )
    finally:
        client = redis.Redis.from_url(redis_url)
        for key in client.scan_iter(f"{namespace}:*"):
            client.delete(key)


@sqlite_only
def test_an_unreachable_redis_lets_requests_through(
    database: Database, therapist_id: int, caplog: pytest.LogCaptureFixture
) -> None:
    # nothing listens on port 1: booking must not stop because the shared counter is down
    app = limited_app(database, {"holds": "1/hour"}, redis_url="redis://127.0.0.1:1/0")
    later = (datetime.now(UTC) + timedelta(days=2)).replace(minute=0, second=0, microsecond=0)
    with TestClient(app) as api:
        statuses = [
            hold(api, make_client(api), therapist_id, later + timedelta(hours=2 * i)).status_code
            for i in range(2)
        ]
    assert statuses == [201, 201]
    assert "rate limit storage unavailable" in caplog.text
