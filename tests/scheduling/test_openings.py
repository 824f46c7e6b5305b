"""Earliest openings: from scratch, and kept current after holds, bookings, cancellations,
lapsed holds, new hours and an imported calendar; on SQLite and PostgreSQL."""

from __future__ import annotations

import uuid
from datetime import UTC, date, datetime, time, timedelta

import numpy as np
import pytest
import time_machine
from fastapi.testclient import TestClient
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from confide.accounts.schemas import ClientCreate
from confide.accounts.service import create_client
from confide.db import Database
from confide.errors import DomainError, InvalidInput
from confide.interop import service as calendar_import
from confide.models import Client, Therapist
from confide.network.generator import generate_network
from confide.network.seeding import write_network
from confide.scheduling import bookable, service, supply
from confide.scheduling.openings import OpeningsIndex, compute_openings
from confide.vocab import get_vocabulary
from tests.scheduling.factories import make_client, make_therapist

NOW = datetime(2026, 12, 2, 15, 0, tzinfo=UTC)  # Wednesday 10:00 in New York
THURSDAY_10_NY = datetime(2026, 12, 3, 15, 0, tzinfo=UTC)
SEEDING_DAY = date(2026, 12, 2)


@pytest.fixture
def frozen():  # type: ignore[no-untyped-def]
    with time_machine.travel(NOW, tick=False) as traveller:
        yield traveller


def test_earliest_openings_follow_every_change(
    client: TestClient, database: Database, frozen: time_machine.Coordinates
) -> None:
    with database.session(write=True) as session:
        a = make_therapist(session).id
        b = make_therapist(session, hours=[(4, 9 * 60, 12 * 60)]).id  # Fridays only
    index = OpeningsIndex(horizon_days=14)
    changes: list[set[int]] = []
    index.subscribe(changes.append)
    with database.session() as session:
        grid = index.build(session, NOW)
    row_a, row_b = grid.row_of(a), grid.row_of(b)
    assert row_a is not None
    assert row_b is not None
    assert grid.earliest("intake", row_a) == THURSDAY_10_NY
    assert grid.earliest("intake", row_b) == datetime(2026, 12, 4, 14, 0, tzinfo=UTC)

    def refresh() -> set[int]:
        with database.session() as session:
            return index.refresh(session, datetime.now(UTC))

    me = make_client(client)
    held = client.post(
        "/api/v1/holds",
        headers=me,
        json={"therapist_id": a, "session_type": "intake", "start": THURSDAY_10_NY.isoformat()},
    ).json()
    assert refresh() == {a}  # b is untouched and not recomputed
    assert changes[-1] == {a}
    # 10:00-11:00 plus a 10-minute buffer: 11:30 is next
    assert index.grid.earliest("intake", row_a) == THURSDAY_10_NY + timedelta(minutes=90)
    assert index.grid.earliest("intake", row_b) == datetime(2026, 12, 4, 14, 0, tzinfo=UTC)

    frozen.shift(timedelta(minutes=11))  # the hold lapses without anyone touching it
    assert a in refresh()
    assert index.grid.earliest("intake", row_a) == THURSDAY_10_NY + timedelta(minutes=30)

    held = client.post(
        "/api/v1/holds",
        headers=me,
        json={
            "therapist_id": a,
            "session_type": "intake",
            "start": (THURSDAY_10_NY + timedelta(minutes=30)).isoformat(),
        },
    ).json()
    client.post("/api/v1/appointments", json={"hold_id": held["hold_id"]}, headers=me)
    refresh()
    assert index.grid.earliest("intake", row_a) == THURSDAY_10_NY + timedelta(hours=2)
    client.post(f"/api/v1/appointments/{held['hold_id']}/cancel", headers=me)
    assert a in refresh()
    assert index.grid.earliest("intake", row_a) == THURSDAY_10_NY + timedelta(minutes=30)

    with database.session(write=True) as session:
        supply.set_weekly_hours(session, b, [(3, 13 * 60, 17 * 60)], datetime.now(UTC))
    assert b in refresh()
    assert index.grid.earliest("intake", row_b) == datetime(2026, 12, 3, 18, 0, tzinfo=UTC)

    ics = (
        b"BEGIN:VCALENDAR\r\nVERSION:2.0\r\nPRODID:-//test//EN\r\nBEGIN:VEVENT\r\n"
        b"UID:dentist@example\r\nDTSTAMP:20261101T000000Z\r\n"
        b"DTSTART;TZID=America/New_York:20261203T130000\r\n"
        b"DTEND;TZID=America/New_York:20261203T150000\r\nEND:VEVENT\r\nEND:VCALENDAR\r\n"
    )
    with database.session(write=True) as session:
        assert calendar_import.import_calendar(session, b, ics, datetime.now(UTC)) == 1
    assert b in refresh()
    assert index.grid.earliest("intake", row_b) == datetime(2026, 12, 3, 20, 0, tzinfo=UTC)

    # a therapist who joins later gets a row too
    with database.session(write=True) as session:
        c = make_therapist(session).id
    assert c in refresh()
    assert index.grid.row_of(c) is not None
    # the incremental grid equals one computed from scratch
    with database.session() as session:
        fresh = compute_openings(session, datetime.now(UTC), 14)
    for kind in ("intake", "couples_intake"):
        assert (fresh.free[kind] == index.grid.free[kind]).all()


def test_bad_hours_and_calendars_change_nothing(database: Database, frozen) -> None:
    with database.session(write=True) as session:
        therapist = make_therapist(session).id
    with pytest.raises(InvalidInput) as error, database.session(write=True) as session:
        supply.set_weekly_hours(session, therapist, [(7, 60, 120)], NOW)
    assert error.value.field == "weekly_hours"
    with pytest.raises(InvalidInput) as error, database.session(write=True) as session:
        calendar_import.import_calendar(session, therapist, b"not a calendar", NOW)
    assert error.value.field == "calendar"
    with database.session() as session:
        grid = compute_openings(session, NOW, 14)
    assert grid.earliest("intake", 0) == THURSDAY_10_NY


def test_a_refresh_on_the_seeding_day_recomputes_only_the_therapist_who_changed(
    database: Database,
) -> None:
    """Seeded rows are stamped in the past, so until noon UTC of the seeding day they do not
    look changed: after one hold a refresh recomputes that therapist, not the network."""
    now = datetime.combine(SEEDING_DAY, time(6, 0), tzinfo=UTC)
    with time_machine.travel(now, tick=False):
        with database.session(write=True) as session:
            write_network(session, generate_network(300, 42, get_vocabulary(), SEEDING_DAY))
        index = OpeningsIndex(horizon_days=14)
        with database.session() as session:
            grid = index.build(session, now)
        first = grid.earliest_all("intake")
        held = None
        for row in np.flatnonzero(first >= 0).tolist():
            therapist_id = int(grid.therapist_ids[row])
            try:
                with database.session(write=True) as session:
                    therapist = session.get_one(Therapist, therapist_id)
                    booker, _ = create_client(
                        session,
                        ClientCreate(
                            email=f"{uuid.uuid4().hex}@example.org",
                            name="Sam",
                            state=therapist.practice_state,
                            timezone=therapist.timezone,
                        ),
                    )
                    start = grid.start_of(int(first[row]))
                    service.create_hold(session, booker, therapist_id, "intake", start, now, 10)
            except DomainError:
                continue  # not taking new clients this week
            held = therapist_id
            break
        assert held is not None
        with database.session() as session:
            recomputed = index.refresh(session, now)
        assert len(recomputed) == 1
        assert recomputed == {held}


GRID_STARTS = st.integers(0, 7 * 48 - 1)


@settings(
    max_examples=12, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(data=st.data())
def test_every_listed_start_can_be_held_and_no_other(
    database: Database,
    data: st.DataObject,
) -> None:
    """Listing and holding agree, with buffers, time off, holds and outside busy times."""
    now = NOW + timedelta(minutes=data.draw(st.sampled_from([0, 7, 30, 95])))
    buffer = data.draw(st.sampled_from([0, 10, 15]))
    notice = data.draw(st.sampled_from([0, 24]))
    with database.session(write=True) as session:
        therapist = make_therapist(
            session,
            buffer_minutes=buffer,
            minimum_notice_hours=notice,
            hours=[
                (
                    d,
                    data.draw(st.sampled_from([8, 9])) * 60,
                    data.draw(st.sampled_from([12, 17])) * 60,
                )
                for d in range(6)
            ],
            time_off=[(now.date() + timedelta(days=2), now.date() + timedelta(days=2))],
            weekly_new_client_limit=100,
            caseload_limit=200,
        )
        client_row, _ = create_client(
            session,
            ClientCreate(
                email=f"{uuid.uuid4().hex}@example.org",
                name="Probe",
                state="NY",
                timezone="America/New_York",
            ),
        )
        for n in range(data.draw(st.integers(0, 3))):
            # one live hold per client: each busy time is another client's
            other, _ = create_client(
                session,
                ClientCreate(
                    email=f"{uuid.uuid4().hex}@example.org",
                    name=f"Other {n}",
                    state="NY",
                    timezone="America/New_York",
                ),
            )
            start = now + timedelta(hours=data.draw(st.integers(1, 120)))
            start = start.replace(minute=0, second=0, microsecond=0)
            try:
                with session.begin_nested():
                    service.create_hold(
                        session,
                        other,
                        therapist.id,
                        "individual",
                        start,
                        now - timedelta(days=1),
                        60 * 24 * 30,
                    )
            except DomainError:
                pass
        ics_start = now + timedelta(hours=data.draw(st.integers(1, 100)))
        ics = (
            "BEGIN:VCALENDAR\r\nVERSION:2.0\r\nPRODID:-//t//EN\r\nBEGIN:VEVENT\r\n"
            "UID:x@t\r\nDTSTAMP:20261101T000000Z\r\n"
            f"DTSTART:{ics_start:%Y%m%dT%H%M00Z}\r\n"
            f"DTEND:{ics_start + timedelta(minutes=95):%Y%m%dT%H%M00Z}\r\n"
            "END:VEVENT\r\nEND:VCALENDAR\r\n"
        ).encode()
        calendar_import.import_calendar(session, therapist.id, ics, now)
        therapist_id, client_id = therapist.id, client_row.id
    with database.session() as session:
        _, listed = bookable.list_slots(session, therapist_id, "intake", now.date(), 9, "UTC", now)
    listed_starts = {s for s, _ in listed}
    base = now.replace(minute=0, second=0, microsecond=0)
    probes = {base + timedelta(minutes=30 * data.draw(GRID_STARTS)) for _ in range(12)}
    probes |= set(sorted(listed_starts)[:: max(1, len(listed_starts) // 6)])
    for start in sorted(probes):
        with database.session(write=True) as session:
            probe_client = session.get_one(Client, client_id)
            try:
                with session.begin_nested():
                    service.create_hold(
                        session, probe_client, therapist_id, "intake", start, now, 10
                    )
                    held = True
                    raise _Undo
            except _Undo:
                pass
            except DomainError:
                held = False
        assert held == (start in listed_starts), (start, held)


class _Undo(Exception):
    """Rolls a probing hold back."""
