"""What the portal's pages show, read for the signed-in therapist's own record.

The openings shown are those booking lists and holds accept (scheduling.bookable.list_slots,
what /book and the slots API use) and, for first sessions, the earliest the openings index
gives matching: never a second computation of either.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import datetime, timedelta

from sqlalchemy import select
from sqlalchemy.orm import Session

from confide.interop.service import CALENDAR_IMPORT_DAYS
from confide.models import ExternalBusy, PanelParticipation, Therapist, TimeOff
from confide.network import listing, supply_rules
from confide.scheduling import bookable, capacity
from confide.scheduling.openings import OpeningsGrid
from confide.scheduling.timegrid import to_minute, zone
from confide.vocab import get_vocabulary

# how many of the next openings each session type shows, and how far ahead to look
SHOWN = 6
LOOK_DAYS = 60
BLOCKED_SHOWN = 60
# whom a session format is for, among the populations a therapist lists
POPULATION_OF = {"individual": "individuals", "couples": "couples"}


@dataclass(frozen=True)
class Openings:
    session_type: str
    label: str
    first_session: bool
    minutes: int
    starts: list[datetime]  # what booking lists, in the therapist's zone
    in_search: datetime | None = None  # first sessions: the earliest matching offers
    searchable: bool = False  # first sessions: whether matching shows the therapist at all


@dataclass(frozen=True)
class Standing:
    """Whether and how far new clients can book: the supply rules on today's numbers."""

    therapist: Therapist
    today_local: str
    taking: bool
    new_this_week: int
    places_left: int
    seeing: int
    caseload_room: int


@dataclass(frozen=True)
class Overview:
    standing: Standing
    openings: list[Openings]
    warnings: list[str] = field(default_factory=list)


def therapist_of(session: Session, therapist_id: int) -> Therapist:
    return session.get_one(Therapist, therapist_id)


def standing(session: Session, therapist_id: int, now: datetime) -> Standing:
    therapist = therapist_of(session, therapist_id)
    today = now.astimezone(zone(therapist.timezone)).date()
    new_this_week, current = capacity.bookings_this_week_and_caseload(
        session, therapist, to_minute(now), now
    )
    return Standing(
        therapist=therapist,
        today_local=f"{today:%A %d %B %Y}",
        taking=supply_rules.taking_new_clients(
            therapist.accepting_new_clients, therapist.paused_until, today
        ),
        new_this_week=new_this_week,
        places_left=max(0, therapist.weekly_new_client_limit - new_this_week),
        seeing=len(current),
        caseload_room=therapist.caseload_limit - len(current),
    )


def openings(
    session: Session, therapist_id: int, now: datetime, grid: OpeningsGrid | None
) -> list[Openings]:
    """Per session type offered: the next starts booking accepts and, for first sessions, the
    earliest the openings index gives matching (None when the grid has none)."""
    therapist = therapist_of(session, therapist_id)
    kinds = get_vocabulary().session_types
    today = now.astimezone(zone(therapist.timezone)).date()
    taking = supply_rules.taking_new_clients(
        therapist.accepting_new_clients, therapist.paused_until, today
    )
    days = min(LOOK_DAYS, therapist.booking_horizon_days + 1)
    serves = {p.population for p in therapist.populations}
    found = []
    for service in listing.offered_services(session, therapist_id):
        kind = kinds[service.session_type]
        minutes, slots = bookable.list_slots(
            session, therapist_id, kind.code, None, days, therapist.timezone, now
        )
        in_search = None
        row = grid.row_of(therapist_id) if grid is not None else None
        if grid is not None and row is not None and kind.first_session and kind.code in grid.free:
            earliest = grid.earliest(kind.code, row)
            in_search = earliest.astimezone(zone(therapist.timezone)) if earliest else None
        found.append(
            Openings(
                session_type=kind.code,
                label=kind.label,
                first_session=kind.first_session,
                minutes=minutes,
                starts=[start for start, _ in slots[:SHOWN]],
                in_search=in_search,
                searchable=kind.first_session
                and taking
                and in_search is not None
                and POPULATION_OF[kind.format] in serves,
            )
        )
    return found


def warnings(
    session: Session, therapist_id: int, now: datetime, licence_max_age_days: int
) -> list[str]:
    """What keeps clients from finding or booking the therapist, in plain words."""
    therapist = therapist_of(session, therapist_id)
    states = get_vocabulary().states
    found: list[str] = []
    for licence in therapist.licences:
        name = states[licence.state].name if licence.state in states else licence.state
        if licence.status != "active":
            found.append(f"Your licence in {name} is {licence.status}: you are not listed there.")
        elif not supply_rules.licence_listed(licence.status, licence.verified_at, now):
            found.append(
                f"Your licence in {name} is unverified (not checked in the last "
                f"{licence_max_age_days} days): you are not listed there until it is verified."
            )
    today = now.astimezone(zone(therapist.timezone)).date()
    if not therapist.accepting_new_clients:
        found.append("You are not taking new clients: you are not shown in search results.")
    elif supply_rules.paused(therapist.paused_until, today):
        found.append(
            f"You are paused until {therapist.paused_until:%d %B %Y}: "
            "you are not shown in search results before then."
        )
    if not therapist.weekly_hours:
        found.append("You have no weekly hours: nobody can book a session with you.")
    if not therapist.populations:
        found.append("You have not said whom you see (individuals, couples, families).")
    return found


def overview(
    session: Session,
    therapist_id: int,
    now: datetime,
    grid: OpeningsGrid | None,
    licence_max_age_days: int,
) -> Overview:
    shown = [o for o in openings(session, therapist_id, now, grid) if o.first_session]
    found = warnings(session, therapist_id, now, licence_max_age_days)
    for o in shown:
        if not o.starts:
            found.append(f"No openings for a {o.label.lower()} in the next {LOOK_DAYS} days.")
    return Overview(standing(session, therapist_id, now), shown, found)


def hours(
    session: Session, therapist_id: int
) -> tuple[Therapist, dict[int, list[tuple[int, int]]]]:
    therapist = therapist_of(session, therapist_id)
    days: dict[int, list[tuple[int, int]]] = defaultdict(list)
    for window in therapist.weekly_hours:
        days[window.weekday].append((window.start_minute, window.end_minute))
    return therapist, dict(days)


def time_off(session: Session, therapist_id: int, now: datetime) -> tuple[Therapist, list[TimeOff]]:
    """Time off that has not ended yet, soonest first."""
    therapist = therapist_of(session, therapist_id)
    today = now.astimezone(zone(therapist.timezone)).date()
    return therapist, [t for t in therapist.time_off if t.ends_on >= today]


@dataclass(frozen=True)
class Panel:
    plan: str
    plan_name: str
    payer_name: str
    state: str
    retired: bool = False  # the plan was retired: kept here until the therapist leaves it


def panels(session: Session, therapist_id: int) -> tuple[Therapist, list[Panel]]:
    therapist = therapist_of(session, therapist_id)
    vocab = get_vocabulary()
    rows = session.scalars(
        select(PanelParticipation).where(PanelParticipation.therapist_id == therapist_id)
    )
    found = []
    for row in rows:
        plan = vocab.plans.get(row.plan_code)
        payer = vocab.payers.get(plan.payer_code) if plan else None
        found.append(
            Panel(
                row.plan_code,
                plan.name if plan else row.plan_code,
                payer.name if payer else "",
                row.state,
                plan is not None and not plan.offered,
            )
        )
    found.sort(key=lambda p: (p.state, p.payer_name, p.plan_name))
    return therapist, found


def blocked(
    session: Session, therapist_id: int, now: datetime
) -> tuple[Therapist, list[ExternalBusy], int]:
    """The busy times from the therapist's calendar still ahead (the first few), and how many."""
    therapist = therapist_of(session, therapist_id)
    ahead = list(
        session.scalars(
            select(ExternalBusy)
            .where(
                ExternalBusy.therapist_id == therapist_id,
                ExternalBusy.end_at > now,
                ExternalBusy.start_at < now + timedelta(days=CALENDAR_IMPORT_DAYS),
            )
            .order_by(ExternalBusy.start_at, ExternalBusy.id)
        )
    )
    return therapist, ahead[:BLOCKED_SHOWN], len(ahead)
