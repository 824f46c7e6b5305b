"""What a therapist can still take on: licensure, pauses, weekly new clients, caseload.

Matching reads the same definitions, so what it offers is what a hold accepts.
"""

from __future__ import annotations

from datetime import datetime, timedelta

from sqlalchemy import exists, func, literal, select, union_all
from sqlalchemy.orm import Session

from confide.errors import TherapistUnavailable
from confide.models import Appointment, AppointmentParticipant, Client, Licence, Therapist
from confide.scheduling.queries import blocking_clause
from confide.scheduling.timegrid import from_minute, wall_to_minute, zone

CASELOAD_LOOKBACK_DAYS = 90


def licensed(session: Session, therapist_id: int, state: str) -> bool:
    return bool(
        session.scalar(
            select(
                exists().where(
                    Licence.therapist_id == therapist_id,
                    Licence.state == state,
                    Licence.status == "active",
                )
            )
        )
    )


def week_bounds(therapist: Therapist, start: int) -> tuple[datetime, datetime]:
    """Monday 00:00 to the next Monday 00:00, in the therapist's zone, around `start`."""
    local = from_minute(start).astimezone(zone(therapist.timezone)).date()
    monday = local - timedelta(days=local.weekday())
    return (
        from_minute(wall_to_minute(monday, 0, therapist.timezone)),
        from_minute(wall_to_minute(monday + timedelta(days=7), 0, therapist.timezone)),
    )


def bookings_this_week_and_caseload(
    session: Session, therapist: Therapist, start: int, now: datetime
) -> tuple[int, set[int]]:
    """New-client sessions held or booked in the week of `start`, and the clients the therapist
    is seeing (a held, booked or recent session), read in one round trip."""
    week_start, week_end = week_bounds(therapist, start)
    new_this_week = (
        select(func.count())
        .select_from(Appointment)
        .where(
            Appointment.therapist_id == therapist.id,
            Appointment.is_new_client.is_(True),
            blocking_clause(now),
            Appointment.start_at >= week_start,
            Appointment.start_at < week_end,
        )
        .scalar_subquery()
    )
    seeing = (
        select(AppointmentParticipant.client_id, literal(-1).label("new_this_week"))
        .join(Appointment)
        .where(
            Appointment.therapist_id == therapist.id,
            Appointment.start_at >= now - timedelta(days=CASELOAD_LOOKBACK_DAYS),
            (Appointment.status == "fulfilled") | blocking_clause(now),
        )
        .distinct()
    )
    # the first row carries the week's count; the rest are the clients being seen
    rows = session.execute(
        union_all(select(literal(-1).label("client_id"), new_this_week), seeing)
    ).all()
    count = next(n for client_id, n in rows if client_id == -1)
    return int(count), {client_id for client_id, _ in rows if client_id != -1}


def check_capacity(
    session: Session, therapist: Therapist, clients: list[Client], start: int, now: datetime
) -> None:
    today = now.astimezone(zone(therapist.timezone)).date()
    if not therapist.accepting_new_clients:
        raise TherapistUnavailable("this therapist is not taking new clients at the moment")
    if therapist.paused_until is not None and therapist.paused_until > today:
        raise TherapistUnavailable(
            f"this therapist is not taking new clients until {therapist.paused_until:%d %b %Y}"
        )
    new_this_week, current = bookings_this_week_and_caseload(session, therapist, start, now)
    if new_this_week >= therapist.weekly_new_client_limit:
        raise TherapistUnavailable(
            "this therapist has no room for another new client that week; try a later week"
        )
    newcomers = {c.id for c in clients} - current
    if newcomers and len(current) + len(newcomers) > therapist.caseload_limit:
        raise TherapistUnavailable("this therapist's caseload is full")
