"""The demo network (`confide seed`) lists nobody who cannot be booked."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from confide.admin.health import network_health
from confide.db import Database


# beside the other tests of the seeded network, so one worker builds it (about 40 s on PostgreSQL)
@pytest.mark.slow
@pytest.mark.xdist_group("seeded")
def test_the_demo_network_has_no_ghosts(seeded_database: Database) -> None:
    with seeded_database.session() as session:
        health = network_health(session, datetime.now(UTC), 14)
    assert health.listed > 5_000
    assert health.ghosts == []
    assert health.places_left > health.listed  # a few places each this week
    assert all(s.listed >= s.accepting for s in health.states)
