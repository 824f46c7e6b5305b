"""Who takes part in a booking: the client and, for a couples session, their linked partner;
each licensed for where they are and free at that time. Their rows are locked, in one order,
before any rule about what they already hold is checked."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from confide.errors import InvalidInput, SlotUnavailable
from confide.models import Appointment, AppointmentParticipant, Client, blocking_clause
from confide.scheduling import capacity
from confide.vocab import get_vocabulary


def lock_clients(session: Session, client_ids: Iterable[int | None]) -> None:
    """Lock the clients' rows, lowest id first so that locks are always taken in one order, and
    reload them: a partner link read before the lock may have changed since."""
    session.scalars(
        select(Client)
        .where(Client.id.in_(sorted({i for i in client_ids if i is not None})))
        .order_by(Client.id)
        .with_for_update()
        .execution_options(populate_existing=True)
    ).all()


def participants_free(
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


def booking_parties(session: Session, client: Client, session_type: str) -> list[Client]:
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


def check_licensure(
    session: Session, therapist_id: int, clients: list[Client], now: datetime
) -> None:
    for index, person in enumerate(clients):
        if not capacity.licensed(session, therapist_id, person.state, now):
            whose = "you are" if index == 0 else "your partner is"
            raise InvalidInput(
                "therapist_id",
                f"this therapist is not licensed in "
                f"{person.state}, where {whose}; choose a therapist licensed "
                "there",
            )
