"""POST /api/v1/matches over HTTP: requests per second and latency, two server processes.

Target (DESIGN.md §5): ≥ 1,000 requests/s on 2 cores with p99 ≤ 50 ms. The load comes from
this process on the same two cores, so the figures are a floor. Compared in the same run with
the straightforward deployment: one server process.
"""

from __future__ import annotations

import asyncio
import statistics
import tempfile
import time
from pathlib import Path

import httpx2
import numpy as np
from tests.serving import running_servers

from benchmarks.demo_network import seeded_database

SECONDS = 8.0
CONCURRENCY = 32
INTAKES = [
    {
        "state": "CA",
        "format": "individual",
        "concerns": ["infidelity"],
        "payment": {"method": "self_pay", "max_rate": 180},
        "timezone": "America/Los_Angeles",
    },
    {
        "state": "TX",
        "format": "couples",
        "partner_state": "TX",
        "concerns": ["trust_issues"],
        "payment": {"method": "self_pay", "max_rate": 250},
        "timezone": "America/Chicago",
    },
    {
        "state": "NY",
        "format": "individual",
        "concerns": ["anxiety", "depression"],
        "payment": {"method": "insurance", "payer": "aetna", "plan": "aetna-ppo"},
        "timezone": "America/New_York",
    },
    {
        "state": "FL",
        "format": "individual",
        "concerns": ["communication"],
        "payment": {"method": "self_pay", "max_rate": 150},
        "availability": [{"weekday": d, "start": "18:00", "end": "21:00"} for d in range(5)],
        "timezone": "America/New_York",
    },
]


async def _worker(
    http: httpx2.AsyncClient,
    url: str,
    deadline: float,
    latencies: list[float],
    errors: list[int],
    offset: int,
) -> None:
    i = offset
    while time.perf_counter() < deadline:
        started = time.perf_counter()
        response = await http.post(f"{url}/api/v1/matches", json=INTAKES[i % len(INTAKES)])
        latencies.append(time.perf_counter() - started)
        if response.status_code != 200:
            errors.append(response.status_code)
        i += 1


async def _load(urls: list[str]) -> tuple[list[float], list[int], float]:
    latencies: list[float] = []
    errors: list[int] = []
    async with httpx2.AsyncClient(
        timeout=30, limits=httpx2.Limits(max_connections=CONCURRENCY)
    ) as http:
        for url in urls:  # build each process's index before timing
            for _ in range(4):
                await http.post(f"{url}/api/v1/matches", json=INTAKES[0])
        started = time.perf_counter()
        deadline = started + SECONDS
        await asyncio.gather(
            *(
                _worker(http, urls[i % len(urls)], deadline, latencies, errors, i)
                for i in range(CONCURRENCY)
            )
        )
        elapsed = time.perf_counter() - started
    return latencies, errors, elapsed


def main() -> None:
    with tempfile.TemporaryDirectory() as folder:
        url = f"sqlite:///{Path(folder) / 'match.db'}"
        seeded_database(url).dispose()
        print(
            f"10,000 therapists; {CONCURRENCY} concurrent clients for {SECONDS:.0f} s; "
            "target ≥ 1,000 requests/s, p99 ≤ 50 ms"
        )
        for processes in (2, 1):
            with running_servers(url, count=processes) as urls:
                latencies, errors, elapsed = asyncio.run(_load(urls))
            label = "two processes" if processes == 2 else "one process (straightforward)"
            print(
                f"{label:<32} {len(latencies) / elapsed:7,.0f} requests/s   "
                f"p50 {statistics.median(latencies) * 1e3:6.1f} ms   "
                f"p99 {float(np.percentile(latencies, 99)) * 1e3:6.1f} ms   "
                f"errors {len(errors)}"
            )


if __name__ == "__main__":
    main()
