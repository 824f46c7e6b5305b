"""Which jobs an appointment's news makes: one per person to tell (each client taking part, and
the therapist), queued in the transaction that made the news, and each client's reminder 24
hours before. How each is said is scheduling/notices.py's, registered by the wiring; the jobs
are made here, below every capability, so that whoever cancels an appointment (scheduling; or
accounts, when an ended partner link cancels joint sessions) queues the same ones."""

from __future__ import annotations

from datetime import datetime, timedelta

from sqlalchemy.orm import Session

from confide.models import Appointment
from confide.notifications.jobs import enqueue

BOOKED = "appointment.booked"
REMINDER = "appointment.reminder"
CANCELLED = "appointment.cancelled"
MOVED = "appointment.moved"
REMINDER_BEFORE = timedelta(hours=24)


def _each_person(
    session: Session,
    kind: str,
    appointment: Appointment,
    event: str,
    now: datetime,
    **payload: object,
) -> None:
    for participant in appointment.participants:
        enqueue(
            session,
            kind,
            {"appointment_id": appointment.id, "client_id": participant.client_id, **payload},
            key=f"appointment:{appointment.id}:{event}:client:{participant.client_id}",
            run_at=now,
        )
    enqueue(
        session,
        kind,
        {"appointment_id": appointment.id, "client_id": None, **payload},
        key=f"appointment:{appointment.id}:{event}:therapist",
        run_at=now,
    )


def _reminders(session: Session, appointment: Appointment, now: datetime) -> None:
    at = appointment.start_at - REMINDER_BEFORE
    if at <= now:  # booked less than a day ahead: the confirmation is the reminder
        return
    for participant in appointment.participants:
        enqueue(
            session,
            REMINDER,
            {
                "appointment_id": appointment.id,
                "client_id": participant.client_id,
                "start_at": appointment.start_at.isoformat(),
            },
            key=f"appointment:{appointment.id}:reminder:client:{participant.client_id}",
            run_at=at,
        )


def booked(session: Session, appointment: Appointment, now: datetime) -> None:
    """A confirmation to each client and the therapist, and each client's reminder."""
    _each_person(session, BOOKED, appointment, "booked", now)
    _reminders(session, appointment, now)


def cancelled(session: Session, appointment: Appointment, now: datetime) -> None:
    """A booked appointment was cancelled: tell each client and the therapist."""
    _each_person(session, CANCELLED, appointment, "cancelled", now)


def moved(session: Session, old: Appointment, new: Appointment, now: datetime) -> None:
    """A booked appointment moved to a new time (a new row): tell everyone, remind anew (the
    old reminders find the old row cancelled and send nothing)."""
    _each_person(session, MOVED, new, "moved", now, moved_from_id=old.id)
    _reminders(session, new, now)
