"""Changes to a therapist's time: weekly hours, time off, busy times from their own calendar.

Each change stamps the therapist's updated_at, which is how every worker's openings index learns
that this therapist's openings must be recomputed.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from datetime import date, datetime

from sqlalchemy import delete
from sqlalchemy.orm import Session

from confide.errors import InvalidInput, NotFound
from confide.models import ExternalBusy, Therapist, TimeOff, WeeklyHours

# The bounds the therapists table's constraints hold (and the form's fields say)
LIMITS = {
    "weekly_new_client_limit": (0, 50),
    "caseload_limit": (0, 200),
    "minimum_notice_hours": (0, 336),
    "booking_horizon_days": (1, 365),
    "buffer_minutes": (0, 120),
}


def _therapist(session: Session, therapist_id: int) -> Therapist:
    therapist = session.get(Therapist, therapist_id, with_for_update=True)
    if therapist is None:
        raise NotFound(f"no therapist with id {therapist_id}", therapist_id=therapist_id)
    return therapist


def set_weekly_hours(
    session: Session, therapist_id: int, windows: Iterable[tuple[int, int, int]], now: datetime
) -> None:
    """Replace the weekly hours: (weekday 0-6, start and end in local minutes, on quarter hours)."""
    therapist = _therapist(session, therapist_id)
    rows = sorted(set(windows))
    for weekday, start, end in rows:
        if not (
            0 <= weekday <= 6 and 0 <= start < end <= 1440 and start % 15 == 0 and end % 15 == 0
        ):
            raise InvalidInput(
                "weekly_hours",
                "each window needs a weekday 0-6 and a start "
                "before its end, on quarter hours within the day",
            )
    session.execute(delete(WeeklyHours).where(WeeklyHours.therapist_id == therapist_id))
    session.add_all(
        WeeklyHours(therapist_id=therapist_id, weekday=d, start_minute=s, end_minute=e)
        for d, s, e in rows
    )
    therapist.updated_at = now
    session.flush()


def add_time_off(
    session: Session,
    therapist_id: int,
    first: date,
    last: date,
    now: datetime,
    reason: str | None = None,
) -> None:
    """Whole local days away, first and last included."""
    if last < first:
        raise InvalidInput("ends_on", "the last day away cannot be before the first")
    therapist = _therapist(session, therapist_id)
    session.add(TimeOff(therapist_id=therapist_id, starts_on=first, ends_on=last, reason=reason))
    therapist.updated_at = now
    session.flush()


def replace_external_busy(
    session: Session,
    therapist_id: int,
    busy_times: Callable[[Therapist], Iterable[tuple[str, datetime, datetime]]],
    now: datetime,
) -> int:
    """Replace the therapist's outside busy times with `busy_times(therapist)`: (source uid,
    start, end) each; returns how many. The therapist is locked before they are read."""
    therapist = _therapist(session, therapist_id)
    busy = list(busy_times(therapist))
    session.execute(delete(ExternalBusy).where(ExternalBusy.therapist_id == therapist_id))
    session.add_all(
        ExternalBusy(therapist_id=therapist_id, source_uid=uid[:255], start_at=start, end_at=end)
        for uid, start, end in busy
    )
    therapist.updated_at = now
    session.flush()
    return len(busy)


def remove_time_off(session: Session, therapist_id: int, time_off_id: int, now: datetime) -> None:
    """Take back a stretch of time off; NotFound unless it is this therapist's own."""
    therapist = _therapist(session, therapist_id)
    found = session.get(TimeOff, time_off_id)
    if found is None or found.therapist_id != therapist_id:
        raise NotFound("no such time off of yours", time_off_id=time_off_id)
    session.delete(found)
    therapist.updated_at = now
    session.flush()


def set_new_clients(
    session: Session,
    therapist_id: int,
    *,
    accepting: bool,
    paused_until: date | None,
    now: datetime,
    today: date,
    limits: dict[str, int],
) -> None:
    """Whether new clients are taken (and from which local day after a pause), and the limits
    on them and on time: weekly new clients, caseload, notice, horizon, buffer (LIMITS)."""
    if paused_until is not None and paused_until <= today:
        raise InvalidInput("paused_until", "a pause ends on a day after today")
    for name, value in limits.items():
        low, high = LIMITS[name]
        if not low <= value <= high:
            raise InvalidInput(name, f"must be between {low} and {high}")
    therapist = _therapist(session, therapist_id)
    therapist.accepting_new_clients = accepting
    therapist.paused_until = paused_until
    for name, value in limits.items():
        setattr(therapist, name, value)
    therapist.updated_at = now
    session.flush()
