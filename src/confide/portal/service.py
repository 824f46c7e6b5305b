"""The therapist's own changes to their supply and listing, each on the audit trail.

Every change goes through the capability that owns the rule (scheduling.supply for time,
network.listing for rates, panels and profile, interop for calendars) and stamps the therapist's
updated_at, which is how the openings and matching indexes pick it up; the pages then tell this
process's openings index it is behind, so the next match or slot list already shows it.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date, datetime

from sqlalchemy.orm import Session

from confide import audit
from confide.interop.service import import_calendar as import_ics
from confide.models import Therapist
from confide.network import listing
from confide.portal.acting import Acting
from confide.portal.forms import NewClients, Profile
from confide.scheduling import supply
from confide.scheduling.timegrid import zone


def _record(session: Session, acting: Acting, action: str, what: str, now: datetime) -> None:
    audit.record(session, acting.actor, action, what, acting.therapist_id, "ok", now)


def local_today(therapist: Therapist, now: datetime) -> date:
    return now.astimezone(zone(therapist.timezone)).date()


def set_hours(
    session: Session, acting: Acting, windows: Sequence[tuple[int, int, int]], now: datetime
) -> None:
    """Replace the weekly hours (weekday, start and end in local minutes)."""
    supply.set_weekly_hours(session, acting.therapist_id, windows, now)
    _record(session, acting, "update", "weekly_hours", now)


def set_new_clients(session: Session, acting: Acting, values: NewClients, now: datetime) -> None:
    """Accepting or paused until a day, and the limits on new clients and on time."""
    therapist = session.get_one(Therapist, acting.therapist_id)
    supply.set_new_clients(
        session,
        acting.therapist_id,
        accepting=values.accepting,
        paused_until=values.paused_until,
        now=now,
        today=local_today(therapist, now),
        limits=values.limits,
    )
    _record(session, acting, "update", "therapist_supply", now)


def add_time_off(session: Session, acting: Acting, first: date, last: date, now: datetime) -> None:
    supply.add_time_off(session, acting.therapist_id, first, last, now)
    _record(session, acting, "create", "time_off", now)


def remove_time_off(session: Session, acting: Acting, time_off_id: int, now: datetime) -> None:
    supply.remove_time_off(session, acting.therapist_id, time_off_id, now)
    _record(session, acting, "delete", "time_off", now)


def set_rates(
    session: Session,
    acting: Acting,
    rates: dict[str, tuple[int, int | None]],
    now: datetime,
) -> None:
    listing.set_rates(session, acting.therapist_id, rates, now)
    _record(session, acting, "update", "therapist_rates", now)


def join_panel(session: Session, acting: Acting, plan: str, state: str, now: datetime) -> bool:
    joined = listing.join_panel(session, acting.therapist_id, plan, state, now)
    if joined:
        _record(session, acting, "create", "panel_participation", now)
    return joined


def leave_panel(session: Session, acting: Acting, plan: str, state: str, now: datetime) -> None:
    listing.leave_panel(session, acting.therapist_id, plan, state, now)
    _record(session, acting, "delete", "panel_participation", now)


def set_profile(session: Session, acting: Acting, profile: Profile, now: datetime) -> None:
    listing.set_profile(
        session,
        acting.therapist_id,
        specialties=profile.specialties,
        modalities=profile.modalities,
        languages=profile.languages,
        populations=profile.populations,
        now=now,
    )
    _record(session, acting, "update", "therapist_profile", now)


def import_calendar(session: Session, acting: Acting, data: bytes, now: datetime) -> int:
    """Replace the busy times from the therapist's own calendar; returns how many."""
    count = import_ics(session, acting.therapist_id, data, now)
    _record(session, acting, "update", "external_busy", now)
    return count
