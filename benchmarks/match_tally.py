"""What counting a match answer for network health costs on the hot path (POST /api/v1/matches).

Compares, in the same run: `MatchTallies.note` (per-minute counters in memory, added to the
database by a thread) against the straightforward alternative, one upsert per answer in its own
transaction. Prints a table of per-answer cost. Run: PYTHONPATH=src python benchmarks/match_tally.py
"""

from __future__ import annotations

import statistics
import tempfile
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path

from confide import migrate
from confide.db import Database, create_db_engine
from confide.matching.tally import MatchTallies, add_counts, lead_counts, minute_of

ANSWERS = 20_000
WRITES = 300


def main() -> None:
    with tempfile.TemporaryDirectory() as folder:
        database = Database(create_db_engine(f"sqlite:///{Path(folder) / 'bench.db'}"))
        migrate.upgrade(database.engine)
        tallies = MatchTallies(database, every=10.0)
        now = datetime.now(UTC)
        first = now + timedelta(hours=30)
        moments = [now + timedelta(milliseconds=i) for i in range(ANSWERS)]
        started = time.perf_counter()
        for moment in moments:
            tallies.note(moment, first)
        noted = (time.perf_counter() - started) / ANSWERS
        started = time.perf_counter()
        tallies.flush()
        flushed = time.perf_counter() - started
        per_write = []
        for i in range(WRITES):
            began = time.perf_counter()
            with database.session(write=True) as session:
                moment = now + timedelta(seconds=i)
                add_counts(session, minute_of(moment), lead_counts(moment, first))
            per_write.append(time.perf_counter() - began)
        database.dispose()
    write = statistics.median(per_write)
    print(f"{'way':<44} {'per answer':>12}")
    print(f"{'in-memory counters (note)':<44} {noted * 1e6:>9.2f} µs")
    print(f"{'  + the thread flush, spread over answers':<44} {flushed / ANSWERS * 1e6:>9.2f} µs")
    print(f"{'one upsert per answer (median)':<44} {write * 1e6:>9.0f} µs")
    print(f"in-memory is {write / noted:,.0f}× cheaper on the request path")


if __name__ == "__main__":
    main()
