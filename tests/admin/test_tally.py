"""Counting match answers: the lead rules, and counts added to a minute's row across flushes."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from confide.db import Database
from confide.matching.tally import MatchTallies, business_days_after, lead_counts
from confide.models import MatchTally

FRIDAY_NIGHT = datetime(2026, 12, 4, 23, 55, tzinfo=UTC)


def test_ten_business_days_skip_weekends() -> None:
    # Friday 23:55 + 10 weekdays: the Friday two weeks on, same time
    assert business_days_after(FRIDAY_NIGHT, 10) == datetime(2026, 12, 18, 23, 55, tzinfo=UTC)
    saturday = datetime(2026, 12, 5, 0, 5, tzinfo=UTC)
    assert business_days_after(saturday, 10) == datetime(2026, 12, 18, 0, 5, tzinfo=UTC)


@pytest.mark.parametrize("day", range(7))
@pytest.mark.parametrize("hours", [1, 47, 48, 49, 24 * 5, 24 * 13, 24 * 14, 24 * 14 + 1, 24 * 20])
def test_lead_counts_follow_the_rules(day: int, hours: int) -> None:
    now = datetime(2026, 11, 30, 0, 5, tzinfo=UTC) + timedelta(days=day)  # Monday + day
    first = now + timedelta(hours=hours)
    expected_business = first <= business_days_after(now, 10)
    assert lead_counts(now, first) == [1, 1, int(hours <= 48), int(expected_business)]
    assert lead_counts(now, None) == [1, 0, 0, 0]


def test_counts_are_added_to_the_minute_across_flushes(database: Database) -> None:
    tallies = MatchTallies(database, every=60)
    minute = datetime(2026, 12, 1, 12, 0, tzinfo=UTC)
    tallies.note(minute + timedelta(seconds=5), minute + timedelta(hours=20))
    tallies.note(minute + timedelta(seconds=50), None)
    assert tallies.flush() == 2
    tallies.note(minute + timedelta(seconds=59), minute + timedelta(days=6))
    tallies.note(minute + timedelta(seconds=60), minute + timedelta(days=30))  # the next minute
    assert tallies.flush() == 2
    assert tallies.flush() == 0
    with database.session() as session:
        rows = {
            r.minute: (r.answers, r.offered, r.within_48_hours, r.within_10_business_days)
            for r in session.query(MatchTally)
        }
    assert rows == {minute: (3, 2, 1, 2), minute + timedelta(minutes=1): (1, 1, 0, 0)}
