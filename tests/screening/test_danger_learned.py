"""The learned danger reader (confide.screening.danger_learned): clause splitting, thresholds,
and with the text extra the trained reader itself, its cross-validated figures on our own
phrases and its time per text. Never the held-out sets (see benchmarks/danger_text.py)."""

from __future__ import annotations

import numpy as np
import pytest

from confide.screening import danger, danger_learned
from confide.screening.danger import rule_signals, safety_signals
from confide.screening.danger_learned import TrainingPhrase, clauses, threshold_for
from confide.sentence_model import sentence_model


@pytest.fixture(scope="module")
def trained() -> danger_learned.LearnedReader:
    pytest.importorskip("sklearn")
    if sentence_model() is None:
        pytest.skip("the text extra is not installed")
    found = danger_learned.reader()
    assert found is not None
    return found[1]


def test_a_long_story_is_read_clause_by_clause() -> None:
    story = "We argue about chores. His mother visits too often; he works late. He choked me."
    units = clauses(story)
    assert units[0] == story
    assert "He choked me." in units
    assert all(len(u.split()) >= 3 for u in units[1:])


def test_a_short_text_is_one_unit() -> None:
    assert clauses("  he hit me  ") == ["he hit me"]


def test_the_threshold_keeps_false_alarms_within_the_budget() -> None:
    scores = np.linspace(0.0, 1.0, 101, dtype=np.float32)
    threshold = threshold_for(scores, 0.05)
    assert (scores >= threshold).sum() == 5


def test_without_the_text_extra_the_rules_alone_answer(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(danger_learned, "reader", lambda: None)
    assert danger.reading_method() == "rules"
    assert danger_learned.learned_signals("he hit me") is None
    for text in ("he slaped me", "we fight about money", "im sucidal"):
        assert safety_signals(text) == rule_signals(text)


def test_the_training_phrases_are_ours_and_cover_every_kind() -> None:
    phrases = danger_learned.training_phrases()
    kinds = {p.kind for p in phrases}
    assert {"partner_violence", "self_harm", "ordinary"} <= kinds
    assert len(phrases) >= 2400
    assert len({p.text for p in phrases}) == len(phrases), "a phrase is written twice"


def test_the_cache_key_follows_the_phrases() -> None:
    one = [TrainingPhrase("he hit me", frozenset({"partner_violence"}), "partner_violence")]
    two = [TrainingPhrase("we argue", frozenset(), "ordinary")]
    assert danger_learned._cache_key(one) != danger_learned._cache_key(two)


@pytest.mark.usefixtures("trained")
def test_with_the_text_extra_both_readers_are_used() -> None:
    assert danger.reading_method() == "rules+learned"


@pytest.mark.usefixtures("trained")
def test_the_learned_reader_keeps_what_the_rules_find() -> None:
    for text in ("he slaped me", "im sucidal", "I want to die. He beats me when he drinks."):
        assert set(rule_signals(text)) <= set(safety_signals(text))


@pytest.mark.usefixtures("trained")
@pytest.mark.parametrize(
    "text",
    [
        "we fight about money",
        "I could kill him for forgetting our anniversary",
        "this is killing me",
        "he controls the TV remote",
        "we broke up",
        "I'd rather die than go to his mother's again",
        "he hits on other women at parties",
        "I keep relapsing on pills",
    ],
)
def test_the_combined_reader_stays_quiet_on_ordinary_distress(text: str) -> None:
    assert safety_signals(text) == ()


@pytest.mark.usefixtures("trained")
def test_the_cross_validated_figures_do_not_fall() -> None:
    # Each phrase read by a reader trained without it, its thresholds chosen inside the training
    # part (benchmarks/danger_text.py --cross-validate prints the same; 2026-11-29: 97.1% /
    # 99.4% / 6.6% false alarms), less a couple of points for fold noise.
    model = sentence_model()
    assert model is not None
    phrases = danger_learned.training_phrases()
    found = danger_learned.cross_validated_signals(model, phrases)
    for signal, floor in (("partner_violence", 0.95), ("self_harm", 0.97)):
        hits = [signal in f for p, f in zip(phrases, found, strict=True) if signal in p.expect]
        assert sum(hits) / len(hits) >= floor, signal
    alarms = [bool(f) for p, f in zip(phrases, found, strict=True) if not p.expect]
    assert sum(alarms) / len(alarms) <= 0.08


@pytest.mark.usefixtures("trained")
def test_confide_text_prepare_leaves_the_trained_reader_in_var() -> None:
    from typer.testing import CliRunner

    from confide import cli

    result = CliRunner().invoke(cli.app, ["text", "prepare"])
    assert result.exit_code == 0, result.output
    assert "The danger reader is ready" in result.output
    key = danger_learned._cache_key(danger_learned.training_phrases())
    assert (danger_learned.CACHE_DIR / f"{key}.npz").exists()
