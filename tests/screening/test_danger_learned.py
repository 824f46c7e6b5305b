"""The learned danger reader (confide.screening.danger_learned): clause splitting, thresholds,
and with the text extra the trained reader itself, its cross-validated figures on our own
phrases and its time per text. Never the held-out sets (see benchmarks/danger_text.py)."""

from __future__ import annotations

import numpy as np
import pytest

from confide.screening import danger, danger_learned
from confide.screening.danger import rule_signals, safety_signals
from confide.screening.danger_learned import (
    KNN_SCALE,
    TrainingPhrase,
    clauses,
    nearest_similarity,
    threshold_for,
    thresholds_within,
)
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
    assert clauses("he hit me, ok") == ["he hit me, ok"]  # a short last part joins the one before


def test_a_long_run_on_sentence_is_read_part_by_part() -> None:
    # no full stop anywhere: the danger sits between commas, late in a long story
    story = (
        "we split in january, i moved back in with my parents, lost my job in march, the kids "
        "are with their dad most weekends, money is tight, my friends are tired of hearing "
        "about it, his new girlfriend posts everything online, and most nights i sit in the "
        "garage with the engine on for a while, then i go back inside and make dinner"
    )
    units = clauses(story)
    assert len(story.split()) > 60
    assert story not in units  # too long to be read whole
    assert "and most nights i sit in the garage with the engine on for a while" in units
    assert all(len(u.split()) >= 3 for u in units)


def test_the_nearest_phrases_of_each_kind_are_measured() -> None:
    # three neighbours, one of each kind (partner violence, self-harm, ordinary)
    neighbours = np.eye(3, 4, dtype=np.float32)
    kinds = np.eye(3, dtype=bool)
    units = np.array([[1, 0, 0, 0], [0.6, 0.8, 0, 0]], dtype=np.float32)
    similar = nearest_similarity(units, neighbours, kinds)
    expected = [[KNN_SCALE, 0.0, 0.0], [0.6 * KNN_SCALE, 0.8 * KNN_SCALE, 0.0]]
    np.testing.assert_allclose(similar, expected, atol=1e-6)
    # in training a phrase's own embedding is left out of its neighbours
    left_out = nearest_similarity(units, neighbours, kinds, np.array([0, -1]))
    assert left_out[0, 0] == pytest.approx(-KNN_SCALE)
    np.testing.assert_allclose(left_out[1], similar[1])


def test_the_budget_is_the_largest_within_the_false_alarm_target() -> None:
    # 100 ordinary phrases scoring 0..0.99 on both signals; 20 of each signal scoring high
    rng = np.random.default_rng(0)
    ordinary = np.repeat(np.linspace(0, 0.99, 100, dtype=np.float32)[:, None], 2, axis=1)
    ordinary = ordinary[rng.permutation(100)]
    ordinary[:, 1] = ordinary[rng.permutation(100), 1]
    positives = np.zeros((40, 2), dtype=np.float32)
    positives[:20, 0] = np.linspace(0.8, 1.0, 20)
    positives[20:, 1] = np.linspace(0.8, 1.0, 20)
    scores = np.vstack([ordinary, positives])
    labels = np.zeros((140, 2), dtype=bool)
    labels[100:120, 0] = True
    labels[120:, 1] = True
    rules = np.zeros((140, 2), dtype=bool)
    for target in (0.05, 0.10, 0.2):
        thresholds, _floors = thresholds_within(scores, rules, labels, target)
        found = scores >= thresholds
        alarms = found[:100].any(axis=1).mean()
        assert alarms <= target
        wider, _ = thresholds_within(scores, rules, labels, target + 0.05)
        assert (wider <= thresholds).all()  # a larger target never finds less


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
    assert len(phrases) >= 5300
    assert len({p.text for p in phrases}) == len(phrases), "a phrase is written twice"


def test_each_training_phrase_carries_its_batch() -> None:
    # cross-validation keeps a batch (one writer, one voice) in one fold: the thresholds are
    # chosen on scores of voices the reader never saw
    phrases = danger_learned.training_phrases()
    groups = {p.group for p in phrases}
    assert all(p.group for p in phrases)
    assert "danger_tuning.toml" in groups
    assert "danger_training.toml:voice_texting" in groups
    assert "danger_training_2.toml:nv_minimisers" in groups
    assert len(groups) >= 40


def test_the_folds_keep_each_batch_whole() -> None:
    phrases = [
        TrainingPhrase(f"phrase {i}", frozenset(), "ordinary", f"batch {i % 7}") for i in range(70)
    ] + [
        TrainingPhrase(f"danger {i}", frozenset({"self_harm"}), "self_harm", f"voice {i % 6}")
        for i in range(60)
    ]
    folds = danger_learned._folds(phrases, 5, 0)
    assert sorted(np.concatenate([test for _, test in folds]).tolist()) == list(range(130))
    for train_rows, test_rows in folds:
        held_out = {phrases[i].group for i in test_rows}
        assert not held_out & {phrases[i].group for i in train_rows}


def test_the_dev_set_is_never_trained_on() -> None:
    from benchmarks.danger_text import DEV, load_phrases

    dev = load_phrases(DEV)
    assert len(dev) >= 450
    trained_on = {" ".join(p.text.lower().split()) for p in danger_learned.training_phrases()}
    assert not [p.text for p in dev if " ".join(p.text.lower().split()) in trained_on]


def test_the_cache_key_follows_the_phrases() -> None:
    one = [TrainingPhrase("he hit me", frozenset({"partner_violence"}), "partner_violence")]
    two = [TrainingPhrase("we argue", frozenset(), "ordinary")]
    assert danger_learned._cache_key(one) != danger_learned._cache_key(two)


@pytest.mark.usefixtures("trained")
def test_with_the_text_extra_both_readers_are_used() -> None:
    assert danger.reading_method() == "rules+learned"


def test_the_reader_keeps_our_phrases_as_neighbours(trained: danger_learned.LearnedReader) -> None:
    phrases = danger_learned.training_phrases()
    assert trained.neighbours.shape == (len(phrases), trained.dimensions)
    assert trained.neighbour_kinds.sum(axis=0).tolist() == [
        sum("partner_violence" in p.expect for p in phrases),
        sum("self_harm" in p.expect for p in phrases),
        sum(not p.expect for p in phrases),
    ]
    assert trained.weights.shape[1] == trained.dimensions + len(trained.terms) + 2 + 3


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
    # Each phrase read by a reader trained without its batch (one writer, one voice), its
    # thresholds chosen inside the training part. Three folds here, outside and inside (about two
    # minutes on one core for ~9,800 phrases); `python -m benchmarks.danger_text
    # --cross-validate` prints the five-fold estimate. 2026-11-30, three folds: 89.7% / 92.4% /
    # 8.0% false alarms, less a point or so for fold noise. (Self-harm fell from 94.9% with five
    # folds the day before: the new training files' self-harm is mostly indirect, or about
    # someone else, and three folds train on less.)
    model = sentence_model()
    assert model is not None
    phrases = danger_learned.training_phrases()
    found = danger_learned.cross_validated_signals(model, phrases, folds=3)
    for signal, floor in (("partner_violence", 0.885), ("self_harm", 0.91)):
        hits = [signal in f for p, f in zip(phrases, found, strict=True) if signal in p.expect]
        assert sum(hits) / len(hits) >= floor, signal
    alarms = [bool(f) for p, f in zip(phrases, found, strict=True) if not p.expect]
    assert sum(alarms) / len(alarms) <= 0.09


@pytest.mark.usefixtures("trained")
def test_confide_text_prepare_leaves_the_trained_reader_in_var() -> None:
    from typer.testing import CliRunner

    from confide import cli

    result = CliRunner().invoke(cli.app, ["text", "prepare"])
    assert result.exit_code == 0, result.output
    assert "The danger reader is ready" in result.output
    key = danger_learned._cache_key(danger_learned.training_phrases())
    assert (danger_learned.CACHE_DIR / f"{key}.npz").exists()
