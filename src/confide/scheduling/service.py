"""Scheduling use cases: hold, book, cancel and reschedule (which starts are free: bookable.py).

A write that takes time locks the clients' rows, then the therapist's (PostgreSQL; SQLite's BEGIN
IMMEDIATE already serialises writers), checks what the clients may hold (booking_rules.py) and
whether the start is free with the same function that lists slots, and leaves the final word to
the database: an exclusion constraint (PostgreSQL) or a trigger (SQLite) refuses overlapping rows.
Every read and write of an appointment goes on the audit trail, last, since that locks the trail.
"""

from __future__ import annotations

from datetime import datetime, timedelta

from sqlalchemy import select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session, selectinload

from confide import audit
from confide.audit import Actor
from confide.errors import (
    AppointmentClosed,
    HoldExpired,
    InvalidInput,
    NotFound,
    NotStarted,
    SlotUnavailable,
)
from confide.models import (
    Appointment,
    AppointmentParticipant,
    Client,
    Therapist,
)
from confide.scheduling import booking_rules, capacity, notices
from confide.scheduling.bookable import alternatives, session_length
from confide.scheduling.expiry import sweep_expired_holds
from confide.scheduling.parties import (
    booking_parties,
    check_licensure,
    lock_clients,
    participants_free,
)
from confide.scheduling.queries import load_availability
from confide.scheduling.slots import is_free_start
from confide.scheduling.timegrid import (
    from_minute,
    to_minute,
)
from confide.vocab import get_vocabulary

OBJECT_TYPE = "appointment"  # holds are appointments too
THERAPIST_OBJECT = "therapist"
# A client cancels or moves a booked session for free until exactly 24 hours before it starts;
# after that it is a late cancellation (still allowed, and recorded on the appointment).
FREE_CANCELLATION = timedelta(hours=24)
# Why a therapist cancels, in the therapist's words; the first is also a pause for new clients.
NOT_ACCEPTING = "not_accepting_new_clients"
THERAPIST_REASONS = {
    NOT_ACCEPTING: "I am not taking new clients now",
    "illness": "I am ill, or there is an emergency",
    "schedule_conflict": "Something in my schedule clashes",
    "other": "Another reason",
}
# What a therapist may record once a booked session has begun (FHIR Appointment.status).
ATTENDANCE = ("fulfilled", "noshow")


def free_until(start_at: datetime) -> datetime:
    """The last moment a client may cancel or move a session at `start_at` for free."""
    return start_at - FREE_CANCELLATION


def cancels_late(appointment: Appointment, now: datetime) -> bool:
    """Whether a client cancelling (or moving) this appointment now cancels late: only a booked
    session, only after the free window has closed."""
    return appointment.status == "booked" and now > free_until(appointment.start_at)


def acting(client: Client, actor: Actor | None) -> Actor:
    """Who the audit trail names: the caller's actor, or the client acting for themselves."""
    return actor if actor is not None else Actor(user_id=client.user_id, role="client")


def record(session: Session, actor: Actor, action: str, appointment_id: int, now: datetime) -> None:
    """Put one access to an appointment on the audit trail (last: it locks the trail)."""
    audit.record(session, actor, action, OBJECT_TYPE, appointment_id, "ok", now)


def _lock_therapist(session: Session, therapist_id: int) -> Therapist:
    therapist = session.scalars(
        select(Therapist)
        .where(Therapist.id == therapist_id)
        .with_for_update()
        .execution_options(populate_existing=True)
    ).one_or_none()
    if therapist is None:
        raise NotFound(f"no therapist with id {therapist_id}", therapist_id=therapist_id)
    return therapist


def _insert(session: Session, appointment: Appointment, duration: int, now: datetime) -> None:
    # No savepoint: on a refusal the whole unit of work is rolled back, so nothing here needs
    # the transaction afterwards.
    try:
        session.add(appointment)
        session.flush()
    except IntegrityError:
        # Another request took the time between our check and our insert. Other times are
        # looked up once this transaction (and the therapist's lock) is over: see `lookup`.
        conflict = SlotUnavailable("that time was just taken", field="start", alternatives=[])
        conflict.lookup = (
            appointment.therapist_id,
            appointment.session_type,
            to_minute(appointment.start_at),
        )
        raise conflict from None


def _unavailable(
    session: Session, therapist_id: int, session_type: str, start: int, now: datetime
) -> SlotUnavailable:
    return SlotUnavailable(
        "that time is not free with this therapist",
        field="start",
        alternatives=[
            a.isoformat() for a in alternatives(session, therapist_id, session_type, start, now)
        ],
    )


def _new_appointment(
    therapist: Therapist,
    session_type: str,
    status: str,
    begin: int,
    duration: int,
    parties: list[Client],
    client: Client,
    now: datetime,
    **fields: object,
) -> Appointment:
    """An appointment row and its participants, busy until its end plus the buffer."""
    start_at, end_at = from_minute(begin), from_minute(begin + duration)
    return Appointment(
        therapist_id=therapist.id,
        session_type=session_type,
        status=status,
        start_at=start_at,
        end_at=end_at,
        blocked_until=end_at + timedelta(minutes=therapist.buffer_minutes),
        created_by_client_id=client.id,
        calendar_sequence=0,
        created_at=now,
        updated_at=now,
        participants=[
            AppointmentParticipant(client_id=c.id, start_at=start_at, end_at=end_at, status=status)
            for c in parties
        ],
        **fields,
    )


def create_hold(
    session: Session,
    client: Client,
    therapist_id: int,
    session_type: str,
    start: datetime,
    now: datetime,
    hold_minutes: int,
    *,
    actor: Actor | None = None,
) -> Appointment:
    """Reserve a free start for `hold_minutes` while the client confirms."""
    therapist = session.get(Therapist, therapist_id)
    if therapist is None:
        raise NotFound(f"no therapist with id {therapist_id}", therapist_id=therapist_id)
    duration = session_length(session, therapist_id, session_type)
    # the client and any partner first (an unlink takes the same locks), then who takes part
    lock_clients(session, [client.id, client.partner_id])
    parties = booking_parties(session, client, session_type)
    check_licensure(session, therapist_id, parties, now)
    begin = to_minute(start)
    kind = get_vocabulary().session_types[session_type]
    sweep_expired_holds(session, now, therapist_id=therapist_id, client_ids=[c.id for c in parties])
    booking_rules.check_live_hold(session, client, now)
    booking_rules.check_first_session(session, client, parties, session_type, now)
    availability = load_availability(
        session, now, begin, begin + duration, [therapist_id], loaded=therapist
    )
    if not is_free_start(availability[therapist_id], duration, to_minute(now), begin):
        raise _unavailable(session, therapist_id, session_type, begin, now)
    start_at, end_at = from_minute(begin), from_minute(begin + duration)
    participants_free(session, parties, start_at, end_at, now)
    if kind.first_session:
        # Overlaps need no lock: the database refuses them. The lock guards what it cannot see,
        # two new clients racing for a therapist's last place that week; it is taken this late
        # so it is held for a few statements only.
        therapist = _lock_therapist(session, therapist_id)
        capacity.check_capacity(session, therapist, parties, begin, now)
    appointment = _new_appointment(
        therapist,
        session_type,
        "held",
        begin,
        duration,
        parties,
        client,
        now,
        hold_expires_at=now + timedelta(minutes=hold_minutes),
        is_new_client=kind.first_session,
        client_state=client.state,
    )
    _insert(session, appointment, duration, now)
    who = acting(client, actor)
    booking_rules.check_couples_allowed(session, session_type, parties, who, now)
    record(session, who, "create", appointment.id, now)
    return appointment


def _own_appointment(
    session: Session, client: Client, appointment_id: int, who: Actor, action: str, now: datetime
) -> Appointment:
    """The appointment if the client takes part in it. Anyone else gets NotFound, whether or not
    it exists, and the attempt goes on the audit trail once the transaction is rolled back."""
    appointment = session.scalars(
        select(Appointment)
        .where(Appointment.id == appointment_id)
        .options(selectinload(Appointment.participants))
    ).one_or_none()
    if appointment is None or client.id not in {p.client_id for p in appointment.participants}:
        refusal = NotFound(
            f"no appointment with id {appointment_id}", appointment_id=appointment_id
        )
        outcome = "not_found" if appointment is None else "denied"

        def on_the_trail(fresh: Session) -> None:
            audit.record(fresh, who, action, OBJECT_TYPE, appointment_id, outcome, now)

        refusal.after_rollback = on_the_trail
        raise refusal
    return appointment


def get_appointment(
    session: Session,
    client: Client,
    appointment_id: int,
    now: datetime,
    *,
    actor: Actor | None = None,
) -> Appointment:
    """An appointment the client takes part in; anyone else gets NotFound, not a hint."""
    who = acting(client, actor)
    appointment = _own_appointment(session, client, appointment_id, who, "read", now)
    record(session, who, "read", appointment.id, now)
    return appointment


def appointment_with_people(
    session: Session,
    client: Client,
    appointment_id: int,
    now: datetime,
    *,
    actor: Actor | None = None,
) -> tuple[Appointment, Therapist, list[Client]]:
    """One of the client's appointments with its therapist and every client in it."""
    who = acting(client, actor)
    appointment = _own_appointment(session, client, appointment_id, who, "read", now)
    therapist = session.get_one(Therapist, appointment.therapist_id)
    people = [session.get_one(Client, p.client_id) for p in appointment.participants]
    record(session, who, "read", appointment.id, now)
    return appointment, therapist, people


def _parties_of(session: Session, appointment: Appointment) -> list[Client]:
    return [session.get_one(Client, p.client_id) for p in appointment.participants]


def confirm_hold(
    session: Session,
    client: Client,
    hold_id: int,
    now: datetime,
    *,
    actor: Actor | None = None,
) -> Appointment:
    """Turn an unexpired hold into a booked appointment."""
    who = acting(client, actor)
    appointment = _own_appointment(session, client, hold_id, who, "update", now)
    session.refresh(appointment, with_for_update=True)
    if appointment.status == "booked":
        record(session, who, "read", appointment.id, now)
        return appointment
    if appointment.status != "held":
        raise HoldExpired(
            f"hold {hold_id} is {appointment.status}; hold a slot again", hold_id=hold_id
        )
    if appointment.hold_expires_at is None or appointment.hold_expires_at <= now:
        raise HoldExpired(
            f"hold {hold_id} expired at {appointment.hold_expires_at:%H:%M} UTC; hold a slot again",
            hold_id=hold_id,
        )
    parties = _parties_of(session, appointment)
    booking_rules.check_couples_allowed(session, appointment.session_type, parties, who, now)
    appointment.set_status("booked", now)
    appointment.hold_expires_at = None
    session.flush()
    notices.booked(session, appointment, now)
    record(session, who, "update", appointment.id, now)
    return appointment


def _therapists_appointment(
    session: Session, therapist_id: int, appointment_id: int, who: Actor, action: str, now: datetime
) -> Appointment:
    """The appointment if it is with this therapist. Anyone else gets NotFound, whether or not
    it exists, and the attempt goes on the audit trail once the transaction is rolled back."""
    appointment = session.scalars(
        select(Appointment)
        .where(Appointment.id == appointment_id)
        .options(selectinload(Appointment.participants))
    ).one_or_none()
    if appointment is None or appointment.therapist_id != therapist_id:
        refusal = NotFound(
            f"no appointment with id {appointment_id}", appointment_id=appointment_id
        )
        outcome = "not_found" if appointment is None else "denied"

        def on_the_trail(fresh: Session) -> None:
            audit.record(fresh, who, action, OBJECT_TYPE, appointment_id, outcome, now)

        refusal.after_rollback = on_the_trail
        raise refusal
    return appointment


def therapist_appointment(
    session: Session, therapist_id: int, appointment_id: int, now: datetime, *, actor: Actor
) -> Appointment:
    """One of the therapist's appointments, audited as a read; NotFound for anyone else's."""
    appointment = _therapists_appointment(session, therapist_id, appointment_id, actor, "read", now)
    record(session, actor, "read", appointment.id, now)
    return appointment


def cancel_appointment(
    session: Session,
    client: Client | None,
    appointment_id: int,
    now: datetime,
    reason: str,
    *,
    actor: Actor | None = None,
    by: str = "client",
    therapist_id: int | None = None,
) -> Appointment:
    """Cancel a held or booked appointment; the calendar copy is bumped to a cancellation.

    Every cancellation goes through here, whoever makes it. `by` says who: "client" (`client`
    takes part in it; later than 24 hours before a booked session is a late cancellation),
    "therapist" (`therapist_id` is the appointment's therapist, `actor` their account) or
    "system" (on a client's behalf, as for a replaced hold)."""
    if by == "therapist":
        if therapist_id is None or actor is None:
            raise ValueError("a therapist's cancellation names the therapist and their account")
        who = actor
        appointment = _therapists_appointment(
            session, therapist_id, appointment_id, who, "update", now
        )
    else:
        if client is None:
            raise ValueError("a client's cancellation names the client")
        who = acting(client, actor)
        appointment = _own_appointment(session, client, appointment_id, who, "update", now)
    session.refresh(appointment, with_for_update=True)
    if appointment.status == "cancelled":
        record(session, who, "read", appointment.id, now)
        return appointment
    if appointment.status not in ("held", "booked"):
        raise AppointmentClosed(
            f"appointment {appointment.id} is {appointment.status} and cannot be cancelled",
            appointment_id=appointment.id,
            status=appointment.status,
        )
    was_booked = appointment.status == "booked"
    late = by == "client" and cancels_late(appointment, now)
    appointment.cancel(reason, now, by=by, late=late)
    session.flush()
    if was_booked:  # a hold let go is nobody's news
        notices.cancelled(session, appointment, now)
    record(session, who, "update", appointment.id, now)
    return appointment


def cancel_by_therapist(
    session: Session,
    therapist_id: int,
    appointment_id: int,
    reason: str,
    now: datetime,
    *,
    actor: Actor,
) -> tuple[Appointment, bool]:
    """The therapist cancels one of their sessions, giving a reason from THERAPIST_REASONS.
    Cancelling a first session because they take no new clients pauses them for new clients at
    once (their updated_at moves, so every openings index and matching drop them); returns the
    appointment and whether they were paused now."""
    if reason not in THERAPIST_REASONS:
        raise InvalidInput("reason", "choose one of the reasons shown", sorted(THERAPIST_REASONS))
    appointment = cancel_appointment(
        session,
        None,
        appointment_id,
        now,
        reason,
        actor=actor,
        by="therapist",
        therapist_id=therapist_id,
    )
    paused = False
    if reason == NOT_ACCEPTING and appointment.is_new_client:
        therapist = _lock_therapist(session, therapist_id)
        if therapist.accepting_new_clients:
            therapist.accepting_new_clients = False
            therapist.updated_at = now
            session.flush()
            audit.record(session, actor, "update", THERAPIST_OBJECT, therapist_id, "ok", now)
            paused = True
    return appointment, paused


def mark_attendance(
    session: Session,
    therapist_id: int,
    appointment_id: int,
    status: str,
    now: datetime,
    *,
    actor: Actor,
) -> Appointment:
    """The therapist records a booked session as fulfilled or a no-show, once it has begun; a
    mark may be corrected from one to the other."""
    if status not in ATTENDANCE:
        raise InvalidInput("status", "fulfilled or noshow", list(ATTENDANCE))
    appointment = _therapists_appointment(
        session, therapist_id, appointment_id, actor, "update", now
    )
    session.refresh(appointment, with_for_update=True)
    if appointment.status == status:
        record(session, actor, "read", appointment.id, now)
        return appointment
    if appointment.status not in ("booked", *ATTENDANCE):
        raise AppointmentClosed(
            f"appointment {appointment.id} is {appointment.status}: only a booked session "
            "can be marked fulfilled or a no-show",
            appointment_id=appointment.id,
            status=appointment.status,
        )
    if now < appointment.start_at:
        raise NotStarted(
            f"the session starts at {appointment.start_at:%Y-%m-%d %H:%M} UTC; "
            "mark it once it has begun",
            appointment_id=appointment.id,
            start=appointment.start_at.isoformat(),
        )
    appointment.set_status(status, now)
    appointment.attendance_marked_at = now
    session.flush()
    record(session, actor, "update", appointment.id, now)
    return appointment


def _movable(old: Appointment, now: datetime) -> None:
    if old.status not in ("held", "booked"):
        raise AppointmentClosed(
            f"only a held or booked appointment can be moved; appointment {old.id} is {old.status}",
            appointment_id=old.id,
            status=old.status,
        )
    if old.status == "held" and (old.hold_expires_at is None or old.hold_expires_at <= now):
        raise HoldExpired(
            f"hold {old.id} expired at {old.hold_expires_at:%H:%M} UTC; hold a slot again",
            hold_id=old.id,
        )


def reschedule_appointment(
    session: Session,
    client: Client,
    appointment_id: int,
    start: datetime,
    now: datetime,
    *,
    actor: Actor | None = None,
) -> Appointment:
    """Move a held or booked appointment in one transaction: if the new time fails, nothing
    changes. A moved hold keeps its expiry; a moved first session still needs a new-client
    place in its new week."""
    old = _own_appointment(session, client, appointment_id, acting(client, actor), "update", now)
    parties = _parties_of(session, old)
    lock_clients(session, [c.id for c in parties])
    therapist = _lock_therapist(session, old.therapist_id)
    session.refresh(old, with_for_update=True)  # as it is now: a cancel may have come first
    _movable(old, now)
    duration = session_length(session, old.therapist_id, old.session_type)
    begin = to_minute(start)
    sweep_expired_holds(session, now, therapist_id=therapist.id, client_ids=[c.id for c in parties])
    # Release the old time inside this transaction only: the new one is checked and inserted
    # before anything commits, and any failure rolls both back.
    status, expires = old.status, old.hold_expires_at
    old.cancel("rescheduled", now, by="client", late=cancels_late(old, now))
    session.flush()
    availability = load_availability(session, now, begin, begin + duration, [therapist.id])
    if not is_free_start(availability[therapist.id], duration, to_minute(now), begin):
        raise _unavailable(session, therapist.id, old.session_type, begin, now)
    start_at, end_at = from_minute(begin), from_minute(begin + duration)
    participants_free(session, parties, start_at, end_at, now)
    if old.is_new_client:
        capacity.check_week_has_room(session, therapist, begin, now)
    new = _new_appointment(
        therapist,
        old.session_type,
        status,
        begin,
        duration,
        parties,
        client,
        now,
        hold_expires_at=expires,
        is_new_client=old.is_new_client,
        client_state=old.client_state,
        rescheduled_from_id=old.id,
    )
    _insert(session, new, duration, now)
    who = acting(client, actor)
    booking_rules.check_couples_allowed(session, old.session_type, parties, who, now)
    if status == "booked":
        notices.moved(session, old, new, now)
    record(session, who, "update", old.id, now)
    record(session, who, "create", new.id, now)
    return new
