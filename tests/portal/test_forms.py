"""The portal's form readers, without a database."""

from __future__ import annotations

import pytest

from confide.portal import forms


def test_hours_read_per_day_in_order() -> None:
    windows, problems = forms.read_hours(
        {"day_0": ["13:00-17:00, 09:00-12:00"], "day_6": ["00:00-24:00"], "day_3": [" "]}
    )
    assert problems == {}
    assert windows == [(0, 540, 720), (0, 780, 1020), (6, 0, 1440)]
    assert forms.window_text([(540, 720), (780, 1020)]) == "09:00-12:00, 13:00-17:00"


@pytest.mark.parametrize(
    "text", ["9-5", "09:00-09:20", "10:00-09:00", "24:15-24:30", "09:00-10:00, 09:30-11:00"]
)
def test_a_wrong_day_is_a_problem_of_that_day_only(text: str) -> None:
    _, problems = forms.read_hours({"day_1": [text], "day_2": ["09:00-10:00"]})
    assert list(problems) == ["day_1"]


def test_new_clients_need_a_day_back_when_paused() -> None:
    fields = {name: ["5"] for name in forms.LIMITS} | {"status": ["paused"]}
    _, problems = forms.read_new_clients(fields)
    assert problems == {"paused_until": "give the first day you take new clients again"}
    values, problems = forms.read_new_clients(fields | {"paused_until": ["2031-02-03"]})
    assert problems == {}
    assert values.accepting
    assert str(values.paused_until) == "2031-02-03"
    values, _ = forms.read_new_clients(fields | {"status": ["closed"], "paused_until": ["x"]})
    assert not values.accepting


@pytest.mark.parametrize(
    ("text", "cents"),
    [("150", 15000), ("$150.5", 15050), ("1,200.25", 120025), ("abc", None), ("٣", None)],
)
def test_amounts_in_dollars(text: str, cents: int | None) -> None:
    rates, problems = forms.read_rates({"rate_intake": [text]}, ["intake"])
    assert rates.get("intake", (None, None))[0] == cents
    assert bool(problems) == (cents is None)
