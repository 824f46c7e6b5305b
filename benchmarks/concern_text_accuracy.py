"""Free-text concern mapping: accuracy and speed of the embedding and keyword paths on our phrases.

Run: .venv/bin/python benchmarks/concern_text_accuracy.py
The embedding row needs the `text` extra (see the Makefile's text-extra target).
"""

from __future__ import annotations

import json
import time
from dataclasses import dataclass
from pathlib import Path
from unittest import mock

from confide.matching import concern_text
from confide.matching.concern_text import embedding_available, map_concern_text

ROOT = Path(__file__).resolve().parents[1]
PHRASES = ROOT / "tests" / "matching" / "data" / "concern_phrases.json"


@dataclass(frozen=True)
class Phrase:
    text: str
    expected: frozenset[str]
    set: str  # "tuning" or "holdout": see the data file


@dataclass(frozen=True)
class Accuracy:
    method: str
    phrases: int
    top1: float
    any_of_top3: float
    no_answer: int
    ms_per_phrase: float
    misses: tuple[str, ...]


def load_phrases(path: Path = PHRASES) -> list[Phrase]:
    rows = json.loads(path.read_text("utf-8"))["phrases"]
    return [Phrase(row["text"], frozenset(row["expected"]), row["set"]) for row in rows]


def measure(phrases: list[Phrase]) -> Accuracy:
    """Accuracy of whichever path map_concern_text takes now, over the phrases."""
    top1 = any3 = empty = 0
    misses: list[str] = []
    method = ""
    started = time.perf_counter()
    for phrase in phrases:
        result = map_concern_text(phrase.text, max_codes=3)
        method = result.method
        if not result.codes:
            empty += 1
        if result.codes and result.codes[0] in phrase.expected:
            top1 += 1
        else:
            wanted = sorted(phrase.expected)
            misses.append(f"{phrase.text!r} → {list(result.codes)} (want {wanted})")
        if phrase.expected & set(result.codes):
            any3 += 1
    elapsed = time.perf_counter() - started
    count = len(phrases)
    return Accuracy(
        method, count, top1 / count, any3 / count, empty, 1000 * elapsed / count, tuple(misses)
    )


def measure_keywords(phrases: list[Phrase]) -> Accuracy:
    """The keyword path, as served when the text extra is missing."""
    with mock.patch.object(concern_text, "_embedding_index", return_value=None):
        return measure(phrases)


def model_load_seconds() -> float:
    """Seconds to import sentence-transformers, load the model and embed the concerns (cold)."""
    started = time.perf_counter()
    embedding_available()
    return time.perf_counter() - started


def main() -> None:
    phrases = load_phrases()
    load = model_load_seconds()
    paths = [measure_keywords]
    if embedding_available():
        map_concern_text("warm up")
        paths.insert(0, measure)
        print(f"model load (import, load, embed concerns): {load:.2f} s")
    else:
        print("embedding path: the text extra is not installed (make text-extra); keyword row only")
    subsets = {
        "all": phrases,
        "tuning": [p for p in phrases if p.set == "tuning"],
        "holdout": [p for p in phrases if p.set == "holdout"],
    }
    print(f"{len(phrases)} phrases from {PHRASES.name}")
    header = f"{'method':<10} {'phrases':<12} {'top-1':>7} {'any of top-3':>13} {'no answer':>10}"
    print(header + f" {'ms/phrase':>10}")
    misses: dict[str, tuple[str, ...]] = {}
    for path in paths:
        for name, subset in subsets.items():
            row = path(subset)
            print(
                f"{row.method:<10} {name + f' ({row.phrases})':<12} {row.top1:>7.1%} "
                f"{row.any_of_top3:>13.1%} {row.no_answer:>10} {row.ms_per_phrase:>10.2f}"
            )
            if name == "all":
                misses[row.method] = row.misses
    for method, missed in misses.items():
        print(f"\n{method} top-1 misses ({len(missed)}):")
        for miss in missed:
            print(f"  {miss}")


if __name__ == "__main__":
    main()
