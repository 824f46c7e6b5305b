"""The .ics invitation for an appointment, read back with icalendar."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

import icalendar
import pytest

from confide.errors import InvalidInput
from confide.interop.icalendar import PRODID, appointment_ics, appointment_uid
from confide.models.scheduling import APPOINTMENT_STATUSES
from confide.vocab import get_vocabulary
from tests.scheduling import sample_records as rec


def _read(data: bytes) -> tuple[icalendar.Calendar, icalendar.Event]:
    calendar = icalendar.Calendar.from_ical(data)
    events = calendar.walk("VEVENT")
    assert len(events) == 1
    return calendar, events[0]


def _attendees(event: icalendar.Event) -> list[icalendar.vCalAddress]:
    value = event.get("attendee", [])
    return value if isinstance(value, list) else [value]


def test_booked_individual_session_is_a_request_in_utc() -> None:
    therapist = rec.therapist()
    client = rec.client(11, "Sam Lee", "sam@example.org")
    data = appointment_ics(rec.appointment([client]), therapist, clients=[client])

    assert isinstance(data, bytes)
    assert b"\r\n" in data  # RFC 5545 line endings
    calendar, event = _read(data)
    assert str(calendar["prodid"]) == PRODID
    assert "Confide" in str(calendar["prodid"])
    assert str(calendar["version"]) == "2.0"
    assert str(calendar["method"]) == "REQUEST"
    assert str(event["uid"]) == "appointment-5@confide"
    assert event["dtstart"].dt == datetime(2026, 3, 2, 17, 0, tzinfo=UTC)
    assert event["dtend"].dt == datetime(2026, 3, 2, 18, 0, tzinfo=UTC)
    assert event["dtstart"].dt.utcoffset() == timedelta(0)
    assert b"DTSTART:20260302T170000Z" in data
    assert b"DTEND:20260302T180000Z" in data
    assert event["dtstamp"].dt == datetime(2026, 2, 20, 12, 0, tzinfo=UTC)
    assert event["sequence"] == 0
    assert str(event["status"]) == "CONFIRMED"
    assert str(event["summary"]) == "First session (individual) with Ana Ruiz, LMFT"
    assert str(event["class"]) == "PRIVATE"
    assert str(event["organizer"]) == "mailto:bookings@confide.example"


def test_uid_stays_the_same_when_the_appointment_changes() -> None:
    therapist = rec.therapist()
    client = rec.client(11, "Sam Lee")
    first = rec.appointment([client], sequence=0)
    moved = rec.appointment(
        [client],
        start=rec.START + timedelta(days=2),
        sequence=1,
        updated_at=datetime(2026, 2, 21, 9, 0, tzinfo=UTC),
    )
    _, before = _read(appointment_ics(first, therapist, clients=[client]))
    _, after = _read(appointment_ics(moved, therapist, clients=[client]))

    assert str(before["uid"]) == str(after["uid"]) == appointment_uid(5)
    assert (before["sequence"], after["sequence"]) == (0, 1)
    assert after["dtstart"].dt == rec.START + timedelta(days=2)
    assert after["dtstamp"].dt > before["dtstamp"].dt
    other = rec.appointment([client], id=6)
    _, other_event = _read(appointment_ics(other, therapist, clients=[client]))
    assert str(other_event["uid"]) != str(before["uid"])


def test_the_same_appointment_gives_the_same_bytes() -> None:
    therapist = rec.therapist()
    client = rec.client(11, "Sam Lee")
    appointment = rec.appointment([client])
    assert appointment_ics(appointment, therapist, clients=[client]) == appointment_ics(
        appointment, therapist, clients=[client]
    )


def test_cancellation_is_method_cancel_with_the_same_uid_and_a_higher_sequence() -> None:
    therapist = rec.therapist()
    client = rec.client(11, "Sam Lee")
    cancelled = rec.appointment([client], status="cancelled", sequence=2)
    calendar, event = _read(appointment_ics(cancelled, therapist, clients=[client]))

    assert str(calendar["method"]) == "CANCEL"
    assert str(event["status"]) == "CANCELLED"
    assert str(event["uid"]) == "appointment-5@confide"
    assert event["sequence"] == 2


@pytest.mark.parametrize(
    ("status", "method", "ics_status"),
    [
        ("held", "REQUEST", "TENTATIVE"),
        ("pending", "REQUEST", "TENTATIVE"),
        ("booked", "REQUEST", "CONFIRMED"),
        ("fulfilled", "REQUEST", "CONFIRMED"),
        ("cancelled", "CANCEL", "CANCELLED"),
        ("expired", "CANCEL", "CANCELLED"),
        ("entered-in-error", "CANCEL", "CANCELLED"),
    ],
)
def test_status_and_method_follow_the_appointment(
    status: str, method: str, ics_status: str
) -> None:
    client = rec.client(11, "Sam Lee")
    calendar, event = _read(
        appointment_ics(rec.appointment([client], status=status), rec.therapist(), clients=[client])
    )
    assert str(calendar["method"]) == method
    assert str(event["status"]) == ics_status


@pytest.mark.parametrize("status", APPOINTMENT_STATUSES)
def test_every_appointment_status_gives_a_calendar(status: str) -> None:
    client = rec.client(11, "Sam Lee")
    _, event = _read(
        appointment_ics(rec.appointment([client], status=status), rec.therapist(), clients=[client])
    )
    assert str(event["status"]) in {"TENTATIVE", "CONFIRMED", "CANCELLED"}


def test_local_times_are_written_in_utc() -> None:
    client = rec.client(11, "Sam Lee")
    start = datetime(2026, 7, 1, 9, 0, tzinfo=ZoneInfo("America/New_York"))
    data = appointment_ics(
        rec.appointment([client], start=start), rec.therapist(), clients=[client]
    )
    _, event = _read(data)
    assert event["dtstart"].dt == datetime(2026, 7, 1, 13, 0, tzinfo=UTC)
    assert b"DTSTART:20260701T130000Z" in data
    assert b"TZID" not in data


def test_couples_session_has_one_attendee_per_partner_and_mailto_only_with_an_email() -> None:
    therapist = rec.therapist()
    partners = [rec.client(12, "Jo Park", "jo@example.org"), rec.client(11, "Sam Lee")]
    appointment = rec.appointment(partners, session_type="couples_intake", minutes=80)
    _, event = _read(appointment_ics(appointment, therapist, clients=partners))

    assert str(event["summary"]) == "First session (couples) with Ana Ruiz, LMFT"
    attendees = {str(a.params["cn"]): str(a) for a in _attendees(event)}
    assert attendees == {"Sam Lee": "invalid:nomail", "Jo Park": "mailto:jo@example.org"}


def test_description_says_telehealth_or_in_person() -> None:
    client = rec.client(11, "Sam Lee")
    appointment = rec.appointment([client])

    _, remote = _read(appointment_ics(appointment, rec.therapist(), clients=[client]))
    assert "telehealth" in str(remote["description"]).lower()
    assert "in-person" not in str(remote["description"]).lower()
    assert str(remote["location"]) == "Telehealth (video)"

    office_only = rec.therapist(offers_telehealth=False, offers_in_person=True)
    _, office = _read(appointment_ics(appointment, office_only, clients=[client]))
    assert "in-person" in str(office["description"]).lower()
    assert "Oakland" in str(office["description"])
    assert "telehealth" not in str(office["description"]).lower()
    assert "94612" in str(office["location"])

    both = rec.therapist(offers_in_person=True)
    _, chosen = _read(appointment_ics(appointment, both, clients=[client], setting="in_person"))
    assert "in-person" in str(chosen["description"]).lower()


def test_unknown_setting_is_refused() -> None:
    client = rec.client(11, "Sam Lee")
    with pytest.raises(InvalidInput) as raised:
        appointment_ics(
            rec.appointment([client]), rec.therapist(), clients=[client], setting="phone"
        )
    assert raised.value.field == "setting"


def test_nothing_about_why_the_person_comes_is_in_the_file() -> None:
    therapist = rec.therapist()
    partners = [rec.client(11, "Sam Lee"), rec.client(12, "Jo Park")]
    appointment = rec.appointment(partners, session_type="couples_intake", minutes=80)
    text = appointment_ics(appointment, therapist, clients=partners).decode().lower()

    vocabulary = get_vocabulary()
    for concern in vocabulary.concerns.values():
        assert concern.label.lower() not in text
        assert concern.code.replace("_", " ") not in text
    for word in ("diagnos", "safety", "violence", "self-harm", "phq", "gad-7", "screening"):
        assert word not in text


def test_organizer_address_can_be_set() -> None:
    client = rec.client(11, "Sam Lee")
    _, event = _read(
        appointment_ics(
            rec.appointment([client]),
            rec.therapist(),
            clients=[client],
            organizer_email="care@clinic.example",
        )
    )
    assert str(event["organizer"]) == "mailto:care@clinic.example"
    assert str(event["organizer"].params["cn"]) == "Confide"
