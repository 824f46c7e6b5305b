"""Listed means bookable, in one running process: the live matching index follows every hold,
booking and cancellation made through the booking pages' service path, however many there have
been before. Clock frozen just after midnight UTC; on SQLite and PostgreSQL."""

from __future__ import annotations

import random
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta

import pytest
import time_machine
from sqlalchemy import select
from sqlalchemy.orm import Session

from confide.db import Database
from confide.errors import DomainError
from confide.matching.live import LiveMatching
from confide.matching.schemas import MatchIntake
from confide.models import Appointment, Client, TherapistPopulation
from confide.scheduling import own_booking, service
from confide.scheduling.openings import OpeningsIndex
from tests.scheduling.factories import answer_safety_questions, make_therapist

# Saturday 00:05 UTC (Friday evening in New York): a day boundary away from the week's openings
NOW = datetime(2026, 12, 5, 0, 5, tzinfo=UTC)
MONDAY_16_NY = datetime(2026, 12, 7, 21, 0, tzinfo=UTC)
MONDAY_10_NY = datetime(2026, 12, 7, 15, 0, tzinfo=UTC)
HORIZON_DAYS = 14
HOLD_MINUTES = 10
# weekdays 9:00 to 19:00 in New York: room for an 80-minute couples session late in the day
LONG_DAYS = tuple((d, 9 * 60, 19 * 60) for d in range(5))


@pytest.fixture
def frozen() -> Iterator[time_machine.Coordinates]:
    with time_machine.travel(NOW, tick=False) as traveller:
        yield traveller


def therapist(session: Session) -> int:
    made = make_therapist(session, licensed=("NY", "NJ"), hours=LONG_DAYS)
    session.add_all(
        TherapistPopulation(therapist_id=made.id, population=p) for p in ("individuals", "couples")
    )
    session.flush()
    return made.id


def person(session: Session, name: str, state: str = "NY") -> int:
    client = Client(name=name, state=state, timezone="America/New_York")
    session.add(client)
    session.flush()
    return client.id


def couple(session: Session) -> int:
    """Two linked partners who answered the private questions; returns the first one's id."""
    first, second = person(session, "Alex"), person(session, "Blake", "NJ")
    session.get_one(Client, first).partner_id = second
    session.get_one(Client, second).partner_id = first
    session.flush()
    for one in (first, second):
        answer_safety_questions(session, one, now=NOW)
    return first


def individual_intake(*, monday_afternoons: bool = False) -> MatchIntake:
    """What the intake's answers make: one person in New York paying for themselves."""
    windows = [{"weekday": 0, "start": "16:00", "end": "18:00"}] if monday_afternoons else []
    return MatchIntake.model_validate(
        {
            "state": "NY",
            "payment": {"method": "self_pay", "max_rate": 300},
            "availability": windows,
            "timezone": "America/New_York",
            "limit": 50,
        }
    )


def first_openings(
    live: LiveMatching, database: Database, intake: MatchIntake
) -> dict[int, datetime]:
    with database.session(write=True) as session:
        response = live.matches(session, intake, datetime.now(UTC))
    return {r.therapist.id: r.first_opening for r in response.results if r.first_opening}


def book_from_the_pages(
    database: Database,
    openings: OpeningsIndex,
    client_id: int,
    tid: int,
    kind: str,
    start: datetime,
) -> int:
    """Hold and confirm as /book and /bookings/{id}/confirm do, each write then marking the
    process's openings stale."""
    now = datetime.now(UTC)
    with database.session(write=True) as session:
        client = session.get_one(Client, client_id)
        hold = own_booking.hold_for(
            session, client, tid, kind, start.isoformat(), HOLD_MINUTES, now
        )
        hold_id = hold.id
    openings.mark_stale()
    with database.session(write=True) as session:
        service.confirm_hold(session, session.get_one(Client, client_id), hold_id, now)
    openings.mark_stale()
    return hold_id


def holdable(database: Database, client_id: int, tid: int, kind: str, start: datetime) -> bool:
    """Whether the opening can be held now; nothing is kept."""
    with database.session(write=True) as session:
        try:
            service.create_hold(
                session,
                session.get_one(Client, client_id),
                tid,
                kind,
                start,
                datetime.now(UTC),
                HOLD_MINUTES,
            )
        except DomainError:
            return False
        finally:
            session.rollback()
    return True


def test_a_couples_booking_is_never_offered_as_an_individual_first_session(
    database: Database, frozen: time_machine.Coordinates
) -> None:
    with database.session(write=True) as session:
        t, other = therapist(session), therapist(session)
        partners, earlier, newcomer = (
            couple(session),
            person(session, "Ira"),
            person(session, "Noa"),
        )
    openings = OpeningsIndex(horizon_days=HORIZON_DAYS)
    live = LiveMatching(database, openings, 2.0, HORIZON_DAYS)
    live.warm_up(NOW)
    # earlier in the same process, someone else booked with another therapist and results were
    # shown since: the process has already taken in one change
    book_from_the_pages(database, openings, earlier, other, "intake", MONDAY_10_NY)
    assert first_openings(live, database, individual_intake())[other] != MONDAY_10_NY
    frozen.shift(timedelta(seconds=30))

    book_from_the_pages(database, openings, partners, t, "couples_intake", MONDAY_16_NY)
    frozen.shift(timedelta(seconds=30))

    offered = first_openings(live, database, individual_intake(monday_afternoons=True))
    assert offered[t] != MONDAY_16_NY  # the couple has that time, until 17:30 with the buffer
    assert holdable(database, newcomer, t, "intake", offered[t])


def test_every_first_opening_offered_can_be_held_after_random_changes(
    database: Database, frozen: time_machine.Coordinates
) -> None:
    with database.session(write=True) as session:
        ids = [therapist(session) for _ in range(3)]
        people = [person(session, f"Person {n}") for n in range(5)]
        partners = couple(session)
        probe = person(session, "Probe")
    openings = OpeningsIndex(horizon_days=HORIZON_DAYS)
    live = LiveMatching(database, openings, 2.0, HORIZON_DAYS)
    live.warm_up(NOW)
    intakes = [individual_intake(), individual_intake(monday_afternoons=True)]
    draw = random.Random(20261205)
    made = 0
    for _ in range(12):
        offered = first_openings(live, database, draw.choice(intakes))
        assert offered  # someone is always offered (a therapist's two Mondays may fill up)
        assert set(offered) <= set(ids)
        for tid, start in offered.items():
            assert holdable(database, probe, tid, "intake", start), (tid, start)
        # one change through the pages' service path: hold, book or cancel (a couple's holds
        # have two participants)
        who = draw.choice([*people, partners])
        kind = "couples_intake" if who == partners else "intake"
        tid, start = draw.choice(list(offered.items()))
        now = datetime.now(UTC)
        with database.session(write=True) as session:
            client = session.get_one(Client, who)
            mine = session.scalars(
                select(Appointment.id).where(
                    Appointment.created_by_client_id == who,
                    Appointment.status.in_(("held", "booked")),
                )
            ).first()
            try:
                if mine is not None and draw.random() < 0.5:
                    own_booking.cancel_own(session, client, mine, now, service.acting(client, None))
                else:
                    hold = own_booking.hold_for(
                        session, client, tid, kind, start.isoformat(), HOLD_MINUTES, now
                    )
                    if draw.random() < 0.5:
                        service.confirm_hold(session, client, hold.id, now)
                made += 1
            except DomainError:
                session.rollback()  # e.g. one upcoming first session per person
        openings.mark_stale()
        frozen.shift(timedelta(seconds=draw.choice((1, 5, 40))))
    assert made >= 6, made  # the check ran over a changing schedule
