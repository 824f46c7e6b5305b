"""Typed reads of what occupies therapists' time, turned into the slot engine's Availability."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Collection
from datetime import date, datetime, timedelta

from sqlalchemy import select, union_all
from sqlalchemy.orm import Session

from confide.models import (
    Appointment,
    ExternalBusy,
    Therapist,
    TimeOff,
    WeeklyHours,
    among,
    blocking_clause,
)
from confide.scheduling.intervals import merge_intervals
from confide.scheduling.slots import Availability
from confide.scheduling.timegrid import days_between, from_minute, to_minute, to_minute_ceil


def load_availability(
    session: Session,
    now: datetime,
    start: int,
    end: int,
    therapist_ids: Collection[int] | None = None,
    *,
    loaded: Therapist | None = None,
) -> dict[int, Availability]:
    """Each therapist's Availability for starts in [start, end) epoch minutes (None: everyone).

    `loaded`: the one therapist asked for, already in the session, so its row is not read again.
    """
    window_start, window_end = from_minute(start - 24 * 60), from_minute(end + 24 * 60)
    if loaded is not None and therapist_ids is not None and list(therapist_ids) == [loaded.id]:
        therapists = [_settings_of(loaded)]
    else:
        therapists = _settings(session, therapist_ids)
    hours = _weekly_hours(session, therapist_ids)
    first_day, last_day = window_start.date() - timedelta(days=1), window_end.date()
    days_off = _days_off(session, therapist_ids, first_day, last_day)
    busy = _busy(session, now, therapist_ids, window_start, window_end)
    return {
        tid: Availability(
            zone=zone,
            weekly_hours=tuple(hours.get(tid, ())),
            buffer_minutes=buffer,
            minimum_notice_hours=notice,
            booking_horizon_days=horizon,
            days_off=frozenset(days_off.get(tid, ())),
            busy=tuple(merge_intervals(busy.get(tid, ()))),
        )
        for tid, zone, buffer, notice, horizon in therapists
    }


# id, time zone, buffer minutes, minimum notice hours, booking horizon days
TimeSettings = tuple[int, str, int, int, int]


def _settings_of(therapist: Therapist) -> TimeSettings:
    return (
        therapist.id,
        therapist.timezone,
        therapist.buffer_minutes,
        therapist.minimum_notice_hours,
        therapist.booking_horizon_days,
    )


def _settings(session: Session, therapist_ids: Collection[int] | None) -> list[TimeSettings]:
    return [
        (row[0], row[1], row[2], row[3], row[4])
        for row in session.execute(
            select(
                Therapist.id,
                Therapist.timezone,
                Therapist.buffer_minutes,
                Therapist.minimum_notice_hours,
                Therapist.booking_horizon_days,
            ).where(among(Therapist.id, therapist_ids))
        )
    ]


def _weekly_hours(
    session: Session, therapist_ids: Collection[int] | None
) -> dict[int, list[tuple[int, int, int]]]:
    hours: dict[int, list[tuple[int, int, int]]] = defaultdict(list)
    for tid, weekday, first, last in session.execute(
        select(
            WeeklyHours.therapist_id,
            WeeklyHours.weekday,
            WeeklyHours.start_minute,
            WeeklyHours.end_minute,
        )
        .where(among(WeeklyHours.therapist_id, therapist_ids))
        .order_by(WeeklyHours.therapist_id, WeeklyHours.weekday, WeeklyHours.start_minute)
    ):
        hours[tid].append((weekday, first, last))
    return hours


def _days_off(
    session: Session, therapist_ids: Collection[int] | None, first_day: date, last_day: date
) -> dict[int, set[date]]:
    days_off: dict[int, set[date]] = defaultdict(set)
    for tid, starts_on, ends_on in session.execute(
        select(TimeOff.therapist_id, TimeOff.starts_on, TimeOff.ends_on).where(
            among(TimeOff.therapist_id, therapist_ids),
            TimeOff.ends_on >= first_day,
            TimeOff.starts_on <= last_day,
        )
    ):
        days_off[tid].update(days_between(max(starts_on, first_day), min(ends_on, last_day)))
    return days_off


def _busy(
    session: Session,
    now: datetime,
    therapist_ids: Collection[int] | None,
    window_start: datetime,
    window_end: datetime,
) -> dict[int, list[tuple[int, int]]]:
    """Appointments that block (until their end plus buffer) and outside busy times."""
    busy: dict[int, list[tuple[int, int]]] = defaultdict(list)
    booked = select(
        Appointment.therapist_id, Appointment.start_at, Appointment.blocked_until
    ).where(
        among(Appointment.therapist_id, therapist_ids),
        blocking_clause(now),
        Appointment.start_at < window_end,
        Appointment.blocked_until > window_start,
    )
    outside = select(ExternalBusy.therapist_id, ExternalBusy.start_at, ExternalBusy.end_at).where(
        among(ExternalBusy.therapist_id, therapist_ids),
        ExternalBusy.start_at < window_end,
        ExternalBusy.end_at > window_start,
    )
    for tid, busy_start, busy_end in session.execute(union_all(booked, outside)):
        busy[tid].append((to_minute(busy_start), to_minute_ceil(busy_end)))
    return busy
