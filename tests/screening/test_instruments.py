"""Scoring against the published rules: every band boundary, every cut-off, AUDIT-C by sex,
PHQ-9 item 9 on its own, what comes next, reliable change, and refused answers."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from confide.screening.instruments import (
    AUDIT_C_LOWER_CUTOFF,
    INSTRUMENTS,
    SELF_HARM_RISK,
    Score,
    next_instruments,
    reliable_change,
    score,
)


def answers_totalling(code: str, total: int, *, item9: int = 0) -> list[int]:
    """Answers for `code` that add up to `total`, filling items from the first (PHQ-9's item 9
    held at `item9`)."""
    items = INSTRUMENTS[code].items
    top = max(o.value for o in items[0].options)
    answers = [0] * len(items)
    left = total
    if code == "phq9":
        answers[8] = item9
        left -= item9
    for n in range(len(items)):
        if code == "phq9" and n == 8:
            continue
        answers[n] = min(top, left)
        left -= answers[n]
    assert left == 0
    assert sum(answers) == total
    return answers


def test_the_instruments_have_their_published_lengths_and_answers() -> None:
    lengths = {code: len(i.items) for code, i in INSTRUMENTS.items()}
    assert lengths == {"phq2": 2, "phq9": 9, "gad2": 2, "gad7": 7, "pc_ptsd5": 5, "audit_c": 3}
    values = {
        code: {o.value for i in inst.items for o in i.options} for code, inst in INSTRUMENTS.items()
    }
    assert values["phq9"] == values["gad7"] == {0, 1, 2, 3}
    assert values["pc_ptsd5"] == {0, 1}
    assert values["audit_c"] == {0, 1, 2, 3, 4}
    # the short forms are the first items of the long ones
    assert [i.text for i in INSTRUMENTS["phq2"].items] == [
        i.text for i in INSTRUMENTS["phq9"].items[:2]
    ]
    assert [i.text for i in INSTRUMENTS["gad2"].items] == [
        i.text for i in INSTRUMENTS["gad7"].items[:2]
    ]
    assert INSTRUMENTS["phq9"].items[8].code == "phq9_9"


@pytest.mark.parametrize(
    ("total", "band", "positive"),
    [
        (0, "none_minimal", False),
        (4, "none_minimal", False),
        (5, "mild", False),
        (9, "mild", False),
        (10, "moderate", True),
        (14, "moderate", True),
        (15, "moderately_severe", True),
        (19, "moderately_severe", True),
        (20, "severe", True),
        (27, "severe", True),
    ],
)
def test_phq9_bands_and_cutoff(total: int, band: str, positive: bool) -> None:
    item9 = max(0, total - 24)  # past 24, item 9 must carry some of the total
    result = score("phq9", answers_totalling("phq9", total, item9=item9))
    assert (result.total, result.band, result.positive) == (total, band, positive)
    assert result.flags == ((SELF_HARM_RISK,) if item9 else ())


@pytest.mark.parametrize(
    ("total", "band", "positive"),
    [
        (0, "minimal", False),
        (4, "minimal", False),
        (5, "mild", False),
        (9, "mild", False),
        (10, "moderate", True),
        (14, "moderate", True),
        (15, "severe", True),
        (21, "severe", True),
    ],
)
def test_gad7_bands_and_cutoff(total: int, band: str, positive: bool) -> None:
    result = score("gad7", answers_totalling("gad7", total))
    assert (result.total, result.band, result.positive) == (total, band, positive)


@pytest.mark.parametrize(
    ("code", "below", "at"),
    [("phq2", 2, 3), ("gad2", 2, 3), ("pc_ptsd5", 2, 3)],
)
def test_screen_cutoffs(code: str, below: int, at: int) -> None:
    assert score(code, answers_totalling(code, below)) == Score(code, below, "negative", False, ())
    assert score(code, answers_totalling(code, at)) == Score(code, at, "positive", True, ())
    top = sum(max(o.value for o in i.options) for i in INSTRUMENTS[code].items)
    assert score(code, answers_totalling(code, top)).positive


@pytest.mark.parametrize(
    ("sex", "total", "positive"),
    [
        ("male", 3, False),
        ("male", 4, True),
        ("female", 2, False),
        ("female", 3, True),
        (None, 2, False),
        (None, 3, True),
    ],
)
def test_audit_c_cutoff_by_sex(sex: str | None, total: int, positive: bool) -> None:
    result = score("audit_c", answers_totalling("audit_c", total), sex)
    assert result.positive is positive
    assert result.band == ("positive" if positive else "negative")
    # without a sex the lower cut-off is used, and the score says so
    assert result.flags == (() if sex else (AUDIT_C_LOWER_CUTOFF,))


@pytest.mark.parametrize("item9", [1, 2, 3])
def test_phq9_item9_flags_self_harm_whatever_the_total(item9: int) -> None:
    low = score("phq9", answers_totalling("phq9", item9, item9=item9))
    assert low.band == "none_minimal"
    assert not low.positive
    assert low.flags == (SELF_HARM_RISK,)
    high = score("phq9", answers_totalling("phq9", 24, item9=item9))
    assert high.flags == (SELF_HARM_RISK,)


def test_item9_at_zero_raises_no_flag_and_other_items_never_do() -> None:
    assert score("phq9", [3, 3, 3, 3, 3, 3, 3, 3, 0]).flags == ()
    assert score("gad7", [3] * 7).flags == ()
    assert score("phq2", [3, 3]).flags == ()


@given(st.lists(st.integers(0, 3), min_size=9, max_size=9))
def test_phq9_total_is_the_sum_and_the_band_follows_it(answers: list[int]) -> None:
    result = score("phq9", answers)
    assert result.total == sum(answers)
    assert result.positive is (sum(answers) >= 10)
    assert (SELF_HARM_RISK in result.flags) is (answers[8] > 0)


@pytest.mark.parametrize(
    ("code", "answers", "says"),
    [
        ("phq9", [0] * 8, "PHQ-9 takes exactly 9 answers"),
        ("phq2", [0, 0, 0], "PHQ-2 takes exactly 2 answers"),
        ("gad7", [0, 0, 0, 0, 0, 0, 4], "answer 7 of GAD-7 is 4; allowed: whole numbers 0 to 3"),
        ("phq2", [-1, 0], "allowed: whole numbers 0 to 3"),
        ("pc_ptsd5", [0, 0, 2, 0, 0], "allowed: whole numbers 0 to 1"),
        ("audit_c", [5, 0, 0], "allowed: whole numbers 0 to 4"),
        ("phq2", [True, 0], "allowed: whole numbers 0 to 3"),
        ("phq2", [1.0, 0], "allowed: whole numbers 0 to 3"),
        ("phq8", [0], "allowed: phq2, phq9, gad2, gad7, pc_ptsd5, audit_c"),
    ],
)
def test_bad_answers_name_what_is_allowed(code: str, answers: list[int], says: str) -> None:
    with pytest.raises(ValueError, match=r"allowed|takes exactly") as refused:
        score(code, answers)
    assert says in str(refused.value)


def test_an_unknown_sex_is_refused() -> None:
    with pytest.raises(ValueError, match="allowed: female, male"):
        score("audit_c", [1, 1, 1], "other")


def scored(code: str, total: int) -> Score:
    return score(code, answers_totalling(code, total))


def test_next_instruments_short_forms_first_then_the_full_form_after_a_positive() -> None:
    assert next_instruments({}, []) == ("phq2", "gad2")
    assert next_instruments({}, ["trauma_ptsd", "addiction"]) == (
        "phq2",
        "gad2",
        "pc_ptsd5",
        "audit_c",
    )
    negative = {"phq2": scored("phq2", 2), "gad2": scored("gad2", 0)}
    assert next_instruments(negative, ["infidelity"]) == ()
    positive = {"phq2": scored("phq2", 3), "gad2": scored("gad2", 4)}
    assert next_instruments(positive, []) == ("phq9", "gad7")
    mixed = {"phq2": scored("phq2", 3), "gad2": scored("gad2", 1)}
    assert next_instruments(mixed, ["addiction"]) == ("phq9", "audit_c")
    done = {**positive, "phq9": scored("phq9", 12), "gad7": scored("gad7", 3)}
    assert next_instruments(done, []) == ()
    # a full form answered first answers the short one too
    assert next_instruments({"phq9": scored("phq9", 0)}, []) == ("gad2",)
    finished = {**negative, "pc_ptsd5": scored("pc_ptsd5", 1)}
    assert next_instruments(finished, ["trauma_ptsd"]) == ()


@pytest.mark.parametrize(
    ("code", "before", "after", "change"),
    [
        ("phq9", 18, 12, "improved"),
        ("phq9", 18, 13, "no_reliable_change"),
        ("phq9", 12, 18, "worsened"),
        ("phq9", 13, 18, "no_reliable_change"),
        ("gad7", 15, 11, "improved"),
        ("gad7", 15, 12, "no_reliable_change"),
        ("gad7", 11, 15, "worsened"),
        ("phq2", 6, 0, None),
        ("audit_c", 8, 1, None),
    ],
)
def test_reliable_change(code: str, before: int, after: int, change: str | None) -> None:
    assert reliable_change(code, before, after) == change
