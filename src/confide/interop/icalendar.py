"""iCalendar in and out: an appointment as an .ics invitation, a therapist's .ics as busy times."""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta, tzinfo
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

import icalendar
import recurring_ical_events
from icalendar.error import IncompleteComponent, InvalidCalendar

from confide.errors import InvalidInput
from confide.models.clients import Client
from confide.models.network import Therapist
from confide.models.scheduling import Appointment
from confide.vocab import get_vocabulary

PRODID = "-//Confide//Scheduling//EN"
# Calendar programs show an attendee without an address this way (Apple, Outlook); the value
# is a URI by the standard, so "no email" still needs one.
NO_EMAIL_ADDRESS = "invalid:nomail"
# Expanding a recurring event every minute over a year would be half a million rows: refuse.
MAX_BUSY_TIMES = 20_000

_ICS_STATUS = {
    "held": "TENTATIVE",
    "proposed": "TENTATIVE",
    "pending": "TENTATIVE",
    "booked": "CONFIRMED",
    "fulfilled": "CONFIRMED",
    "noshow": "CONFIRMED",
    "cancelled": "CANCELLED",
    "expired": "CANCELLED",
    "entered-in-error": "CANCELLED",
}
SETTINGS = ("telehealth", "in_person")


def appointment_ics(
    appointment: Appointment,
    therapist: Therapist,
    *,
    clients: Sequence[Client],
    organizer_email: str = "bookings@confide.example",
    setting: str | None = None,
    discreet: bool = False,
) -> bytes:
    """The appointment as a one-event iCalendar invitation (a cancellation when it is off).

    `clients` are the appointment's client participants. `discreet` (the copy sent by mail)
    calls every session type just "Appointment". Appointments do not record whether they
    are telehealth or in person; pass `setting` when known, otherwise it is taken from what the
    therapist offers (in person only when that is all they offer).
    """
    status = _ICS_STATUS[appointment.status]
    setting = setting or _default_setting(therapist)
    if setting not in SETTINGS:
        raise InvalidInput("setting", f"unknown setting {setting!r}", allowed=list(SETTINGS))
    session_type = get_vocabulary().session_types[appointment.session_type]

    calendar = icalendar.Calendar()
    calendar.add("prodid", PRODID)
    calendar.add("version", "2.0")
    calendar.add("calscale", "GREGORIAN")
    calendar.add("method", "CANCEL" if status == "CANCELLED" else "REQUEST")

    event = icalendar.Event()
    event.add("uid", appointment_uid(appointment.id))
    # updated_at changes with every edit, so an unchanged appointment gives identical bytes.
    event.add("dtstamp", _utc(appointment.updated_at or datetime.now(UTC)))
    event.add("dtstart", _utc(appointment.start_at))
    event.add("dtend", _utc(appointment.end_at))
    event.add("sequence", appointment.calendar_sequence or 0)
    event.add("status", status)
    label = "Appointment" if discreet else session_type.label
    event.add("summary", f"{label} with {therapist.display_name}")
    event.add("description", _description(setting, therapist))
    event.add("location", _location(setting, therapist))
    # Shared calendars then show the time as busy without the title.
    event.add("class", "PRIVATE")
    event.add("transp", "TRANSPARENT" if status == "CANCELLED" else "OPAQUE")

    organizer = icalendar.vCalAddress(f"mailto:{organizer_email}")
    organizer.params["cn"] = icalendar.vText("Confide")
    event.add("organizer", organizer)
    for attendee in _attendees(clients, status):
        event.add("attendee", attendee)

    calendar.add_component(event)
    ics: bytes = calendar.to_ical()
    return ics


def _attendees(clients: Sequence[Client], status: str) -> Iterator[icalendar.vCalAddress]:
    """Each client once, by id; a hold (TENTATIVE) still needs their answer."""
    seen: set[int] = set()
    for client in sorted(clients, key=lambda c: c.id):
        if client.id in seen:
            continue
        seen.add(client.id)
        attendee = icalendar.vCalAddress(
            f"mailto:{client.email}" if client.email else NO_EMAIL_ADDRESS
        )
        attendee.params["cn"] = icalendar.vText(client.name)
        attendee.params["cutype"] = icalendar.vText("INDIVIDUAL")
        attendee.params["role"] = icalendar.vText("REQ-PARTICIPANT")
        attendee.params["partstat"] = icalendar.vText(
            "NEEDS-ACTION" if status == "TENTATIVE" else "ACCEPTED"
        )
        yield attendee


def appointment_uid(appointment_id: int) -> str:
    """The iCalendar UID of an appointment: the same for every version of it."""
    return f"appointment-{appointment_id}@confide"


def _default_setting(therapist: Therapist) -> str:
    if therapist.offers_in_person and not therapist.offers_telehealth:
        return "in_person"
    return "telehealth"


def _office(therapist: Therapist) -> str:
    place = ", ".join(p for p in (therapist.office_city, therapist.practice_state) if p)
    if therapist.office_postal_code:
        place = f"{place} {therapist.office_postal_code}".strip()
    return place


def _description(setting: str, therapist: Therapist) -> str:
    # Calendar entries are seen by other people and synced to other services: say where and how
    # to join, and nothing about why the person is coming.
    if setting == "telehealth":
        how = (
            "This is a telehealth session held by video. "
            "Your therapist will send you the link to join before the session starts."
        )
    else:
        office = _office(therapist)
        where = f" at their office in {office}" if office else " at their office"
        how = f"This is an in-person session{where}. Your therapist will confirm the address."
    return f"{how}\nTo change or cancel, sign in to Confide."


def _location(setting: str, therapist: Therapist) -> str:
    if setting == "telehealth":
        return "Telehealth (video)"
    office = _office(therapist)
    return f"Office, {office}" if office else "Office"


def _utc(moment: datetime) -> datetime:
    if moment.tzinfo is None:
        raise ValueError(f"naive datetime {moment!r}: Confide works in instants only")
    return moment.astimezone(UTC)


@dataclass(frozen=True, slots=True)
class BusyTime:
    """A stretch of time the therapist's own calendar says is taken, in UTC."""

    source_uid: str
    start_at: datetime
    end_at: datetime


def busy_times_from_ics(
    data: bytes, start: datetime, end: datetime, *, default_tz: str
) -> list[BusyTime]:
    """Busy times in [start, end) from an uploaded .ics, recurring events expanded.

    Floating times and all-day dates are read in `default_tz` (the therapist's zone) unless the
    file names its own zone (X-WR-TIMEZONE); an all-day event blocks whole local days. Free
    (TRANSP:TRANSPARENT) and cancelled events are left out. Overlapping busy times are kept
    apart, each with the UID of the event it came from.
    """
    start, end = _utc(start), _utc(end)
    if start >= end:
        raise InvalidInput("end", "the end of the period must be after its start")
    try:
        zone = ZoneInfo(default_tz)
    except (ZoneInfoNotFoundError, ValueError) as error:
        raise InvalidInput("timezone", f"unknown time zone {default_tz!r}") from error
    calendar = _parse(data)
    _check_events(calendar, zone)
    busy: set[BusyTime] = set()
    try:
        query = recurring_ical_events.of(calendar)
        for window_start, window_end in _windows(start, end):
            for event in query.between(window_start, window_end):
                if _blocks_time(event):
                    busy.update(_busy_time(event, zone, start, end))
            if len(busy) > MAX_BUSY_TIMES:
                raise InvalidInput(
                    "calendar", f"the calendar has more than {MAX_BUSY_TIMES} events in this period"
                )
    except InvalidInput:
        raise
    except Exception as error:  # the libraries raise many kinds; the caller needs one
        raise InvalidInput(
            "calendar", "the calendar file has an event that could not be read"
        ) from error
    return sorted(busy, key=lambda b: (b.start_at, b.end_at, b.source_uid))


def _parse(data: bytes) -> icalendar.Calendar:
    if not isinstance(data, (bytes, bytearray)) or not data.strip():
        raise InvalidInput("calendar", "the calendar file is empty")
    try:
        calendars = icalendar.Calendar.from_ical(bytes(data), multiple=True)
    except Exception as error:
        raise InvalidInput("calendar", "the file is not an iCalendar (.ics) file") from error
    found = [c for c in calendars if c.name == "VCALENDAR"]
    if len(found) != 1:
        raise InvalidInput("calendar", "the file must hold exactly one calendar (VCALENDAR)")
    return found[0]


def _check_events(calendar: icalendar.Calendar, zone: tzinfo) -> None:
    """Refuse what the expansion library would silently bend (it swaps a reversed start and end)."""
    for event in calendar.walk("VEVENT"):
        if not isinstance(event, icalendar.Event):
            continue
        try:
            begin, finish = event.start, event.end
        except IncompleteComponent as error:
            raise InvalidInput("calendar", "an event has no start time (DTSTART)") from error
        except InvalidCalendar as error:
            raise InvalidInput(
                "calendar", "an event has a start or end that is not valid"
            ) from error
        if _instant(finish, zone) < _instant(begin, zone):
            raise InvalidInput("calendar", "an event ends before it starts")


def _windows(start: datetime, end: datetime) -> Iterator[tuple[datetime, datetime]]:
    # Week by week, so a rule that repeats every minute is refused before it fills memory. The
    # library compares floating and all-day events in their own terms: a day more on each side,
    # then exact clipping in UTC.
    margin, step = timedelta(days=1), timedelta(days=7)
    cursor, stop = start - margin, end + margin
    while cursor < stop:
        yield cursor, min(cursor + step, stop)
        cursor += step


def _blocks_time(event: icalendar.Event) -> bool:
    transparency = str(event.get("transp", "OPAQUE")).upper()
    status = str(event.get("status", "CONFIRMED")).upper()
    return transparency != "TRANSPARENT" and status != "CANCELLED"


def _busy_time(
    event: icalendar.Event, zone: tzinfo, start: datetime, end: datetime
) -> list[BusyTime]:
    # Event.end follows RFC 5545 when DTEND is absent: start plus DURATION, else the start itself
    # for a timed event (it takes no time) and the next day for an all-day one.
    begin_at = max(_instant(event.start, zone), start)
    finish_at = min(_instant(event.end, zone), end)
    if begin_at >= finish_at:
        return []
    return [BusyTime(str(event.uid).strip()[:255], begin_at, finish_at)]


def _instant(value: date | datetime, zone: tzinfo) -> datetime:
    if not isinstance(value, datetime):
        value = datetime.combine(value, time())
    if value.tzinfo is None:
        value = value.replace(tzinfo=zone)
    return value.astimezone(UTC)
