"""The one interval-merging routine."""

from __future__ import annotations

from confide.scheduling.intervals import merge_intervals


def test_overlapping_and_touching_intervals_join_in_order() -> None:
    assert merge_intervals([]) == []
    assert merge_intervals([(30, 40), (0, 10), (10, 20), (35, 38), (15, 25), (50, 60)]) == [
        (0, 25),
        (30, 40),
        (50, 60),
    ]


def test_intervals_with_a_gap_stay_apart() -> None:
    assert merge_intervals([(0, 10), (11, 20)]) == [(0, 10), (11, 20)]
