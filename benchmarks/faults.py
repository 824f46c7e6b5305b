"""Faults at scale: three server processes on one PostgreSQL, clients that retry as they should.

The scenarios of tests/faults at a larger size: a process killed (SIGKILL) in the middle of
hundreds of bookings, twin requests with one Idempotency-Key on two processes, every database
backend terminated again and again under load, and a process restarted (SIGTERM) under load.
Prints one row per scenario (requests, answers other than success by status, recovery time,
invariant checks) so the figures can be compared release to release; then each check.
Recovery: how long the clients a fault hit waited, from their request's first failure (a lost
connection, a 503, a key still in progress) to its final answer: the median and the longest,
beside the latency of every successful request for comparison. A key whose claim died with its
process waits for the lease (CONFIDE_IDEMPOTENCY_LEASE_SECONDS, 15 s).
"""

from __future__ import annotations

import asyncio
import statistics
import time
import uuid
from collections import Counter
from datetime import timedelta

import numpy as np
import psycopg
from tests.faults import scenarios
from tests.faults.scenarios import Checks, Run
from tests.serving import ServerProcess, server_processes

POSTGRES = "postgresql://postgres@127.0.0.1:5432"
SERVERS = 3
HOLD_MINUTES = 10
ENV = {
    "CONFIDE_HOLD_MINUTES": str(HOLD_MINUTES),
    "CONFIDE_SHUTDOWN_SECONDS": "5",
    "CONFIDE_DB_POOL_SIZE": "10",
}
THERAPISTS = 120
KILL_CLIENTS, KILL_AFTER, KILL_THERAPISTS = 300, 120, 30
TWIN_PAIRS = 200
TWIN_LANES = 30  # therapists 31 to 60: two pairs want each of their fifth-to-seventh starts
# steady arrivals, below what three processes on two cores answer, so waits show the faults
CUT_CLIENTS, CUT_ROUNDS, CUT_EVERY = 150, 10, 1.0
RESTART_CLIENTS, RESTART_WINDOW = 150, 15.0


def _others(statuses: Counter[str]) -> str:
    shown = [f"{n} {label}" for label, n in sorted(statuses.items()) if label[:1] != "2"]
    return ", ".join(shown) or "none"


def _revive(servers: list[ServerProcess]) -> None:
    for server in servers:
        if server.process is None or server.process.poll() is not None:
            server.start()
    for server in servers:
        server.wait_ready()


def _bookings(world: scenarios.World, run: Run, checks: Checks, label: str) -> None:
    found = Checks()
    scenarios.check_bookings(world, run.journeys, found)
    for name, held in found.results.items():
        checks.add(f"{label}: {name}", held)
    checks.add(f"{label}: no 500, every 503 temporarily_unavailable", run.tally.server_errors == 0)


def _scenarios(url: str, world: scenarios.World) -> tuple[list[tuple[str, ...]], Checks, str]:
    rows: list[tuple[str, ...]] = []
    checks = Checks()
    with server_processes(url, SERVERS, env=ENV) as servers:
        urls = [s.url for s in servers]

        run = asyncio.run(
            scenarios.sigkill_during_bookings(
                world, urls, servers[0].kill, KILL_CLIENTS, KILL_AFTER, KILL_THERAPISTS
            )
        )
        label = f"SIGKILL 1 of {SERVERS} processes, {KILL_CLIENTS} clients booking"
        _bookings(world, run, checks, "SIGKILL")
        ends = scenarios.client_count(run.journeys)
        with server_processes(
            url, 1, env=ENV, clock_ahead=timedelta(minutes=HOLD_MINUTES, seconds=30)
        ) as later:
            held, blocked, freed = asyncio.run(
                scenarios.holds_free_at_expiry(world, run.journeys, later[0].url, urls[1])
            )
        checks.add(f"SIGKILL: {held} walk-away holds block until expiry", blocked == held)
        checks.add(f"SIGKILL: {held} walk-away holds free after expiry", freed == held)
        rows.append(_row(label, run, checks, "SIGKILL", f"{dict(ends)}"))
        _revive(servers)

        twins = asyncio.run(
            scenarios.twin_requests(
                world,
                urls[1:],
                TWIN_PAIRS,
                lanes=TWIN_LANES,
                first_lane=KILL_THERAPISTS,
            )
        )
        checks.add(f"twins: {TWIN_PAIRS} pairs, one outcome each", twins.differing == 0)
        checks.add("twins: no 500", twins.run.tally.server_errors == 0)
        checks.add(
            f"twins: {TWIN_PAIRS // 2} pairs hold a start, the rest told it is taken",
            twins.holding == TWIN_PAIRS // 2,
        )
        twin_note = ", ".join(f"{n}× {k}" for k, n in twins.first_answers.most_common())
        rows.append(
            _row(
                f"twin requests, one key on two processes, {TWIN_PAIRS} pairs",
                twins.run,
                checks,
                "twins",
                f"differing pairs: {twins.differing}",
            )
        )

        run = asyncio.run(
            scenarios.terminate_backends_under_load(world, urls, CUT_CLIENTS, CUT_ROUNDS, CUT_EVERY)
        )
        _bookings(world, run, checks, "backends terminated")
        ends = scenarios.client_count(run.journeys)
        checks.add("backends terminated: every client booked", ends["booked"] == CUT_CLIENTS)
        rows.append(
            _row(
                f"all backends terminated {CUT_ROUNDS}× every {CUT_EVERY} s, {CUT_CLIENTS} clients",
                run,
                checks,
                "backends terminated",
                f"{dict(ends)}; {run.hit} backends terminated",
            )
        )

        restarted: list[float] = []

        def restart() -> None:
            began = time.monotonic()
            servers[2].stop()
            servers[2].start()
            servers[2].wait_ready()
            restarted.append(time.monotonic() - began)

        run = asyncio.run(
            scenarios.restart_under_load(world, urls, restart, RESTART_CLIENTS, RESTART_WINDOW)
        )
        _bookings(world, run, checks, "restart")
        ends = scenarios.client_count(run.journeys)
        checks.add("restart: every client booked", ends["booked"] == RESTART_CLIENTS)
        rows.append(
            _row(
                f"SIGTERM and start again under load, {RESTART_CLIENTS} clients",
                run,
                checks,
                "restart",
                f"back and ready in {restarted[0]:.1f} s" if restarted else "",
            )
        )
    return rows, checks, twin_note


def _row(label: str, run: Run, checks: Checks, prefix: str, note: str) -> tuple[str, ...]:
    mine = {k: v for k, v in checks.results.items() if k.startswith(prefix)}
    waits = run.tally.waits
    recovery = (
        f"{statistics.median(waits):.2f} / {max(waits):.2f} s ({len(waits)})" if waits else "-"
    )
    took = [done - sent for sent, done in run.tally.successes]
    latency = (
        f"{1e3 * statistics.median(took):.0f} / {1e3 * float(np.percentile(took, 99)):.0f} ms"
        if took
        else "-"
    )
    return (
        label,
        str(run.tally.requests),
        _others(run.tally.statuses),
        latency,
        recovery,
        f"{sum(mine.values())}/{len(mine)}",
        f"{run.elapsed:.1f} s",
        note,
    )


def _print(rows: list[tuple[str, ...]]) -> None:
    headers = (
        "scenario",
        "requests",
        "answers other than success",
        "success latency p50 / p99",
        "recovery: median / longest (clients hit)",
        "checks",
        "took",
        "clients",
    )
    for i, row in enumerate([headers, *rows]):
        print(" | ".join(row), flush=True)
        if i == 0:
            print(" | ".join("-" * len(h) for h in headers))


def main() -> None:
    name = f"confide_faults_{uuid.uuid4().hex[:8]}"
    try:
        with psycopg.connect(f"{POSTGRES}/test", autocommit=True, connect_timeout=3) as conn:
            conn.execute(f'CREATE DATABASE "{name}"')
    except psycopg.Error as error:
        print(f"PostgreSQL at {POSTGRES} is not reachable ({error}); the fault benchmark needs it")
        return
    url = f"{POSTGRES}/{name}"
    try:
        clients = KILL_CLIENTS + 2 * KILL_CLIENTS // 4 + TWIN_PAIRS + CUT_CLIENTS + RESTART_CLIENTS
        world = scenarios.build_world(url, THERAPISTS, clients)
        rows, checks, twin_note = _scenarios(url, world)
    finally:
        with psycopg.connect(f"{POSTGRES}/test", autocommit=True) as conn:
            conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
    _print(rows)
    print(f"\ntwin requests, first answers of each pair: {twin_note}")
    print("\ninvariant checks:")
    for check, held in checks.results.items():
        print(f"  {'ok  ' if held else 'FAIL'} {check}")
    print(
        "target: no 500; no overlap, no lost or duplicated booking; one outcome per key; "
        "recovery within a few seconds"
    )


if __name__ == "__main__":
    main()
