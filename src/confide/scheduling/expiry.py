"""Lapsed holds: marked expired (with their participants) before a booking looks at what is free."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime

from sqlalchemy import exists, or_, select, update
from sqlalchemy.orm import Session

from confide.models import Appointment, AppointmentParticipant


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
