"""What people are told about appointments: booked (with the calendar file), a reminder 24
hours before, cancelled, moved; each client taking part, and the therapist (at the address of
their Confide account, if they have one).

The service queues a job per person in the booking's own transaction (`booked`, `cancelled`,
`moved`, from notifications/appointments.py, so that accounts, below scheduling, queues the
same ones when an ended partner link cancels joint sessions); the handlers here render each
message from the appointment when the job runs, so a reminder for a session cancelled or
moved since is not sent. Nothing sensitive goes in a notification: no concern, no screening,
no session type (every session is "an appointment"), no names of other people, nothing either
partner answered privately.

The calendar file is interop's (it sits above scheduling): the wiring passes its renderer to
`register`.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from datetime import datetime
from typing import Any
from zoneinfo import ZoneInfo

from sqlalchemy import select
from sqlalchemy.orm import Session, selectinload

from confide import audit
from confide.audit import SYSTEM
from confide.models import Appointment, Client, Therapist, User
from confide.notifications.appointments import (
    BOOKED,
    CANCELLED,
    MOVED,
    REMINDER,
    booked,
    cancelled,
    moved,
)
from confide.notifications.mail import Attachment
from confide.notifications.worker import Handler, Handlers, Mail, Outgoing

# an appointment, its therapist and its clients -> an .ics (interop's appointment_ics)
CalendarFile = Callable[[Appointment, Therapist, Sequence[Client]], bytes]

SIGN_IN = "To change or cancel it, sign in to Confide."

__all__ = ["BOOKED", "CANCELLED", "MOVED", "REMINDER", "booked", "cancelled", "moved", "register"]


# --- rendering, when the job runs ----------------------------------------------------------


def _when(moment: datetime, zone: str) -> str:
    local = moment.astimezone(ZoneInfo(zone))
    return f"{local:%A} {local.day} {local:%B %Y} at {local:%H:%M} {local:%Z}"


def _therapist_email(session: Session, therapist_id: int) -> str | None:
    return session.scalar(
        select(User.email).where(User.therapist_id == therapist_id, User.role == "therapist")
    )


class _Found:
    """The appointment a job is about, with its therapist and clients (the read audited)."""

    def __init__(self, session: Session, appointment_id: int, now: datetime) -> None:
        self.appointment = session.scalars(
            select(Appointment)
            .where(Appointment.id == appointment_id)
            .options(selectinload(Appointment.participants))
        ).one()
        self.therapist = session.get_one(Therapist, self.appointment.therapist_id)
        self.clients = [session.get_one(Client, p.client_id) for p in self.appointment.participants]
        audit.record(session, SYSTEM, "read", "appointment", appointment_id, "ok", now)

    def client(self, client_id: int) -> Client | None:
        return next((c for c in self.clients if c.id == client_id), None)


def _ics(calendar: CalendarFile, found: _Found, name: str) -> Attachment:
    body = calendar(found.appointment, found.therapist, found.clients)
    return Attachment(name, body, "text/calendar")


def _addressee(
    session: Session, found: _Found, payload: Mapping[str, Any]
) -> tuple[str, str, bool] | None:
    """Whom a notice goes to: (address, their zone, whether it is the therapist); None when
    they have no address (or the client is no longer a participant)."""
    if payload["client_id"] is None:
        address = _therapist_email(session, found.therapist.id)
        return None if address is None else (address, found.therapist.timezone, True)
    client = found.client(int(payload["client_id"]))
    if client is None or not client.email:
        return None
    return client.email, client.timezone, False


def _render_booked(calendar: CalendarFile) -> Handler:
    def render(session: Session, payload: Mapping[str, Any], now: datetime) -> list[Outgoing]:
        found = _Found(session, int(payload["appointment_id"]), now)
        appointment, therapist = found.appointment, found.therapist
        to = _addressee(session, found, payload)
        if to is None:
            return []
        address, zone, for_therapist = to
        when = _when(appointment.start_at, zone)
        if for_therapist:
            return [
                Mail(
                    address,
                    "A new appointment on Confide",
                    f"Hello,\n\nA client booked an appointment with you for {when}.\n"
                    "Sign in to Confide to see it in your appointments.",
                )
            ]
        return [
            Mail(
                address,
                "Your Confide appointment is booked",
                f"Hello,\n\nYour appointment with {therapist.display_name} is booked for "
                f"{when}.\nThe calendar file attached adds it to your calendar.\n{SIGN_IN}",
                (_ics(calendar, found, "appointment.ics"),),
            )
        ]

    return render


def _render_reminder(session: Session, payload: Mapping[str, Any], now: datetime) -> list[Outgoing]:
    found = _Found(session, int(payload["appointment_id"]), now)
    appointment = found.appointment
    client = found.client(int(payload["client_id"]))
    still_on = (
        appointment.status == "booked"
        and appointment.start_at == datetime.fromisoformat(str(payload["start_at"]))
        and now < appointment.start_at
    )
    if not still_on or client is None or not client.email:
        return []  # cancelled, moved or past since it was queued: nothing to remind of
    when = _when(appointment.start_at, client.timezone)
    return [
        Mail(
            client.email,
            "Reminder: your Confide appointment",
            f"Hello,\n\nA reminder of your appointment with {found.therapist.display_name} "
            f"on {when}.\n{SIGN_IN}",
        )
    ]


def _render_cancelled(calendar: CalendarFile) -> Handler:
    def render(session: Session, payload: Mapping[str, Any], now: datetime) -> list[Outgoing]:
        found = _Found(session, int(payload["appointment_id"]), now)
        appointment, therapist = found.appointment, found.therapist
        to = _addressee(session, found, payload)
        if to is None:
            return []
        address, zone, for_therapist = to
        when = _when(appointment.start_at, zone)
        if for_therapist:
            return [
                Mail(
                    address,
                    "An appointment on Confide was cancelled",
                    f"Hello,\n\nThe appointment with you on {when} was cancelled; the time is "
                    "free again.\nSign in to Confide to see your appointments.",
                )
            ]
        return [
            Mail(
                address,
                "Your Confide appointment was cancelled",
                f"Hello,\n\nYour appointment with {therapist.display_name} on {when} was "
                "cancelled.\nThe calendar file attached takes it off your calendar.\n"
                "You can book another time on Confide.",
                (_ics(calendar, found, "cancelled.ics"),),
            )
        ]

    return render


def _render_moved(calendar: CalendarFile) -> Handler:
    def render(session: Session, payload: Mapping[str, Any], now: datetime) -> list[Outgoing]:
        found = _Found(session, int(payload["appointment_id"]), now)
        before = _Found(session, int(payload["moved_from_id"]), now)
        appointment, therapist = found.appointment, found.therapist
        to = _addressee(session, found, payload)
        if to is None:
            return []
        address, zone, for_therapist = to
        if for_therapist:
            return [
                Mail(
                    address,
                    "An appointment on Confide has moved",
                    "Hello,\n\nAn appointment with you has moved from "
                    f"{_when(before.appointment.start_at, zone)} to "
                    f"{_when(appointment.start_at, zone)}.\n"
                    "Sign in to Confide to see your appointments.",
                )
            ]
        return [
            Mail(
                address,
                "Your Confide appointment has moved",
                f"Hello,\n\nYour appointment with {therapist.display_name} has moved to "
                f"{_when(appointment.start_at, zone)} (it was "
                f"{_when(before.appointment.start_at, zone)}).\n"
                "The calendar files attached move it in your calendar.\n" + SIGN_IN,
                (
                    _ics(calendar, before, "cancelled.ics"),
                    _ics(calendar, found, "appointment.ics"),
                ),
            )
        ]

    return render


def register(handlers: Handlers, *, calendar: CalendarFile) -> None:
    """The appointment notices' handlers, with interop's calendar file renderer."""
    handlers.register(BOOKED, _render_booked(calendar))
    handlers.register(REMINDER, _render_reminder)
    handlers.register(CANCELLED, _render_cancelled(calendar))
    handlers.register(MOVED, _render_moved(calendar))
