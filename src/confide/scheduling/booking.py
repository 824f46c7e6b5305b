"""Booking a published opening (a SMART Scheduling Links deep link) from the booking page.

The people arriving have no account yet: one booking creates the account(s), holds the opening
and books it, in one unit of work, so all of it happens or none does.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy.orm import Session

from confide.accounts import service as accounts
from confide.accounts.schemas import ClientCreate
from confide.errors import InvalidInput
from confide.fields import Instant, RecordId, parse_field
from confide.models import Client, Therapist
from confide.network.service import get_therapist
from confide.scheduling import bookable, service
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


@dataclass(frozen=True)
class Booked:
    opening: Opening
    appointment_id: int
    tokens: list[tuple[str, str]]  # (name, token), shown once


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


def book_opening(
    session: Session,
    therapist_id: int,
    session_type: str,
    start_text: str,
    people: list[ClientCreate],
    hold_minutes: int,
    now: datetime,
) -> Booked:
    """Create the account (two, linked, for a couple), hold the opening and book it."""
    parse_field(RecordId, therapist_id, "therapist")
    _check_session_type(session_type)
    start = parse_start(start_text)
    clients: list[tuple[Client, str]] = [accounts.create_client(session, p) for p in people]
    if len(clients) == 2:
        accounts.link_partners(session, clients[0][0], clients[1][0])
    hold = service.create_hold(
        session, clients[0][0], therapist_id, session_type, start, now, hold_minutes
    )
    service.confirm_hold(session, clients[0][0], hold.id, now)
    therapist = session.get(Therapist, therapist_id)  # locked and loaded by create_hold
    assert therapist is not None
    duration = bookable.session_length(session, therapist_id, session_type)
    opening = Opening(therapist, session_type, start, duration, free=False, alternatives=[])
    return Booked(opening, hold.id, [(c.name, token) for c, token in clients])
