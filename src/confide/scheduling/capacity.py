"""What a therapist can still take on: licensure, pauses, weekly new clients, caseload.

Matching reads the same definitions, so what it offers is what a hold accepts.
"""

from __future__ import annotations

from datetime import datetime, timedelta

from sqlalchemy import exists, func, select
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


def new_clients_in_week(session: Session, therapist: Therapist, start: int, now: datetime) -> int:
    week_start, week_end = week_bounds(therapist, start)
    return (
        session.scalar(
            select(func.count())
            .select_from(Appointment)
            .where(
                Appointment.therapist_id == therapist.id,
                Appointment.is_new_client.is_(True),
                blocking_clause(now),
                Appointment.start_at >= week_start,
                Appointment.start_at < week_end,
            )
        )
        or 0
    )


def caseload_clients(session: Session, therapist_id: int, now: datetime) -> set[int]:
    """Clients the therapist is seeing: a held, booked or recent session with them."""
    since = now - timedelta(days=CASELOAD_LOOKBACK_DAYS)
    rows = session.scalars(
        select(AppointmentParticipant.client_id)
        .join(Appointment)
        .where(
            Appointment.therapist_id == therapist_id,
            Appointment.start_at >= since,
            (Appointment.status == "fulfilled") | blocking_clause(now),
        )
    )
    return set(rows)


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
    if new_clients_in_week(session, therapist, start, now) >= therapist.weekly_new_client_limit:
        raise TherapistUnavailable(
            "this therapist has no room for another new client that week; try a later week"
        )
    current = caseload_clients(session, therapist.id, now)
    newcomers = {c.id for c in clients} - current
    if newcomers and len(current) + len(newcomers) > therapist.caseload_limit:
        raise TherapistUnavailable("this therapist's caseload is full")
