"""Network health: is the network what it says it is?

- the ghost rate: listed therapists (taking new clients, a listed licence somewhere, a first
  session offered) with no bookable first session over the matching horizon (goal: 0);
- how soon the last 30 days' match answers offered a first session: within 48 hours, and
  within 10 business days (the access standard);
- per state, the share of therapists listed there who take new clients;
- new-client places left this week (each therapist's own week, in their zone).

The same figures for the admin page and `confide network health`.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from confide.models import Appointment, Licence, MatchTally, Therapist, TherapistService
from confide.network.supply_queries import (
    caseload_sizes,
    counts_toward_weekly_limit,
    listed_licence,
    taking_new_clients,
    therapist_zones,
)
from confide.scheduling.openings import SESSION_TYPES, compute_openings
from confide.scheduling.timegrid import from_minute, wall_to_minute, zone

MATCH_WINDOW = timedelta(days=30)


@dataclass(frozen=True)
class StateShare:
    state: str
    listed: int  # therapists with a listed licence in the state
    accepting: int  # of those, taking new clients

    @property
    def share(self) -> float:
        return self.accepting / self.listed if self.listed else 0.0


@dataclass(frozen=True)
class NetworkHealth:
    computed_at: datetime
    horizon_days: int
    listed: int
    ghosts: list[int]  # therapist ids, ascending
    answers: int  # match answers in the last 30 days
    offered: int
    within_48_hours: int
    within_10_business_days: int
    states: list[StateShare]
    places_left: int  # new-client places left this week, over listed therapists

    @property
    def ghost_rate(self) -> float:
        return len(self.ghosts) / self.listed if self.listed else 0.0

    @property
    def share_48_hours(self) -> float:
        return self.within_48_hours / self.answers if self.answers else 0.0

    @property
    def share_10_business_days(self) -> float:
        return self.within_10_business_days / self.answers if self.answers else 0.0


def listed_therapists(session: Session, now: datetime) -> dict[int, list[str]]:
    """Therapists a client could be offered now, each with the first-session types they offer:
    taking new clients, with a listed licence in some state."""
    rows = session.execute(
        select(Therapist.id, TherapistService.session_type)
        .join(TherapistService, TherapistService.therapist_id == Therapist.id)
        .where(
            taking_new_clients(now, therapist_zones(session)),
            TherapistService.session_type.in_(SESSION_TYPES),
            Therapist.id.in_(select(Licence.therapist_id).where(listed_licence(now))),
        )
        .order_by(Therapist.id)
    ).all()
    listed: dict[int, list[str]] = defaultdict(list)
    for therapist_id, session_type in rows:
        listed[therapist_id].append(session_type)
    return dict(listed)


def ghost_therapists(
    session: Session, now: datetime, horizon_days: int, listed: dict[int, list[str]]
) -> list[int]:
    """The listed therapists with no bookable first session of any type they offer over the
    horizon, by the openings grid that matching and booking share."""
    if not listed:
        return []
    grid = compute_openings(session, now, horizon_days, therapist_ids=sorted(listed))
    ghosts = []
    for therapist_id, types in listed.items():
        row = grid.row_of(therapist_id)
        if row is None or not any(grid.free[t][row].any() for t in types if t in grid.free):
            ghosts.append(therapist_id)
    return sorted(ghosts)


def match_leads(session: Session, now: datetime) -> tuple[int, int, int, int]:
    """(answers, offered, within 48 hours, within 10 business days) over the last 30 days."""
    row = session.execute(
        select(
            func.coalesce(func.sum(MatchTally.answers), 0),
            func.coalesce(func.sum(MatchTally.offered), 0),
            func.coalesce(func.sum(MatchTally.within_48_hours), 0),
            func.coalesce(func.sum(MatchTally.within_10_business_days), 0),
        ).where(MatchTally.minute >= now - MATCH_WINDOW, MatchTally.minute <= now)
    ).one()
    return int(row[0]), int(row[1]), int(row[2]), int(row[3])


def accepting_by_state(session: Session, now: datetime) -> list[StateShare]:
    """Per state with listed therapists: how many, and how many take new clients."""
    taking = taking_new_clients(now, therapist_zones(session))
    rows = session.execute(
        select(
            Licence.state,
            func.count(func.distinct(Licence.therapist_id)),
            func.count(func.distinct(Therapist.id)).filter(taking),
        )
        .join(Therapist, Therapist.id == Licence.therapist_id)
        .where(listed_licence(now))
        .group_by(Licence.state)
        .order_by(Licence.state)
    ).all()
    return [StateShare(state, int(listed), int(accepting)) for state, listed, accepting in rows]


def places_left_this_week(session: Session, now: datetime, therapist_ids: list[int]) -> int:
    """New-client places left in each listed therapist's current local week: the weekly limit
    less first sessions held or booked that week, never more than the caseload room."""
    if not therapist_ids:
        return 0
    wanted = set(therapist_ids)
    people = session.execute(
        select(
            Therapist.id,
            Therapist.timezone,
            Therapist.weekly_new_client_limit,
            Therapist.caseload_limit,
        )
    ).all()
    weeks: dict[str, tuple[datetime, datetime]] = {}
    for person in people:
        if person.timezone not in weeks:
            local = now.astimezone(zone(person.timezone)).date()
            monday = local - timedelta(days=local.weekday())
            weeks[person.timezone] = (
                from_minute(wall_to_minute(monday, 0, person.timezone)),
                from_minute(wall_to_minute(monday + timedelta(days=7), 0, person.timezone)),
            )
    earliest = min(start for start, _ in weeks.values())
    latest = max(end for _, end in weeks.values())
    taken: dict[int, int] = defaultdict(int)
    zone_of = {p.id: p.timezone for p in people}
    for therapist_id, start_at in session.execute(
        select(Appointment.therapist_id, Appointment.start_at).where(
            counts_toward_weekly_limit(now),
            Appointment.start_at >= earliest,
            Appointment.start_at < latest,
        )
    ):
        week_start, week_end = weeks[zone_of[therapist_id]]
        if week_start <= start_at < week_end:
            taken[therapist_id] += 1
    seeing = dict(session.execute(caseload_sizes(now)).all())
    left = 0
    for person in people:
        if person.id not in wanted:
            continue
        weekly = person.weekly_new_client_limit - taken[person.id]
        room = person.caseload_limit - seeing.get(person.id, 0)
        left += max(0, min(weekly, room))
    return left


def network_health(session: Session, now: datetime, horizon_days: int) -> NetworkHealth:
    """Every figure, read at `now` (the ghost rate over `horizon_days`, matching's horizon)."""
    listed = listed_therapists(session, now)
    ghosts = ghost_therapists(session, now, horizon_days, listed)
    answers, offered, soon, business = match_leads(session, now)
    return NetworkHealth(
        computed_at=now,
        horizon_days=horizon_days,
        listed=len(listed),
        ghosts=ghosts,
        answers=answers,
        offered=offered,
        within_48_hours=soon,
        within_10_business_days=business,
        states=accepting_by_state(session, now),
        places_left=places_left_this_week(session, now, sorted(listed)),
    )
