"""A therapist's own calendar (.ics) taken in as the busy times scheduling keeps apart."""

from __future__ import annotations

from datetime import datetime, timedelta

from sqlalchemy.orm import Session

from confide.interop.icalendar import busy_times_from_ics
from confide.models import Therapist
from confide.scheduling import supply

CALENDAR_IMPORT_DAYS = 90


def import_calendar(session: Session, therapist_id: int, data: bytes, now: datetime) -> int:
    """Replace the therapist's outside busy times with those of an .ics file; returns how many."""

    def busy_times(therapist: Therapist) -> list[tuple[str, datetime, datetime]]:
        # floating times in the file are the therapist's own wall time
        busy = busy_times_from_ics(
            data, now, now + timedelta(days=CALENDAR_IMPORT_DAYS), default_tz=therapist.timezone
        )
        return [(b.source_uid, b.start_at, b.end_at) for b in busy]

    return supply.replace_external_busy(session, therapist_id, busy_times, now)
