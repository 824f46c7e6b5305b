"""Hold-and-book under 200 concurrent clients, through HTTP, and double bookings counted after.

Each client lists a therapist's slots, holds the first one (clients share therapists, so many
race for the same start), takes a 409's first alternative when beaten, and books the hold.
Run on PostgreSQL behind two server processes, and in the same run on the straightforward
set-up, one server process on the embedded SQLite file. Target (DESIGN.md §5): p99 ≤ 100 ms
per request and zero double bookings.
"""

from __future__ import annotations

import asyncio
import random
import statistics
import tempfile
import time
import uuid
from collections import Counter
from dataclasses import dataclass, field
from datetime import UTC, datetime
from functools import partial
from pathlib import Path

import httpx2
import numpy as np
import psycopg
from sqlalchemy import select, text
from tests.serving import running_servers

from benchmarks.demo_network import seeded_database
from confide.accounts.schemas import ClientCreate
from confide.accounts.service import create_client
from confide.db import Database, create_db_engine
from confide.models import Therapist, TherapistService
from confide.network.supply_queries import taking_new_clients

CLIENTS = 200
THERAPISTS = 80  # about two and a half clients per therapist: real contention
NETWORK = 10_000
POSTGRES = "postgresql://postgres@127.0.0.1:5432"

OVERLAPS = """
SELECT count(*) FROM appointments a JOIN appointments b
  ON a.therapist_id = b.therapist_id AND a.id < b.id
 AND a.start_at < b.blocked_until AND b.start_at < a.blocked_until
WHERE a.status IN ('held', 'booked') AND b.status IN ('held', 'booked')
"""


@dataclass
class Tally:
    latencies: dict[str, list[float]] = field(
        default_factory=lambda: {"slots": [], "hold": [], "book": []}
    )
    statuses: Counter[str] = field(default_factory=Counter)
    # a keep-alive connection the server closed just as a request went out on it (uvicorn
    # closes one idle for 5 s): the request is sent again, with the same Idempotency-Key
    resent: int = 0
    booked: int = 0
    gave_up: int = 0


def _prepare(url: str) -> list[tuple[str, int]]:
    """Migrate, seed the network, and make one client per seat: (token, therapist id)."""
    database = seeded_database(url, NETWORK)
    try:
        with database.session(write=True) as session:
            today = datetime.now(UTC).date()
            pool = session.execute(
                select(Therapist.id, Therapist.practice_state, Therapist.timezone)
                .join(TherapistService)
                .where(
                    TherapistService.session_type == "intake",
                    taking_new_clients(today),
                    Therapist.weekly_new_client_limit >= 3,
                )
                .order_by(Therapist.id)
                .limit(2 * THERAPISTS)
            ).all()
            seats = []
            for i in range(2 * CLIENTS):  # the first half for the burst, the second paced
                half = i // CLIENTS
                therapist_id, state, zone = pool[half * THERAPISTS + i % THERAPISTS]
                _, token = create_client(
                    session,
                    ClientCreate(
                        email=f"{uuid.uuid4().hex}@example.org",
                        name=f"Load {i}",
                        state=state,
                        timezone=zone,
                    ),
                )
                seats.append((token, therapist_id))
        return seats
    finally:
        database.dispose()


async def _client(
    http: httpx2.AsyncClient,
    base: str,
    token: str,
    therapist_id: int,
    tally: Tally,
    pace: random.Random | None,
) -> None:
    headers = {"Authorization": f"Bearer {token}"}

    async def think(low: float, high: float) -> None:
        # a person arriving, reading the list, confirming: seconds, not microseconds
        if pace is not None:
            await asyncio.sleep(pace.uniform(low, high))

    async def timed(kind: str, send):  # type: ignore[no-untyped-def]
        started = time.perf_counter()
        try:
            response = await send()
        except (httpx2.ReadError, httpx2.RemoteProtocolError):
            # safe to repeat: a GET, or a write under the same Idempotency-Key
            tally.resent += 1
            response = await send()
        tally.latencies[kind].append(time.perf_counter() - started)
        tally.statuses[f"{kind} {response.status_code}"] += 1
        return response

    await think(0, 2)
    listed = await timed(
        "slots",
        partial(http.get, f"{base}/api/v1/therapists/{therapist_id}/slots", params={"days": 14}),
    )
    if listed.status_code != 200:
        print(listed.status_code, listed.text[:300])
        tally.gave_up += 1
        return
    starts = [s["start"] for s in listed.json()["slots"]]
    if not starts:
        tally.gave_up += 1
        return
    start = starts[0]
    await think(1, 3)
    for _ in range(4):
        hold_key, book_key = str(uuid.uuid4()), str(uuid.uuid4())
        held = await timed(
            "hold",
            partial(
                http.post,
                f"{base}/api/v1/holds",
                headers={**headers, "Idempotency-Key": hold_key},
                json={"therapist_id": therapist_id, "session_type": "intake", "start": start},
            ),
        )
        if held.status_code == 201:
            await think(1, 3)
            hold_id = held.json()["hold_id"]
            booked = await timed(
                "book",
                partial(
                    http.post,
                    f"{base}/api/v1/appointments",
                    json={"hold_id": hold_id},
                    headers={**headers, "Idempotency-Key": book_key},
                ),
            )
            tally.booked += booked.status_code == 201
            return
        alternatives = held.json().get("alternatives") or []
        if held.status_code != 409 or not alternatives:
            break
        start = alternatives[0]
    tally.gave_up += 1


async def _load(urls: list[str], seats: list[tuple[str, int]], paced: bool) -> tuple[Tally, float]:
    tally = Tally()
    limits = httpx2.Limits(max_connections=CLIENTS, max_keepalive_connections=CLIENTS)
    async with httpx2.AsyncClient(timeout=60, limits=limits) as http:
        started = time.perf_counter()
        await asyncio.gather(
            *(
                _client(
                    http,
                    urls[i % len(urls)],
                    token,
                    therapist_id,
                    tally,
                    random.Random(i) if paced else None,
                )
                for i, (token, therapist_id) in enumerate(seats)
            )
        )
        elapsed = time.perf_counter() - started
    return tally, elapsed


def _count_overlaps(url: str) -> int:
    database = Database(create_db_engine(url))
    try:
        with database.engine.connect() as conn:
            return int(conn.execute(text(OVERLAPS)).scalar_one())
    finally:
        database.dispose()


def _report(label: str, tally: Tally, elapsed: float, overlaps: int) -> list[str]:
    requests = sum(len(v) for v in tally.latencies.values())
    every = [x for v in tally.latencies.values() for x in v]
    rows = [
        f"{label}: {tally.booked} booked, {tally.gave_up} gave up, {requests} requests in "
        f"{elapsed:.2f} s = {requests / elapsed:,.0f} requests/s; double bookings: {overlaps}"
    ]
    for kind, values in [*tally.latencies.items(), ("all", every)]:
        if values:
            rows.append(
                f"    {kind:<6} n={len(values):<4} "
                f"p50 {statistics.median(values) * 1e3:7.1f} ms   "
                f"p99 {float(np.percentile(values, 99)) * 1e3:7.1f} ms"
            )
    rows.append(
        "    statuses: " + ", ".join(f"{k}: {v}" for k, v in sorted(tally.statuses.items()))
    )
    if tally.resent:
        rows.append(f"    sent again after the server closed a kept-alive one: {tally.resent}")
    return rows


def _run(label: str, url: str, servers: int) -> list[str]:
    seats = _prepare(url)
    burst, paced = seats[:CLIENTS], seats[CLIENTS:]
    random.Random(7).shuffle(burst)
    rows = []
    with running_servers(url, count=servers) as urls:
        for name, group, pace in (
            ("burst, all at once, no pauses", burst, False),
            ("paced, people pausing 1-3 s between steps", paced, True),
        ):
            tally, elapsed = asyncio.run(_load(urls, group, pace))
            rows += _report(
                f"{label}, {servers} server process(es), {CLIENTS} clients on "
                f"{THERAPISTS} therapists, {name}",
                tally,
                elapsed,
                _count_overlaps(url),
            )
    return rows


def main() -> None:
    name = f"confide_bench_{uuid.uuid4().hex[:8]}"
    try:
        with psycopg.connect(f"{POSTGRES}/test", autocommit=True, connect_timeout=3) as conn:
            conn.execute(f'CREATE DATABASE "{name}"')
    except psycopg.Error as error:
        print(f"PostgreSQL at {POSTGRES} is not reachable ({error}); skipping the PostgreSQL run")
        name = ""
    try:
        if name:
            for row in _run("PostgreSQL", f"{POSTGRES}/{name}", servers=2):
                print(row, flush=True)
        with tempfile.TemporaryDirectory() as folder:
            for row in _run(
                "SQLite (straightforward: one process, embedded file)",
                f"sqlite:///{Path(folder) / 'load.db'}",
                servers=1,
            ):
                print(row, flush=True)
    finally:
        if name:
            with psycopg.connect(f"{POSTGRES}/test", autocommit=True) as conn:
                conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
    print("target: p99 ≤ 100 ms per request under 200 concurrent clients; 0 double bookings")


if __name__ == "__main__":
    main()
