"""The SQL forms of the supply rules, kept beside supply_rules.py so the two change together."""

from __future__ import annotations

from collections.abc import Collection
from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

from sqlalchemy import ColumnElement, Select, and_, exists, func, or_, select
from sqlalchemy.orm import Session

from confide.models import (
    Appointment,
    AppointmentParticipant,
    Licence,
    Therapist,
    TherapistPopulation,
    among,
    blocking_clause,
)
from confide.network.supply_rules import CASELOAD_LOOKBACK_DAYS, licence_verified_since


def listed_licence(now: datetime) -> ColumnElement[bool]:
    """Licences whose state is listed at `now` (supply_rules.licence_listed): active and
    verified within the licence max age. Matching's index, the directory and booking's licence
    check all use this one rule."""
    return and_(
        Licence.status == "active",
        Licence.verified_at.is_not(None),
        Licence.verified_at >= licence_verified_since(now),
    )


def taking_new_clients(now: datetime, zones: Collection[str]) -> ColumnElement[bool]:
    """Therapists accepting new clients and not paused at `now` (supply_rules.taking_new_clients
    on each therapist's own local date: a pause ends at their local midnight, so at 00:30 UTC a
    pause ending that day is over in London and not yet in New York). `zones` holds the time
    zones of the therapists asked about (therapist_zones); the clause compares each zone's local
    date, a few dates at most."""
    by_day: dict[date, list[str]] = {}
    for name in sorted(set(zones)):
        by_day.setdefault(now.astimezone(ZoneInfo(name)).date(), []).append(name)
    pause_over = [
        and_(Therapist.timezone.in_(names), Therapist.paused_until <= day)
        for day, names in sorted(by_day.items())
    ]
    return and_(
        Therapist.accepting_new_clients.is_(True),
        or_(Therapist.paused_until.is_(None), *pause_over),
    )


def therapist_zones(session: Session) -> list[str]:
    """The time zones therapists practise in (for taking_new_clients)."""
    return list(session.scalars(select(Therapist.timezone).distinct()))


def serves_population(population: str) -> ColumnElement[bool]:
    """Therapists who work with this population (supply_rules.serves)."""
    return exists().where(
        TherapistPopulation.therapist_id == Therapist.id,
        TherapistPopulation.population == population,
    )


def counts_toward_weekly_limit(now: datetime) -> ColumnElement[bool]:
    """Appointments that take one of the week's new-client places: held or booked first sessions."""
    return and_(Appointment.is_new_client.is_(True), blocking_clause(now))


def in_caseload(now: datetime) -> ColumnElement[bool]:
    """Appointments whose clients are in the caseload: held, booked or fulfilled, and recent."""
    return and_(
        Appointment.start_at >= now - timedelta(days=CASELOAD_LOOKBACK_DAYS),
        or_(Appointment.status == "fulfilled", blocking_clause(now)),
    )


def caseload_sizes(now: datetime, only: Collection[int] | None = None) -> Select[int, int]:
    """(therapist id, clients in the caseload) for therapists with any (`only` these)."""
    return (
        select(
            Appointment.therapist_id,
            func.count(func.distinct(AppointmentParticipant.client_id)),
        )
        .join(AppointmentParticipant, AppointmentParticipant.appointment_id == Appointment.id)
        .where(in_caseload(now), among(Appointment.therapist_id, only))
        .group_by(Appointment.therapist_id)
    )
