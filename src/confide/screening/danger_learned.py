"""The learned reader of danger signs: a small classifier per signal on sentence embeddings.

The hand-written rules (danger_rules.py) read the wordings they name; people also say it in
wordings nobody wrote a rule for. This reader embeds the text with the sentence model (the `text`
extra, shared with the concern mapper: confide/sentence_model.py) and scores each signal with a
logistic regression trained on our own phrases (data/danger_tuning.toml and
data/danger_training.toml; never the benchmark's held-out sets). Danger is often one clause in a
longer story, so a text is scored clause by clause and the highest score counts.

Nothing trained is kept in git: the classifiers are trained at first use (seconds) and kept in
memory, and in var/ keyed by a hash of the phrases, the model and this reader's version. Each
signal's threshold is chosen by cross-validation on the phrases: the lowest at which the
out-of-fold false alarms on ordinary distress stay within FALSE_ALARM_BUDGET.
"""

from __future__ import annotations

import hashlib
import logging
import re
import threading
import tomllib
from collections.abc import Sequence
from dataclasses import dataclass
from functools import cache
from importlib import resources
from pathlib import Path
from typing import cast

import numpy as np
import numpy.typing as npt

from confide.screening.danger_prepare import prepare
from confide.screening.danger_rules import SIGNALS, Signal
from confide.sentence_model import MODEL_NAME, SentenceEncoder, sentence_model

logger = logging.getLogger(__name__)

VERSION = "1"
# Out-of-fold false alarms allowed per signal on ordinary phrases (two signals: about 5% at most).
FALSE_ALARM_BUDGET = 0.025
FOLDS = 5
# Regularisation of the logistic regressions (chosen by cross-validation on our phrases).
C = 16.0
CACHE_DIR = Path("var") / "danger_learned"
# Clauses shorter than this many words join the next one (they carry little alone).
_MIN_CLAUSE_WORDS = 3
_CLAUSE_BREAK = re.compile(r"(?<=[.!?;\n])\s+|\s+(?:but|and then|so then|until|because)\s+")

FloatMatrix = npt.NDArray[np.float32]


@dataclass(frozen=True, slots=True)
class TrainingPhrase:
    text: str
    expect: frozenset[str]
    kind: str


@dataclass(frozen=True, slots=True)
class LearnedReader:
    """One linear classifier per signal on normalised embeddings, and its threshold."""

    weights: FloatMatrix  # signals x dimensions
    biases: FloatMatrix  # signals
    thresholds: FloatMatrix  # signals, on the probability

    def scores(self, embeddings: FloatMatrix) -> FloatMatrix:
        """Probability per unit and signal (units x signals)."""
        logits = embeddings @ self.weights.T + self.biases
        probabilities: FloatMatrix = (1.0 / (1.0 + np.exp(-logits))).astype(np.float32)
        return probabilities


def clauses(text: str) -> list[str]:
    """The whole text (if short) and its clauses, as the reader scores them."""
    parts = [p.strip() for p in _CLAUSE_BREAK.split(text) if p and p.strip()]
    units: list[str] = []
    pending = ""
    for part in parts:
        pending = f"{pending} {part}".strip()
        if len(pending.split()) >= _MIN_CLAUSE_WORDS:
            units.append(pending)
            pending = ""
    if pending:
        units.append(pending)
    whole = " ".join(text.split())
    if len(units) != 1 and len(whole.split()) <= 60:
        units.insert(0, whole)
    return units or [whole]


def embed(model: SentenceEncoder, texts: Sequence[str]) -> FloatMatrix:
    prepared = [prepare(text).strip() or text for text in texts]
    return np.asarray(
        model.encode(list(prepared), normalize_embeddings=True, batch_size=64), dtype=np.float32
    )


def learned_signals(text: str) -> tuple[Signal, ...] | None:
    """The signals the learned reader gives, or None when the text extra is not there."""
    trained = reader()
    if trained is None:
        return None
    model, learned = trained
    units = clauses(text)
    if not units or not any(ch.isalnum() for ch in text):
        return ()
    best = learned.scores(embed(model, units)).max(axis=0)
    return tuple(
        s for s, score, t in zip(SIGNALS, best, learned.thresholds, strict=True) if score >= t
    )


_LOCK = threading.Lock()


def reader() -> tuple[SentenceEncoder, LearnedReader] | None:
    """The sentence model and the trained reader (trained on first call), or None."""
    with _LOCK:
        return _reader()


@cache
def _reader() -> tuple[SentenceEncoder, LearnedReader] | None:
    model = sentence_model()
    if model is None:
        return None
    try:
        return model, _trained(model)
    except ImportError:
        logger.info("danger: scikit-learn is not installed; rules only")
        return None
    except Exception:
        logger.exception("danger: training the learned reader failed; rules only")
        return None


def _trained(model: SentenceEncoder) -> LearnedReader:
    phrases = training_phrases()
    key = _cache_key(phrases)
    path = CACHE_DIR / f"{key}.npz"
    if path.exists():
        try:
            with np.load(path) as saved:
                return LearnedReader(saved["weights"], saved["biases"], saved["thresholds"])
        except Exception:
            logger.warning("danger: the cached reader at %s is unreadable; training", path)
    learned = train(model, phrases)
    try:
        CACHE_DIR.mkdir(parents=True, exist_ok=True)
        np.savez(
            path, weights=learned.weights, biases=learned.biases, thresholds=learned.thresholds
        )
    except OSError:
        logger.info("danger: could not cache the learned reader in %s", CACHE_DIR)
    return learned


def _cache_key(phrases: Sequence[TrainingPhrase]) -> str:
    digest = hashlib.sha256(f"{VERSION}|{MODEL_NAME}|{C}|{FALSE_ALARM_BUDGET}".encode())
    for phrase in phrases:
        digest.update(f"{phrase.text}\x00{sorted(phrase.expect)}\x00{phrase.kind}\n".encode())
    return digest.hexdigest()[:24]


def train(
    model: SentenceEncoder,
    phrases: Sequence[TrainingPhrase],
    *,
    folds: int = FOLDS,
    budget: float = FALSE_ALARM_BUDGET,
) -> LearnedReader:
    """Classifiers on all the phrases; thresholds from out-of-fold scores (see module doc)."""
    units, owner = _units(phrases)
    embeddings = embed(model, units)
    whole = _whole_rows(owner)
    weights, biases, thresholds = [], [], []
    oof = out_of_fold_scores(embeddings, owner, phrases, folds=folds)
    ordinary = np.array([not p.expect for p in phrases])
    for i, signal in enumerate(SIGNALS):
        labels = np.array([signal in p.expect for p in phrases])
        classifier = _fit(embeddings[whole], labels)
        weights.append(classifier.coef_[0])
        biases.append(classifier.intercept_[0])
        thresholds.append(threshold_for(oof[ordinary, i], budget))
    return LearnedReader(
        np.asarray(weights, dtype=np.float32),
        np.asarray(biases, dtype=np.float32),
        np.asarray(thresholds, dtype=np.float32),
    )


def out_of_fold_scores(
    embeddings: FloatMatrix,
    owner: npt.NDArray[np.intp],
    phrases: Sequence[TrainingPhrase],
    *,
    folds: int = FOLDS,
    seed: int = 0,
) -> FloatMatrix:
    """Each phrase's clause-max score per signal from classifiers that never saw it."""
    from sklearn.model_selection import StratifiedKFold

    strata = np.array([{"both": "partner_violence"}.get(p.kind, p.kind) for p in phrases])
    scores = np.zeros((len(phrases), len(SIGNALS)), dtype=np.float32)
    whole = _whole_rows(owner)
    splitter = StratifiedKFold(n_splits=folds, shuffle=True, random_state=seed)
    for train_idx, test_idx in splitter.split(np.zeros(len(phrases)), strata):
        fold = LearnedReader(*_fit_all(embeddings[whole[train_idx]], phrases, train_idx))
        in_test = np.isin(owner, test_idx)
        unit_scores = fold.scores(embeddings[in_test])
        for row, phrase_index in zip(unit_scores, owner[in_test], strict=True):
            scores[phrase_index] = np.maximum(scores[phrase_index], row)
    return scores


def threshold_for(ordinary_scores: npt.NDArray[np.float32], budget: float) -> float:
    """The lowest threshold at which at most `budget` of the ordinary scores reach it."""
    ranked = np.sort(ordinary_scores)[::-1]
    allowed = int(np.floor(budget * len(ranked)))
    if allowed >= len(ranked):
        return 0.5
    # just above the (allowed+1)-th highest ordinary score
    return float(np.nextafter(ranked[allowed], np.float32(1.0)))


def _fit_all(
    embeddings: FloatMatrix, phrases: Sequence[TrainingPhrase], rows: npt.NDArray[np.intp]
) -> tuple[FloatMatrix, FloatMatrix, FloatMatrix]:
    weights, biases = [], []
    for signal in SIGNALS:
        labels = np.array([signal in phrases[i].expect for i in rows])
        classifier = _fit(embeddings, labels)
        weights.append(classifier.coef_[0])
        biases.append(classifier.intercept_[0])
    return (
        np.asarray(weights, dtype=np.float32),
        np.asarray(biases, dtype=np.float32),
        np.zeros(len(SIGNALS), dtype=np.float32),
    )


def _fit(embeddings: FloatMatrix, labels: npt.NDArray[np.bool_]) -> _Classifier:
    from sklearn.linear_model import LogisticRegression

    classifier = LogisticRegression(C=C, class_weight="balanced", max_iter=2000)
    classifier.fit(embeddings, labels)
    return cast(_Classifier, classifier)


class _Classifier:  # what we use of a fitted LogisticRegression
    coef_: FloatMatrix
    intercept_: FloatMatrix


def _units(phrases: Sequence[TrainingPhrase]) -> tuple[list[str], npt.NDArray[np.intp]]:
    """Every phrase's clauses, whole phrase first, and which phrase each unit belongs to."""
    units: list[str] = []
    owner: list[int] = []
    for index, phrase in enumerate(phrases):
        whole = " ".join(phrase.text.split())
        found = [whole] + [c for c in clauses(phrase.text) if c != whole]
        units.extend(found)
        owner.extend([index] * len(found))
    return units, np.asarray(owner, dtype=np.intp)


def _whole_rows(owner: npt.NDArray[np.intp]) -> npt.NDArray[np.intp]:
    """The unit row of each phrase as a whole (the first of its units): what we train on."""
    first = np.ones(len(owner), dtype=bool)
    first[1:] = owner[1:] != owner[:-1]
    return np.flatnonzero(first)


def training_phrases() -> list[TrainingPhrase]:
    """Our tuning phrases and the training phrases written for this reader, each text once (a
    text in two folds would flatter the cross-validation)."""
    seen: set[str] = set()
    phrases = []
    for phrase in _load_phrases("danger_tuning.toml") + _load_phrases("danger_training.toml"):
        key = " ".join(phrase.text.lower().split())
        if key not in seen:
            seen.add(key)
            phrases.append(phrase)
    return phrases


def _load_phrases(name: str) -> list[TrainingPhrase]:
    raw = resources.files("confide.screening").joinpath("data", name)
    if not raw.is_file():
        return []
    data = tomllib.loads(raw.read_text("utf-8"))
    phrases = [
        TrainingPhrase(row["text"], frozenset(row["expect"]), row["kind"])
        for row in data.get("phrase", [])
    ]
    # the training file's compact form: one list of texts per kind, at the top and in batches
    batches = [data, *(value for value in data.values() if isinstance(value, dict))]
    for batch in batches:
        for kind in ("partner_violence", "self_harm", "ordinary", "both"):
            expect = {"ordinary": frozenset(), "both": frozenset(SIGNALS)}.get(
                kind, frozenset({kind})
            )
            phrases.extend(TrainingPhrase(t, expect, kind) for t in batch.get(kind, []))
    return phrases


def cross_validated_signals(
    model: SentenceEncoder, phrases: Sequence[TrainingPhrase], *, folds: int = FOLDS
) -> list[frozenset[Signal]]:
    """Each phrase's signals from classifiers that never saw it, at the thresholds `train` picks
    (from the same out-of-fold scores: a little optimistic on false alarms)."""
    units, owner = _units(phrases)
    oof = out_of_fold_scores(embed(model, units), owner, phrases, folds=folds)
    ordinary = np.array([not p.expect for p in phrases])
    thresholds = [threshold_for(oof[ordinary, i], FALSE_ALARM_BUDGET) for i in range(len(SIGNALS))]
    return [
        frozenset(s for s, score, t in zip(SIGNALS, row, thresholds, strict=True) if score >= t)
        for row in oof
    ]
