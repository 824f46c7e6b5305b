"""Cancellation policy, rescheduling, attendance marks and the therapist's cancellation, at the
service level on SQLite and PostgreSQL, with the clock given at awkward moments (00:05 UTC, the
night the clocks go back)."""

from __future__ import annotations

import uuid
from datetime import UTC, date, datetime, timedelta

import pytest
from sqlalchemy import select
from sqlalchemy.orm import Session

from confide.accounts.schemas import ClientCreate
from confide.accounts.service import create_client
from confide.audit import Actor
from confide.db import Database
from confide.errors import AppointmentClosed, InvalidInput, NotFound, NotStarted
from confide.interop.fhir import fhir_appointment
from confide.models import Appointment, AuditEvent, Client, Therapist
from confide.portal import visits
from confide.scheduling import bookable, own_booking, service
from tests.scheduling.factories import make_therapist

ALL_WEEK = tuple((d, 0, 24 * 60) for d in range(7))
NOW = datetime(2026, 12, 2, 0, 5, tzinfo=UTC)  # 00:05 UTC, a Wednesday
START = datetime(2026, 12, 4, 0, 30, tzinfo=UTC)  # Friday 00:30 UTC (Thursday evening in NY)
ME = Actor(user_id=None, role="client")


def _client(session: Session, name: str = "Sam Rivera") -> Client:
    email = f"visits-{uuid.uuid4().hex[:10]}@example.org"
    client, _ = create_client(
        session, ClientCreate(name=name, email=email, state="NY", timezone="America/New_York")
    )
    return client


def _therapist(session: Session, **kw: object) -> Therapist:
    return make_therapist(
        session,
        hours=ALL_WEEK,
        minimum_notice_hours=2,
        licensed=("NY",),
        **kw,  # type: ignore[arg-type]
    )


def _booked(
    session: Session,
    client: Client,
    therapist_id: int,
    start: datetime,
    now: datetime,
    kind: str = "individual",
) -> Appointment:
    hold = service.create_hold(session, client, therapist_id, kind, start, now, 10)
    return service.confirm_hold(session, client, hold.id, now)


def _therapist_actor(therapist_id: int) -> Actor:
    return Actor(user_id=None, role="therapist")


@pytest.mark.parametrize(
    ("when", "late"),
    [
        (START - timedelta(hours=24), False),  # exactly 24 hours before: still free
        (START - timedelta(hours=24) + timedelta(seconds=1), True),
        (START - timedelta(hours=23, minutes=55), True),
        (NOW, False),
    ],
)
def test_free_or_late_at_the_24_hour_boundary(
    database: Database, when: datetime, late: bool
) -> None:
    with database.session(write=True) as session:
        therapist = _therapist(session)
        client = _client(session)
        booked = _booked(session, client, therapist.id, START, NOW)
        cancelled = own_booking.cancel_own(session, client, booked.id, when, ME)
        assert cancelled.status == "cancelled"
        assert cancelled.cancelled_by == "client"
        assert cancelled.cancelled_at == when
        assert cancelled.cancelled_late is late
        shown = fhir_appointment(cancelled, therapist, [client])
        assert shown["status"] == "cancelled"
        assert shown["cancelationReason"]["coding"][0]["code"] == "pat"
        assert ("late" in shown["cancelationReason"]["text"]) is late


def test_a_released_hold_is_never_late(database: Database) -> None:
    with database.session(write=True) as session:
        therapist = _therapist(session)
        client = _client(session)
        hold = service.create_hold(session, client, therapist.id, "individual", START, NOW, 10)
        gone = own_booking.cancel_own(session, client, hold.id, NOW + timedelta(minutes=1), ME)
        assert (gone.cancel_reason, gone.cancelled_late) == ("released", False)


def test_reschedule_keeps_one_booking_and_frees_the_old_time(database: Database) -> None:
    later = START + timedelta(days=1)
    with database.session(write=True) as session:
        therapist = _therapist(session)
        client = _client(session)
        booked = _booked(session, client, therapist.id, START, NOW)
        _, starts = own_booking.reschedule_choices(session, client, booked.id, NOW, ME)
        assert starts
        assert START not in starts
        moved = own_booking.move_own(session, client, booked.id, later.isoformat(), NOW, ME)
        session.flush()
        live = session.scalars(
            select(Appointment).where(
                Appointment.created_by_client_id == client.id, Appointment.status == "booked"
            )
        ).all()
        assert [a.id for a in live] == [moved.id]
        assert moved.start_at == later
        assert moved.rescheduled_from_id == booked.id
        old = session.get_one(Appointment, booked.id)
        assert (old.status, old.cancel_reason, old.cancelled_late) == (
            "cancelled",
            "rescheduled",
            False,
        )
        _, free = bookable.opening_is_free(session, therapist.id, "individual", START, NOW)
        assert free


def test_moving_within_24_hours_is_a_late_cancellation_of_the_old_time(database: Database) -> None:
    with database.session(write=True) as session:
        therapist = _therapist(session)
        client = _client(session)
        booked = _booked(session, client, therapist.id, START, NOW)
        when = START - timedelta(hours=3)
        own_booking.move_own(
            session, client, booked.id, (START + timedelta(days=2)).isoformat(), when, ME
        )
        assert session.get_one(Appointment, booked.id).cancelled_late is True


def test_a_bad_start_names_the_field(database: Database) -> None:
    with database.session(write=True) as session:
        therapist = _therapist(session)
        client = _client(session)
        booked = _booked(session, client, therapist.id, START, NOW)
        with pytest.raises(InvalidInput) as refused:
            own_booking.move_own(session, client, booked.id, "tomorrow", NOW, ME)
        assert refused.value.field == "start"


def test_attendance_only_by_that_therapist_and_only_after_the_start(database: Database) -> None:
    with database.session(write=True) as session:
        therapist = _therapist(session)
        other = _therapist(session)
        client = _client(session)
        booked = _booked(session, client, therapist.id, START, NOW)
        actor = _therapist_actor(therapist.id)
        with pytest.raises(NotStarted) as early:
            service.mark_attendance(
                session,
                therapist.id,
                booked.id,
                "noshow",
                START - timedelta(seconds=1),
                actor=actor,
            )
        assert "mark it once it has begun" in early.value.message
        with pytest.raises(NotFound):
            service.mark_attendance(session, other.id, booked.id, "noshow", START, actor=actor)
        with pytest.raises(InvalidInput):
            service.mark_attendance(session, therapist.id, booked.id, "booked", START, actor=actor)
        marked = service.mark_attendance(
            session, therapist.id, booked.id, "noshow", START, actor=actor
        )
        assert marked.status == "noshow"
        assert marked.attendance_marked_at == START
        assert {p.status for p in marked.participants} == {"noshow"}
        assert fhir_appointment(marked, therapist, [client])["status"] == "noshow"
        fixed = service.mark_attendance(
            session, therapist.id, booked.id, "fulfilled", START + timedelta(hours=1), actor=actor
        )
        assert fhir_appointment(fixed, therapist, [client])["status"] == "fulfilled"
        with pytest.raises(AppointmentClosed):
            service.cancel_appointment(session, client, booked.id, START, "client")


def test_a_cancelled_session_cannot_be_marked(database: Database) -> None:
    with database.session(write=True) as session:
        therapist = _therapist(session)
        client = _client(session)
        booked = _booked(session, client, therapist.id, START, NOW)
        own_booking.cancel_own(session, client, booked.id, NOW, ME)
        with pytest.raises(AppointmentClosed):
            service.mark_attendance(
                session, therapist.id, booked.id, "fulfilled", START, actor=_therapist_actor(1)
            )


def test_not_taking_new_clients_pauses_on_a_first_session_only(database: Database) -> None:
    with database.session(write=True) as session:
        therapist = _therapist(session)
        client, second = _client(session), _client(session, "Alex Kim")
        follow_up = _booked(session, client, therapist.id, START, NOW)
        actor = _therapist_actor(therapist.id)
        _, paused = service.cancel_by_therapist(
            session, therapist.id, follow_up.id, service.NOT_ACCEPTING, NOW, actor=actor
        )
        assert paused is False
        assert therapist.accepting_new_clients is True
        first = _booked(session, second, therapist.id, START + timedelta(days=1), NOW, "intake")
        cancelled, paused = service.cancel_by_therapist(
            session, therapist.id, first.id, service.NOT_ACCEPTING, NOW, actor=actor
        )
        assert paused is True
        assert (cancelled.cancelled_by, cancelled.cancel_reason, cancelled.cancelled_late) == (
            "therapist",
            service.NOT_ACCEPTING,
            False,
        )
        session.refresh(therapist)
        assert therapist.accepting_new_clients is False
        assert therapist.updated_at == NOW
        reason = fhir_appointment(cancelled, therapist, [second])["cancelationReason"]
        assert reason["coding"][0]["code"] == "prov"


def test_a_therapist_cancels_only_their_own_with_a_known_reason(database: Database) -> None:
    with database.session(write=True) as session:
        therapist, other = _therapist(session), _therapist(session)
        client = _client(session)
        booked = _booked(session, client, therapist.id, START, NOW)
        actor = _therapist_actor(other.id)
        with pytest.raises(NotFound):
            service.cancel_by_therapist(session, other.id, booked.id, "illness", NOW, actor=actor)
        with pytest.raises(InvalidInput) as refused:
            service.cancel_by_therapist(session, therapist.id, booked.id, "bored", NOW, actor=actor)
        assert refused.value.field == "reason"


def test_the_week_view_across_the_night_the_clocks_go_back(database: Database) -> None:
    # New York leaves daylight time at 02:00 on Sunday 1 November 2026: that week is 169 hours
    now = datetime(2026, 10, 25, 12, 0, tzinfo=UTC)
    sunday_late = datetime(2026, 11, 2, 4, 30, tzinfo=UTC)  # Sunday 23:30 EST
    monday_early = datetime(2026, 11, 2, 6, 0, tzinfo=UTC)  # Monday 01:00 EST, the next week
    monday_first = datetime(2026, 10, 26, 4, 0, tzinfo=UTC)  # Monday 00:00 EDT
    sunday_night = datetime(2026, 11, 1, 6, 30, tzinfo=UTC)  # Sunday 01:30 EST, the second one
    with database.session(write=True) as session:
        therapist = _therapist(session)
        people = [_client(session, f"Client {i}") for i in range(4)]
        for person, start in zip(
            people, (monday_first, sunday_night, sunday_late, monday_early), strict=True
        ):
            _booked(session, person, therapist.id, start, now)
        actor = _therapist_actor(therapist.id)
        week = visits.week_of(session, therapist.id, date(2026, 10, 29), now, actor)
        assert week.monday.isoformat() == "2026-10-26"
        shown = {
            d.isoformat(): [r.start.strftime("%H:%M %Z") for r in rows] for d, rows in week.days
        }
        assert shown["2026-10-26"] == ["00:00 EDT"]
        assert shown["2026-11-01"] == ["01:30 EST", "23:30 EST"]
        assert sum(len(rows) for _, rows in week.days) == 3
        assert next(r.names for _, rows in week.days for r in rows) == ["Client 0"]
        following = visits.week_of(session, therapist.id, week.next, now, actor)
        assert [r.start.strftime("%H:%M") for r in following.days[0][1]] == ["01:00"]
        reads = session.scalars(
            select(AuditEvent).where(
                AuditEvent.object_type == "appointment", AuditEvent.action == "read"
            )
        ).all()
        assert len(reads) >= 4
