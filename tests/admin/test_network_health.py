"""Network health figures against an independent count: the same questions answered another,
straightforward way (one therapist at a time through the slot list and the capacity reads, and
each match answer's own first opening), on both databases."""

from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta
from typing import Any
from zoneinfo import ZoneInfo

import numpy as np
import pytest
from fastapi.testclient import TestClient
from sqlalchemy import select
from sqlalchemy.orm import Session, selectinload

from confide.admin.health import network_health
from confide.db import Database
from confide.models import Therapist, TherapistPopulation
from confide.network.supply_rules import licence_listed, taking_new_clients
from confide.scheduling.bookable import list_slots
from confide.scheduling.capacity import bookings_this_week_and_caseload
from confide.scheduling.timegrid import to_minute
from tests.admin.helpers import booked_session, browser_for, client_row
from tests.cli_env import confide_command, run
from tests.scheduling.factories import make_therapist

ALL_WEEK = tuple((d, 0, 24 * 60) for d in range(7))
HORIZON = 14
FIRST_SESSIONS = ("intake", "couples_intake")


def _network(session: Session, now: datetime) -> dict[str, int]:
    """Listed and bookable, listed ghosts of three kinds, and two that are not listed."""
    today = now.date()
    made = {
        "open_ny": make_therapist(session, hours=ALL_WEEK, minimum_notice_hours=2),
        "open_nj": make_therapist(
            session, licensed=("NJ",), hours=ALL_WEEK, minimum_notice_hours=2
        ),
        "slow": make_therapist(session, hours=ALL_WEEK, minimum_notice_hours=24 * 5),
        "no_hours": make_therapist(session, hours=()),
        "no_places": make_therapist(session, hours=ALL_WEEK, weekly_new_client_limit=0),
        "away": make_therapist(
            session,
            hours=ALL_WEEK,
            time_off=[(today - timedelta(days=1), today + timedelta(days=40))],
        ),
        "paused": make_therapist(session, hours=ALL_WEEK, paused_until=today + timedelta(days=10)),
        # back from a pause today by the UTC date: in New York, not before its own midnight
        "back_today": make_therapist(session, hours=ALL_WEEK, paused_until=today),
        "unchecked": make_therapist(
            session, hours=ALL_WEEK, licence_verified_at=now - timedelta(days=120)
        ),
    }
    for therapist in made.values():
        session.add(TherapistPopulation(therapist_id=therapist.id, population="individuals"))
        therapist.updated_at = now
    # open_ny has one new client booked tomorrow and one seen last week
    booked_session(
        session, made["open_ny"].id, client_row(session, "Dee Ames"), now + timedelta(days=1)
    )
    booked_session(
        session,
        made["open_ny"].id,
        client_row(session, "Eli Bond"),
        now - timedelta(days=8),
        status="fulfilled",
    )
    session.flush()
    return {name: t.id for name, t in made.items()}


def _independent(session: Session, now: datetime) -> dict[str, Any]:
    """The figures, therapist by therapist, by the pure rules and the booking side's reads."""
    people = session.scalars(
        select(Therapist).options(
            selectinload(Therapist.licences), selectinload(Therapist.services)
        )
    ).all()
    listed, ghosts, places = [], [], 0
    by_state: dict[str, list[int]] = {}
    for t in people:
        states = {
            lic.state for lic in t.licences if licence_listed(lic.status, lic.verified_at, now)
        }
        local_today = now.astimezone(ZoneInfo(t.timezone)).date()
        taking = taking_new_clients(t.accepting_new_clients, t.paused_until, local_today)
        for state in states:
            counts = by_state.setdefault(state, [0, 0])
            counts[0] += 1
            counts[1] += int(taking)
        offered = [s.session_type for s in t.services if s.session_type in FIRST_SESSIONS]
        if not (taking and states and offered):
            continue
        listed.append(t.id)
        horizon_end = now + timedelta(days=HORIZON)
        bookable = any(
            start < horizon_end
            for kind in offered
            for start, _ in list_slots(session, t.id, kind, now.date(), HORIZON + 1, "UTC", now)[1]
        )
        if not bookable:
            ghosts.append(t.id)
        new_this_week, seeing = bookings_this_week_and_caseload(session, t, to_minute(now), now)
        places += max(
            0, min(t.weekly_new_client_limit - new_this_week, t.caseload_limit - len(seeing))
        )
    return {
        "listed": len(listed),
        "ghosts": sorted(ghosts),
        "places": places,
        "states": {s: tuple(c) for s, c in sorted(by_state.items())},
    }


# tomorrow just after midnight UTC (still today in New York) and at noon UTC
@pytest.mark.parametrize("clock", [time(0, 5), time(12, 0)])
def test_supply_figures_agree_with_a_count_one_therapist_at_a_time(
    database: Database, clock: time
) -> None:
    now = datetime.combine(datetime.now(UTC).date() + timedelta(days=1), clock, tzinfo=UTC)
    with database.session(write=True) as session:
        ids = _network(session, now)
    with database.session() as session:
        health = network_health(session, now, HORIZON)
        expected = _independent(session, now)
    back = 0 if clock == time(0, 5) else 1  # New York's pause ends at its own midnight
    assert health.listed == expected["listed"] == 6 + back
    assert (
        health.ghosts
        == expected["ghosts"]
        == sorted([ids["no_hours"], ids["no_places"], ids["away"]])
    )
    assert health.ghost_rate == pytest.approx(3 / (6 + back))
    assert health.places_left == expected["places"]
    # open_ny: 5 a week less tomorrow's first session (if in this week), the others 5 each
    assert health.places_left in (24 + 5 * back, 25 + 5 * back)
    assert {s.state: (s.listed, s.accepting) for s in health.states} == expected["states"]
    # "unchecked" is listed nowhere; "paused" is not taking, nor "back_today" before midnight
    assert expected["states"]["NY"] == (7, 5 + back)


def _answers(
    api: TestClient, bodies: list[dict[str, Any]]
) -> list[tuple[datetime, datetime | None]]:
    """Each answer's time (bounded from below) and its earliest first opening."""
    found = []
    for body in bodies:
        asked = datetime.now(UTC)
        response = api.post("/api/v1/matches", json=body)
        assert response.status_code == 200, response.text
        openings = [datetime.fromisoformat(r["first_opening"]) for r in response.json()["results"]]
        found.append((asked, min(openings) if openings else None))
    return found


def _business_days_between(start: date, end: date) -> int:
    return int(np.busday_count(start, end))


@pytest.mark.usefixtures("quick_passwords")
def test_match_leads_agree_with_each_answers_own_first_opening(
    client: TestClient, database: Database, monkeypatch: pytest.MonkeyPatch
) -> None:
    now = datetime.now(UTC)
    with database.session(write=True) as session:
        _network(session, now)
    client.app.state.openings.mark_stale()  # type: ignore[attr-defined]
    base = {"payment": {"method": "self_pay", "max_rate": 300}, "timezone": "America/New_York"}
    later = (now.astimezone(ZoneInfo("America/New_York")).date() + timedelta(days=4)).weekday()
    bodies = [
        {**base, "state": "NY"},  # open_ny within hours
        {**base, "state": "NJ"},  # open_nj
        # only on the weekday four days on (New York time): an answer beyond 48 hours
        {
            **base,
            "state": "NY",
            "availability": [{"weekday": later, "start": "00:00", "end": "24:00"}],
        },
        {**base, "state": "CA"},  # nobody licensed there: an answer with no opening
    ]
    answers = _answers(client, bodies)
    tallies = client.app.state.matching.tallies  # type: ignore[attr-defined]
    assert tallies.flush() == len(bodies)
    with database.session() as session:
        health = network_health(session, datetime.now(UTC), HORIZON)
    # the same shares, from each answer's own first opening
    offered = [(asked, first) for asked, first in answers if first is not None]
    soon = sum(1 for asked, first in offered if first - asked <= timedelta(hours=48))
    business = sum(
        1 for asked, first in offered if _business_days_between(asked.date(), first.date()) < 10
    )
    assert (health.answers, health.offered) == (len(bodies), len(offered)) == (4, 3)
    assert health.within_48_hours == soon
    assert health.within_10_business_days == business
    assert health.share_48_hours == pytest.approx(soon / 4)
    assert (soon, business) == (2, 3)  # the weekday-only answer: beyond 48 hours, inside ten days

    # the page and the command show the same figures
    admin = browser_for(client, database, "admin")
    page = admin.get("/admin/network")
    assert page.status_code == 200
    assert "<svg" in page.text
    assert "<title id=" in page.text
    assert "<desc id=" in page.text
    assert f"{health.within_48_hours}</td>" in page.text
    assert f"{100 * health.ghost_rate:.2f}%" in page.text
    with confide_command(database, monkeypatch) as runner:
        printed = run(runner, "network", "health")
    assert printed.exit_code == 0, printed.output
    assert f"{len(health.ghosts)} of {health.listed} listed therapists" in printed.output
    assert f"within 48 hours: {health.within_48_hours}" in printed.output
    assert f"New-client places left this week: {health.places_left}" in printed.output
