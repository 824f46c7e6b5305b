"""Joining [start, end) intervals that overlap or touch. Pure (stdlib only): the cores use it."""

from __future__ import annotations

from collections.abc import Iterable


def merge_intervals(intervals: Iterable[tuple[int, int]]) -> list[tuple[int, int]]:
    """The intervals sorted, with those that overlap or touch (9-12 and 12-17) joined."""
    merged: list[tuple[int, int]] = []
    for start, end in sorted(intervals):
        if merged and start <= merged[-1][1]:
            if end > merged[-1][1]:
                merged[-1] = (merged[-1][0], end)
        else:
            merged.append((start, end))
    return merged
