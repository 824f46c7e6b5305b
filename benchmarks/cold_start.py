"""The first match after a restart: is it as fast as the ones after it?

A server process reports ready (GET /readyz 200) once its indexes are built and, by default, one
match has gone through the app in process (web/warm_up.py). Compared in the same run with the
straightforward start-up: ready as soon as the indexes are built (CONFIDE_WARM_UP_REQUEST=false).
Each start is measured over real HTTP on the 10,000-therapist network: the first match after
/readyz, then the median of the next ones.
"""

from __future__ import annotations

import statistics
import tempfile
import time
from pathlib import Path

import httpx2
from tests.serving import running_servers

from benchmarks.demo_network import seeded_database
from confide.web.warm_up import SAMPLE_INTAKE

STARTS = 3
FOLLOWING = 20
# another intake than the warm-up's own, so nothing is answered from its traces alone
INTAKE = {
    "state": "NY",
    "concerns": ["anxiety", "trust_issues"],
    "payment": {"method": "insurance", "payer": "aetna", "plan": "aetna-ppo"},
    "timezone": "America/New_York",
}


def _wait_ready(http: httpx2.Client, url: str) -> None:
    while http.get(f"{url}/readyz").status_code != 200:
        time.sleep(0.02)


def _one_start(url: str, warm: bool) -> tuple[float, float]:
    env = {"CONFIDE_WARM_UP_REQUEST": "true" if warm else "false"}
    with running_servers(url, count=1, env=env) as urls, httpx2.Client(timeout=60) as http:
        _wait_ready(http, urls[0])
        times = []
        for _ in range(FOLLOWING + 1):
            started = time.perf_counter()
            response = http.post(f"{urls[0]}/api/v1/matches", json=INTAKE)
            times.append(time.perf_counter() - started)
            assert response.status_code == 200, response.text
    return times[0], statistics.median(times[1:])


def main() -> None:
    assert INTAKE != SAMPLE_INTAKE
    with tempfile.TemporaryDirectory() as folder:
        url = f"sqlite:///{Path(folder) / 'cold.db'}"
        seeded_database(url).dispose()
        print(
            f"10,000 therapists; {STARTS} starts each; first match after /readyz, then "
            f"the median of the next {FOLLOWING}"
        )
        for warm in (True, False):
            runs = [_one_start(url, warm) for _ in range(STARTS)]
            label = "warm-up request" if warm else "indexes only (straightforward)"
            firsts = ", ".join(f"{first * 1e3:.0f}" for first, _ in runs)
            print(
                f"{label:<32} first match {firsts} ms   "
                f"next ones (median) {statistics.median(n for _, n in runs) * 1e3:5.1f} ms"
            )


if __name__ == "__main__":
    main()
