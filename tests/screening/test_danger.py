"""Danger signs in free text (confide.screening.danger): the rules on our tuning phrases, the
cases issue 9 found, denials, hyperbole, misspellings and slang, and the held-out phrases when
the benchmark's file is there (never used for tuning: see benchmarks/danger_text.py)."""

from __future__ import annotations

import functools
from pathlib import Path

import pytest
from benchmarks.danger_text import (
    DEV,
    FALSE_ALARM_TARGET,
    HELD_OUT,
    HELD_OUT_2,
    HELD_OUT_3,
    HELD_OUT_4,
    HELD_OUT_5,
    HELD_OUT_6,
    HELD_OUT_7,
    RECALL_TARGET,
    TUNING,
    Detector,
    load_phrases,
    measure,
)

from confide.matching import concern_text
from confide.matching.concern_text import map_concern_text
from confide.screening.danger import SIGNALS, prepare, rule_signals, safety_signals


# Each held-out set is read once per test process (both tests below ask for its figures), and
# a set's two tests share a worker (an xdist group per set), so each set is read once in a run.
@functools.cache
def figures(
    path: Path, detector: Detector = safety_signals
) -> tuple[dict[str, float | None], float | None, tuple[str, ...]]:
    measured = measure(load_phrases(path), detector)
    return measured.recall, measured.false_alarms, measured.wrong


def test_the_rules_read_all_the_tuning_phrases_right() -> None:
    assert len(load_phrases(TUNING)) >= 250
    recall, false_alarms, wrong = figures(TUNING, rule_signals)
    assert wrong == ()
    assert recall == {"partner_violence": 1.0, "self_harm": 1.0}
    assert false_alarms == 0.0


# What the served detector (rules or learned, with the text extra as `make test` installs it)
# measured on each held-out set (benchmarks/danger_text.py), less about a point of margin: a
# change that reads fewer of them right fails here. Sets 1 and 2 were used in earlier tuning;
# sets 3 to 7 were written by people who never saw the reader's phrases or rules. The kinds of
# phrase sets 4, 5 and 6 missed guided what later training files cover (never their phrases), so
# they are worn too. Set 7 was written this session and measured once, after the reader was last
# changed (denials put aside, six new writers' training files, thresholds for 9% false alarms out
# of fold), with the other sets in the same run (2026-11-30; "before": the reader of the day
# before, and for set 6 the same day's reader before the last two training files):
#   set 1 98.6% / 98.3% / 3.0% false alarms     (before: 97.9% / 99.1% / 2.6%)
#   set 2 98.4% / 99.1% / 8.7%                   (before: 97.6% / 99.1% / 14.0%)
#   set 3 96.9% / 99.3% / 1.7%                   (before: 95.6% / 95.7% / 3.4%)
#   set 4 96.2% / 96.4% / 14.2%                  (before: 93.0% / 93.4% / 20.0%)
#   set 5 98.3% / 96.1% / 7.1%                   (before: 96.0% / 96.1% / 12.7%)
#   set 6 97.0% / 97.2% / 7.9%                   (before: 98.0% / 93.2% / 9.3%)
#   set 7 95.0% / 95.5% / 8.6%                   (new)
HELD_OUT_FLOORS = {
    HELD_OUT: {"partner_violence": 0.975, "self_harm": 0.97},
    HELD_OUT_2: {"partner_violence": 0.97, "self_harm": 0.98},
    HELD_OUT_3: {"partner_violence": 0.955, "self_harm": 0.98},
    HELD_OUT_4: {"partner_violence": 0.95, "self_harm": 0.95},
    HELD_OUT_5: {"partner_violence": 0.97, "self_harm": 0.95},
    HELD_OUT_6: {"partner_violence": 0.96, "self_harm": 0.96},
    HELD_OUT_7: {"partner_violence": 0.94, "self_harm": 0.945},
}
HELD_OUT_FALSE_ALARM_CEILING = {
    HELD_OUT: 0.04,
    HELD_OUT_2: 0.10,
    HELD_OUT_3: 0.03,
    HELD_OUT_4: 0.155,
    HELD_OUT_5: 0.085,
    HELD_OUT_6: 0.09,
    HELD_OUT_7: 0.10,
}
# the sets on which the targets are not met yet: the target test is expected to fail there (set
# 4's ordinary phrases are mostly near misses written to tempt a reader: false alarms)
BELOW_TARGET = {HELD_OUT_4}
held_out_sets = pytest.mark.parametrize(
    "path",
    [
        pytest.param(
            path,
            id=path.stem,
            marks=[
                pytest.mark.skipif(not path.exists(), reason=f"no held-out phrases at {path}"),
                pytest.mark.xdist_group(f"danger_{path.stem}"),
            ],
        )
        for path in HELD_OUT_FLOORS
    ],
)
below_target = pytest.mark.xfail(
    strict=True,
    reason="below the targets on this held-out set (see the floors above); remove the set from "
    "BELOW_TARGET when the benchmark shows the targets met on it",
)
target_sets = pytest.mark.parametrize(
    "path",
    [
        pytest.param(
            path,
            id=path.stem,
            marks=[
                pytest.mark.skipif(not path.exists(), reason=f"no held-out phrases at {path}"),
                pytest.mark.xdist_group(f"danger_{path.stem}"),
                *([below_target] if path in BELOW_TARGET else []),
            ],
        )
        for path in HELD_OUT_FLOORS
    ],
)


# The held-out files are written by someone else and never read while tuning. Failures give the
# figures only, never a held-out phrase, so that fixing one cannot copy the phrases into rules.
@held_out_sets
def test_the_held_out_figures_do_not_fall(path: Path) -> None:
    recall, false_alarms, _wrong = figures(path)
    for signal, floor in HELD_OUT_FLOORS[path].items():
        assert (recall[signal] or 0.0) >= floor, f"{signal} recall {recall[signal]}"
    ceiling = HELD_OUT_FALSE_ALARM_CEILING[path]
    assert (false_alarms or 0.0) <= ceiling, f"false alarms {false_alarms}"


# Our dev set: written by us apart from the training phrases (other voices), never trained on;
# read by its figures only. Measured 2026-11-30 (benchmarks/danger_text.py with its path):
# 94.9% / 93.9% / 6.2% false alarms (the reader the day before: 93.0% / 95.3% / 8.5%), less a
# point.
DEV_FLOORS = {"partner_violence": 0.94, "self_harm": 0.93}
DEV_FALSE_ALARM_CEILING = 0.072


def test_our_dev_figures_do_not_fall() -> None:
    recall, false_alarms, _wrong = figures(DEV)
    for signal, floor in DEV_FLOORS.items():
        assert (recall[signal] or 0.0) >= floor, f"{signal} recall {recall[signal]}"
    assert (false_alarms or 0.0) <= DEV_FALSE_ALARM_CEILING, f"false alarms {false_alarms}"


@target_sets
def test_the_held_out_phrases_meet_the_targets(path: Path) -> None:
    recall, false_alarms, _wrong = figures(path)
    for signal in SIGNALS:
        assert (recall[signal] or 0.0) >= RECALL_TARGET, f"{signal} recall {recall[signal]}"
    assert (false_alarms or 0.0) <= FALSE_ALARM_TARGET, f"false alarms {false_alarms}"


@pytest.mark.parametrize(
    "text",
    [
        "my boyfriend decides who I can see and takes my paycheck",
        "he screams that I'm useless and stupid and breaks things when he's mad",
    ],
)
def test_what_issue_9_found_signals_partner_violence(text: str) -> None:
    assert safety_signals(text) == ("partner_violence",)


def test_relapsing_on_pills_is_addiction_not_self_harm() -> None:
    assert rule_signals("I keep relapsing on pills") == ()


@pytest.mark.parametrize("embedding", [False, True], ids=["keywords", "embedding"])
def test_the_concern_mapper_names_the_topics_issue_9_found(
    embedding: bool, monkeypatch: pytest.MonkeyPatch
) -> None:
    if embedding and not concern_text.embedding_available():
        pytest.skip("the text extra is not installed")
    if not embedding:
        monkeypatch.setattr(concern_text, "_embedding_index", lambda: None)
    control = map_concern_text("my boyfriend decides who I can see and takes my paycheck").codes
    assert control[0] == "relationship_abuse"
    threats = "he screams that I'm useless and stupid and breaks things when he's mad"
    assert "relationship_abuse" in map_concern_text(threats).codes
    assert map_concern_text("I keep relapsing on pills").codes[0] == "addiction"


@pytest.mark.parametrize(
    "text",
    [
        "he has never hit me",
        "he's never hit me but he punches walls",
        "she's not violent, she just controls all the money",
        "I don't feel safe at home",
    ],
)
def test_a_denial_or_a_negation_still_signals(text: str) -> None:
    # people play down what happens to them; the question this brings forward is private
    assert "partner_violence" in safety_signals(text)


@pytest.mark.parametrize(
    "text",
    [
        "we fight about money",
        "I'm scared he'll leave me",
        "I could kill him for forgetting our anniversary",
        "this is killing me",
        "I'm dying to fix this",
        "he controls the TV remote",
        "she checks her phone during dinner",
        "we broke up",
        "he cheated and I keep checking his phone",
        "it hit me hard when I found out",
        "she pushed me away after the baby",
        "she threatened to leave if I don't change",
        "I'd be better off without him",
        "I'm killing myself at work for this family",
        "I'd rather die than go to his mother's again",
        "he hits on other women at parties",
        "we agreed to share locations for a month",
        "he treats me like a roommate",
        "he showed me his phone to prove nothing happened",
        "my phone died and she assumed the worst",
        "I get choked up talking about the affair",
        "we want to end things calmly",
        "I just want it to stop, the fighting",
    ],
)
def test_ordinary_distress_gives_no_signal(text: str) -> None:
    assert rule_signals(text) == ()


@pytest.mark.parametrize(
    ("text", "signal"),
    [
        ("he slaped me", "partner_violence"),
        ("he strangeled me", "partner_violence"),
        ("my husband is so controling", "partner_violence"),
        ("i am terified of him", "partner_violence"),
        ("she isolated me from my freinds", "partner_violence"),
        ("im sucidal", "self_harm"),
        ("having suicidle thoughts", "self_harm"),
        ("i want to kil myself", "self_harm"),
        ("s*icide", "self_harm"),
        ("su1c1de", "self_harm"),
        ("k*ll myself", "self_harm"),
    ],
)
def test_misspellings_and_censored_words_are_read(text: str, signal: str) -> None:
    assert signal in safety_signals(text)


@pytest.mark.parametrize(
    "text",
    [
        "kms",
        "gonna kms fr",
        "thinking about how to unalive myself",
        "sewer slide",
        "sewerslide",
        "self-delete",
        "i OD'd on purpose",
        "wanna die",
        "everyone'd be better off without me",
        "no point going on",
        "end it all",
        "I cut myself",
        "been sh-ing again",
    ],
)
def test_slang_for_self_harm_is_read(text: str) -> None:
    assert "self_harm" in safety_signals(text)


def test_someone_elses_suicide_threat_is_control_not_the_persons_risk() -> None:
    assert safety_signals("he says he'll kill himself if I leave him") == ("partner_violence",)


def test_both_signals_in_one_text_come_in_order() -> None:
    text = "I want to die. He beats me when he drinks."
    assert safety_signals(text) == ("partner_violence", "self_harm")


def test_the_danger_said_last_in_a_long_text_is_read() -> None:
    text = "we argue about chores and in-laws. " * 50 + "He choked me last week."
    assert safety_signals(text) == ("partner_violence",)


@pytest.mark.parametrize("text", ["", "   ", "\n\t", "!!!", "😀"])
def test_empty_or_wordless_text_gives_nothing(text: str) -> None:
    assert safety_signals(text) == ()


@pytest.mark.parametrize(
    ("text", "prepared"),
    [
        ("He's not violent, never has been.", " he is fine never has been "),
        ("No drama, no abuse, we just grew apart", " no drama fine we just grew apart "),
        ("I'm not afraid of him", " i am fine "),
        ("neither of us is frightened of the other", " fine "),
        ("not suicidal or anything, not in danger, just sad", " fine or anything fine just sad "),
        ("No thoughts of hurting myself.", " fine "),
        ("No SI, no self-harm", " fine fine "),
        ("it's not like he's abusing me or anything", " it is fine or anything "),
    ],
)
def test_a_general_denial_is_put_aside(text: str, prepared: str) -> None:
    assert prepare(text) == prepared
    assert rule_signals(text) == ()


@pytest.mark.parametrize(
    "text",
    [
        "he has never hit me",  # a denied act: people play down what happens
        "no physical abuse, just emotional",  # a partial denial
        "he is not violent when he is sober",  # a denial in time
        "not suicidal yet",
        "I'm no longer afraid of him",
        "no plan to kill myself",  # thoughts without a plan
        "I don't know if it's abuse",  # uncertainty
        "not sure if he is not dangerous",
        "I don't feel safe",  # the negation is the danger
        "he won't let me see my friends",
        "my husband has guns and says he's not afraid to use them",
    ],
)
def test_what_is_not_a_general_denial_is_read_as_written(text: str) -> None:
    assert " fine " not in prepare(text)


def test_the_danger_beside_a_denial_still_signals() -> None:
    for text in (
        "it's not abuse, he just takes my whole wage and gives me bus fare",
        "I'm not suicidal, I just wish I wouldn't wake up",
    ):
        assert safety_signals(text), text


@pytest.mark.parametrize(
    ("text", "prepared"),
    [
        ("me corté again", " cut myself again "),
        ("mi esposo me pegó otra vez", " mi esposo hit me otra vez "),
        ("a veces quiero desaparecer", " a veces want to disappear "),
        ("sería mejor no despertar", " seria not wake up "),
        ("me corté el pelo", " me corte el pelo "),  # a haircut
        ("mi suegra otra vez", " mi suegra otra vez "),
    ],
)
def test_spanish_said_inside_english_is_spelled_out(text: str, prepared: str) -> None:
    assert prepare(text) == prepared


def test_prepare_spells_out_and_corrects() -> None:
    assert prepare("He's  CONTROLING & won't let me") == " he is controlling will not let me "
    assert prepare("Café") == " cafe "
