"""The learned reader of danger signs: a small classifier per signal over sentence embeddings,
words, the hand-written rules' verdict and the nearest of our own phrases.

The hand-written rules (danger_rules.py) read the wordings they name; people also say it in
wordings nobody wrote a rule for, and the rules' words also make idioms and jokes ("she'll kill
me if I'm late lol"). This reader scores each signal with a logistic regression over four kinds
of feature of a text: its embedding by the sentence model (the `text` extra, shared with the
concern mapper: confide/sentence_model.py), its words and word pairs (tf-idf over the text as
danger_prepare.py spells it out), what the rules say of it, and how close it comes to our
phrases of each kind (the mean cosine similarity of its KNN nearest phrases giving partner
violence, giving self-harm, and ordinary: a wording near a few phrases we wrote counts even
where no word or direction of the embedding does). It is trained on our own phrases
(data/danger_tuning.toml and every data/danger_training*.toml, one file per writer; never the
benchmark's held-out sets).
Danger is often one clause in a longer story, so a text is scored clause by clause (sentences,
and the comma-joined parts of a long run-on sentence) and the highest score counts; the clauses
of our ordinary phrases are trained on as ordinary too.

The served reading (combined_signals): a signal when its score reaches the threshold, or when a
rule gives it and its score reaches the rule floor (lower: a rule's word in an idiom the reader
scores as plainly ordinary is overruled; a text of one or two words keeps the rules' signal).
Both are chosen per signal on out-of-fold scores: the floor and threshold that find the most
phrases giving the signal while the false alarms of that signal on ordinary distress stay within
a budget; the budget is the largest (the reading leans
towards asking) at which the ordinary phrases given either signal stay within
FALSE_ALARM_TARGET. The folds keep each batch of phrases (one writer, one voice) together, so
the scores the thresholds are chosen on are those of a voice the reader never saw, as text from
other people is: their false alarms come near those of text written apart from ours.

Nothing trained is kept in git: the classifiers are trained by `confide text prepare` or at first
use (about a minute on two idle cores, much of it embedding the phrases) and kept in memory, and
in var/ keyed by a hash of the phrases, the rules, the model and this reader's settings; the
phrases' embeddings are kept there too, for the cross-validation that reads them again.
"""

from __future__ import annotations

import hashlib
import itertools
import logging
import os
import re
import threading
import time
import tomllib
from collections import Counter
from collections.abc import Collection, Sequence
from dataclasses import dataclass, replace
from functools import cache, lru_cache
from importlib import resources
from pathlib import Path
from typing import TYPE_CHECKING, cast

import numpy as np
import numpy.typing as npt

from confide.screening.danger_prepare import prepare, prepare_version
from confide.screening.danger_rules import SIGNALS, Signal, matches, rules
from confide.sentence_model import MODEL_NAME, SentenceEncoder, all_cores, sentence_model

if TYPE_CHECKING:
    from scipy import sparse

logger = logging.getLogger(__name__)

VERSION = "4"
# Out-of-fold share of ordinary phrases given any signal that the thresholds allow. The folds hold
# out whole voices, so this is near what text from other writers gives, but new writers' ordinary
# text has run a point or two above it: a point under issue 9's target of 10%. With 10%, held-out
# set 6 (already measured once) gave 10.2% and set 5 8.5%; with 9%, 7.9% and 7.1%, recall down
# about a point and still above 95% on sets 4 to 6 (2026-11-30).
FALSE_ALARM_TARGET = 0.09
# The per-signal budgets tried, largest first, for the largest within FALSE_ALARM_TARGET.
BUDGETS = tuple(round(0.08 - 0.0025 * i, 4) for i in range(29))
FOLDS = 5
# Regularisation of the logistic regressions (chosen by grouped cross-validation on our phrases:
# 16 against 1, 4 and 64; 2026-11-30).
C = 16.0
# The rules' verdict as a feature: 0 or this.
RULE_SCALE = 1.0
# A word or word pair is a feature when at least this many training phrases use it.
MIN_TERM_TEXTS = 2
# The nearest phrases of each kind whose similarity is averaged, and that mean's scale (a larger
# scale lets the regularised classifier lean on it more).
KNN = 5
KNN_SCALE = 4.0
KNN_KINDS = ("partner_violence", "self_harm", "ordinary")
CACHE_DIR = Path("var") / "danger_learned"
# Clauses shorter than this many words join the next one (they carry little alone).
_MIN_CLAUSE_WORDS = 3
# Sentences, and the parts of a long run-on sentence: commas, dashes and the words that start
# another thought ("..., and some nights I sit in the car with the engine on").
_CLAUSE_BREAK = re.compile(
    r"(?<=[.!?;:\n])\s+|,\s+|\s+[-\u2013\u2014]+\s+"
    r"|\s+(?:but|and then|so then|until|because|and now|and also|also|plus|though|although"
    r"|anyway)\s+"
)
# A text of at most this many words (as prepared) keeps the rules' signals whatever the reader
# scores it.
_LONE_WORDS = 2
# A text up to this many words is also read whole (longer: its clauses only).
_MAX_WHOLE_WORDS = 60

FloatMatrix = npt.NDArray[np.float32]


@dataclass(frozen=True, slots=True)
class TrainingPhrase:
    text: str
    expect: frozenset[str]
    kind: str
    # who wrote it in which voice (file and batch): cross-validation keeps a group in one fold
    group: str = ""


@dataclass(frozen=True, slots=True)
class LearnedReader:
    """One linear classifier per signal over four kinds of feature of a text unit: its sentence
    embedding, its words and word pairs (tf-idf over the prepared text), what the hand-written
    rules say of it and its similarity to the nearest training phrases of each kind; and per
    signal the threshold on the probability and the lower one at which a rule's signal is kept
    (below it the reader overrules the rule: an idiom, a joke)."""

    weights: FloatMatrix  # signals x (embedding dimensions + terms + signals + KNN_KINDS)
    biases: FloatMatrix  # signals
    thresholds: FloatMatrix  # signals, on the probability
    rule_floors: FloatMatrix  # signals: a rule's signal stands when the probability reaches this
    terms: npt.NDArray[np.str_]  # the tf-idf vocabulary
    idf: FloatMatrix  # terms
    neighbours: FloatMatrix  # the training phrases' embeddings (phrases x dimensions)
    neighbour_kinds: npt.NDArray[np.bool_]  # phrases x KNN_KINDS

    @property
    def dimensions(self) -> int:
        return int(self.neighbours.shape[1])

    def features(
        self,
        embeddings: FloatMatrix,
        texts: Sequence[str],
        rule_hits: FloatMatrix | None = None,
    ) -> FloatMatrix:
        """The features of text units, dense (as served)."""
        similar = nearest_similarity(embeddings, self.neighbours, self.neighbour_kinds)
        hits = rule_matrix(texts) if rule_hits is None else rule_hits
        return np.hstack(
            [embeddings, term_matrix(texts, self.terms, self.idf), hits, similar]
        ).astype(np.float32)

    def scores(self, features: FloatMatrix) -> FloatMatrix:
        """Probability per unit and signal (units x signals)."""
        logits = features @ self.weights.T + self.biases
        probabilities: FloatMatrix = (1.0 / (1.0 + np.exp(-logits))).astype(np.float32)
        return probabilities

    def arrays(self) -> dict[str, npt.NDArray[np.generic]]:
        return {
            "weights": self.weights,
            "biases": self.biases,
            "thresholds": self.thresholds,
            "rule_floors": self.rule_floors,
            "terms": self.terms,
            "idf": self.idf,
            "neighbours": self.neighbours,
            "neighbour_kinds": self.neighbour_kinds,
        }


def clauses(text: str) -> list[str]:
    """The whole text (if short) and its clauses, as the reader scores them: a clause shorter
    than _MIN_CLAUSE_WORDS joins the next one (the last joins the one before)."""
    parts = [p.strip() for p in _CLAUSE_BREAK.split(text) if p and p.strip()]
    units: list[str] = []
    pending = ""
    for part in parts:
        pending = f"{pending} {part}".strip()
        if len(pending.split()) >= _MIN_CLAUSE_WORDS:
            units.append(pending)
            pending = ""
    if pending:
        if units:
            units[-1] = f"{units[-1]} {pending}"
        else:
            units.append(pending)
    whole = " ".join(text.split())
    if len(units) <= 1:
        return [whole]
    if len(whole.split()) <= _MAX_WHOLE_WORDS:
        units.insert(0, whole)
    return list(dict.fromkeys(units))


def embed(model: SentenceEncoder, texts: Sequence[str]) -> FloatMatrix:
    prepared = [prepare(text).strip() or text for text in texts]
    return np.asarray(
        model.encode(list(prepared), normalize_embeddings=True, batch_size=64), dtype=np.float32
    )


# --- words and word pairs (tf-idf over the prepared text) ---------------------------------------
_TOKEN = re.compile(r"[a-z0-9]{2,}")


def terms_of(text: str) -> list[str]:
    """The words (two letters or more) and adjacent word pairs of the prepared text."""
    return list(_terms(text))


@lru_cache(maxsize=65536)
def _terms(text: str) -> tuple[str, ...]:
    # training reads each of its ~20,000 units in every fold: spelled out once
    words = _TOKEN.findall(prepare(text))
    return (*words, *(f"{a} {b}" for a, b in itertools.pairwise(words)))


def vocabulary(texts: Sequence[str]) -> tuple[npt.NDArray[np.str_], FloatMatrix]:
    """The terms in at least MIN_TERM_TEXTS of the texts, and their smoothed idf."""
    frequency: Counter[str] = Counter()
    for text in texts:
        frequency.update(set(_terms(text)))
    kept = sorted(term for term, n in frequency.items() if n >= MIN_TERM_TEXTS)
    n = len(texts)
    idf = np.array([np.log((1 + n) / (1 + frequency[t])) + 1.0 for t in kept], dtype=np.float32)
    return np.asarray(kept, dtype=np.str_), idf


def term_matrix(texts: Sequence[str], terms: npt.NDArray[np.str_], idf: FloatMatrix) -> FloatMatrix:
    """Sublinear tf times idf, each row of unit length (zero when no term is known)."""
    return np.asarray(sparse_term_matrix(texts, terms, idf).toarray(), dtype=np.float32)


def sparse_term_matrix(
    texts: Sequence[str], terms: npt.NDArray[np.str_], idf: FloatMatrix
) -> sparse.csr_matrix:
    """term_matrix as a sparse matrix (training's tens of thousands of units)."""
    from scipy import sparse

    index = _term_index(terms)
    pointers: list[int] = [0]
    columns: list[int] = []
    values: list[float] = []
    for text in texts:
        row = [
            (column, (1.0 + np.log(count)) * idf[column])
            for term, count in Counter(_terms(text)).items()
            if (column := index.get(term)) is not None
        ]
        weights = np.array([w for _, w in row], dtype=np.float32)
        norm = float(np.linalg.norm(weights))
        columns.extend(c for c, _ in row)
        values.extend((weights / norm if norm > 0 else weights).tolist())
        pointers.append(len(columns))
    return sparse.csr_matrix(
        (np.asarray(values, dtype=np.float32), np.asarray(columns, dtype=np.intp), pointers),
        shape=(len(texts), len(terms)),
    )


_TERM_INDEXES: dict[int, tuple[npt.NDArray[np.str_], dict[str, int]]] = {}


def _term_index(terms: npt.NDArray[np.str_]) -> dict[str, int]:
    """Each term's column, built once per vocabulary (kept with it: ids are reused)."""
    found = _TERM_INDEXES.get(id(terms))
    if found is not None and found[0] is terms:
        return found[1]
    index = {str(term): i for i, term in enumerate(terms)}
    if len(_TERM_INDEXES) > 32:
        _TERM_INDEXES.clear()
    _TERM_INDEXES[id(terms)] = (terms, index)
    return index


def rule_signals(text: str) -> tuple[Signal, ...]:
    """What the hand-written rules say of the text (as danger.rule_signals, which sits above)."""
    return _rule_signals_of(prepare(text))


def _rule_signals_of(prepared_text: str) -> tuple[Signal, ...]:
    compiled = rules()
    return tuple(signal for signal in SIGNALS if matches(compiled[signal], prepared_text))


def rule_matrix(texts: Sequence[str]) -> FloatMatrix:
    """What the hand-written rules say of each text, one column per signal."""
    return np.array(
        [[RULE_SCALE * (s in rule_signals(text)) for s in SIGNALS] for text in texts],
        dtype=np.float32,
    ).reshape(len(texts), len(SIGNALS))


def kinds_of(phrases: Sequence[TrainingPhrase]) -> npt.NDArray[np.bool_]:
    """Per phrase, which of KNN_KINDS it is (a phrase giving both signals is of both kinds)."""
    return np.array(
        [[s in p.expect for s in SIGNALS] + [not p.expect] for p in phrases], dtype=bool
    ).reshape(len(phrases), len(KNN_KINDS))


def nearest_similarity(
    embeddings: FloatMatrix,
    neighbours: FloatMatrix,
    kinds: npt.NDArray[np.bool_],
    exclude: npt.NDArray[np.intp] | None = None,
) -> FloatMatrix:
    """Per unit and kind, KNN_SCALE times the mean cosine similarity of its KNN most similar
    neighbours of that kind (embeddings are of unit length). `exclude`: per unit, a neighbour
    to leave out (its own phrase, when the neighbours are the training phrases), or -1."""
    similarity = embeddings @ neighbours.T
    if exclude is not None:
        rows = np.flatnonzero(exclude >= 0)
        similarity[rows, exclude[rows]] = -1.0
    columns = []
    for kind in range(kinds.shape[1]):
        of_kind = similarity[:, kinds[:, kind]]
        k = min(KNN, of_kind.shape[1])
        if k == 0:
            columns.append(np.zeros(len(embeddings), dtype=np.float32))
            continue
        n = of_kind.shape[1]
        nearest = np.partition(of_kind, n - k, axis=1)[:, n - k :]
        columns.append(nearest.mean(axis=1))
    return (KNN_SCALE * np.stack(columns, axis=1)).astype(np.float32)


def _sparse_features(
    embeddings: FloatMatrix,
    texts: Sequence[str],
    terms: npt.NDArray[np.str_],
    idf: FloatMatrix,
    rule_hits: FloatMatrix,
    similar: FloatMatrix,
) -> sparse.csr_matrix:
    """LearnedReader.features for training, as a sparse matrix (the terms are mostly absent)."""
    from scipy import sparse

    return sparse.hstack(
        [
            sparse.csr_matrix(embeddings),
            sparse_term_matrix(texts, terms, idf),
            sparse.csr_matrix(rule_hits),
            sparse.csr_matrix(similar),
        ]
    ).tocsr()


@dataclass(frozen=True, slots=True)
class Reading:
    """The learned reader's best score per signal over a text's units, and the rules' verdict."""

    scores: tuple[float, ...]
    rules: frozenset[Signal]
    words: int  # of the prepared text


def read(text: str) -> Reading | None:
    """The scores of the text, or None when the text extra is not there."""
    trained = reader()
    if trained is None:
        return None
    model, learned = trained
    units = list(dict.fromkeys(clauses(text)))  # a repeated clause scores the same
    prepared_text = prepare(text)
    found = frozenset(_rule_signals_of(prepared_text))
    words = len(prepared_text.split())
    if not units or not any(ch.isalnum() for ch in text):
        return Reading(tuple(0.0 for _ in SIGNALS), found, words)
    unit_features = learned.features(embed(model, units), units)
    best = learned.scores(unit_features).max(axis=0)
    return Reading(tuple(float(b) for b in best), found, words)


def learned_signals(text: str) -> tuple[Signal, ...] | None:
    """The signals the learned reader gives on its own threshold (rules' signals not kept), or
    None when the text extra is not there."""
    reading = read(text)
    trained = reader()
    if reading is None or trained is None:
        return None
    thresholds = trained[1].thresholds
    return tuple(
        s for s, score, t in zip(SIGNALS, reading.scores, thresholds, strict=True) if score >= t
    )


def combined_signals(text: str) -> tuple[Signal, ...] | None:
    """The served reading: a signal when the learned score reaches its threshold, or when a rule
    gives it and the learned score reaches the (lower) rule floor. None without the text extra."""
    reading = read(text)
    trained = reader()
    if reading is None or trained is None:
        return None
    learned = trained[1]
    floors = learned.rule_floors
    if reading.words <= _LONE_WORDS:
        # nothing around the rule's words for the reader to find an idiom or a joke in: a lone
        # "suicide" or "choked" is what it says
        floors = np.zeros_like(floors)
    return decide(reading.scores, reading.rules, learned.thresholds, floors)


def decide(
    scores: Sequence[float] | FloatMatrix,
    rule_found: Collection[str],
    thresholds: Sequence[float] | FloatMatrix,
    rule_floors: Sequence[float] | FloatMatrix,
) -> tuple[Signal, ...]:
    return tuple(
        s
        for s, score, t, floor in zip(SIGNALS, scores, thresholds, rule_floors, strict=True)
        if score >= t or (s in rule_found and score >= floor)
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
                return LearnedReader(**{name: saved[name] for name in _ARRAYS})
        except Exception:
            logger.warning("danger: the cached reader at %s is unreadable; training", path)
    started, cpu = time.perf_counter(), time.process_time()
    learned = train(model, phrases)
    logger.info(
        "danger: trained the learned reader in %.1f s (%.1f s of CPU)",
        time.perf_counter() - started,
        time.process_time() - cpu,
    )
    try:
        CACHE_DIR.mkdir(parents=True, exist_ok=True)
        np.savez(path, **learned.arrays())  # type: ignore[arg-type]
    except OSError:
        logger.info("danger: could not cache the learned reader in %s", CACHE_DIR)
    return learned


_ARRAYS = (
    "weights",
    "biases",
    "thresholds",
    "rule_floors",
    "terms",
    "idf",
    "neighbours",
    "neighbour_kinds",
)


def _cache_key(phrases: Sequence[TrainingPhrase]) -> str:
    settings = (
        f"{VERSION}|{MODEL_NAME}|{C}|{FALSE_ALARM_TARGET}|{BUDGETS}|{RULE_SCALE}|{MIN_TERM_TEXTS}|{KNN}|"
        f"{KNN_SCALE}|{RULE_FLOORS}|{FOLDS}|{prepare_version()}"  # as read: new spelling, retrain
    )
    digest = hashlib.sha256(settings.encode())
    for phrase in phrases:
        digest.update(
            f"{phrase.text}\x00{sorted(phrase.expect)}\x00{phrase.kind}\x00{phrase.group}\n".encode()
        )
    rules_file = resources.files("confide.screening").joinpath("data", "danger_rules.toml")
    digest.update(rules_file.read_bytes())  # the rules are features: new rules, new reader
    return digest.hexdigest()[:24]


@dataclass(frozen=True, slots=True)
class Prepared:
    """Everything training needs of the phrases, computed once."""

    phrases: Sequence[TrainingPhrase]
    units: list[str]
    owner: npt.NDArray[np.intp]
    embeddings: FloatMatrix
    rule_hits: FloatMatrix  # per unit
    labels: npt.NDArray[np.bool_]  # phrases x signals
    rules: npt.NDArray[np.bool_]  # phrases x signals: the rules on the whole phrase

    @property
    def ordinary(self) -> npt.NDArray[np.bool_]:
        return np.asarray(~self.labels.any(axis=1), dtype=bool)


def prepared(model: SentenceEncoder, phrases: Sequence[TrainingPhrase]) -> Prepared:
    units, owner = _units(phrases)
    hits = rule_matrix(units)
    whole = _whole_rows(owner)
    return Prepared(
        phrases,
        units,
        owner,
        _unit_embeddings(model, units),
        hits,
        np.array([[s in p.expect for s in SIGNALS] for p in phrases], dtype=bool),
        hits[whole] > 0,
    )


def _unit_embeddings(model: SentenceEncoder, units: Sequence[str]) -> FloatMatrix:
    """The units' embeddings, kept in var/ keyed by the units and the model: training at set-up
    embeds our phrases once, and the cross-validation that follows (a test, the benchmark)
    reads them back instead of embedding them again."""
    # the model reads the prepared text: a change to danger_prepare.py makes new embeddings
    digest = hashlib.sha256(f"{MODEL_NAME}\n{prepare_version()}\n".encode())
    for unit in units:
        digest.update(f"{unit}\x00".encode())
    path = CACHE_DIR / f"embeddings-{digest.hexdigest()[:24]}.npy"
    if path.exists():
        try:
            kept = np.load(path)
            if kept.shape[0] == len(units):
                return np.asarray(kept, dtype=np.float32)
        except (OSError, ValueError):
            logger.warning("danger: the cached embeddings at %s are unreadable", path)
    distinct = list(dict.fromkeys(units))  # a clause two phrases share is embedded once
    with all_cores():
        found = embed(model, distinct)
    position = {unit: i for i, unit in enumerate(distinct)}
    embeddings = found[[position[unit] for unit in units]]
    try:
        CACHE_DIR.mkdir(parents=True, exist_ok=True)
        partial = path.with_name(f"{path.stem}.{os.getpid()}.partial.npy")
        np.save(partial, embeddings)
        partial.replace(path)  # whole or not at all, for a process reading it meanwhile
    except OSError:
        logger.info("danger: could not keep the embeddings in %s", CACHE_DIR)
    return embeddings


def train(
    model: SentenceEncoder,
    phrases: Sequence[TrainingPhrase],
    *,
    folds: int = FOLDS,
    target: float = FALSE_ALARM_TARGET,
) -> LearnedReader:
    """Classifiers on all the phrases; thresholds from out-of-fold scores (see module doc)."""
    data = prepared(model, phrases)
    rows = np.arange(len(phrases))
    oof = out_of_fold_scores(data, rows, folds=folds)
    thresholds, floors = thresholds_within(oof, data.rules, data.labels, target)
    fitted = fit(data, rows)
    return replace(fitted, thresholds=thresholds, rule_floors=floors)


def fit(data: Prepared, rows: npt.NDArray[np.intp]) -> LearnedReader:
    """The classifiers trained on the given phrases as wholes, and on every clause of the
    ordinary ones as ordinary (thresholds left at 0.5). Each unit's nearest phrases are the
    given phrases less its own."""
    from sklearn.linear_model import LogisticRegression

    rows = np.asarray(rows, dtype=np.intp)
    whole = _whole_rows(data.owner)
    neighbours = data.embeddings[whole[rows]]
    kinds = kinds_of([data.phrases[i] for i in rows])
    ordinary_rows = rows[~data.labels[rows].any(axis=1)]
    clause_units = np.flatnonzero(np.isin(data.owner, ordinary_rows))
    clause_units = clause_units[~np.isin(clause_units, whole)]
    units = np.concatenate([whole[rows], clause_units])
    labels = np.vstack([data.labels[rows], np.zeros((len(clause_units), len(SIGNALS)), dtype=bool)])
    neighbour_of = {int(row): j for j, row in enumerate(rows)}
    exclude = np.array([neighbour_of[int(data.owner[u])] for u in units], dtype=np.intp)
    texts = [data.units[i] for i in units]
    terms, idf = vocabulary([data.units[i] for i in whole[rows]])
    similar = nearest_similarity(data.embeddings[units], neighbours, kinds, exclude)
    x = _sparse_features(data.embeddings[units], texts, terms, idf, data.rule_hits[units], similar)
    weights, biases = [], []
    for i in range(len(SIGNALS)):
        classifier = LogisticRegression(C=C, class_weight="balanced", max_iter=5000)
        classifier.fit(x, labels[:, i])
        fitted = cast(_Classifier, classifier)
        weights.append(fitted.coef_[0])
        biases.append(fitted.intercept_[0])
    half = np.full(len(SIGNALS), 0.5, dtype=np.float32)
    return LearnedReader(
        np.asarray(weights, dtype=np.float32),
        np.asarray(biases, dtype=np.float32),
        half,
        half,
        terms,
        idf,
        neighbours,
        kinds,
    )


def unit_scores(data: Prepared, learned: LearnedReader, rows: npt.NDArray[np.intp]) -> FloatMatrix:
    """Each given phrase's clause-max score per signal."""
    position = {int(r): j for j, r in enumerate(rows)}
    selected = np.flatnonzero(np.isin(data.owner, rows))
    texts = [data.units[i] for i in selected]
    similar = nearest_similarity(
        data.embeddings[selected], learned.neighbours, learned.neighbour_kinds
    )
    x = _sparse_features(
        data.embeddings[selected],
        texts,
        learned.terms,
        learned.idf,
        data.rule_hits[selected],
        similar,
    )
    logits = np.asarray(x @ learned.weights.T) + learned.biases
    unit_probabilities = 1.0 / (1.0 + np.exp(-logits))
    scores = np.zeros((len(rows), len(SIGNALS)), dtype=np.float32)
    for phrase_index, row in zip(data.owner[selected], unit_probabilities, strict=True):
        j = position[int(phrase_index)]
        scores[j] = np.maximum(scores[j], row)
    return scores


def out_of_fold_scores(
    data: Prepared, rows: npt.NDArray[np.intp], *, folds: int = FOLDS, seed: int = 0
) -> FloatMatrix:
    """Each of the given phrases' clause-max score per signal from classifiers trained on the
    other given phrases; a group (one batch: one writer, one voice) is never split, so that a
    phrase is scored by classifiers that never saw its voice."""
    scores = np.zeros((len(rows), len(SIGNALS)), dtype=np.float32)
    for train_idx, test_idx in _folds([data.phrases[i] for i in rows], folds, seed):
        fold = fit(data, rows[train_idx])
        scores[test_idx] = unit_scores(data, fold, rows[test_idx])
    return scores


def _folds(
    phrases: Sequence[TrainingPhrase], folds: int, seed: int
) -> list[tuple[npt.NDArray[np.intp], npt.NDArray[np.intp]]]:
    """Folds stratified by kind that keep each group whole (a phrase without a group is its
    own)."""
    from sklearn.model_selection import StratifiedGroupKFold

    strata = np.array([_stratum(p) for p in phrases])
    groups = np.array([p.group or f"phrase {i}" for i, p in enumerate(phrases)])
    splitter = StratifiedGroupKFold(n_splits=folds, shuffle=True, random_state=seed)
    return [
        (np.asarray(a, dtype=np.intp), np.asarray(b, dtype=np.intp))
        for a, b in splitter.split(np.zeros(len(phrases)), strata, groups)
    ]


def _stratum(phrase: TrainingPhrase) -> str:
    return {"both": "partner_violence"}.get(phrase.kind, phrase.kind)


# The floors tried under which a rule's signal is overruled (0: never overruled). They reach
# high: our ordinary phrases use the rules' words in many senses ("I put a tracker on my own
# car", "she knocked me flat at kickboxing") that only the reader tells apart.
RULE_FLOORS = (0.0, 0.01, 0.02, 0.05, 0.1, 0.2, 0.3, 0.4, 0.5, 0.6, 0.7, 0.8, 0.9)


def choose_thresholds(
    scores: FloatMatrix,
    rules: npt.NDArray[np.bool_],
    labels: npt.NDArray[np.bool_],
    budget: float,
) -> tuple[FloatMatrix, FloatMatrix]:
    """Per signal, from out-of-fold scores: for each rule floor, the lowest threshold that keeps
    the false alarms on ordinary phrases within `budget`; then the floor (and its threshold)
    that finds the most phrases giving the signal (ties: the lowest floor)."""
    ordinary = ~labels.any(axis=1)
    allowed = int(np.floor(budget * ordinary.sum() + 1e-9))
    thresholds, floors = [], []
    for i in range(len(SIGNALS)):
        best: tuple[bool, float, float, float, float] | None = None
        for floor in RULE_FLOORS:
            kept = rules[:, i] & (scores[:, i] >= floor)
            kept_alarms = int((kept & ordinary).sum())
            rest = np.sort(scores[ordinary & ~kept, i])[::-1]
            left = allowed - kept_alarms
            if left < 0:
                threshold = 1.0  # the rules alone spend the budget: the learned reader only vetoes
            elif left >= len(rest):
                threshold = 0.5
            else:
                threshold = float(np.nextafter(rest[left], np.float32(1.0)))
            found = kept | (scores[:, i] >= threshold)
            alarms = int((found & ordinary).sum())
            recall = float(found[labels[:, i]].mean()) if labels[:, i].any() else 0.0
            feasible = alarms <= allowed
            candidate = (feasible, recall if feasible else -alarms, -floor, threshold, floor)
            if best is None or candidate[:3] > best[:3]:
                best = candidate
        assert best is not None
        thresholds.append(best[3])
        floors.append(best[4])
    return np.asarray(thresholds, dtype=np.float32), np.asarray(floors, dtype=np.float32)


def thresholds_within(
    scores: FloatMatrix,
    rules: npt.NDArray[np.bool_],
    labels: npt.NDArray[np.bool_],
    target: float,
) -> tuple[FloatMatrix, FloatMatrix]:
    """choose_thresholds with the largest of BUDGETS at which the share of ordinary phrases given
    any signal stays within `target` (the smallest budget when none does)."""
    ordinary = ~labels.any(axis=1)
    chosen = choose_thresholds(scores, rules, labels, BUDGETS[-1])
    for budget in BUDGETS:
        thresholds, floors = choose_thresholds(scores, rules, labels, budget)
        found = (scores >= thresholds) | (rules & (scores >= floors))
        if found[ordinary].any(axis=1).mean() <= target + 1e-9:
            chosen = thresholds, floors
            break
    return chosen


def threshold_for(ordinary_scores: npt.NDArray[np.float32], budget: float) -> float:
    """The lowest threshold at which at most `budget` of the ordinary scores reach it."""
    ranked = np.sort(ordinary_scores)[::-1]
    allowed = int(np.floor(budget * len(ranked) + 1e-9))
    if allowed >= len(ranked):
        return 0.5
    # just above the (allowed+1)-th highest ordinary score
    return float(np.nextafter(ranked[allowed], np.float32(1.0)))


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
    """Our tuning phrases and the training phrases written for this reader (every
    data/danger_training*.toml: one file per writer), each text once (a text in two folds would
    flatter the cross-validation)."""
    seen: set[str] = set()
    phrases = []
    names = ["danger_tuning.toml", *training_files()]
    for phrase in itertools.chain.from_iterable(_load_phrases(name) for name in names):
        key = " ".join(phrase.text.lower().split())
        if key not in seen:
            seen.add(key)
            phrases.append(phrase)
    return phrases


_TRAINING_FILE = re.compile(r"danger_training(_\d+)?\.toml")


def training_files() -> list[str]:
    """The training files' names, in order (danger_training.toml, danger_training_2.toml, ...)."""
    data = resources.files("confide.screening").joinpath("data")
    names = [p.name for p in data.iterdir() if _TRAINING_FILE.fullmatch(p.name)]
    return sorted(names, key=lambda n: int(re.sub(r"\D", "", n) or 1))


def _load_phrases(name: str) -> list[TrainingPhrase]:
    raw = resources.files("confide.screening").joinpath("data", name)
    if not raw.is_file():
        return []
    data = tomllib.loads(raw.read_text("utf-8"))
    phrases = [
        TrainingPhrase(row["text"], frozenset(row["expect"]), row["kind"], name)
        for row in data.get("phrase", [])
    ]
    # the training file's compact form: one list of texts per kind, at the top and in batches
    # (a table each: one writer, one voice)
    batches = [("", data), *((k, v) for k, v in data.items() if isinstance(v, dict))]
    for batch_name, batch in batches:
        group = f"{name}:{batch_name}"
        for kind in ("partner_violence", "self_harm", "ordinary", "both"):
            expect = {"ordinary": frozenset(), "both": frozenset(SIGNALS)}.get(
                kind, frozenset({kind})
            )
            phrases.extend(TrainingPhrase(t, expect, kind, group) for t in batch.get(kind, []))
    return phrases


def cross_validated_signals(
    model: SentenceEncoder,
    phrases: Sequence[TrainingPhrase],
    *,
    folds: int = FOLDS,
    seed: int = 0,
) -> list[frozenset[Signal]]:
    """Each phrase's served signals (combined_signals) from a reader trained without it: outer
    folds, each group (one batch: one writer, one voice) whole in one of them; in each, the
    thresholds chosen by inner cross-validation on the outer training part alone, as `train`
    chooses them. An estimate of how the reader does on a voice it never saw (the rules, though,
    were written on many of these phrases: theirs is not an estimate)."""
    data = prepared(model, phrases)
    found: list[frozenset[Signal]] = [frozenset()] * len(phrases)
    for train_idx, test_idx in _folds(phrases, folds, seed + 100):
        rows = np.asarray(train_idx, dtype=np.intp)
        oof = out_of_fold_scores(data, rows, folds=folds, seed=seed)
        thresholds, floors = thresholds_within(
            oof, data.rules[rows], data.labels[rows], FALSE_ALARM_TARGET
        )
        fold = fit(data, rows)
        test_rows = np.asarray(test_idx, dtype=np.intp)
        scores = unit_scores(data, fold, test_rows)
        for j, row in zip(test_rows, scores, strict=True):
            rule_found = {s for s, hit in zip(SIGNALS, data.rules[j], strict=True) if hit}
            found[j] = frozenset(decide(row.tolist(), rule_found, thresholds, floors))
    return found
