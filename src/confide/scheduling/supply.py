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
