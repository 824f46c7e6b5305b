"""The check-in's pure core: the five signs, scores, the weekly clock, trends, reliable change
and the plain-words summary (no database)."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from confide.program import checkin_charts
from confide.program import checkin_scoring as scoring
from confide.program.checkin_scoring import (
    CheckInIncomplete,
    CheckInInvalid,
    CheckInScore,
    score_check_in,
    summarise,
)

START = datetime(2026, 3, 2, 0, 5, tzinfo=UTC)  # a Monday, five past midnight
CALM = dict.fromkeys(scoring.SIGN_CODES, 2)


def take(
    history: list[CheckInScore],
    week: int,
    *,
    signs: dict[str, int] | None = None,
    mood: list[int] | None = None,
    worry: list[int] | None = None,
) -> CheckInScore:
    score = score_check_in(
        history,
        week=week,
        answered_at=START + timedelta(weeks=week - 1, hours=12),
        signs=signs or CALM,
        mood=mood or [0, 1],
        worry=worry or [1, 0],
    )
    history.append(score)
    return score


def test_five_signs_are_ours_one_item_each_rated_0_to_4() -> None:
    assert scoring.SIGN_CODES == ("safety", "openness", "listened", "commitment", "decisions")
    assert [v for v, _ in scoring.SIGN_SCALE] == [0, 1, 2, 3, 4]
    assert len({s.statement for s in scoring.SIGNS}) == 5


def test_a_check_in_scores_signs_and_short_checks() -> None:
    score = take([], 1, signs={**CALM, "listened": 4}, mood=[1, 1], worry=[0, 2])
    assert score.signs_total == 12
    assert (score.mood.instrument, score.mood.total, score.mood.positive) == ("phq2", 2, False)
    assert (score.worry.instrument, score.worry.total) == ("gad2", 2)
    assert not score.positive_screen
    assert not score.self_harm_risk
    assert CheckInScore.from_json(score.as_json()) == score


@pytest.mark.parametrize(
    ("signs", "field"),
    [
        ({**CALM, "safety": 5}, "signs.safety"),
        ({k: v for k, v in CALM.items() if k != "decisions"}, "signs.decisions"),
        ({**CALM, "trust": 1}, "signs.trust"),
        ({**CALM, "openness": True}, "signs.openness"),
    ],
)
def test_bad_signs_name_the_sign(signs: dict[str, int], field: str) -> None:
    with pytest.raises(CheckInInvalid) as caught:
        take([], 1, signs=signs)
    assert caught.value.field == field


def test_a_positive_short_check_needs_the_full_form() -> None:
    assert scoring.more_to_ask([2, 1], [0, 0]) == ("phq9",)
    assert scoring.more_to_ask([0, 0], [3, 0]) == ("gad7",)
    with pytest.raises(CheckInIncomplete) as caught:
        take([], 1, mood=[2, 1])
    assert caught.value.field == "mood"
    assert caught.value.instrument == "phq9"
    full = take([], 1, mood=[2, 1, 1, 1, 1, 1, 1, 1, 0])
    assert (full.mood.instrument, full.mood.total, full.mood.positive) == ("phq9", 9, False)
    assert full.positive_screen is False


def test_item_9_is_a_self_harm_risk_whatever_the_total() -> None:
    score = take([], 1, mood=[2, 1, 0, 0, 0, 0, 0, 0, 1])
    assert score.self_harm_risk
    assert summarise([score]).suggest_therapy


def test_once_the_full_form_was_needed_it_is_asked_every_week() -> None:
    history: list[CheckInScore] = []
    assert scoring.forms_to_ask(history) == {"mood": "phq2", "worry": "gad2"}
    take(history, 1, mood=[2, 2, 2, 2, 2, 1, 1, 1, 0])
    assert scoring.forms_to_ask(history) == {"mood": "phq9", "worry": "gad2"}
    with pytest.raises(CheckInInvalid) as caught:
        take(history, 2, mood=[0, 0])
    assert caught.value.field == "mood"


def test_weeks_of_the_couple_space_at_awkward_moments() -> None:
    assert scoring.week_number(START, START) == 1
    assert scoring.week_number(START, START + timedelta(days=7) - timedelta(seconds=1)) == 1
    assert scoring.week_number(START, START + timedelta(days=7)) == 2
    # across the spring-forward night in New York (2026-03-08): weeks are counted in UTC
    assert scoring.week_number(START, datetime(2026, 3, 9, 0, 4, tzinfo=UTC)) == 1
    assert scoring.week_starts(START, 3) == START + timedelta(weeks=2)


def test_reliable_change_on_phq9_and_gad7() -> None:
    history: list[CheckInScore] = []
    take(history, 1, mood=[3, 3, 2, 2, 2, 2, 1, 1, 0], worry=[3, 2, 2, 2, 1, 1, 1])  # 16, 12
    take(history, 2, mood=[2, 2, 2, 2, 1, 1, 1, 0, 0], worry=[2, 1, 2, 1, 1, 1, 1])  # 11, 9
    take(history, 3, mood=[1, 1, 1, 1, 1, 1, 1, 1, 0], worry=[1, 1, 1, 1, 1, 1, 1])  # 8, 7
    markers = scoring.reliable_changes(history)
    phq = [(m.week, m.change) for m in markers if m.instrument == "phq9"]
    gad = [(m.week, m.change) for m in markers if m.instrument == "gad7"]
    assert phq == [(2, "no_reliable_change"), (3, "improved")]  # 16 -> 11 (5), 16 -> 8 (8)
    assert gad == [(2, "no_reliable_change"), (3, "improved")]  # 12 -> 9 (3), 12 -> 7 (5)
    texts = [f.text for f in summarise(history).findings]
    assert "Low mood (PHQ-9) is down 8 points since week 1" in " ".join(texts)
    assert any(t.startswith("Worry (GAD-7) is down 5 points") for t in texts)


def test_a_reliable_worsening_is_a_decline() -> None:
    history: list[CheckInScore] = []
    take(history, 1, mood=[2, 1, 0, 0, 0, 0, 0, 0, 0])  # PHQ-9 3
    take(history, 2, mood=[2, 2, 1, 1, 1, 1, 1, 0, 0])  # PHQ-9 9: up 6
    progress = summarise(history)
    assert progress.markers[-1].change == "worsened"
    assert [f.kind for f in progress.findings if f.code == "phq9"] == ["declining"]
    assert progress.suggest_therapy


def test_the_summary_says_what_rose_and_what_fell_in_plain_words() -> None:
    history: list[CheckInScore] = []
    for week, (listened, safety) in enumerate([(1, 3), (2, 3), (3, 1)], start=1):
        take(history, week, signs={**CALM, "listened": listened, "safety": safety})
    progress = summarise(history)
    texts = {f.code: (f.kind, f.text) for f in progress.findings}
    assert texts["listened"] == (
        "improving",
        "Feeling listened to has risen over the last 3 check-ins.",
    )
    assert texts["safety"][0] == "declining"
    assert "commitment" not in texts  # steady: nothing to say
    assert progress.suggest_therapy  # a decline suggests therapy


def test_one_check_in_is_too_few_for_a_trend_and_calm_suggests_nothing() -> None:
    history: list[CheckInScore] = []
    take(history, 1)
    progress = summarise(history)
    assert progress.findings == ()
    assert not progress.suggest_therapy
    assert summarise([]).latest is None


def test_a_positive_screen_suggests_therapy() -> None:
    score = take([], 1, worry=[2, 2, 2, 1, 1, 1, 1])  # GAD-7 10: positive
    assert score.positive_screen
    assert summarise([score]).suggest_therapy


def test_charts_place_weeks_and_values_and_mark_reliable_change() -> None:
    history: list[CheckInScore] = []
    take(history, 1, mood=[3, 3, 2, 2, 2, 2, 1, 1, 0])
    take(history, 2, mood=[1, 1, 1, 1, 1, 1, 1, 1, 0])
    figures = checkin_charts.figures(summarise(history), "mine", "Your")
    signs, phq9 = figures[0], figures[1]
    assert len(signs.chart.lines) == 5
    assert signs.rows == ((1, (2,) * 5), (2, (2,) * 5))
    line = phq9.chart.lines[0]
    assert [d.week for d in line.dots] == [1, 2]
    assert line.dots[0].x == checkin_charts.LEFT
    assert line.dots[1].x == checkin_charts.WIDTH - checkin_charts.RIGHT
    assert line.dots[1].y > line.dots[0].y  # 8 is lower on the chart than 16
    assert [f.change for f in phq9.chart.flags] == ["improved"]
    assert "reliable improvement (16 to 8)" in phq9.chart.description


def test_scale_labels_never_crowd_the_top() -> None:
    assert checkin_charts._ticks(4) == (0, 1, 2, 3, 4)
    assert checkin_charts._ticks(27) == (0, 5, 10, 15, 20, 27)
    assert checkin_charts._ticks(21) == (0, 5, 10, 15, 21)
