"""Scheduling use cases: hold, book, cancel and reschedule (which starts are free: bookable.py).

Every write locks the therapist row first (PostgreSQL; SQLite's BEGIN IMMEDIATE already serialises
writers), checks with the same free-start function that lists slots, and leaves the final word to
the database: an exclusion constraint (PostgreSQL) or a trigger (SQLite) refuses overlapping rows.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime, timedelta

from sqlalchemy import exists, or_, select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session, selectinload

from confide.errors import (
    HoldExpired,
    InvalidInput,
    NotFound,
    SlotUnavailable,
)
from confide.models import (
    Appointment,
    AppointmentParticipant,
    Client,
    Therapist,
    blocking_clause,
)
from confide.scheduling import capacity
from confide.scheduling.bookable import alternatives, session_length
from confide.scheduling.queries import load_availability
from confide.scheduling.slots import is_free_start
from confide.scheduling.timegrid import (
    from_minute,
    to_minute,
)
from confide.vocab import get_vocabulary


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


def sweep_expired_holds(
    session: Session,
    now: datetime,
    *,
    therapist_id: int | None = None,
    client_ids: Sequence[int] = (),
) -> set[int]:
    """Mark lapsed holds expired (of one therapist and some clients, or all); returns therapists."""
    condition = [Appointment.status == "held", Appointment.hold_expires_at <= now]
    scope = []
    if therapist_id is not None:
        scope.append(Appointment.therapist_id == therapist_id)
    if client_ids:
        scope.append(
            exists().where(
                AppointmentParticipant.appointment_id == Appointment.id,
                AppointmentParticipant.client_id.in_(list(client_ids)),
            )
        )
    query = select(Appointment.id, Appointment.therapist_id).where(*condition)
    if scope:
        query = query.where(or_(*scope))
    rows = session.execute(query).all()
    if not rows:
        return set()
    ids = [r.id for r in rows]
    session.execute(
        update(Appointment).where(Appointment.id.in_(ids)).values(status="expired", updated_at=now),
        execution_options={"synchronize_session": False},
    )
    session.execute(
        update(AppointmentParticipant)
        .where(AppointmentParticipant.appointment_id.in_(ids))
        .values(status="expired"),
        execution_options={"synchronize_session": False},
    )
    session.expire_all()
    return {r.therapist_id for r in rows}


def _participants_free(
    session: Session,
    clients: list[Client],
    start: datetime,
    end: datetime,
    now: datetime,
    ignore: int | None = None,
) -> None:
    clash = (
        select(AppointmentParticipant.client_id)
        .join(Appointment)
        .where(
            AppointmentParticipant.client_id.in_([c.id for c in clients]),
            blocking_clause(now),
            Appointment.start_at < end,
            Appointment.end_at > start,
        )
    )
    if ignore is not None:
        clash = clash.where(Appointment.id != ignore)
    busy = set(session.scalars(clash))
    if busy:
        who = "you" if len(busy) == 1 and clients[0].id in busy else "your partner"
        if len(busy) > 1:
            who = "you and your partner"
        raise SlotUnavailable(
            f"{who} already have a session at that time", field="start", alternatives=[]
        )


def _booking_parties(session: Session, client: Client, session_type: str) -> list[Client]:
    kind = get_vocabulary().session_types[session_type]
    if kind.format != "couples":
        return [client]
    if client.partner_id is None:
        raise InvalidInput(
            "session_type",
            "a couples session needs your partner linked to your "
            "account first: send them an invitation from your account",
        )
    partner = session.get(Client, client.partner_id)
    if partner is None:
        raise InvalidInput("session_type", "your linked partner's account no longer exists")
    return [client, partner]


def _check_licensure(session: Session, therapist_id: int, clients: list[Client]) -> None:
    for index, person in enumerate(clients):
        if not capacity.licensed(session, therapist_id, person.state):
            whose = "you are" if index == 0 else "your partner is"
            raise InvalidInput(
                "therapist_id",
                f"this therapist is not licensed in "
                f"{person.state}, where {whose}; choose a therapist licensed "
                "there",
            )


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
) -> Appointment:
    """Reserve a free start for `hold_minutes` while the client confirms."""
    therapist = session.get(Therapist, therapist_id)
    if therapist is None:
        raise NotFound(f"no therapist with id {therapist_id}", therapist_id=therapist_id)
    duration = session_length(session, therapist_id, session_type)
    parties = _booking_parties(session, client, session_type)
    _check_licensure(session, therapist_id, parties)
    begin = to_minute(start)
    kind = get_vocabulary().session_types[session_type]
    sweep_expired_holds(session, now, therapist_id=therapist_id, client_ids=[c.id for c in parties])
    availability = load_availability(
        session, now, begin, begin + duration, [therapist_id], loaded=therapist
    )
    if not is_free_start(availability[therapist_id], duration, to_minute(now), begin):
        raise _unavailable(session, therapist_id, session_type, begin, now)
    start_at, end_at = from_minute(begin), from_minute(begin + duration)
    _participants_free(session, parties, start_at, end_at, now)
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
    return appointment


def get_appointment(session: Session, client: Client, appointment_id: int) -> Appointment:
    """An appointment the client takes part in; anyone else gets NotFound, not a hint."""
    appointment = session.scalars(
        select(Appointment)
        .where(Appointment.id == appointment_id)
        .options(selectinload(Appointment.participants))
    ).one_or_none()
    if appointment is None or client.id not in {p.client_id for p in appointment.participants}:
        raise NotFound(f"no appointment with id {appointment_id}", appointment_id=appointment_id)
    return appointment


def appointment_with_people(
    session: Session, client: Client, appointment_id: int
) -> tuple[Appointment, Therapist, list[Client]]:
    """One of the client's appointments with its therapist and every client in it."""
    appointment = get_appointment(session, client, appointment_id)
    therapist = session.get_one(Therapist, appointment.therapist_id)
    people = [session.get_one(Client, p.client_id) for p in appointment.participants]
    return appointment, therapist, people


def _set_status(appointment: Appointment, status: str, now: datetime) -> None:
    appointment.status = status
    appointment.updated_at = now
    for participant in appointment.participants:
        participant.status = status


def confirm_hold(session: Session, client: Client, hold_id: int, now: datetime) -> Appointment:
    """Turn an unexpired hold into a booked appointment."""
    appointment = get_appointment(session, client, hold_id)
    session.refresh(appointment, with_for_update=True)
    if appointment.status == "booked":
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
    _set_status(appointment, "booked", now)
    appointment.hold_expires_at = None
    session.flush()
    return appointment


def cancel_appointment(
    session: Session, client: Client, appointment_id: int, now: datetime, reason: str
) -> Appointment:
    """Cancel a held or booked appointment; the calendar copy is bumped to a cancellation."""
    appointment = get_appointment(session, client, appointment_id)
    session.refresh(appointment, with_for_update=True)
    if appointment.status == "cancelled":
        return appointment
    if appointment.status not in ("held", "booked"):
        raise InvalidInput(
            "appointment_id", f"an appointment that is {appointment.status} cannot be cancelled"
        )
    _set_status(appointment, "cancelled", now)
    appointment.cancel_reason = reason
    appointment.calendar_sequence += 1
    session.flush()
    return appointment


def reschedule_appointment(
    session: Session, client: Client, appointment_id: int, start: datetime, now: datetime
) -> Appointment:
    """Move a booked appointment in one transaction: if the new time fails, nothing changes."""
    old = get_appointment(session, client, appointment_id)
    therapist = _lock_therapist(session, old.therapist_id)
    if old.status != "booked":
        raise InvalidInput(
            "appointment_id", f"only a booked appointment can be moved; this one is {old.status}"
        )
    duration = session_length(session, old.therapist_id, old.session_type)
    parties = [session.get_one(Client, p.client_id) for p in old.participants]
    begin = to_minute(start)
    sweep_expired_holds(session, now, therapist_id=therapist.id, client_ids=[c.id for c in parties])
    # Release the old time inside this transaction only: the new one is checked and inserted
    # before anything commits, and any failure rolls both back.
    _set_status(old, "cancelled", now)
    old.cancel_reason = "rescheduled"
    old.calendar_sequence += 1
    session.flush()
    availability = load_availability(session, now, begin, begin + duration, [therapist.id])
    if not is_free_start(availability[therapist.id], duration, to_minute(now), begin):
        raise _unavailable(session, therapist.id, old.session_type, begin, now)
    start_at, end_at = from_minute(begin), from_minute(begin + duration)
    _participants_free(session, parties, start_at, end_at, now)
    new = _new_appointment(
        therapist,
        old.session_type,
        "booked",
        begin,
        duration,
        parties,
        client,
        now,
        is_new_client=old.is_new_client,
        client_state=old.client_state,
        rescheduled_from_id=old.id,
    )
    _insert(session, new, duration, now)
    return new
