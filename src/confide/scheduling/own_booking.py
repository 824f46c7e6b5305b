"""Booking a published opening as the signed-in client, from the pages: hold it, look at the
hold, book it, cancel it. No one else's account is made or touched; a couples session is for
the client and the partner already linked with them.

A person who holds one time from the pages and then picks another has changed their mind: the
new hold replaces their own earlier one (never a partner's), instead of refusing until it lapses.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from confide import audit
from confide.audit import Actor
from confide.errors import InvalidInput
from confide.fields import RecordId, parse_field
from confide.models import (
    Appointment,
    AppointmentParticipant,
    Client,
    Therapist,
    TherapistService,
    TherapistSharing,
)
from confide.scheduling import bookable, service
from confide.scheduling.booking import Opening, parse_start
from confide.scheduling.timegrid import to_minute, zone
from confide.vocab import get_vocabulary

FREE_CANCELLATION = service.FREE_CANCELLATION
SHARING = "therapist_sharing"  # audited per client
# how far ahead the reschedule page looks for other times with the same therapist
RESCHEDULE_DAYS = 21
RESCHEDULE_PER_DAY = 8
RESCHEDULE_SHOWN = 60
# each session type in plain words, for the person booking it
PLAIN_WORDS = {
    "intake": "a first session for you on your own",
    "individual": "a session for you on your own",
    "couples_intake": "a first session for you and your partner together",
    "couples": "a session for you and your partner together",
}


@dataclass(frozen=True)
class OtherOpening:
    """The next first session of a therapist like the one who cancelled, offered at once."""

    therapist_id: int
    name: str
    credential: str
    session_type: str
    start: datetime


# Finds openings of similar therapists for a first session the therapist cancelled: given by the
# app's wiring (matching sits above scheduling), called inside the page's unit of work.
SimilarOpenings = Callable[[Session, Client, Appointment, datetime], list[OtherOpening]]


@dataclass(frozen=True)
class Booking:
    """One of the client's appointments as the booking pages show it."""

    appointment: Appointment
    therapist: Therapist
    client: Client
    rate_cents: int | None
    sliding_scale_min_cents: int | None
    partner_taking_part: bool
    alternatives: list[datetime]
    # whether the client shares their intake answers and screenings with this therapist
    shared: bool = False

    @property
    def couples(self) -> bool:
        return get_vocabulary().session_types[self.appointment.session_type].format == "couples"

    @property
    def duration(self) -> int:
        a = self.appointment
        return int((a.end_at - a.start_at).total_seconds() // 60)

    def in_my_zone(self, moment: datetime, *, with_date: bool = True) -> str:
        """A time in the client's own zone, with the zone's name."""
        here = moment.astimezone(zone(self.client.timezone))
        shown = f"{here:%A %d %B %Y, %I:%M %p}" if with_date else f"{here:%I:%M %p}"
        return f"{shown} ({here.tzname()})".replace(" 0", " ").lstrip("0")

    def free_to_cancel_until(self) -> datetime:
        return service.free_until(self.appointment.start_at)

    def free_to_cancel(self, now: datetime) -> bool:
        """Cancelling or moving is free up to and including 24 hours before the start."""
        return not service.cancels_late(self.appointment, now)

    def movable(self, now: datetime) -> bool:
        """A booked session not yet begun can be moved to another time."""
        a = self.appointment
        return a.status == "booked" and now < a.start_at

    @property
    def cancelled_by_therapist(self) -> bool:
        a = self.appointment
        return a.status == "cancelled" and a.cancelled_by == "therapist"

    def live_hold(self, now: datetime) -> bool:
        a = self.appointment
        return a.status == "held" and a.hold_expires_at is not None and a.hold_expires_at > now

    def seconds_left(self, now: datetime) -> int:
        expires = self.appointment.hold_expires_at
        return 0 if expires is None else max(0, int((expires - now).total_seconds()))


def check_request(therapist_id: int, session_type: str, start_text: str) -> datetime:
    """The form's own values checked, before anyone is looked up; returns the start."""
    parse_field(RecordId, therapist_id, "therapist")
    if session_type not in get_vocabulary().session_types:
        raise InvalidInput(
            "session_type", "unknown session type", sorted(get_vocabulary().session_types)
        )
    return parse_start(start_text)


def _own_live_hold(session: Session, client: Client, now: datetime) -> Appointment | None:
    """The client's live hold that they made themselves (a partner's is left alone)."""
    return session.scalars(
        select(Appointment)
        .join(AppointmentParticipant)
        .where(
            AppointmentParticipant.client_id == client.id,
            Appointment.created_by_client_id == client.id,
            Appointment.status == "held",
            Appointment.hold_expires_at > now,
        )
        .order_by(Appointment.id)
        .limit(1)
    ).first()


def hold_for(
    session: Session,
    client: Client,
    therapist_id: int,
    session_type: str,
    start_text: str,
    hold_minutes: int,
    now: datetime,
    actor: Actor | None = None,
) -> Appointment:
    """Hold the opening for `client` (and their linked partner, for a couple); the same opening
    held again is the same hold, and another one replaces the client's earlier hold."""
    start = check_request(therapist_id, session_type, start_text)
    earlier = _own_live_hold(session, client, now)
    if earlier is not None:
        if (earlier.therapist_id, earlier.session_type, earlier.start_at) == (
            therapist_id,
            session_type,
            start,
        ):
            return earlier
        service.cancel_appointment(session, client, earlier.id, now, "replaced", actor=actor)
    return service.create_hold(
        session, client, therapist_id, session_type, start, now, hold_minutes, actor=actor
    )


def _alternatives(session: Session, appointment: Appointment, now: datetime) -> list[datetime]:
    return bookable.alternatives(
        session,
        appointment.therapist_id,
        appointment.session_type,
        to_minute(appointment.start_at),
        now,
    )


def view(
    session: Session, client: Client, appointment_id: int, now: datetime, actor: Actor
) -> Booking:
    """One of the client's appointments (NotFound for anyone else's), audited as a read; a
    lapsed hold comes with fresh times."""
    appointment, therapist, people = service.appointment_with_people(
        session, client, appointment_id, now, actor=actor
    )
    rate, sliding = rates(session, therapist.id, appointment.session_type)
    lapsed = appointment.status == "expired" or (
        appointment.status == "held"
        and (appointment.hold_expires_at is None or appointment.hold_expires_at <= now)
    )
    return Booking(
        appointment=appointment,
        therapist=therapist,
        client=client,
        rate_cents=rate,
        sliding_scale_min_cents=sliding,
        partner_taking_part=len(people) > 1,
        alternatives=_alternatives(session, appointment, now) if lapsed else [],
        shared=shares_with(session, client.id, therapist.id),
    )


def reschedule_choices(
    session: Session, client: Client, appointment_id: int, now: datetime, actor: Actor
) -> tuple[Booking, list[datetime]]:
    """One of the client's bookings and the other times its therapist has for the same kind of
    session over the next weeks (none when it cannot be moved)."""
    found = view(session, client, appointment_id, now, actor)
    if not found.movable(now):
        return found, []
    a = found.appointment
    _, listed = bookable.list_slots(
        session, a.therapist_id, a.session_type, None, RESCHEDULE_DAYS, client.timezone, now
    )
    starts: list[datetime] = []
    per_day: dict[object, int] = {}
    for start, _ in listed:  # a few a day over the weeks ahead, not one long day
        day = start.date()
        if start != a.start_at and per_day.get(day, 0) < RESCHEDULE_PER_DAY:
            per_day[day] = per_day.get(day, 0) + 1
            starts.append(start)
    return found, starts[:RESCHEDULE_SHOWN]


def move_own(
    session: Session,
    client: Client,
    appointment_id: int,
    start_text: str,
    now: datetime,
    actor: Actor,
) -> Appointment:
    """Move the client's booked session to another free start of the same therapist and kind;
    the old time is freed in the same transaction. Returns the new appointment."""
    start = parse_start(start_text)
    return service.reschedule_appointment(session, client, appointment_id, start, now, actor=actor)


def shares_with(session: Session, client_id: int, therapist_id: int) -> bool:
    """Whether the client shares their intake answers and screenings with this therapist."""
    found = session.scalars(
        select(TherapistSharing.id).where(
            TherapistSharing.client_id == client_id,
            TherapistSharing.therapist_id == therapist_id,
        )
    ).first()
    return found is not None


def set_sharing(
    session: Session,
    client: Client,
    appointment_id: int,
    share: bool,
    now: datetime,
    actor: Actor,
) -> Appointment:
    """The client's choice, from one of their bookings, to share (or stop sharing) their intake
    answers and screening results with that booking's therapist; audited."""
    appointment = service.get_appointment(session, client, appointment_id, now, actor=actor)
    row = session.scalars(
        select(TherapistSharing).where(
            TherapistSharing.client_id == client.id,
            TherapistSharing.therapist_id == appointment.therapist_id,
        )
    ).one_or_none()
    if share and row is None:
        session.add(
            TherapistSharing(
                client_id=client.id, therapist_id=appointment.therapist_id, shared_at=now
            )
        )
    elif not share and row is not None:
        session.delete(row)
    session.flush()
    audit.record(session, actor, "update", SHARING, client.id, "ok", now)
    return appointment


def cancel_own(
    session: Session, client: Client, appointment_id: int, now: datetime, actor: Actor
) -> Appointment:
    """Cancel a booked session, or let a hold go (its reason says which); the time is free."""
    found = session.get(Appointment, appointment_id)
    reason = "released" if found is not None and found.status == "held" else "client"
    return service.cancel_appointment(
        session, client, appointment_id, now, reason, actor=actor, by="client"
    )


def own_hold_on(session: Session, client_id: int, opening: Opening, now: datetime) -> int | None:
    """The id of the client's own live hold on this opening, if they hold it."""
    client = session.get_one(Client, client_id)
    held = _own_live_hold(session, client, now)
    if held is None:
        return None
    same = (held.therapist_id, held.session_type, held.start_at) == (
        opening.therapist.id,
        opening.session_type,
        opening.start,
    )
    return held.id if same else None


def rates(session: Session, therapist_id: int, session_type: str) -> tuple[int | None, int | None]:
    """The therapist's self-pay rate for this kind of session, and their sliding-scale floor."""
    offered = session.get(TherapistService, (therapist_id, session_type))
    if offered is None:
        return None, None
    return offered.self_pay_rate_cents, offered.sliding_scale_min_cents


def money(cents: int | None) -> str | None:
    if cents is None:
        return None
    return f"${cents // 100:,}" if cents % 100 == 0 else f"${cents / 100:,.2f}"
