"""Matching: p50/p99 per query on the in-memory index at 10k, 100k and 1M therapists, against the
same queries answered by the straightforward SQL + Python reference on SQLite and PostgreSQL.

Targets (DESIGN.md §5): p99 <= 2 ms at 10k and <= 10 ms at 1M on one core; >= 20x faster than SQL
with identical results; index build for 1M <= 30 s and <= 300 MB.
Options (environment): MATCH_BENCH_SIZES=10000,100000,1000000  MATCH_BENCH_SQL_SIZES=10000
MATCH_BENCH_POSTGRES=postgresql://postgres@127.0.0.1:5432/postgres (empty: skip PostgreSQL).
"""

from __future__ import annotations

import gc
import os
import statistics
import tempfile
import time
import uuid
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any

import numpy as np
import psycopg
from rich.console import Console
from rich.table import Table
from tests.matching.reference import reference_matches

from benchmarks.synthetic import index_free_starts, index_from_network
from confide.db import Database, create_db_engine
from confide.matching.filters import eligible
from confide.matching.index import MatchIndex
from confide.matching.schemas import MatchIntake, TherapistCard
from confide.matching.service import build_query, concerns_for, find_matches
from confide.migrate import upgrade
from confide.network.generator import SyntheticNetwork, generate_network
from confide.network.seeding import write_network
from confide.vocab import get_vocabulary
from confide.vocab.service import sync_reference_data

NOW = datetime(2026, 11, 25, 17, 0, tzinfo=UTC)
DAY = date(2026, 11, 25)
HORIZON_DAYS = 14
SEED = 42
console = Console()

EVENINGS = [{"weekday": d, "start": "17:00", "end": "21:30"} for d in range(5)]
WEEKENDS = [{"weekday": d, "start": "09:00", "end": "17:00"} for d in (5, 6)]
QUERIES: dict[str, dict[str, Any]] = {
    "individual self-pay": {
        "state": "CA",
        "concerns": ["infidelity", "trust_issues"],
        "payment": {"method": "self_pay", "max_rate": 200},
    },
    "couples evenings": {
        "state": "TX",
        "format": "couples",
        "partner_state": "TX",
        "concerns": ["communication", "conflict"],
        "payment": {"method": "self_pay", "max_rate": 250},
        "availability": EVENINGS,
        "timezone": "America/Chicago",
    },
    "insurance": {
        "state": "NY",
        "concerns": ["depression", "anxiety"],
        "payment": {"method": "insurance", "payer": "aetna", "plan": "aetna-ppo"},
    },
    "couples insurance": {
        "state": "FL",
        "format": "couples",
        "partner_state": "FL",
        "concerns": ["infidelity"],
        "payment": {"method": "insurance", "payer": "aetna", "plan": "aetna-ppo"},
    },
    "in person 25 km": {
        "state": "IL",
        "setting": "in_person",
        "postal_code": "60601",
        "max_distance_km": 25,
        "concerns": ["grief"],
        "payment": {"method": "self_pay", "max_rate": 300},
        "preferences": {"therapist_gender": "woman", "required": ["therapist_gender"]},
    },
    "Spanish weekends": {
        "state": "TX",
        "concerns": ["anxiety"],
        "availability": WEEKENDS,
        "payment": {"method": "self_pay", "max_rate": 180},
        "preferences": {"languages": ["es"], "required": ["languages"]},
    },
    "self-harm risk": {
        "state": "CA",
        "concerns": ["depression"],
        "payment": {"method": "self_pay", "max_rate": 250},
        "safety": {"self_harm_risk": True},
    },
    "nothing matches": {
        "state": "WY",
        "payment": {"method": "self_pay", "max_rate": 60},
        "preferences": {"languages": ["uk"], "required": ["languages"]},
    },
}


def _sizes(name: str, default: str) -> list[int]:
    return [int(s) for s in os.environ.get(name, default).split(",") if s.strip()]


def _pin_one_core() -> None:
    if hasattr(os, "sched_setaffinity"):
        os.sched_setaffinity(0, {min(os.sched_getaffinity(0))})


def _rss_mb() -> float:
    with open("/proc/self/statm") as statm:
        return int(statm.read().split()[1]) * os.sysconf("SC_PAGE_SIZE") / 1e6


def _percentiles(samples: Sequence[float]) -> tuple[float, float]:
    ordered = sorted(samples)
    return (
        statistics.median(ordered) * 1000,
        ordered[min(len(ordered) - 1, int(0.99 * len(ordered)))] * 1000,
    )


def network_cards(net: SyntheticNetwork) -> Callable[[Sequence[int]], dict[int, TherapistCard]]:
    def cards(ids: Sequence[int]) -> dict[int, TherapistCard]:
        return {
            tid: TherapistCard(
                id=tid,
                name=f"{net.first_name[tid - 1]} {net.last_name[tid - 1]}",
                credential=net.credential[tid - 1],
                practice_state=net.state_codes[net.practice_state[tid - 1]],
                telehealth=bool(net.offers_telehealth[tid - 1]),
                in_person=bool(net.offers_in_person[tid - 1]),
                office_city=net.location[tid - 1].city,
            )
            for tid in ids
        }

    return cards


def time_index(
    index: MatchIndex, net: SyntheticNetwork, intake: MatchIntake, repeats: int
) -> list[float]:
    cards = network_cards(net)
    for _ in range(3):
        find_matches(index, intake, NOW, cards=cards, horizon_days=HORIZON_DAYS)
    samples = []
    for _ in range(repeats):
        started = time.perf_counter()
        find_matches(index, intake, NOW, cards=cards, horizon_days=HORIZON_DAYS)
        samples.append(time.perf_counter() - started)
    return samples


def time_filter(index: MatchIndex, intake: MatchIntake, repeats: int) -> list[float]:
    """The same work as the reference: every eligible therapist with a first opening."""
    samples = []
    for _ in range(repeats):
        started = time.perf_counter()
        query = build_query(index, intake, NOW, concerns_for(intake), HORIZON_DAYS)
        eligible(index.cols, query)
        samples.append(time.perf_counter() - started)
    return samples


def index_answer(index: MatchIndex, intake: MatchIntake) -> dict[int, datetime]:
    query = build_query(index, intake, NOW, concerns_for(intake), HORIZON_DAYS)
    found = eligible(index.cols, query)
    return {
        int(index.ids[r]): index.start_of(int(t))
        for r, t in zip(found.rows, found.first_tick, strict=True)
    }


@contextmanager
def database_for(backend: str, folder: Path, net: SyntheticNetwork) -> Iterator[Database]:
    dropped: Callable[[], None] = lambda: None  # noqa: E731
    if backend == "sqlite":
        url = f"sqlite:///{folder / f'match_{net.size}.db'}"
    else:
        server = os.environ.get(
            "MATCH_BENCH_POSTGRES", "postgresql://postgres@127.0.0.1:5432/postgres"
        )
        name = f"confide_match_bench_{uuid.uuid4().hex[:8]}"
        with psycopg.connect(server, autocommit=True) as conn:
            conn.execute(f'CREATE DATABASE "{name}"')
        url = server.rsplit("/", 1)[0] + "/" + name

        def dropped() -> None:
            with psycopg.connect(server, autocommit=True) as conn:
                conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')

    database = Database(create_db_engine(url))
    try:
        upgrade(database.engine)
        with database.session(write=True) as session:
            sync_reference_data(session, get_vocabulary())
            write_network(session, net)
        if backend == "postgresql":
            with database.engine.connect() as conn:
                conn.exec_driver_sql("ANALYZE")
                conn.commit()
        yield database
    finally:
        database.dispose()
        dropped()


def main() -> None:
    _pin_one_core()
    sizes = _sizes("MATCH_BENCH_SIZES", "10000,100000,1000000")
    sql_sizes = set(_sizes("MATCH_BENCH_SQL_SIZES", "10000"))
    backends = ["sqlite"] + (["postgresql"] if os.environ.get("MATCH_BENCH_POSTGRES", "x") else [])
    intakes = {
        name: MatchIntake.model_validate({"limit": 10, **data}) for name, data in QUERIES.items()
    }
    results = Table(
        title="Matching: one query, one core (find_matches incl. explanations)",
        title_justify="left",
    )
    for header in (
        "therapists",
        "query",
        "eligible",
        "p50",
        "p99",
        "target p99",
        "filter only p50",
        "filter only p99",
    ):
        results.add_column(header, justify="right" if header != "query" else "left")
    sql_table = Table(
        title="Same queries, straightforward SQL + Python reference (x: how many "
        "times faster the index is; same work = eligible set and first openings, "
        "full = with scoring and explanations)",
        title_justify="left",
    )
    for header in (
        "therapists",
        "backend",
        "query",
        "SQL p50",
        "SQL p99",
        "x p50 same work",
        "x p99 same work",
        "x p50 vs full",
        "same results",
    ):
        sql_table.add_column(header, justify="left" if header in ("backend", "query") else "right")
    builds = []
    with tempfile.TemporaryDirectory() as folder:
        for size in sizes:
            net = generate_network(size, SEED, get_vocabulary(), DAY)
            gc.collect()
            rss_before = _rss_mb()
            started = time.perf_counter()
            index = index_from_network(net, NOW, HORIZON_DAYS)
            build_seconds = time.perf_counter() - started
            gc.collect()
            builds.append((size, build_seconds, index.nbytes() / 1e6, _rss_mb() - rss_before))
            repeats = 400 if size <= 10_000 else 200 if size <= 100_000 else 150
            target = 2.0 if size <= 10_000 else 10.0
            index_p: dict[str, tuple[float, float, float, float]] = {}
            for name, intake in intakes.items():
                p50, p99 = _percentiles(time_index(index, net, intake, repeats))
                f50, f99 = _percentiles(time_filter(index, intake, repeats))
                index_p[name] = (p50, p99, f50, f99)
                eligible_count = len(index_answer(index, intake))
                mark = "ok" if p99 <= target else "MISSED"
                results.add_row(
                    f"{size:,}",
                    name,
                    f"{eligible_count:,}",
                    f"{p50:.2f} ms",
                    f"{p99:.2f} ms",
                    f"<= {target:.0f} ms {mark}",
                    f"{f50:.2f} ms",
                    f"{f99:.2f} ms",
                )
            console.print(
                f"{size:,} therapists: index built in {build_seconds:.1f} s, "
                f"{index.nbytes() / 1e6:.0f} MB of arrays",
                highlight=False,
            )
            if size in sql_sizes:
                free = index_free_starts(index)
                for backend in backends:
                    try:
                        context = database_for(backend, Path(folder), net)
                        database = context.__enter__()
                    except psycopg.Error as error:
                        console.print(f"{backend}: skipped ({error})")
                        continue
                    try:
                        for name, intake in intakes.items():
                            samples = []
                            with database.session() as session:
                                expected: dict[int, datetime] = {}
                                for _ in range(8 if size <= 10_000 else 3):
                                    started = time.perf_counter()
                                    found = reference_matches(
                                        session, intake, NOW, free, HORIZON_DAYS
                                    )
                                    samples.append(time.perf_counter() - started)
                                    expected = {m.therapist_id: m.first_opening for m in found}
                            same = expected == index_answer(index, intake)
                            sql50, sql99 = _percentiles(samples)
                            i50, _, f50, f99 = index_p[name]
                            sql_table.add_row(
                                f"{size:,}",
                                backend,
                                name,
                                f"{sql50:.1f} ms",
                                f"{sql99:.1f} ms",
                                f"{sql50 / f50:,.0f}x",
                                f"{sql99 / f99:,.0f}x",
                                f"{sql50 / i50:,.0f}x",
                                "yes" if same else "NO",
                            )
                    finally:
                        context.__exit__(None, None, None)
            del index, net
            gc.collect()
    console.print(results)
    console.print(sql_table)
    build_table = Table(
        title="Index build from a synthetic network (incl. opening bitmaps)", title_justify="left"
    )
    for header in ("therapists", "build", "arrays", "RSS growth", "target"):
        build_table.add_column(header, justify="right")
    for size, seconds, array_mb, rss_mb in builds:
        target = (
            (
                "<= 30 s, <= 300 MB "
                + ("ok" if seconds <= 30 and max(array_mb, rss_mb) <= 300 else "MISSED")
            )
            if size >= 1_000_000
            else ""
        )
        build_table.add_row(
            f"{size:,}", f"{seconds:.1f} s", f"{array_mb:.0f} MB", f"{rss_mb:.0f} MB", target
        )
    console.print(build_table)
    np.random.default_rng()  # keeps numpy imported before pinning in every path


if __name__ == "__main__":
    main()
