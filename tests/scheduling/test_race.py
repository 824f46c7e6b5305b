"""A real race: many concurrent holds on one slot through two server processes on PostgreSQL."""

from __future__ import annotations

import asyncio
import uuid
from collections import Counter
from datetime import UTC, datetime, timedelta

import httpx2
import pytest
from sqlalchemy import text

from confide.accounts.schemas import ClientCreate
from confide.accounts.service import create_client
from confide.scheduling.slots import grid_ceil
from confide.scheduling.timegrid import from_minute, to_minute
from tests.conftest import PostgresDatabases, migrated
from tests.scheduling.factories import make_therapist
from tests.serving import running_servers

ATTEMPTS = 60
ALL_WEEK = tuple((d, 0, 24 * 60) for d in range(7))

pytestmark = [pytest.mark.postgres, pytest.mark.slow]

OVERLAPS = """
SELECT count(*) FROM appointments a JOIN appointments b
  ON a.therapist_id = b.therapist_id AND a.id < b.id
 AND tstzrange(a.start_at, a.blocked_until) && tstzrange(b.start_at, b.blocked_until)
WHERE a.status IN ('held', 'booked') AND b.status IN ('held', 'booked')
"""


async def _attempt(
    http: httpx2.AsyncClient, url: str, token: str, therapist_id: int, start: datetime
) -> int:
    response = await http.post(
        f"{url}/api/v1/holds",
        headers={"Authorization": f"Bearer {token}"},
        json={"therapist_id": therapist_id, "session_type": "intake", "start": start.isoformat()},
    )
    if response.status_code == 409:
        # every loser is offered other times, whichever way it lost (check or constraint)
        assert len(response.json()["alternatives"]) == 3, response.text
    return response.status_code


async def _race(
    urls: list[str], tokens: list[str], therapist_id: int, start: datetime
) -> Counter[int]:
    limits = httpx2.Limits(max_connections=ATTEMPTS)
    async with httpx2.AsyncClient(timeout=30, limits=limits) as http:
        statuses = await asyncio.gather(
            *(
                _attempt(http, urls[i % len(urls)], token, therapist_id, start)
                for i, token in enumerate(tokens)
            )
        )
    return Counter(statuses)


def test_one_slot_many_clients_two_servers(postgres_databases: PostgresDatabases) -> None:
    url = postgres_databases.create("race")
    database = migrated(url)
    try:
        with database.session(write=True) as session:
            therapist_id = make_therapist(
                session,
                hours=ALL_WEEK,
                minimum_notice_hours=1,
                weekly_new_client_limit=ATTEMPTS,
                caseload_limit=ATTEMPTS * 2,
            ).id
            tokens = [
                create_client(
                    session,
                    ClientCreate(
                        email=f"{uuid.uuid4().hex}@example.org",
                        name=f"Client {i}",
                        state="NY",
                        timezone="America/New_York",
                    ),
                )[1]
                for i in range(ATTEMPTS)
            ]
        start = from_minute(grid_ceil(to_minute(datetime.now(UTC) + timedelta(hours=3))))
        with running_servers(url, count=2) as urls:
            statuses = asyncio.run(_race(urls, tokens, therapist_id, start))
            # the slot and its neighbours are gone from both servers' lists
            listed = httpx2.get(
                f"{urls[1]}/api/v1/therapists/{therapist_id}/slots",
                params={"start": start.date().isoformat(), "days": 2},
            ).json()
        assert statuses == Counter({201: 1, 409: ATTEMPTS - 1}), statuses
        assert start.isoformat().replace("+00:00", "Z") not in {s["start"] for s in listed["slots"]}
        with database.engine.connect() as conn:
            assert conn.execute(text(OVERLAPS)).scalar_one() == 0
            assert (
                conn.execute(
                    text("SELECT count(*) FROM appointments WHERE status = 'held'")
                ).scalar_one()
                == 1
            )
    finally:
        database.dispose()
