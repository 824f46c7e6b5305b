"""Floods of holds, confirmations, matches and /book posts from one address or one account get
429, and every therapist's weekly first-session places beyond the limits stay open: counted
before and after with the same count booking uses. One flood goes through Redis for real."""

from __future__ import annotations

import uuid
from collections import Counter
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from urllib.parse import urlencode

import pytest
import redis
import time_machine
from fastapi import FastAPI
from fastapi.testclient import TestClient

from confide.config import Settings
from confide.db import Database
from confide.main import create_app
from confide.models import Therapist
from confide.scheduling.capacity import bookings_this_week_and_caseload
from confide.scheduling.timegrid import to_minute
from confide.web.rate_limits import RateLimiter
from tests.conftest import TEST_ENCRYPTION_KEYS, TEST_OUTBOX, form_csrf, signed_in_client
from tests.scheduling.factories import make_client, make_therapist
from tests.web.test_rate_limits import redis_url  # noqa: F401 (a fixture)

NOW = datetime(2026, 12, 2, 15, 0, tzinfo=UTC)  # a Wednesday, 10:00 in New York
MONDAY_9_NY = datetime(2026, 12, 7, 14, 0, tzinfo=UTC)
ALL_WEEK = tuple((d, 0, 24 * 60) for d in range(7))
THERAPISTS = 8
PLACES = 2  # each therapist's weekly new-client limit

# the limits live in the web layer; the places are counted the same on either database
sqlite_only = pytest.mark.parametrize("database", ["sqlite"], indirect=True)


@pytest.fixture
def frozen() -> Iterator[time_machine.Coordinates]:
    with time_machine.travel(NOW, tick=False) as traveller:
        yield traveller


@pytest.fixture
def therapists(database: Database) -> list[int]:
    with database.session(write=True) as session:
        return [
            make_therapist(session, hours=ALL_WEEK, weekly_new_client_limit=PLACES).id
            for _ in range(THERAPISTS)
        ]


def limited_app(database: Database, limits: dict[str, str], **overrides: object) -> FastAPI:
    # the flood's clients are made through the API: registration is not what is limited here
    settings = Settings(
        environment="test",
        database_url=str(database.engine.url),
        secret_key="f" * 40,
        encryption_keys=TEST_ENCRYPTION_KEYS,
        rate_limits={"register": "1000/hour", **limits},
        **{"outbox_dir": TEST_OUTBOX, **overrides},  # type: ignore[arg-type]
    )
    return create_app(settings, database=database)


def places_left(
    database: Database, therapist_ids: list[int], week_of: datetime | list[datetime]
) -> list[int]:
    """Each therapist's first-session places still open in the week of `week_of` (or of the
    time given for that therapist)."""
    weeks = week_of if isinstance(week_of, list) else [week_of] * len(therapist_ids)
    with database.session() as session:
        left = []
        for therapist_id, when in zip(therapist_ids, weeks, strict=True):
            therapist = session.get_one(Therapist, therapist_id)
            taken, _ = bookings_this_week_and_caseload(
                session, therapist, to_minute(when), datetime.now(UTC)
            )
            left.append(therapist.weekly_new_client_limit - taken)
        return left


def hold(api: TestClient, me: dict[str, str], therapist_id: int, start: datetime):  # type: ignore[no-untyped-def]
    return api.post(
        "/api/v1/holds",
        json={"therapist_id": therapist_id, "session_type": "intake", "start": start.isoformat()},
        headers=me,
    )


def assert_too_many(response) -> None:  # type: ignore[no-untyped-def]
    assert response.status_code == 429, response.text
    assert response.json()["error"] == "rate_limited"
    assert int(response.headers["retry-after"]) >= 1


@sqlite_only
def test_a_flood_of_holds_from_one_address_leaves_the_other_places(
    database: Database, therapists: list[int], frozen
) -> None:  # type: ignore[no-untyped-def]
    before = places_left(database, therapists, MONDAY_9_NY)
    assert before == [PLACES] * THERAPISTS
    with TestClient(limited_app(database, {"holds": "3/minute;5/hour"})) as api:
        # many accounts, one address: a new client for every hold, two per therapist
        answers = []
        for n in range(2 * THERAPISTS):
            me = make_client(api, name=f"Flood {n}")
            start = MONDAY_9_NY + timedelta(hours=n)
            answers.append(hold(api, me, therapists[n % THERAPISTS], start))
            if n % 3 == 2:
                frozen.shift(timedelta(seconds=61))  # past the minute: the hour limit holds
    assert [a.status_code for a in answers] == [201] * 5 + [429] * (2 * THERAPISTS - 5)
    assert_too_many(answers[-1])
    after = places_left(database, therapists, MONDAY_9_NY)
    assert sum(before) - sum(after) == 5
    # the first five therapists lost one place each; every other place is open
    assert after == [PLACES - 1] * 5 + [PLACES] * (THERAPISTS - 5)


@sqlite_only
def test_one_account_from_many_addresses_takes_one_place_and_is_then_refused(
    database: Database, therapists: list[int], frozen
) -> None:  # type: ignore[no-untyped-def]
    app = limited_app(database, {"holds": "4/minute", "appointments": "2/minute"})
    with TestClient(app, client=("203.0.113.9", 4000)) as home:
        me = make_client(home)
    answers = []
    for n, therapist_id in enumerate(therapists):
        with TestClient(app, client=(f"198.51.100.{n + 1}", 4000)) as somewhere:
            answers.append(hold(somewhere, me, therapist_id, MONDAY_9_NY + timedelta(hours=n)))
    codes = [a.json().get("error", a.status_code) for a in answers]
    # one hold; then the one-hold rule; then the account's limit, whatever the address
    assert codes == [201, "hold_exists", "hold_exists", "hold_exists"] + ["rate_limited"] * (
        THERAPISTS - 4
    )
    assert_too_many(answers[-1])
    assert places_left(database, therapists, MONDAY_9_NY) == [PLACES - 1] + [PLACES] * (
        THERAPISTS - 1
    )
    # confirming is limited per account too
    hold_id = answers[0].json()["hold_id"]
    with TestClient(app, client=("192.0.2.1", 4000)) as api:
        confirms = [
            api.post("/api/v1/appointments", json={"hold_id": hold_id}, headers=me).status_code
            for _ in range(3)
        ]
    assert confirms == [201, 201, 429]


@sqlite_only
def test_a_flood_of_book_posts_and_matches_from_one_address(
    database: Database, therapists: list[int], frozen
) -> None:  # type: ignore[no-untyped-def]
    # many accounts signed in one after another from one address, each booking once: what a
    # script holding a pile of accounts would do; signing in is not what is limited here
    app = limited_app(
        database, {"book": "3/minute;4/hour", "matches": "5/minute", "signin": "1000/minute"}
    )
    before = places_left(database, therapists, MONDAY_9_NY)
    statuses = []
    with TestClient(app) as api:
        for n in range(2 * THERAPISTS):
            api.cookies.clear()
            signed_in_client(api, name=f"Person {n}")
            opening = {
                "therapist": therapists[n % THERAPISTS],
                "session_type": "intake",
                "start": (MONDAY_9_NY + timedelta(hours=n)).isoformat(),
            }
            token = form_csrf(api, f"/book?{urlencode(opening)}")
            response = api.post("/book", data={**opening, "csrf_token": token})
            statuses.append(response.status_code)
            if n == 2:
                frozen.shift(timedelta(seconds=61))
        assert_too_many(response)
        intake = {
            "state": "NY",
            "concerns": ["infidelity"],
            "payment": {"method": "self_pay", "max_rate": 300},
            "timezone": "America/New_York",
        }
        token = {"Authorization": f"Bearer {uuid.uuid4().hex}"}
        matched = [
            api.post("/api/v1/matches", json=intake, headers=token).status_code for _ in range(3)
        ]
    # the same bearer from another address shares the account's count
    with TestClient(app, client=("198.51.100.77", 4000)) as elsewhere:
        matched += [
            elsewhere.post("/api/v1/matches", json=intake, headers=token).status_code
            for _ in range(6)
        ]
    assert statuses == [200] * 4 + [429] * (2 * THERAPISTS - 4)
    after = places_left(database, therapists, MONDAY_9_NY)
    assert sum(before) - sum(after) == 4
    assert after == [PLACES - 1] * 4 + [PLACES] * (THERAPISTS - 4)
    assert matched == [200] * 5 + [429] * 4


@sqlite_only
def test_a_flood_of_holds_counted_in_redis_leaves_the_other_places(
    database: Database,
    therapists: list[int],
    redis_url: str,  # noqa: F811
) -> None:
    namespace = f"confide-flood-{uuid.uuid4().hex[:12]}"
    apps = []
    for _ in range(2):  # two app instances, as two server processes behind one address
        app = limited_app(database, {"holds": "3/hour"}, redis_url=redis_url)
        app.state.rate_limiter = RateLimiter.from_settings(app.state.settings, namespace=namespace)
        apps.append(app)
    week = (datetime.now(UTC) + timedelta(days=7)).replace(minute=0, second=0, microsecond=0)
    starts = [week + timedelta(hours=n) for n in range(THERAPISTS)]
    before = places_left(database, therapists, starts)
    try:
        with TestClient(apps[0]) as first, TestClient(apps[1]) as second:
            answers: Counter[int] = Counter()
            for n, therapist_id in enumerate(therapists):
                api = (first, second)[n % 2]
                me = make_client(api, name=f"Flood {n}")
                answers[hold(api, me, therapist_id, starts[n]).status_code] += 1
        assert answers == Counter({201: 3, 429: THERAPISTS - 3})
        assert redis.Redis.from_url(redis_url).keys(f"{namespace}:*"), "the counts are in Redis"
    finally:
        shared = redis.Redis.from_url(redis_url)
        for key in shared.scan_iter(f"{namespace}:*"):
            shared.delete(key)
    after = places_left(database, therapists, starts)
    assert sum(before) - sum(after) == 3
    assert (
        sorted(before[n] - after[n] for n in range(THERAPISTS)) == [0] * (THERAPISTS - 3) + [1] * 3
    )
