"""Faults injected into real server processes on one PostgreSQL, and what must hold after them.

Shared by tests/faults (small, in `make test`) and benchmarks/faults.py (larger, with a table).
Clients behave as a careful client should: every write carries an Idempotency-Key; a lost
connection is retried on another process, a 503 or a 409 idempotency_in_progress after
Retry-After, always under the same key, until a final answer comes.
"""

from __future__ import annotations

import asyncio
import time
import uuid
from collections import Counter
from collections.abc import Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from typing import Any

import httpx2
import psycopg

from confide.accounts.schemas import ClientCreate
from confide.accounts.service import create_client
from confide.db import Database, create_db_engine
from confide.migrate import upgrade
from confide.scheduling.slots import grid_ceil
from confide.scheduling.timegrid import from_minute, to_minute
from confide.vocab import get_vocabulary
from confide.vocab.service import sync_reference_data
from tests.scheduling.factories import make_therapist

ALL_WEEK = tuple((d, 0, 24 * 60) for d in range(7))
HOLD = "/api/v1/holds"
BOOK = "/api/v1/appointments"
# times a client tries another start after being told the one it wanted is taken
ATTEMPTS = 10
# a client gives up on one request after this long: a test fails instead of hanging
GIVE_UP_SECONDS = 45.0
# Retry-After is honoured up to this long (it says 1 s)
LONGEST_WAIT = 1.0

OVERLAPS = """
SELECT count(*) FROM appointments a JOIN appointments b
  ON a.therapist_id = b.therapist_id AND a.id < b.id
 AND tstzrange(a.start_at, a.blocked_until) && tstzrange(b.start_at, b.blocked_until)
WHERE a.status IN ('held', 'booked') AND b.status IN ('held', 'booked')
"""
BLOCKING = """
SELECT id, status FROM appointments
 WHERE status IN ('held', 'booked') AND created_by_client_id = ANY(%s)
"""
TWO_PER_CLIENT = """
SELECT count(*) FROM (SELECT created_by_client_id FROM appointments
 WHERE status IN ('held', 'booked') GROUP BY 1 HAVING count(*) > 1) AS twice
"""
TERMINATE = """
SELECT count(pg_terminate_backend(pid)) FROM pg_stat_activity
 WHERE datname = current_database() AND pid <> pg_backend_pid()
"""


def libpq(url: str) -> str:
    return url.replace("postgresql+psycopg://", "postgresql://")


@dataclass
class World:
    """A migrated database with therapists open all week and clients ready to book."""

    url: str
    therapist_ids: list[int]
    tokens: list[str]
    starts: list[datetime]
    client_ids: dict[str, int] = field(default_factory=dict)  # by token
    _next_token: int = 0

    def take_clients(self, count: int) -> list[str]:
        """Clients nobody has used yet (each scenario books with its own)."""
        taken = self.tokens[self._next_token : self._next_token + count]
        if len(taken) < count:
            raise ValueError(f"the world has {len(self.tokens)} clients; {count} more needed")
        self._next_token += count
        return taken


def build_world(url: str, therapists: int, clients: int, starts: int = 8) -> World:
    database = Database(create_db_engine(url, pool_size=CLIENT_WRITERS + 1))
    try:
        upgrade(database.engine)
        with database.session(write=True) as session:
            sync_reference_data(session, get_vocabulary())
            therapist_ids = [
                make_therapist(
                    session,
                    hours=ALL_WEEK,
                    minimum_notice_hours=1,
                    weekly_new_client_limit=10_000,
                    caseload_limit=10_000,
                ).id
                for _ in range(therapists)
            ]
        # a few units of work side by side: each client is several round trips to the
        # database, and one after another they took most of the world's building
        share = -(-clients // CLIENT_WRITERS)
        numbers = [range(first, min(first + share, clients)) for first in range(0, clients, share)]
        with ThreadPoolExecutor(CLIENT_WRITERS) as writers:
            made = writers.map(lambda some: _make_clients(database, some), numbers)
            people = [person for some in made for person in some]
    finally:
        database.dispose()
    first = grid_ceil(to_minute(datetime.now(UTC) + timedelta(hours=3)))
    return World(
        url,
        therapist_ids,
        [token for _, token in people],
        # an hour and a half apart: an intake (60 min) and its buffer never reach the next one
        [from_minute(first + 90 * k) for k in range(starts)],
        {token: client_id for client_id, token in people},
    )


CLIENT_WRITERS = 4


def _make_clients(database: Database, numbers: range) -> list[tuple[int, str]]:
    """Clients numbered `numbers`, in one unit of work: (id, API token) each."""
    with database.session(write=True) as session:
        made = [
            create_client(
                session,
                ClientCreate(
                    email=f"{uuid.uuid4().hex}@example.org",
                    name=f"Client {i}",
                    state="NY",
                    timezone="America/New_York",
                ),
            )
            for i in numbers
        ]
        session.flush()
        return [(client.id, token) for client, token in made]


@dataclass
class Tally:
    """Every response and lost connection, when each success was asked and answered, and how
    long each request that failed on the way waited for its final answer."""

    statuses: Counter[str] = field(default_factory=Counter)
    successes: list[tuple[float, float]] = field(default_factory=list)
    # seconds from a request's first failure (lost connection, 503, key in progress) to its
    # final answer: how long a fault kept that client waiting
    waits: list[float] = field(default_factory=list)
    # walk-away holds by the process that gave them
    walk_away_holds: Counter[str] = field(default_factory=Counter)
    # 503s without Retry-After or without the temporarily_unavailable code
    bad_503: int = 0

    @property
    def requests(self) -> int:
        return sum(self.statuses.values())

    @property
    def server_errors(self) -> int:
        """5xx other than a proper 503 temporarily_unavailable."""
        return self.bad_503 + sum(
            n
            for label, n in self.statuses.items()
            if label[:1] == "5" and label != "503 temporarily_unavailable"
        )

    @property
    def recovery(self) -> float:
        """The longest a client hit by a fault waited for its answer (0 when none was hit)."""
        return max(self.waits, default=0.0)

    def answered(self, sent: float, failed_at: float | None, success: bool) -> None:
        done = time.monotonic()
        if success:
            self.successes.append((sent, done))
        if failed_at is not None:
            self.waits.append(done - failed_at)


class GaveUp(AssertionError):
    pass


def label_of(response: httpx2.Response) -> str:
    try:
        code = response.json().get("error")
    except ValueError:
        code = None
    return f"{response.status_code} {code}" if code else str(response.status_code)


async def answer(
    http: httpx2.AsyncClient,
    servers: Sequence[str],
    first: int,
    path: str,
    *,
    token: str,
    key: str,
    body: dict[str, Any],
    tally: Tally,
) -> tuple[httpx2.Response, str]:
    """POST until a final answer (and the server that gave it), under one Idempotency-Key."""
    headers = {"Authorization": f"Bearer {token}", "Idempotency-Key": key}
    deadline = time.monotonic() + GIVE_UP_SECONDS
    turn = first
    failed_at: float | None = None
    while time.monotonic() < deadline:
        url = servers[turn % len(servers)]
        turn += 1
        sent = time.monotonic()
        try:
            response = await http.post(url + path, json=body, headers=headers)
        except httpx2.TransportError:
            tally.statuses["no answer (connection lost)"] += 1
            failed_at = failed_at or sent
            await asyncio.sleep(0.05)
            continue
        label = label_of(response)
        tally.statuses[label] += 1
        if response.status_code == 503:
            if label != "503 temporarily_unavailable" or "Retry-After" not in response.headers:
                tally.bad_503 += 1
        elif label != "409 idempotency_in_progress":
            tally.answered(sent, failed_at, response.is_success)
            return response, url
        failed_at = failed_at or sent
        wait = float(response.headers.get("Retry-After", LONGEST_WAIT))
        await asyncio.sleep(min(wait, LONGEST_WAIT))
    raise GaveUp(f"no final answer to POST {path} within {GIVE_UP_SECONDS} s")


async def read(
    http: httpx2.AsyncClient, servers: Sequence[str], first: int, path: str, tally: Tally
) -> httpx2.Response:
    """GET until answered; a read is safe to repeat anywhere."""
    deadline = time.monotonic() + GIVE_UP_SECONDS
    turn = first
    failed_at: float | None = None
    while time.monotonic() < deadline:
        url = servers[turn % len(servers)]
        turn += 1
        sent = time.monotonic()
        try:
            response = await http.get(url + path)
        except httpx2.TransportError:
            tally.statuses["no answer (connection lost)"] += 1
            failed_at = failed_at or sent
            await asyncio.sleep(0.05)
            continue
        label = label_of(response)
        tally.statuses[label] += 1
        if response.status_code != 503:
            tally.answered(sent, failed_at, response.is_success)
            return response
        if label != "503 temporarily_unavailable" or "Retry-After" not in response.headers:
            tally.bad_503 += 1
        failed_at = failed_at or sent
        await asyncio.sleep(LONGEST_WAIT)
    raise GaveUp(f"no answer to GET {path} within {GIVE_UP_SECONDS} s")


@dataclass
class Journey:
    """One client's way to a booking: the answers it was given."""

    token: str
    therapist_id: int
    held: dict[str, Any] | None = None
    held_by: str | None = None
    booked: dict[str, Any] | None = None
    refused: str | None = None
    walk_away: bool = False

    @property
    def told_id(self) -> int | None:
        """The appointment the client was told it has, held or booked (a booking keeps the
        hold's id)."""
        if self.booked is not None:
            return int(self.booked["id"])
        if self.held is not None:
            return int(self.held["hold_id"])
        return None


async def journey(
    http: httpx2.AsyncClient,
    servers: Sequence[str],
    first: int,
    token: str,
    therapist_id: int,
    start: datetime,
    tally: Tally,
    *,
    walk_away: bool = False,
    look_first: bool = False,
) -> Journey:
    """Hold (taking the first alternative when beaten), then book, unless walking away."""
    trip = Journey(token, therapist_id, walk_away=walk_away)
    if look_first:
        await read(http, servers, first, f"/api/v1/therapists/{therapist_id}/slots?days=2", tally)
    wanted = start.isoformat()
    for _ in range(ATTEMPTS):
        body = {"therapist_id": therapist_id, "session_type": "intake", "start": wanted}
        response, url = await answer(
            http, servers, first, HOLD, token=token, key=str(uuid.uuid4()), body=body, tally=tally
        )
        if response.status_code == 201:
            trip.held, trip.held_by = response.json(), url
            break
        alternatives = response.json().get("alternatives") or []
        if response.status_code != 409 or not alternatives:
            trip.refused = label_of(response)
            return trip
        wanted = alternatives[0]
    else:
        trip.refused = "no free alternative"
        return trip
    if walk_away:
        tally.walk_away_holds[trip.held_by or ""] += 1
        return trip
    response, _ = await answer(
        http,
        servers,
        first + 1,
        BOOK,
        token=token,
        key=str(uuid.uuid4()),
        body={"hold_id": trip.held["hold_id"]},
        tally=tally,
    )
    if response.status_code == 201:
        trip.booked = response.json()
    else:
        trip.refused = label_of(response)
    return trip


@dataclass
class Checks:
    """The invariants after a scenario, each True when it held."""

    results: dict[str, bool] = field(default_factory=dict)

    def add(self, name: str, held: bool) -> None:
        self.results[name] = held

    @property
    def failed(self) -> list[str]:
        return [name for name, held in self.results.items() if not held]


@dataclass
class Run:
    """What one scenario did: its requests, the clients' journeys, when faults were injected."""

    tally: Tally
    journeys: list[Journey] = field(default_factory=list)
    faults: list[float] = field(default_factory=list)
    # what the faults hit: processes killed, database backends terminated
    hit: int = 0
    elapsed: float = 0.0

    @property
    def recovery(self) -> float:
        return self.tally.recovery


def check_bookings(world: World, journeys: Sequence[Journey], checks: Checks) -> None:
    """No overlap; what these clients were told they have is exactly what the database holds."""
    clients = [world.client_ids[trip.token] for trip in journeys]
    with psycopg.connect(libpq(world.url)) as conn:
        overlaps = conn.execute(OVERLAPS).fetchone()
        blocking = dict(conn.execute(BLOCKING, [clients]).fetchall())
        twice = conn.execute(TWO_PER_CLIENT).fetchone()
    told = {trip.told_id for trip in journeys} - {None}
    booked = {int(trip.booked["id"]) for trip in journeys if trip.booked is not None}
    checks.add("no overlapping appointments", overlaps is not None and overlaps[0] == 0)
    checks.add("no client holds two appointments", twice is not None and twice[0] == 0)
    checks.add(
        "every booking a client was told of is booked (none lost)",
        all(blocking.get(i) == "booked" for i in booked),
    )
    untold = sorted(set(blocking) - told)
    checks.add(
        "nothing held or booked that no client was told of (none duplicated)"
        + (f": {[(i, blocking[i]) for i in untold]}, {client_count(journeys)}" if untold else ""),
        not untold,
    )


def client_count(journeys: Sequence[Journey]) -> Counter[str]:
    """How the journeys ended, for the table."""
    ends: Counter[str] = Counter()
    for trip in journeys:
        if trip.booked is not None:
            ends["booked"] += 1
        elif trip.walk_away and trip.held is not None:
            ends["held, walked away"] += 1
        else:
            ends[f"refused: {trip.refused}"] += 1
    return ends


async def sigkill_during_bookings(
    world: World, urls: Sequence[str], kill: Any, clients: int, kill_after: int, therapists: int
) -> Run:
    """Clients book all at once across the processes, on a few therapists so that they race;
    after `kill_after` successes, and a walk-away hold from the first process, `kill()`
    (SIGKILL) that process. A quarter of the clients only hold, and walk away."""
    run = Run(Tally())
    tokens = world.take_clients(clients)
    ids, starts = world.therapist_ids[:therapists], world.starts

    finished = asyncio.Event()

    async def killer() -> None:
        # the holds the dead process gave out are to free themselves later: have some
        while not finished.is_set() and (
            len(run.tally.successes) < kill_after or not run.tally.walk_away_holds[urls[0]]
        ):
            await asyncio.sleep(0.002)
        run.faults.append(time.monotonic())
        await asyncio.to_thread(kill)

    started = time.monotonic()
    limits = httpx2.Limits(max_connections=clients, max_keepalive_connections=clients)
    async with httpx2.AsyncClient(timeout=60, limits=limits) as http:
        killing = asyncio.create_task(killer())
        run.journeys = await asyncio.gather(
            *(
                journey(
                    http,
                    urls,
                    i,
                    token,
                    ids[i % len(ids)],
                    starts[(i // len(ids)) % len(starts)],
                    run.tally,
                    walk_away=i % 4 == 3,
                )
                for i, token in enumerate(tokens)
            )
        )
        finished.set()
        await killing
    run.elapsed = time.monotonic() - started
    return run


async def holds_free_at_expiry(
    world: World, journeys: Sequence[Journey], later_url: str, now_url: str
) -> tuple[int, int, int]:
    """Walk-away holds block now (`now_url`) and are free to others once expired, as seen by a
    process whose clock is past their expiry (`later_url`). Returns (held, blocked now, free
    later)."""
    held = [t for t in journeys if t.walk_away and t.held is not None]
    tokens = world.take_clients(2 * len(held))
    tally = Tally()
    async with httpx2.AsyncClient(timeout=60) as http:

        async def try_hold(url: str, token: str, trip: Journey) -> int:
            assert trip.held is not None
            body = {
                "therapist_id": trip.therapist_id,
                "session_type": "intake",
                "start": trip.held["start"],
            }
            response, _ = await answer(
                http, [url], 0, HOLD, token=token, key=str(uuid.uuid4()), body=body, tally=tally
            )
            return response.status_code

        blocked = await asyncio.gather(
            *(try_hold(now_url, tokens[i], t) for i, t in enumerate(held))
        )
        freed = await asyncio.gather(
            *(try_hold(later_url, tokens[len(held) + i], t) for i, t in enumerate(held))
        )
    return len(held), sum(s == 409 for s in blocked), sum(s == 201 for s in freed)


@dataclass
class Twins:
    run: Run
    # how the two first answers of each pair went together, e.g. "201 + 201"
    first_answers: Counter[str] = field(default_factory=Counter)
    # pairs whose final answers differ, in status or in a single byte: must be none
    differing: int = 0
    # pairs finally told they hold their start
    holding: int = 0


async def twin_requests(
    world: World, urls: Sequence[str], pairs: int, lanes: int = 12, first_lane: int = 6
) -> Twins:
    """Each pair sends one hold with one key to two processes at the same instant; two pairs
    want each start (of `lanes` therapists from `first_lane` on, out of other scenarios' way).
    A twin told to wait asks again under the key until it has a final answer."""
    assert len(urls) >= 2
    tokens = world.take_clients(pairs)
    twins = Twins(Run(Tally()))
    tally = twins.run.tally

    async def pair(i: int, http: httpx2.AsyncClient) -> None:
        slot = i // 2
        body = {
            "therapist_id": world.therapist_ids[first_lane + slot % lanes],
            "session_type": "intake",
            "start": world.starts[4 + (slot // lanes) % 4].isoformat(),
        }
        key = str(uuid.uuid4())
        headers = {"Authorization": f"Bearer {tokens[i]}", "Idempotency-Key": key}
        sent = time.monotonic()
        both = await asyncio.gather(
            http.post(urls[0] + HOLD, json=body, headers=headers),
            http.post(urls[1] + HOLD, json=body, headers=headers),
        )
        tally.successes += [(sent, time.monotonic()) for r in both if r.is_success]
        twins.first_answers[" + ".join(sorted(label_of(r) for r in both))] += 1
        finals = []
        for n, response in enumerate(both):
            tally.statuses[label_of(response)] += 1
            if label_of(response) in ("409 idempotency_in_progress", "503 temporarily_unavailable"):
                response, _ = await answer(
                    http, urls, n, HOLD, token=tokens[i], key=key, body=body, tally=tally
                )
            finals.append((response.status_code, response.content))
        twins.differing += finals[0] != finals[1]
        twins.holding += finals[0][0] == 201

    started = time.monotonic()
    limits = httpx2.Limits(max_connections=2 * pairs)
    async with httpx2.AsyncClient(timeout=60, limits=limits) as http:
        await asyncio.gather(*(pair(i, http) for i in range(pairs)))
    twins.run.elapsed = time.monotonic() - started
    return twins


async def terminate_backends_under_load(
    world: World, urls: Sequence[str], clients: int, rounds: int, every: float
) -> Run:
    """Clients look at slots, hold and book, arriving steadily, while every backend of the
    database is terminated `rounds` times, `every` seconds apart."""
    run = Run(Tally())
    tokens = world.take_clients(clients)
    ids, starts = world.therapist_ids, world.starts
    window = rounds * every

    def terminate_all() -> int:
        with psycopg.connect(libpq(world.url), autocommit=True) as conn:
            row = conn.execute(TERMINATE).fetchone()
        return int(row[0]) if row else 0

    async def terminator() -> None:
        await asyncio.sleep(every / 2)
        for _ in range(rounds):
            run.faults.append(time.monotonic())
            run.hit += await asyncio.to_thread(terminate_all)
            await asyncio.sleep(every)

    async def arrive(i: int, token: str, http: httpx2.AsyncClient) -> Journey:
        await asyncio.sleep(window * i / clients)
        return await journey(
            http,
            urls,
            i,
            token,
            ids[i % len(ids)],
            starts[(i // len(ids)) % len(starts)],
            run.tally,
            look_first=True,
        )

    started = time.monotonic()
    limits = httpx2.Limits(max_connections=clients, max_keepalive_connections=clients)
    async with httpx2.AsyncClient(timeout=60, limits=limits) as http:
        killing = asyncio.create_task(terminator())
        run.journeys = await asyncio.gather(*(arrive(i, t, http) for i, t in enumerate(tokens)))
        await killing
    run.elapsed = time.monotonic() - started
    return run


async def restart_under_load(
    world: World, urls: Sequence[str], restart: Any, clients: int, window: float
) -> Run:
    """Clients arrive steadily over `window` seconds; a third of the way in, `restart()` stops
    one process (SIGTERM) and starts it again. Clients find another process meanwhile."""
    run = Run(Tally())
    tokens = world.take_clients(clients)
    ids, starts = world.therapist_ids, world.starts

    async def restarter() -> None:
        await asyncio.sleep(window / 3)
        run.faults.append(time.monotonic())
        await asyncio.to_thread(restart)

    async def arrive(i: int, token: str, http: httpx2.AsyncClient) -> Journey:
        await asyncio.sleep(window * i / clients)
        return await journey(
            http,
            urls,
            i,
            token,
            ids[i % len(ids)],
            starts[(i // len(ids)) % len(starts)],
            run.tally,
        )

    started = time.monotonic()
    limits = httpx2.Limits(max_connections=clients, max_keepalive_connections=clients)
    async with httpx2.AsyncClient(timeout=60, limits=limits) as http:
        restarting = asyncio.create_task(restarter())
        run.journeys = await asyncio.gather(*(arrive(i, t, http) for i, t in enumerate(tokens)))
        await restarting
    run.elapsed = time.monotonic() - started
    return run
