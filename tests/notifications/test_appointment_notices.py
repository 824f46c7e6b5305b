"""Appointment notices through the API and the worker, on SQLite and PostgreSQL, with a real SMTP
server: a booking leaves a confirmation (with the .ics) for each client and a new-booking mail
for the therapist; the reminder goes 24 hours before and not after a cancellation or a move;
no notification says anything about why someone comes, their screening, or the session type."""

from __future__ import annotations

import re
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from email.message import EmailMessage

import icalendar
import pytest
import time_machine
from fastapi.testclient import TestClient
from sqlalchemy import select

from confide.db import Database
from confide.main import create_app
from confide.models import Job, User
from confide.notifications.worker import Worker
from confide.vocab import get_vocabulary
from tests.conftest import Inbox, settings_for
from tests.scheduling.factories import link_partners, make_client, make_therapist

NOW = datetime(2026, 12, 2, 15, 0, tzinfo=UTC)  # a Wednesday, 10:00 in New York
MONDAY_9_NY = datetime(2026, 12, 7, 14, 0, tzinfo=UTC)
THERAPIST_EMAIL = "robin.hale@example.org"
CLIENT_EMAIL = "sam@example.org"

# words that would tell a reader why someone comes, what they answered, or the kind of session
_SENSITIVE = {
    "intake",
    "couple",
    "couples",
    "individual",
    "first session",
    "screen",
    "screening",
    "phq",
    "gad",
    "ptsd",
    "audit-c",
    "safety",
    "violence",
    "abuse",
    "risk",
    "self-harm",
    "suicid",
    "concern",
    "diagnos",
    "90791",
    "90837",
    "90847",
    "partner",
}


def sensitive_words() -> set[str]:
    vocabulary = get_vocabulary()
    words = set(_SENSITIVE)
    for concern in vocabulary.concerns.values():
        words |= {concern.code.replace("_", " "), concern.label.lower()}
    for kind in vocabulary.session_types.values():
        words |= {kind.code.replace("_", " "), kind.label.lower()}
    return words


def everything_said(message: EmailMessage) -> str:
    """Subject, text and every attachment (the .ics), lower-cased."""
    parts = [str(message["Subject"])]
    for part in message.walk():
        if part.get_content_maintype() == "multipart":
            continue
        content = part.get_content()
        parts.append(content.decode() if isinstance(content, bytes) else str(content))
    # CUTYPE=INDIVIDUAL is iCalendar's word for a person (not a group or a room)
    return "\n".join(parts).lower().replace("cutype=individual", "cutype=")


def assert_nothing_sensitive(message: EmailMessage) -> None:
    said = everything_said(message)
    found = sorted(w for w in sensitive_words() if re.search(rf"\b{re.escape(w)}", said))
    assert found == [], f"{message['Subject']!r} says {found}"


@pytest.fixture
def frozen() -> Iterator[time_machine.Coordinates]:
    with time_machine.travel(NOW, tick=False) as traveller:
        yield traveller


@pytest.fixture
def api(
    database: Database, smtp_server: Inbox, frozen: time_machine.Coordinates
) -> Iterator[TestClient]:
    settings = settings_for(str(database.engine.url)).model_copy(
        update={"smtp_host": "127.0.0.1", "smtp_port": smtp_server.port, "smtp_starttls": False}
    )
    with TestClient(create_app(settings, database=database)) as client:
        yield client


@pytest.fixture
def therapist_id(database: Database) -> int:
    with database.session(write=True) as session:
        therapist = make_therapist(session, licensed=("NY",))
        session.add(
            User(
                email=THERAPIST_EMAIL,
                email_key=THERAPIST_EMAIL,
                role="therapist",
                therapist_id=therapist.id,
                email_verified_at=NOW,
            )
        )
        return therapist.id


def run_jobs(api: TestClient) -> int:
    worker: Worker = api.app.state.jobs  # type: ignore[attr-defined]
    return worker.drain()


def book(
    api: TestClient, headers: dict[str, str], therapist_id: int, start: datetime, kind: str
) -> int:
    held = api.post(
        "/api/v1/holds",
        json={"therapist_id": therapist_id, "session_type": kind, "start": start.isoformat()},
        headers=headers,
    )
    assert held.status_code == 201, held.text
    booked = api.post(
        "/api/v1/appointments",
        json={"hold_id": held.json()["hold_id"]},
        headers={**headers, "Idempotency-Key": f"book-{held.json()['hold_id']}"},
    )
    assert booked.status_code == 201, booked.text
    return int(booked.json()["id"])


def mail_to(inbox: Inbox, address: str) -> list[EmailMessage]:
    return [inbox.message(i) for i, e in enumerate(inbox.envelopes) if e.rcpt_tos == [address]]


def test_a_booking_confirms_to_the_client_with_the_ics_and_tells_the_therapist(
    api: TestClient, smtp_server: Inbox, therapist_id: int, database: Database
) -> None:
    me = make_client(api, email=CLIENT_EMAIL)
    appointment_id = book(api, me, therapist_id, MONDAY_9_NY, "intake")
    assert run_jobs(api) == 2  # confirmation and therapist's mail; the reminder is not due
    [confirmation] = mail_to(smtp_server, CLIENT_EMAIL)
    [new_booking] = mail_to(smtp_server, THERAPIST_EMAIL)
    assert confirmation["Subject"] == "Your Confide appointment is booked"
    body = confirmation.get_body(preferencelist=("plain",))
    assert body is not None
    # the client's own zone: Monday 9:00 in New York
    assert "Monday 7 December 2026 at 09:00 EST" in body.get_content()
    assert "Robin Hale" in body.get_content()
    [attachment] = list(confirmation.iter_attachments())
    assert attachment.get_content_type() == "text/calendar"
    event = icalendar.Calendar.from_ical(attachment.get_content()).walk("VEVENT")[0]
    assert str(event["UID"]) == f"appointment-{appointment_id}@confide"
    assert event.decoded("DTSTART") == MONDAY_9_NY
    assert str(event["SUMMARY"]).startswith("Appointment with ")
    assert new_booking["Subject"] == "A new appointment on Confide"
    assert "Monday 7 December 2026 at 09:00 EST" in new_booking.get_content()
    assert "Sam" not in new_booking.get_content()  # who: only once signed in
    for message in (confirmation, new_booking):
        assert_nothing_sensitive(message)
    # a second pass sends nothing more
    assert run_jobs(api) == 0
    assert len(smtp_server.envelopes) == 2


def test_the_reminder_goes_24_hours_before_and_not_after_a_cancellation(
    api: TestClient,
    smtp_server: Inbox,
    therapist_id: int,
    frozen: time_machine.Coordinates,
) -> None:
    me = make_client(api, email=CLIENT_EMAIL)
    kept = book(api, me, therapist_id, MONDAY_9_NY, "intake")
    other = make_client(api, email="lee@example.org", name="Lee")
    dropped = book(api, other, therapist_id, MONDAY_9_NY + timedelta(hours=3), "intake")
    assert api.post(f"/api/v1/appointments/{dropped}/cancel", headers=other).status_code == 200
    run_jobs(api)
    [_, cancelled] = mail_to(smtp_server, "lee@example.org")
    assert cancelled["Subject"] == "Your Confide appointment was cancelled"
    [attachment] = list(cancelled.iter_attachments())
    assert "METHOD:CANCEL" in str(attachment.get_content())
    therapist_subjects = [m["Subject"] for m in mail_to(smtp_server, THERAPIST_EMAIL)]
    assert therapist_subjects.count("An appointment on Confide was cancelled") == 1
    before = len(smtp_server.envelopes)

    frozen.move_to(MONDAY_9_NY - timedelta(hours=24, seconds=1))
    assert run_jobs(api) == 0  # not a second early
    frozen.move_to(MONDAY_9_NY - timedelta(hours=24))
    assert run_jobs(api) == 1
    assert len(smtp_server.envelopes) == before + 1
    reminder = mail_to(smtp_server, CLIENT_EMAIL)[-1]
    assert reminder["Subject"] == "Reminder: your Confide appointment"
    assert "Monday 7 December 2026 at 09:00 EST" in reminder.get_content()
    assert_nothing_sensitive(reminder)
    # the cancelled one's reminder falls due and finds it cancelled: nothing is sent
    frozen.move_to(MONDAY_9_NY + timedelta(hours=3) - timedelta(hours=24))
    assert run_jobs(api) == 1
    assert len(smtp_server.envelopes) == before + 1
    frozen.move_to(MONDAY_9_NY)
    assert run_jobs(api) == 0
    assert len(mail_to(smtp_server, "lee@example.org")) == 2
    assert kept != dropped


def test_a_move_tells_everyone_and_the_reminder_follows_the_new_time(
    api: TestClient,
    smtp_server: Inbox,
    therapist_id: int,
    database: Database,
    frozen: time_machine.Coordinates,
) -> None:
    me = make_client(api, email=CLIENT_EMAIL)
    first = book(api, me, therapist_id, MONDAY_9_NY, "intake")
    later = MONDAY_9_NY + timedelta(days=1, hours=2)
    moved = api.post(
        f"/api/v1/appointments/{first}/reschedule",
        json={"start": later.isoformat()},
        headers=me,
    )
    assert moved.status_code == 201, moved.text
    run_jobs(api)
    client_subjects = [m["Subject"] for m in mail_to(smtp_server, CLIENT_EMAIL)]
    assert client_subjects == [
        "Your Confide appointment is booked",
        "Your Confide appointment has moved",
    ]
    notice = mail_to(smtp_server, CLIENT_EMAIL)[-1]
    text = notice.get_body(preferencelist=("plain",)).get_content()  # type: ignore[union-attr]
    assert "moved to Tuesday 8 December 2026 at 11:00 EST" in text
    assert "it was Monday 7 December 2026 at 09:00 EST" in text
    methods = sorted(
        str(icalendar.Calendar.from_ical(a.get_content())["METHOD"])
        for a in notice.iter_attachments()
    )
    assert methods == ["CANCEL", "REQUEST"]
    therapist_subjects = [m["Subject"] for m in mail_to(smtp_server, THERAPIST_EMAIL)]
    assert therapist_subjects == [
        "A new appointment on Confide",
        "An appointment on Confide has moved",
    ]
    for message in mail_to(smtp_server, CLIENT_EMAIL) + mail_to(smtp_server, THERAPIST_EMAIL):
        assert_nothing_sensitive(message)
    before = len(smtp_server.envelopes)
    frozen.move_to(MONDAY_9_NY - timedelta(hours=24))
    run_jobs(api)  # the old time's reminder: nothing
    assert len(smtp_server.envelopes) == before
    frozen.move_to(later - timedelta(hours=24))
    run_jobs(api)
    assert [m["Subject"] for m in mail_to(smtp_server, CLIENT_EMAIL)][-1] == (
        "Reminder: your Confide appointment"
    )
    assert len(smtp_server.envelopes) == before + 1


def test_a_joint_session_tells_each_partner_alone_and_nothing_private(
    api: TestClient, smtp_server: Inbox, therapist_id: int, database: Database
) -> None:
    me = make_client(api, email=CLIENT_EMAIL, name="Alex Rivera")
    partner = make_client(api, email="blake@example.org", name="Blake Rivera")
    link_partners(api, me, partner)
    book(api, me, therapist_id, MONDAY_9_NY, "couples_intake")
    run_jobs(api)
    for address in (CLIENT_EMAIL, "blake@example.org"):
        [confirmation] = mail_to(smtp_server, address)
        assert confirmation["Subject"] == "Your Confide appointment is booked"
        assert_nothing_sensitive(confirmation)
    [therapist_mail] = mail_to(smtp_server, THERAPIST_EMAIL)
    assert_nothing_sensitive(therapist_mail)
    # one message per person, each its own job
    with database.session() as session:
        keys = sorted(session.scalars(select(Job.key).where(Job.status == "done")))
    assert len([k for k in keys if ":booked:" in k]) == 3


def test_a_therapist_without_an_account_and_a_client_without_email_get_nothing(
    api: TestClient, smtp_server: Inbox, database: Database
) -> None:
    with database.session(write=True) as session:
        lone = make_therapist(session, licensed=("NY",)).id
    me = make_client(api, email=CLIENT_EMAIL)
    book(api, me, lone, MONDAY_9_NY, "intake")
    run_jobs(api)
    assert [e.rcpt_tos for e in smtp_server.envelopes] == [[CLIENT_EMAIL]]
    with database.session() as session:
        statuses = set(session.scalars(select(Job.status).where(Job.run_at <= NOW)))
    assert statuses == {"done"}


def test_an_ended_partner_link_tells_everyone_the_joint_session_is_off_and_not_why(
    api: TestClient, smtp_server: Inbox, therapist_id: int
) -> None:
    me = make_client(api, email=CLIENT_EMAIL, name="Alex Rivera")
    partner = make_client(api, email="blake@example.org", name="Blake Rivera")
    link_partners(api, me, partner)
    book(api, me, therapist_id, MONDAY_9_NY, "couples_intake")
    run_jobs(api)
    before = len(smtp_server.envelopes)
    assert api.delete("/api/v1/clients/me/partner", headers=partner).status_code == 200
    run_jobs(api)
    told = {
        e.rcpt_tos[0]: smtp_server.message(i)["Subject"]
        for i, e in enumerate(smtp_server.envelopes)
        if i >= before and "cancelled" in str(smtp_server.message(i)["Subject"])
    }
    assert told == {
        CLIENT_EMAIL: "Your Confide appointment was cancelled",
        "blake@example.org": "Your Confide appointment was cancelled",
        THERAPIST_EMAIL: "An appointment on Confide was cancelled",
    }
    for i in range(before, len(smtp_server.envelopes)):
        message = smtp_server.message(i)
        if "cancelled" in str(message["Subject"]):
            assert_nothing_sensitive(message)
            assert "link" not in everything_said(message).replace("the link to join", "")
