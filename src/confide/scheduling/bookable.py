"""Which starts one therapist can take now: their session lengths, the slot list, the nearest
other starts when one is taken, and whether one opening is still free.

Listing and holding both ask `free_starts` / `is_free_start` over the same availability, so what
is listed is what a hold accepts.
"""

from __future__ import annotations

from dataclasses import replace
from datetime import date, datetime, timedelta

from sqlalchemy import select
from sqlalchemy.orm import Session

from confide.errors import InvalidInput, NotFound
from confide.models import Therapist, TherapistService
from confide.scheduling import capacity
from confide.scheduling.intervals import merge_intervals
from confide.scheduling.queries import load_availability
from confide.scheduling.slots import Availability, bookable_range, free_starts, is_free_start
from confide.scheduling.timegrid import (
    MINUTES_PER_DAY,
    from_minute,
    to_minute,
    wall_to_minute,
    zone,
)
from confide.vocab import get_vocabulary

ALTERNATIVES = 3
WEEK = 7 * MINUTES_PER_DAY


def session_length(session: Session, therapist_id: int, session_type: str) -> int:
    """Minutes of this session type with this therapist; InvalidInput when not offered."""
    service = session.get(TherapistService, (therapist_id, session_type))
    if service is None:
        offered = sorted(
            session.scalars(
                select(TherapistService.session_type).where(
                    TherapistService.therapist_id == therapist_id
                )
            )
        )
        if not offered and session.get(Therapist, therapist_id) is None:
            raise NotFound(f"no therapist with id {therapist_id}", therapist_id=therapist_id)
        raise InvalidInput(
            "session_type", f"this therapist does not offer {session_type!r} sessions", offered
        )
    return service.duration_minutes


def bookable_availability(
    session: Session, therapist_id: int, session_type: str, start: int, end: int, now: datetime
) -> Availability | None:
    """The therapist's time for starts in [start, end) of this session type. A first session
    also needs room for a new client (two for a couple), so weeks or stretches without it count
    as busy: what is listed is what a hold accepts."""
    availability = load_availability(session, now, start, end, [therapist_id]).get(therapist_id)
    kind = get_vocabulary().session_types[session_type]
    if availability is None or not kind.first_session:
        return availability
    blocks = capacity.first_session_blocks(
        session, now, start, end, [therapist_id], places=2 if kind.format == "couples" else 1
    ).get(therapist_id, [])
    return replace(availability, busy=tuple(merge_intervals([*availability.busy, *blocks])))


def list_slots(
    session: Session,
    therapist_id: int,
    session_type: str,
    first_day: date | None,
    days: int,
    tz: str,
    now: datetime,
) -> tuple[int, list[tuple[datetime, datetime]]]:
    """Free starts over `days` local days in zone `tz`, as (start, end) in that zone."""
    duration = session_length(session, therapist_id, session_type)
    client_zone = zone(tz)
    first_day = first_day or now.astimezone(client_zone).date()
    start = wall_to_minute(first_day, 0, tz)
    end = wall_to_minute(first_day + timedelta(days=days), 0, tz)
    availability = bookable_availability(session, therapist_id, session_type, start, end, now)
    assert availability is not None  # session_length found the therapist
    starts = free_starts(availability, duration, to_minute(now), start, end)
    return duration, [
        (from_minute(s).astimezone(client_zone), from_minute(s + duration).astimezone(client_zone))
        for s in starts
    ]


def alternatives(
    session: Session, therapist_id: int, session_type: str, near: int, now: datetime
) -> list[datetime]:
    """Up to three listed starts nearest `near`: the first ones at or after it and, where the
    booking horizon leaves fewer than three there, the last ones before it."""
    duration = session_length(session, therapist_id, session_type)
    current = to_minute(now)

    def free_in(start: int, end: int) -> tuple[list[int], Availability]:
        availability = bookable_availability(session, therapist_id, session_type, start, end, now)
        assert availability is not None  # session_length found the therapist
        return free_starts(availability, duration, current, start, end), availability

    # the week from `near` first: a conflict usually has free neighbours the same day
    begin = max(near, current)
    after, availability = free_in(begin, begin + WEEK)
    earliest, horizon = bookable_range(availability, current)
    if len(after) < ALTERNATIVES and begin + WEEK < horizon:
        after += free_in(begin + WEEK, horizon)[0]
    before: list[int] = []
    if len(after) < ALTERNATIVES and min(near, horizon) > earliest:
        before = free_in(earliest, min(near, horizon))[0][len(after) - ALTERNATIVES :]
    return [from_minute(s) for s in [*before, *after[:ALTERNATIVES]]]


def opening_is_free(
    session: Session, therapist_id: int, session_type: str, start: datetime, now: datetime
) -> tuple[int, bool]:
    """The session's length and whether `start` can still be booked with this therapist."""
    duration = session_length(session, therapist_id, session_type)
    begin = to_minute(start)
    availability = bookable_availability(
        session, therapist_id, session_type, begin, begin + duration, now
    )
    assert availability is not None
    return duration, is_free_start(availability, duration, to_minute(now), begin)
