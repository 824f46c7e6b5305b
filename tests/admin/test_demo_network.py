"""The demo network (`confide seed`) lists nobody who cannot be booked."""

from __future__ import annotations

from datetime import UTC, datetime, time, timedelta

import pytest

from confide.admin.health import network_health
from confide.db import Database
from tests.conftest import SEED_DAY


# beside the other tests of the seeded network, so one worker builds it (once per backend)
@pytest.mark.slow
@pytest.mark.xdist_group("seeded")
# Five days after the network was made (some pauses have ended by then): just after midnight
# UTC (pauses ending that day by the UTC date are not over in the therapists' own zones; counted
# as listed by the UTC date, these once showed as ghosts) and at noon. Each reading of the
# 10,000 therapists takes 10-20 s; tests/admin/test_network_health.py covers more moments.
@pytest.mark.parametrize(
    "now",
    [
        datetime.combine(SEED_DAY + timedelta(days=5), time(0, 5), tzinfo=UTC),
        datetime.combine(SEED_DAY + timedelta(days=5), time(12, 0), tzinfo=UTC),
    ],
    ids=str,
)
def test_the_demo_network_has_no_ghosts(seeded_database: Database, now: datetime) -> None:
    with seeded_database.session() as session:
        health = network_health(session, now, 14)
    assert health.listed > 5_000
    assert health.ghosts == []
    assert health.places_left > health.listed  # a few places each this week
    assert all(s.listed >= s.accepting for s in health.states)
