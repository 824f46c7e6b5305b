"""Run every benchmark in turn (`make bench`), or the ones named: python -m benchmarks NAME..."""

from __future__ import annotations

import importlib
import sys
import time

BENCHMARKS = (
    "earliest_opening",
    "booking_load",
    "matching",
    "matching_http",
    "concern_text_accuracy",
    "danger_text",
    "cold_start",
    "faults",
    "match_tally",
)


def main(names: list[str]) -> int:
    chosen = names or list(BENCHMARKS)
    unknown = sorted(set(chosen) - set(BENCHMARKS))
    if unknown:
        print(f"unknown benchmark(s): {', '.join(unknown)}; choose from {', '.join(BENCHMARKS)}")
        return 2
    for name in chosen:
        print(f"\n=== {name} ===", flush=True)
        started = time.perf_counter()
        module = importlib.import_module(f"benchmarks.{name}")
        module.main()
        print(f"({name} took {time.perf_counter() - started:.0f} s)", flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
