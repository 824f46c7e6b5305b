"""Faults on real server processes sharing one PostgreSQL: a process killed, twin requests, the
database's connections cut, a restart. Each ends with nothing overlapping, lost or duplicated.

One group on one xdist worker: they start processes and load the machine.
"""

from __future__ import annotations

import asyncio
import signal
import threading
import time
import uuid
from collections.abc import Iterator
from datetime import timedelta

import httpx2
import psycopg
import pytest

from tests.conftest import PostgresDatabases
from tests.faults import scenarios
from tests.faults.scenarios import Checks, World, build_world, libpq
from tests.serving import ServerProcess, server_processes, warm_fork_server

pytestmark = [pytest.mark.postgres, pytest.mark.slow, pytest.mark.xdist_group("faults")]

HOLD_MINUTES = 10
# long enough for a request in flight to finish on a busy machine
SHUTDOWN_SECONDS = 10
# for the process that is stopped with a request stuck in the database
SHORT_SHUTDOWN_SECONDS = 2
ENV = {
    "CONFIDE_HOLD_MINUTES": str(HOLD_MINUTES),
    "CONFIDE_SHUTDOWN_SECONDS": str(SHUTDOWN_SECONDS),
    "CONFIDE_DB_POOL_SIZE": "8",
    # a claim left by a killed process frees its key this soon
    "CONFIDE_IDEMPOTENCY_LEASE_SECONDS": "3",
}


@pytest.fixture(scope="module")
def world(postgres_databases: PostgresDatabases) -> World:
    # the server processes are forked from a process with Confide imported: its imports run
    # beside the building of the world (the scenarios time no start-up)
    warm_fork_server()
    return build_world(postgres_databases.create("faults"), therapists=30, clients=400)


@pytest.fixture(scope="module")
def cluster(world: World) -> Iterator[list[ServerProcess]]:
    with server_processes(world.url, count=3, env=ENV, preloaded=True) as servers:
        yield servers


@pytest.fixture
def servers(cluster: list[ServerProcess]) -> list[ServerProcess]:
    """The processes still serving (a test may have killed one)."""
    return [s for s in cluster if s.process is not None and s.process.poll() is None]


def assert_checks(checks: Checks) -> None:
    assert not checks.failed, checks.results


def test_sigkill_in_the_middle_of_bookings(world: World, servers: list[ServerProcess]) -> None:
    urls = [s.url for s in servers]
    run = asyncio.run(
        scenarios.sigkill_during_bookings(
            world, urls, servers[0].kill, clients=60, kill_after=25, therapists=6
        )
    )
    assert servers[0].process is not None
    assert servers[0].process.returncode == -signal.SIGKILL
    assert run.tally.server_errors == 0, run.tally.statuses
    checks = Checks()
    scenarios.check_bookings(world, run.journeys, checks)
    assert_checks(checks)
    ends = scenarios.client_count(run.journeys)
    assert ends["booked"] + ends["held, walked away"] == len(run.journeys), ends
    # holds the dead process gave out, and all others left, free themselves at expiry: seen
    # by the process started again in its place, on a clock past their expiry
    later = servers[0]
    later.clock_ahead = timedelta(minutes=HOLD_MINUTES, seconds=30)
    later.start()
    try:
        later.wait_ready()
        held, blocked_now, free_later = asyncio.run(
            scenarios.holds_free_at_expiry(world, run.journeys, later.url, urls[1])
        )
    finally:
        later.stop()
    assert held == ends["held, walked away"] > 0
    assert any(t.held_by == urls[0] for t in run.journeys if t.walk_away and t.held), (
        "no walk-away hold was given by the killed process; kill it earlier"
    )
    assert blocked_now == held
    assert free_later == held


def test_twin_requests_with_one_key_get_one_outcome(
    world: World, servers: list[ServerProcess]
) -> None:
    twins = asyncio.run(scenarios.twin_requests(world, [servers[0].url, servers[1].url], pairs=24))
    assert twins.differing == 0, twins.first_answers
    assert twins.run.tally.server_errors == 0, twins.run.tally.statuses
    # two pairs wanted each start: one pair holds it, the other was told it is taken
    assert twins.holding == 12, twins.first_answers
    with psycopg.connect(libpq(world.url)) as conn:
        assert conn.execute(scenarios.OVERLAPS).fetchone() == (0,)
        assert conn.execute(scenarios.TWO_PER_CLIENT).fetchone() == (0,)


def test_database_connections_cut_under_load(world: World, servers: list[ServerProcess]) -> None:
    urls = [s.url for s in servers]
    run = asyncio.run(
        scenarios.terminate_backends_under_load(world, urls, clients=90, rounds=4, every=0.6)
    )
    assert run.hit >= 4  # backends were there to be cut, every round at least one
    assert run.tally.server_errors == 0, run.tally.statuses
    checks = Checks()
    scenarios.check_bookings(world, run.journeys, checks)
    assert_checks(checks)
    ends = scenarios.client_count(run.journeys)
    assert ends["booked"] == len(run.journeys), ends
    # a client hit by a cut has its answer after a Retry-After or two (loose: a busy machine)
    assert run.recovery < 15, (run.recovery, run.tally.statuses)


def _wait_for_lock_waiter(url: str, timeout: float = 10) -> None:
    deadline = time.monotonic() + timeout
    with psycopg.connect(libpq(url), autocommit=True) as conn:
        while time.monotonic() < deadline:
            row = conn.execute(
                "SELECT count(*) FROM pg_stat_activity WHERE datname = current_database() "
                "AND wait_event_type = 'Lock'"
            ).fetchone()
            if row and row[0]:
                return
            time.sleep(0.02)
    raise AssertionError("no request came to wait for the therapist's lock")


def _hold_in_background(
    url: str, token: str, therapist_id: int, start: str, key: str
) -> tuple[threading.Thread, list[httpx2.Response | Exception]]:
    answers: list[httpx2.Response | Exception] = []

    def send() -> None:
        try:
            answers.append(
                httpx2.post(
                    f"{url}{scenarios.HOLD}",
                    json={"therapist_id": therapist_id, "session_type": "intake", "start": start},
                    headers={"Authorization": f"Bearer {token}", "Idempotency-Key": key},
                    timeout=30,
                )
            )
        except httpx2.HTTPError as error:
            answers.append(error)

    thread = threading.Thread(target=send)
    thread.start()
    return thread, answers


def test_restart_under_light_load_finishes_requests_in_flight(
    world: World, servers: list[ServerProcess]
) -> None:
    target, others = servers[-1], [s.url for s in servers[:-1]]
    therapist_id = world.therapist_ids[-1]
    token, late_token = world.take_clients(2)
    start = world.starts[-1].isoformat()
    light = scenarios.Tally()

    async def light_load(stop: threading.Event) -> list[scenarios.Journey]:
        done = []
        async with httpx2.AsyncClient(timeout=30) as http:
            for n, client in enumerate(world.take_clients(30)):
                if stop.is_set():
                    break
                therapist = world.therapist_ids[n % 3]
                done.append(
                    await scenarios.journey(
                        http, others, n, client, therapist, world.starts[0], light
                    )
                )
                await asyncio.sleep(0.2)
        return done

    stop = threading.Event()
    load_result: list[list[scenarios.Journey]] = []
    load = threading.Thread(target=lambda: load_result.append(asyncio.run(light_load(stop))))
    load.start()
    try:
        with psycopg.connect(libpq(world.url)) as lock:
            # a hold for this therapist waits for its row: in flight when SIGTERM comes
            lock.execute("SELECT id FROM therapists WHERE id = %s FOR UPDATE", [therapist_id])
            sender, answers = _hold_in_background(
                target.url, token, therapist_id, start, str(uuid.uuid4())
            )
            _wait_for_lock_waiter(world.url)
            assert target.process is not None
            target.process.terminate()
            time.sleep(0.5)
            assert target.process.poll() is None, "exited with a request still at work"
            with pytest.raises(httpx2.ConnectError):
                httpx2.get(f"{target.url}/healthz", timeout=2)
            lock.rollback()
        sender.join(10)
        # uvicorn, done, raises the signal again: the exit status says SIGTERM either way
        assert target.process.wait(timeout=10) in (0, -signal.SIGTERM)
        assert len(answers) == 1
        assert isinstance(answers[0], httpx2.Response), answers
        assert answers[0].status_code == 201, answers[0].text

        # started again; then a request stuck past the shutdown time does not keep it alive
        target.env["CONFIDE_SHUTDOWN_SECONDS"] = str(SHORT_SHUTDOWN_SECONDS)
        target.start()
        target.wait_ready()
        with psycopg.connect(libpq(world.url)) as lock:
            lock.execute("SELECT id FROM therapists WHERE id = %s FOR UPDATE", [therapist_id])
            key = str(uuid.uuid4())
            late = world.starts[-2].isoformat()
            sender, answers = _hold_in_background(target.url, late_token, therapist_id, late, key)
            _wait_for_lock_waiter(world.url)
            stopped = time.monotonic()
            target.process.terminate()
            assert target.process.wait(timeout=SHORT_SHUTDOWN_SECONDS + 8) is not None
            took = time.monotonic() - stopped
            sender.join(10)
        assert took < SHORT_SHUTDOWN_SECONDS + 5, took
        assert len(answers) == 1
        # no answer came; the same key on another process gets the one outcome
        retried, _ = asyncio.run(
            scenarios.answer(
                httpx2.AsyncClient(timeout=30),
                others,
                0,
                scenarios.HOLD,
                token=late_token,
                key=key,
                body={"therapist_id": therapist_id, "session_type": "intake", "start": late},
                tally=light,
            )
        )
        assert retried.status_code == 201, retried.text
    finally:
        stop.set()
        load.join(60)
    assert light.server_errors == 0, light.statuses
    assert load_result
    assert all(t.booked for t in load_result[0]), light.statuses
