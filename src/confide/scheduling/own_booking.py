"""Booking a published opening as the signed-in client: hold it and book it in one unit of
work, so both happen or neither does. No one else's account is made or touched; a couples
session is for the client and the partner already linked with them."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy.orm import Session

from confide.audit import Actor
from confide.errors import InvalidInput
from confide.fields import RecordId, parse_field
from confide.models import Client, Therapist
from confide.scheduling import bookable, service
from confide.scheduling.booking import Opening, parse_start
from confide.vocab import get_vocabulary


@dataclass(frozen=True)
class Confirmed:
    opening: Opening
    appointment_id: int


def check_request(therapist_id: int, session_type: str, start_text: str) -> datetime:
    """The form's own values checked, before anyone is looked up; returns the start."""
    parse_field(RecordId, therapist_id, "therapist")
    if session_type not in get_vocabulary().session_types:
        raise InvalidInput(
            "session_type", "unknown session type", sorted(get_vocabulary().session_types)
        )
    return parse_start(start_text)


def book_as(
    session: Session,
    client: Client,
    therapist_id: int,
    session_type: str,
    start_text: str,
    hold_minutes: int,
    now: datetime,
    actor: Actor | None = None,
) -> Confirmed:
    """Hold the opening for `client` (and their linked partner, for a couple) and book it."""
    start = check_request(therapist_id, session_type, start_text)
    hold = service.create_hold(
        session, client, therapist_id, session_type, start, now, hold_minutes, actor=actor
    )
    service.confirm_hold(session, client, hold.id, now, actor=actor)
    therapist = session.get_one(Therapist, therapist_id)  # locked and loaded by create_hold
    duration = bookable.session_length(session, therapist_id, session_type)
    opening = Opening(therapist, session_type, start, duration, free=False, alternatives=[])
    return Confirmed(opening, hold.id)
