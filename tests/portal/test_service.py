"""The portal's services with the clock frozen at awkward moments: the therapist's own today
decides a pause, a DST night lists only real local times, every change is on the trail."""

from __future__ import annotations

from datetime import UTC, date, datetime

import pytest
from sqlalchemy import select

from confide.audit import Actor
from confide.db import Database
from confide.errors import InvalidInput
from confide.models import AuditEvent, Therapist
from confide.portal import forms, service, views
from confide.portal.acting import Acting
from tests.scheduling.factories import make_therapist

ALL_WEEK = tuple((d, 0, 24 * 60) for d in range(7))
LIMITS = {name: low + 1 for name, (low, _) in forms.LIMITS.items()}


def acting(therapist_id: int) -> Acting:
    return Acting(therapist_id, Actor(user_id=7, role="therapist", address="127.0.0.1"), "x")


def test_a_pause_is_judged_on_the_therapists_own_today(database: Database) -> None:
    # 00:05 UTC on 2 March is still 1 March in New York
    now = datetime(2026, 3, 2, 0, 5, tzinfo=UTC)
    with database.session(write=True) as session:
        who = acting(make_therapist(session).id)
        service.set_new_clients(session, who, forms.NewClients(True, date(2026, 3, 2), LIMITS), now)
        assert session.get_one(Therapist, who.therapist_id).paused_until == date(2026, 3, 2)
        with pytest.raises(InvalidInput) as refused:
            service.set_new_clients(
                session, who, forms.NewClients(True, date(2026, 3, 1), LIMITS), now
            )
        assert refused.value.field == "paused_until"
        limits = LIMITS | {"buffer_minutes": 121}
        with pytest.raises(InvalidInput) as refused:
            service.set_new_clients(session, who, forms.NewClients(True, None, limits), now)
        assert refused.value.field == "buffer_minutes"
        events = session.scalars(
            select(AuditEvent.object_type).where(AuditEvent.actor_role == "therapist")
        ).all()
        assert events == ["therapist_supply"]


def test_a_dst_night_lists_only_real_local_times(database: Database) -> None:
    # 8 March 2026, New York: 02:00 local does not exist; 01:30 EST is 06:30 UTC
    now = datetime(2026, 3, 8, 5, 0, tzinfo=UTC)
    with database.session(write=True) as session:
        therapist = make_therapist(session, hours=ALL_WEEK, minimum_notice_hours=0)
        who = acting(therapist.id)
        service.set_hours(session, who, [(6, 0, 240)], now)  # Sundays 00:00-04:00
        shown = views.openings(session, therapist.id, now, None)
    individual = next(o for o in shown if o.session_type == "individual")
    assert individual.starts, "there is room for a session before 04:00"
    assert all(s.hour != 2 for s in individual.starts)
    assert all(s.utcoffset() is not None for s in individual.starts)


def test_overview_at_noon_counts_places_and_warns_of_unverified_licences(
    database: Database,
) -> None:
    now = datetime(2026, 6, 10, 16, 0, tzinfo=UTC)  # noon in New York
    with database.session(write=True) as session:
        therapist = make_therapist(session, licensed=("NY", "NJ"), weekly_new_client_limit=3)
        therapist.licences[0].verified_at = datetime(2026, 6, 1, tzinfo=UTC)
        therapist.licences[1].verified_at = datetime(2025, 1, 1, tzinfo=UTC)
        session.flush()
        seen = views.overview(session, therapist.id, now, None, 90)
    assert seen.standing.places_left == 3
    assert seen.standing.today_local == "Wednesday 10 June 2026"
    unverified = [w for w in seen.warnings if "unverified" in w]
    assert unverified == [
        "Your licence in New Jersey is unverified (not checked in the last 90 days): you are "
        "not listed there until it is verified."
    ]
