"""What a therapist can still take on: licensure, pauses, weekly new clients, caseload.

The rules are network/supply_rules.py and their SQL forms; matching applies the same ones, so
what it offers is what a hold accepts.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence
from datetime import date, datetime, timedelta

from sqlalchemy import exists, func, literal, select, union_all
from sqlalchemy.orm import Session

from confide.errors import TherapistUnavailable
from confide.models import Appointment, AppointmentParticipant, Client, Licence, Therapist, among
from confide.network import supply_rules
from confide.network.supply_queries import (
    caseload_sizes,
    counts_toward_weekly_limit,
    in_caseload,
    listed_licence,
)
from confide.scheduling.timegrid import from_minute, to_minute, wall_to_minute, zone

# A range wide enough to close a therapist to new clients over any horizon asked about.
WEEK = 7 * 24 * 60


def licensed(session: Session, therapist_id: int, state: str, now: datetime) -> bool:
    """A listed licence (supply_queries.listed_licence) in `state` at `now`."""
    return bool(
        session.scalar(
            select(
                exists().where(
                    Licence.therapist_id == therapist_id,
                    Licence.state == state,
                    listed_licence(now),
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
            counts_toward_weekly_limit(now),
            Appointment.start_at >= week_start,
            Appointment.start_at < week_end,
        )
        .scalar_subquery()
    )
    seeing = (
        select(AppointmentParticipant.client_id, literal(-1).label("new_this_week"))
        .join(Appointment)
        .where(Appointment.therapist_id == therapist.id, in_caseload(now))
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
    if supply_rules.paused(therapist.paused_until, today):
        raise TherapistUnavailable(
            f"this therapist is not taking new clients until {therapist.paused_until:%d %b %Y}"
        )
    new_this_week, current = bookings_this_week_and_caseload(session, therapist, start, now)
    if supply_rules.week_full(new_this_week, therapist.weekly_new_client_limit):
        raise TherapistUnavailable(
            "this therapist has no room for another new client that week; try a later week"
        )
    newcomers = {c.id for c in clients} - current
    if not supply_rules.caseload_fits(len(current), len(newcomers), therapist.caseload_limit):
        raise TherapistUnavailable("this therapist's caseload is full")


def check_week_has_room(session: Session, therapist: Therapist, start: int, now: datetime) -> None:
    """A first session being moved needs a new-client place in its new week (the client is
    already the therapist's, so pauses and the caseload do not apply)."""
    new_this_week, _ = bookings_this_week_and_caseload(session, therapist, start, now)
    if supply_rules.week_full(new_this_week, therapist.weekly_new_client_limit):
        raise TherapistUnavailable(
            "this therapist has no room for another new client that week; try another week"
        )


def full_weeks(
    session: Session,
    now: datetime,
    start: datetime,
    end: datetime,
    zones: dict[int, str],
    weekly_limit: dict[int, int],
    only: Sequence[int] | None = None,
) -> dict[int, list[tuple[int, int]]]:
    """Per therapist, the local weeks [start, end) in epoch minutes already holding as many new
    clients as the weekly limit allows: no first session can be booked in them."""
    counts: dict[tuple[int, date], int] = defaultdict(int)
    for tid, start_at in session.execute(
        select(Appointment.therapist_id, Appointment.start_at).where(
            counts_toward_weekly_limit(now),
            Appointment.start_at >= start - timedelta(days=8),
            Appointment.start_at < end + timedelta(days=8),
            among(Appointment.therapist_id, only),
        )
    ):
        local = start_at.astimezone(zone(zones[tid])).date()
        counts[(tid, local - timedelta(days=local.weekday()))] += 1
    result: dict[int, list[tuple[int, int]]] = defaultdict(list)
    for (tid, monday), count in counts.items():
        if supply_rules.week_full(count, weekly_limit[tid]):
            result[tid].append(
                (
                    wall_to_minute(monday, 0, zones[tid]),
                    wall_to_minute(monday + timedelta(days=7), 0, zones[tid]),
                )
            )
    for tid, limit in weekly_limit.items():
        if supply_rules.week_full(0, limit):  # no new clients in any week
            result[tid].append((to_minute(start) - 10080, to_minute(end) + 10080))
    return result


def first_session_blocks(
    session: Session,
    now: datetime,
    start: int,
    end: int,
    only: Sequence[int] | None = None,
    *,
    places: int = 1,
) -> dict[int, list[tuple[int, int]]]:
    """Per therapist, the stretches of [start, end) epoch minutes in which no first session for
    `places` new clients (two for a couple) can be booked: all of it when not taking new
    clients (not accepting, paused, caseload without room), and otherwise the local weeks whose
    new-client places are taken."""
    return first_session_blocks_for(session, now, start, end, only, (places,))[places]


def first_session_blocks_for(
    session: Session,
    now: datetime,
    start: int,
    end: int,
    only: Sequence[int] | None,
    places: Sequence[int],
) -> dict[int, dict[int, list[tuple[int, int]]]]:
    """first_session_blocks for several numbers of places at once, from one set of reads."""
    rows = session.execute(
        select(
            Therapist.id,
            Therapist.timezone,
            Therapist.accepting_new_clients,
            Therapist.paused_until,
            Therapist.weekly_new_client_limit,
            Therapist.caseload_limit,
        ).where(among(Therapist.id, only))
    ).all()
    seeing: dict[int, int] = dict(session.execute(caseload_sizes(now, only)).all())
    zones = {r.id: r.timezone for r in rows}
    limits = {r.id: r.weekly_new_client_limit for r in rows}
    weeks = full_weeks(session, now, from_minute(start), from_minute(end), zones, limits, only)
    result: dict[int, dict[int, list[tuple[int, int]]]] = {}
    for wanted in places:
        blocks = {tid: list(ranges) for tid, ranges in weeks.items()}
        for r in rows:
            today = now.astimezone(zone(r.timezone)).date()
            closed = not supply_rules.taking_new_clients(
                r.accepting_new_clients, r.paused_until, today
            ) or not supply_rules.caseload_fits(seeing.get(r.id, 0), wanted, r.caseload_limit)
            if closed:
                blocks[r.id] = [(start - WEEK, end + WEEK)]
        result[wanted] = blocks
    return result
