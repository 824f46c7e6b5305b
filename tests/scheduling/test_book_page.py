"""The booking page published openings link to: shown, booked, taken, refused; clock frozen."""

from __future__ import annotations

import re
from datetime import UTC, date, datetime

import icalendar
import pytest
import time_machine
from fastapi.testclient import TestClient
from sqlalchemy import select

from confide.db import Database
from confide.models import Appointment, AppointmentParticipant, Client
from tests.scheduling.factories import make_therapist

NOW = datetime(2026, 12, 2, 15, 0, tzinfo=UTC)
MONDAY_9_NY = datetime(2026, 12, 7, 14, 0, tzinfo=UTC)
CRISIS = "988"


@pytest.fixture
def frozen():  # type: ignore[no-untyped-def]
    with time_machine.travel(NOW, tick=False) as traveller:
        yield traveller


@pytest.fixture
def therapist_id(database: Database) -> int:
    with database.session(write=True) as session:
        return make_therapist(session, licensed=("NY", "NJ")).id


def link(therapist_id: int, start: datetime, session_type: str = "intake") -> str:
    when = f"{start:%Y-%m-%dT%H:%M:%SZ}"
    return f"/book?therapist={therapist_id}&session_type={session_type}&start={when}"


def book(client: TestClient, therapist_id: int, start: datetime, **fields: str):  # type: ignore[no-untyped-def]
    form = {
        "therapist": str(therapist_id),
        "session_type": "intake",
        "start": start.isoformat(),
        "name": "Sam Rivera",
        "state": "NY",
        "timezone": "America/New_York",
        **fields,
    }
    return client.post("/book", data=form)


def test_an_opening_can_be_seen_and_booked(
    client: TestClient, database: Database, therapist_id: int, frozen
) -> None:
    page = client.get(link(therapist_id, MONDAY_9_NY))
    assert page.status_code == 200
    assert "Monday 7 December 2026, 9:00 AM (EST)" in page.text
    assert "Book this session" in page.text
    assert CRISIS in page.text
    # only the states the therapist is licensed in are offered
    assert re.findall(r'<option value="(\w\w)"', page.text) == ["NJ", "NY"]
    done = book(client, therapist_id, MONDAY_9_NY, email="sam@example.org")
    assert done.status_code == 200, done.text
    assert "You are booked" in done.text
    assert done.headers["cache-control"] == "no-store"
    token = re.search(r"<code>([\w-]+)</code>", done.text)
    assert token is not None
    with database.session() as session:
        appointment = session.scalars(select(Appointment)).one()
    assert appointment.status == "booked"
    assert appointment.start_at == MONDAY_9_NY
    ics = client.post(
        "/book/calendar", data={"appointment": str(appointment.id), "token": token.group(1)}
    )
    assert ics.headers["content-type"].startswith("text/calendar")
    event = icalendar.Calendar.from_ical(ics.content).walk("VEVENT")[0]
    assert event.decoded("DTSTART") == MONDAY_9_NY
    wrong = client.post(
        "/book/calendar", data={"appointment": str(appointment.id), "token": "not-a-token"}
    )
    assert wrong.status_code == 401
    assert "booking" in wrong.text


def test_a_taken_opening_offers_other_times_and_books_nothing(
    client: TestClient, database: Database, therapist_id: int, frozen
) -> None:
    assert book(client, therapist_id, MONDAY_9_NY).status_code == 200
    page = client.get(link(therapist_id, MONDAY_9_NY))
    assert "This time can no longer be booked" in page.text
    others = re.findall(r'href="(/book\?[^"]+)"', page.text)
    assert len(others) == 3
    assert client.get(others[0].replace("&amp;", "&")).text.count("Book this session") == 1
    late = book(client, therapist_id, MONDAY_9_NY, name="Lee Park")
    assert late.status_code == 409
    assert "Other times" in late.text
    with database.session() as session:
        assert len(session.scalars(select(Appointment)).all()) == 1
        # the second person's account was not kept either
        assert [c.name for c in session.scalars(select(Client))] == ["Sam Rivera"]


def test_couples_book_together(
    client: TestClient, database: Database, therapist_id: int, frozen
) -> None:
    page = client.get(link(therapist_id, MONDAY_9_NY, "couples_intake"))
    assert "Your partner" in page.text
    done = book(
        client,
        therapist_id,
        MONDAY_9_NY,
        session_type="couples_intake",
        partner_name="Kai Rivera",
        partner_state="NJ",
    )
    assert done.status_code == 200, done.text
    assert len(re.findall(r"<code>", done.text)) == 2
    with database.session() as session:
        people = session.scalars(select(AppointmentParticipant.client_id)).all()
        clients = session.scalars(select(Client).order_by(Client.id)).all()
    assert len(people) == 2
    assert clients[0].partner_id == clients[1].id


@pytest.mark.parametrize(
    ("query", "status", "text"),
    [
        ("therapist=999999&session_type=intake&start=2026-12-07T14:00:00Z", 404, "no therapist"),
        ("therapist={tid}&session_type=massage&start=2026-12-07T14:00:00Z", 422, "session type"),
        ("therapist={tid}&session_type=intake&start=soon", 422, "ISO 8601"),
        ("therapist={tid}&session_type=intake&start=2026-12-07T14:00:00", 422, "offset"),
    ],
)
def test_broken_links_explain_themselves(
    client: TestClient, therapist_id: int, frozen, query: str, status: int, text: str
) -> None:
    page = client.get("/book?" + query.format(tid=therapist_id))
    assert page.status_code == status
    assert text in page.text
    assert CRISIS in page.text


def test_bad_form_input_keeps_what_was_typed(
    client: TestClient, database: Database, therapist_id: int, frozen
) -> None:
    refused = book(client, therapist_id, MONDAY_9_NY, state="ZZ", name="Sam Rivera")
    assert refused.status_code == 422
    assert "state" in refused.text
    assert 'value="Sam Rivera"' in refused.text
    unlicensed = book(client, therapist_id, MONDAY_9_NY, state="CA")
    assert unlicensed.status_code == 422
    assert "not licensed in CA" in unlicensed.text
    with database.session() as session:
        assert session.scalars(select(Appointment)).all() == []
        assert session.scalars(select(Client)).all() == []


def test_a_paused_therapists_link_offers_no_form(
    client: TestClient, database: Database, frozen
) -> None:
    with database.session(write=True) as session:
        paused = make_therapist(session, paused_until=date(2026, 12, 20)).id
    page = client.get(link(paused, MONDAY_9_NY))
    assert page.status_code == 200
    assert "This time can no longer be booked" in page.text
    assert "Book this session" not in page.text
