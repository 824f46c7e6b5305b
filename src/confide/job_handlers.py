"""Wiring: which handler runs each kind of job, for the app (account mail tried at once) and
`confide worker`. Handlers live with the capability that knows the data; this module only
puts them together, since notifications sits below every capability."""

from __future__ import annotations

from collections.abc import Sequence

from confide.interop.icalendar import appointment_ics
from confide.models import Appointment, Client, Therapist
from confide.notifications import plain_mail
from confide.notifications.worker import Handlers
from confide.scheduling import notices


def _mailed_calendar(
    appointment: Appointment, therapist: Therapist, clients: Sequence[Client]
) -> bytes:
    return appointment_ics(appointment, therapist, clients=clients, discreet=True)


def job_handlers() -> Handlers:
    handlers = Handlers()
    plain_mail.register(handlers)
    notices.register(handlers, calendar=_mailed_calendar)
    return handlers
