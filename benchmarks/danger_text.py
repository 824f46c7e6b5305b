"""Danger signs in free text: recall per signal and false alarms, against the concern mapper.

Run: python -m benchmarks danger_text (the default held-out sets)
     python -m benchmarks.danger_text [HELD_OUT.toml ...]
     python -m benchmarks.danger_text --cross-validate
     python -m benchmarks.danger_text benchmarks/data/danger_dev.toml (our dev set)
Reads each held-out set named (by default the ones present of benchmarks/data/danger_heldout.toml
and danger_heldout_2/3/4/5.toml; written apart from the detector and never used to tune it) and,
separately, our own phrases (src/confide/screening/data/danger_tuning.toml and every
danger_training*.toml). Rows: the rules alone, the learned reader alone, the two combined
(safety_signals, as served) and the concern mapper. With --cross-validate, only our own phrases:
each phrase read by a reader trained without it, its thresholds chosen by cross-validation inside
the training part (nested: five outer folds, five inner, each batch of phrases, one writer in one
voice, whole in one fold); the rules were written on many of those phrases, so the rules'
figures there are not an estimate. The dev set (benchmarks/data/danger_dev.toml) is ours too,
written in one sitting before the reader was measured on it, in voices unlike the training
phrases', and never trained on: a check between changes, read by its figures only (it is not a
held-out set: whoever works on the reader has seen it).
Targets: recall >= 95% per signal, false alarms <= 10% of
ordinary distress. The straightforward alternative, in the same run: the free-text concern mapper
read as a danger detector (partner violence when it puts relationship_abuse first, or anywhere in
its top three; it has no self-harm concern, so it can never give that signal). For the held-out
set only the figures are printed, never the phrases missed, so that reading a run cannot turn
into tuning on it.
"""

from __future__ import annotations

import argparse
import sys
import time
import tomllib
from collections.abc import Callable, Collection, Sequence
from contextlib import AbstractContextManager, nullcontext
from dataclasses import dataclass
from functools import partial
from pathlib import Path
from unittest import mock

from confide.matching import concern_text
from confide.matching.concern_text import embedding_available, map_concern_text
from confide.screening import danger_learned, danger_prepare
from confide.screening.danger import SIGNALS, reading_method, rule_signals, safety_signals

ROOT = Path(__file__).resolve().parents[1]
HELD_OUT = ROOT / "benchmarks" / "data" / "danger_heldout.toml"
HELD_OUT_2 = ROOT / "benchmarks" / "data" / "danger_heldout_2.toml"
HELD_OUT_3 = ROOT / "benchmarks" / "data" / "danger_heldout_3.toml"
HELD_OUT_4 = ROOT / "benchmarks" / "data" / "danger_heldout_4.toml"
HELD_OUT_5 = ROOT / "benchmarks" / "data" / "danger_heldout_5.toml"
HELD_OUT_6 = ROOT / "benchmarks" / "data" / "danger_heldout_6.toml"
HELD_OUT_7 = ROOT / "benchmarks" / "data" / "danger_heldout_7.toml"
HELD_OUT_SETS = (
    HELD_OUT,
    HELD_OUT_2,
    HELD_OUT_3,
    HELD_OUT_4,
    HELD_OUT_5,
    HELD_OUT_6,
    HELD_OUT_7,
)
DEV = ROOT / "benchmarks" / "data" / "danger_dev.toml"
TUNING = ROOT / "src" / "confide" / "screening" / "data" / "danger_tuning.toml"
TRAINING = ROOT / "src" / "confide" / "screening" / "data" / "danger_training.toml"
COMBINED = "combined: rules or learned (safety_signals)"
RECALL_TARGET = 0.95
FALSE_ALARM_TARGET = 0.10

Detector = Callable[[str], Collection[str]]


@dataclass(frozen=True)
class Phrase:
    text: str
    expect: frozenset[str]
    kind: str


@dataclass(frozen=True)
class Figures:
    recall: dict[str, float | None]  # None: the set has no phrase expecting the signal
    wanted: dict[str, int]
    false_alarms: float | None
    ordinary: int
    ms_per_text: float
    wrong: tuple[str, ...]

    def meets_targets(self) -> bool:
        recalls_met = all(r is not None and r >= RECALL_TARGET for r in self.recall.values())
        return recalls_met and (self.false_alarms or 0.0) <= FALSE_ALARM_TARGET


def load_phrases(path: Path) -> list[Phrase]:
    with path.open("rb") as handle:
        rows = tomllib.load(handle)["phrase"]
    return [Phrase(row["text"], frozenset(row["expect"]), row["kind"]) for row in rows]


def own_phrases() -> list[Phrase]:
    """Our tuning phrases and the learned reader's training phrases, as it reads them."""
    return [Phrase(p.text, p.expect, p.kind) for p in danger_learned.training_phrases()]


def learned_alone(text: str) -> tuple[str, ...]:
    return danger_learned.learned_signals(text) or ()


def measure(phrases: list[Phrase], detector: Detector = safety_signals) -> Figures:
    """Recall per signal, the share of ordinary phrases given any signal, and time per text."""
    started = time.perf_counter()
    found = [set(detector(p.text)) for p in phrases]
    elapsed = time.perf_counter() - started
    recall: dict[str, float | None] = {}
    wanted: dict[str, int] = {}
    for signal in SIGNALS:
        hits = [signal in got for p, got in zip(phrases, found, strict=True) if signal in p.expect]
        wanted[signal] = len(hits)
        recall[signal] = sum(hits) / len(hits) if hits else None
    ordinary = [bool(got) for p, got in zip(phrases, found, strict=True) if not p.expect]
    wrong = tuple(
        f"{p.text!r}: {sorted(got)}, want {sorted(p.expect)}"
        for p, got in zip(phrases, found, strict=True)
        if (p.expect - got) or (not p.expect and got)
    )
    return Figures(
        recall,
        wanted,
        sum(ordinary) / len(ordinary) if ordinary else None,
        len(ordinary),
        1000 * elapsed / max(1, len(phrases)),
        wrong,
    )


def mapper_detectors(phrases: list[Phrase]) -> dict[str, tuple[Detector, float]]:
    """The concern mapper read as a detector, per path: partner violence when relationship_abuse
    comes first, or anywhere in its top three; each with the mapper's time per text."""
    paths: list[tuple[str, Callable[[], AbstractContextManager[object]]]] = [
        ("keyword", keyword_path)
    ]
    if embedding_available():
        paths.insert(0, ("embedding", nullcontext))
    detectors: dict[str, tuple[Detector, float]] = {}
    for method, path in paths:
        with path():
            started = time.perf_counter()
            codes = {p.text: map_concern_text(p.text, max_codes=3).codes for p in phrases}
            ms = 1000 * (time.perf_counter() - started) / max(1, len(phrases))
        for top, label in ((1, "first"), (3, "in top 3")):
            detectors[f"concern mapper ({method}): abuse {label}"] = (
                partial(_abuse_among, codes, top),
                ms,
            )
    return detectors


def _abuse_among(codes: dict[str, tuple[str, ...]], top: int, text: str) -> set[str]:
    return {"partner_violence"} if "relationship_abuse" in codes[text][:top] else set()


def keyword_path() -> AbstractContextManager[object]:
    """The concern mapper's keyword path, as served without the text extra."""
    return mock.patch.object(concern_text, "_embedding_index", return_value=None)


def cold_ms_per_text(phrases: list[Phrase]) -> float:
    """The rules' time per text with their word caches emptied first (every word new)."""
    danger_prepare.spelled_out.cache_clear()
    started = time.perf_counter()
    for phrase in phrases:
        rule_signals(phrase.text)
    return 1000 * (time.perf_counter() - started) / max(1, len(phrases))


def _percent(value: float | None) -> str:
    return "   n/a" if value is None else f"{value:>6.1%}"


def print_table(
    name: str, phrases: list[Phrase], *, cross_validated: bool = False
) -> dict[str, Figures]:
    rows: dict[str, tuple[Detector, float | None]] = {"rules alone": (rule_signals, None)}
    if reading_method() == "rules+learned":
        if cross_validated:
            rows.update(_cross_validated_rows(phrases))
        else:
            rows["learned alone"] = (learned_alone, None)
            rows[COMBINED] = (safety_signals, None)
    rows.update(mapper_detectors(phrases))
    counts = {
        kind: sum(p.kind == kind for p in phrases) for kind in sorted({p.kind for p in phrases})
    }
    print(f"\n{name}: {len(phrases)} phrases ({', '.join(f'{k} {n}' for k, n in counts.items())})")
    print(
        f"{'detector':<48} {'partner violence':>17} {'self-harm':>10} {'false alarms':>13} "
        f"{'ms/text':>8}"
    )
    results = {}
    for label, (detector, ms) in rows.items():
        figures = measure(phrases, detector)
        results[label] = figures
        print(
            f"{label:<48} {_percent(figures.recall['partner_violence']):>17} "
            f"{_percent(figures.recall['self_harm']):>10} {_percent(figures.false_alarms):>13} "
            f"{figures.ms_per_text if ms is None else ms:>8.3f}"
        )
    print(
        f"targets: recall >= {RECALL_TARGET:.0%} per signal, false alarms <= "
        f"{FALSE_ALARM_TARGET:.0%}; rules with cold word caches: "
        f"{cold_ms_per_text(phrases):.3f} ms/text"
    )
    return results


def _cross_validated_rows(phrases: list[Phrase]) -> dict[str, tuple[Detector, float | None]]:
    """The served reader on our own phrases, each phrase read by a reader trained without it;
    the time is the served reader's, warm."""
    trained = danger_learned.reader()
    assert trained is not None
    model, _ = trained
    training = _with_groups(phrases)
    found = dict(
        zip(
            [p.text for p in phrases],
            danger_learned.cross_validated_signals(model, training),
            strict=True,
        )
    )
    combined_ms = measure(phrases, safety_signals).ms_per_text
    return {"served reader (cross-validated)": (lambda text: found[text], combined_ms)}


def _with_groups(phrases: list[Phrase]) -> list[danger_learned.TrainingPhrase]:
    """Our phrases as the reader trains on them, each with its group (file and batch: the
    cross-validation keeps a group in one fold)."""
    group = {p.text: p.group for p in danger_learned.training_phrases()}
    return [
        danger_learned.TrainingPhrase(p.text, p.expect, p.kind, group.get(p.text, ""))
        for p in phrases
    ]


def main(argv: Sequence[str] = ()) -> None:
    parser = argparse.ArgumentParser(prog="danger_text", description=__doc__.split("\n")[0])
    parser.add_argument(
        "held_out",
        nargs="*",
        type=Path,
        help="held-out sets to measure (default: the ones present in benchmarks/data)",
    )
    parser.add_argument(
        "--cross-validate",
        action="store_true",
        help="only the cross-validated estimate on our own phrases; no held-out set is read",
    )
    args = parser.parse_args(argv)
    if args.cross_validate:
        cross_validate()
        return
    map_concern_text("warm up")  # the model loads once, outside the timings
    print(f"danger reading: {reading_method()}")  # trains the learned reader when first used
    for path in args.held_out or HELD_OUT_SETS:
        if not path.exists():
            print(f"no held-out set at {path}")
            continue
        held_out = print_table(f"held-out set ({path.name})", load_phrases(path))
        for label in ("rules alone", COMBINED):
            if label in held_out:
                verdict = "meets" if held_out[label].meets_targets() else "MISSES"
                print(f"held-out {path.name}: {label} {verdict} the targets")
        print("(phrases missed on held-out sets are never printed)")
    phrases = own_phrases()
    print_table("our own phrases (tuning + training)", phrases, cross_validated=True)
    wrong = measure(load_phrases(TUNING), rule_signals).wrong
    print(f"tuning-set phrases the rules read wrong: {len(wrong)}")
    for line in wrong:
        print(f"  {line}")


def cross_validate() -> None:
    """The served reader's cross-validated figures on our own phrases, and the phrases it reads
    wrong (ours: printing them is how they get better)."""
    started = time.perf_counter()
    trained = danger_learned.reader()
    if trained is None:
        print("the learned reader is not available (the text extra): nothing to cross-validate")
        return
    print(f"learned reader ready in {time.perf_counter() - started:.1f} s (trained or cached)")
    phrases = own_phrases()
    started = time.perf_counter()
    training = _with_groups(phrases)
    found = dict(
        zip(
            [p.text for p in phrases],
            danger_learned.cross_validated_signals(trained[0], training),
            strict=True,
        )
    )
    print(f"cross-validation took {time.perf_counter() - started:.1f} s")
    for label, detector in (
        ("rules alone (written on many of these)", rule_signals),
        ("served reader, cross-validated", lambda text: found[text]),
    ):
        figures = measure(phrases, detector)
        print(
            f"{label:<40} partner violence {_percent(figures.recall['partner_violence'])} "
            f"(of {figures.wanted['partner_violence']}), self-harm "
            f"{_percent(figures.recall['self_harm'])} (of {figures.wanted['self_harm']}), "
            f"false alarms {_percent(figures.false_alarms)} (of {figures.ordinary})"
        )
    print("phrases the cross-validated reader reads wrong:")
    for line in measure(phrases, lambda text: found[text]).wrong:
        print(f"  {line}")


if __name__ == "__main__":
    main(sys.argv[1:])
