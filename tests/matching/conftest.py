"""A small network with bookings that fill some caseloads and some weeks, on both databases."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta

import pytest
from sqlalchemy import select

from confide.db import Database
from confide.matching.index import MatchIndex
from confide.matching.indexing import build_index
from confide.models import Appointment, AppointmentParticipant, Client, Therapist
from confide.network.generator import generate_network
from confide.network.seeding import write_network
from confide.scheduling.openings import OpeningsIndex
from confide.vocab import get_vocabulary
from tests.snapshots import Kept

NOW = datetime(2026, 11, 25, 17, 0, tzinfo=UTC)
NETWORK_DAY = date(2026, 11, 25)
HORIZON_DAYS = 14
SMALL_SIZE = 400


@dataclass
class SmallNetwork:
    database: Database
    openings: OpeningsIndex
    index: MatchIndex
    now: datetime
    full_caseload: list[int]
    full_week: list[int]


def new_client(session, state: str = "CA") -> Client:  # type: ignore[no-untyped-def]
    client = Client(
        name="Test Person",
        state=state,
        timezone="America/Los_Angeles",
    )
    session.add(client)
    session.flush()
    return client


def add_appointment(
    session,
    therapist_id: int,
    start: datetime,
    status: str,  # type: ignore[no-untyped-def]
    *,
    is_new: bool = True,
    minutes: int = 60,
    hold_expires_at: datetime | None = None,
) -> Appointment:
    client = new_client(session)
    end = start + timedelta(minutes=minutes)
    appointment = Appointment(
        therapist_id=therapist_id,
        session_type="intake",
        status=status,
        start_at=start,
        end_at=end,
        blocked_until=end + timedelta(minutes=10),
        hold_expires_at=hold_expires_at,
        is_new_client=is_new,
        client_state="CA",
        created_by_client_id=client.id,
        created_at=NOW,
        updated_at=NOW,
        participants=[
            AppointmentParticipant(client_id=client.id, start_at=start, end_at=end, status=status)
        ],
    )
    session.add(appointment)
    session.flush()
    return appointment


def write_bookings(session) -> tuple[list[int], list[int]]:  # type: ignore[no-untyped-def]
    """Fill the caseload of some therapists (one place left) and one week of others."""
    therapists = session.execute(
        select(Therapist.id, Therapist.caseload_limit, Therapist.weekly_new_client_limit).order_by(
            Therapist.id
        )
    ).all()
    full_caseload, full_week = [], []
    for t in therapists[::9][:25]:
        # one place left: individuals still fit, couples (two people) do not
        for k in range(t.caseload_limit - 1):
            add_appointment(
                session, t.id, NOW - timedelta(days=2 + k % 60, hours=k // 60), "fulfilled"
            )
        full_caseload.append(t.id)
    # the week after next, local Monday to Sunday, holds as many new clients as allowed
    wednesday = datetime(2026, 12, 2, 16, 0, tzinfo=UTC)
    for t in therapists[4::11][:25]:
        for k in range(t.weekly_new_client_limit):
            add_appointment(session, t.id, wednesday + timedelta(hours=2 * k), "booked")
        full_week.append(t.id)
    # an expired hold and a live hold elsewhere
    add_appointment(
        session,
        therapists[1].id,
        NOW + timedelta(days=2),
        "held",
        hold_expires_at=NOW - timedelta(minutes=1),
    )
    add_appointment(
        session,
        therapists[2].id,
        NOW + timedelta(days=2),
        "held",
        hold_expires_at=NOW + timedelta(minutes=5),
    )
    return full_caseload, full_week


# the small network as written once in this test process (and its full therapists), by kind
_WRITTEN: Kept[tuple[list[int], list[int]]] = Kept("small-network")


@pytest.fixture
def small_network(database: Database, tmp_path_factory: pytest.TempPathFactory) -> SmallNetwork:
    """400 therapists with bookings, in this test's own empty database. Generating and writing
    them takes 2-5 s, and about 110 tests use it: the first test of each process and database
    kind writes them, and the others restore those rows (a file copy on SQLite, COPY on
    PostgreSQL) in well under a second."""

    def write() -> tuple[list[int], list[int]]:
        network = generate_network(SMALL_SIZE, 11, get_vocabulary(), NETWORK_DAY)
        with database.session(write=True) as session:
            write_network(session, network)
            return write_bookings(session)

    full_caseload, full_week = _WRITTEN.once(database, write, tmp_path_factory)
    openings = OpeningsIndex(horizon_days=HORIZON_DAYS)
    with database.session() as session:
        grid = openings.build(session, NOW)
        index = build_index(session, grid, NOW)
    return SmallNetwork(database, openings, index, NOW, list(full_caseload), list(full_week))
