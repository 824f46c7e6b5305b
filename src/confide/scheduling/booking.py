"""A published opening (a SMART Scheduling Links deep link) as the booking page shows it:
whether it is still free, and other times when it is not. Booking it is `own_booking.py`."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy.orm import Session

from confide.errors import InvalidInput
from confide.fields import Instant, RecordId, parse_field
from confide.models import Therapist
from confide.network.service import get_therapist
from confide.scheduling import bookable
from confide.scheduling.timegrid import to_minute, zone
from confide.vocab import get_vocabulary


@dataclass(frozen=True)
class Opening:
    therapist: Therapist
    session_type: str
    start: datetime
    duration: int
    free: bool
    alternatives: list[datetime]

    @property
    def couples(self) -> bool:
        return get_vocabulary().session_types[self.session_type].format == "couples"

    def local(self, moment: datetime) -> str:
        here = moment.astimezone(zone(self.therapist.timezone))
        return f"{here:%A %d %B %Y, %I:%M %p} ({here.tzname()})".replace(" 0", " ")


def parse_start(text: str) -> datetime:
    try:
        start = datetime.fromisoformat(text.replace("Z", "+00:00"))
    except ValueError:
        raise InvalidInput("start", "use an ISO 8601 time with an offset") from None
    if start.tzinfo is None:
        raise InvalidInput("start", "the time needs an offset, e.g. 2026-12-01T17:00:00Z")
    checked: datetime = parse_field(Instant, start, "start")
    return checked


def _check_session_type(session_type: str) -> None:
    if session_type not in get_vocabulary().session_types:
        raise InvalidInput(
            "session_type", "unknown session type", sorted(get_vocabulary().session_types)
        )


def find_opening(
    session: Session, therapist_id: int, session_type: str, start_text: str, now: datetime
) -> Opening:
    """The opening a link points at, whether it is still free, and other times when it is not."""
    parse_field(RecordId, therapist_id, "therapist")
    _check_session_type(session_type)
    start = parse_start(start_text)
    therapist = get_therapist(session, therapist_id)
    duration, free = bookable.opening_is_free(session, therapist_id, session_type, start, now)
    others = (
        []
        if free
        else bookable.alternatives(session, therapist_id, session_type, to_minute(start), now)
    )
    return Opening(therapist, session_type, start, duration, free, others)
