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
from tests.conftest import form_csrf, signed_in_client
from tests.scheduling.factories import answer_safety_questions, make_therapist

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
    session_type = fields.pop("session_type", "intake")
    token = form_csrf(client, "/account")  # the session's token, on every form of its pages
    form = {
        "therapist": str(therapist_id),
        "session_type": session_type,
        "start": start.isoformat(),
        "csrf_token": token,
        **fields,
    }
    return client.post("/book", data=form)


def test_a_person_signs_in_then_books_and_gets_a_calendar_file(
    client: TestClient, database: Database, therapist_id: int, frozen
) -> None:
    page = client.get(link(therapist_id, MONDAY_9_NY))
    assert page.status_code == 200
    assert "Monday 7 December 2026, 9:00 AM (EST)" in page.text
    assert CRISIS in page.text
    # nobody signed in: a way to sign in or register that comes back here, and no form
    assert "Book this session" not in page.text
    back = re.search(r'href="(/signin\?next=[^"]+)"', page.text)
    assert back is not None
    assert 'href="/register?next=/book%3Ftherapist' in page.text
    signin = client.get(back.group(1).replace("&amp;", "&"))
    assert 'name="next" value="/book?therapist=' in signin.text.replace("&amp;", "&")
    signed_in_client(client)
    done = book(client, therapist_id, MONDAY_9_NY)
    assert done.status_code == 200, done.text
    assert "You are booked" in done.text
    assert done.headers["cache-control"] == "no-store"
    # no credential of any kind is shown
    assert "<code>" not in done.text
    assert "token" not in done.text.replace('name="csrf_token"', "")
    with database.session() as session:
        appointment = session.scalars(select(Appointment)).one()
    assert appointment.status == "booked"
    assert appointment.start_at == MONDAY_9_NY
    csrf = re.search(r'name="csrf_token" value="([^"]+)"', done.text)
    assert csrf is not None
    ics = client.post(
        "/book/calendar", data={"appointment": str(appointment.id), "csrf_token": csrf.group(1)}
    )
    assert ics.headers["content-type"].startswith("text/calendar")
    event = icalendar.Calendar.from_ical(ics.content).walk("VEVENT")[0]
    assert event.decoded("DTSTART") == MONDAY_9_NY
    forged = client.post(
        "/book/calendar", data={"appointment": str(appointment.id), "csrf_token": "forged"}
    )
    assert forged.status_code == 403
    client.cookies.clear()
    nobody = client.post("/book/calendar", data={"appointment": str(appointment.id)})
    assert nobody.status_code == 401


def test_booking_without_signing_in_or_with_a_forged_form_keeps_nothing(
    client: TestClient, database: Database, therapist_id: int, frozen
) -> None:
    form = {"therapist": str(therapist_id), "session_type": "intake"}
    nobody = client.post("/book", data={**form, "start": MONDAY_9_NY.isoformat()})
    assert nobody.status_code == 401
    assert "sign in" in nobody.text
    signed_in_client(client)
    forged = client.post(
        "/book", data={**form, "start": MONDAY_9_NY.isoformat(), "csrf_token": "x" * 40}
    )
    assert forged.status_code == 403
    with database.session() as session:
        assert session.scalars(select(Appointment)).all() == []


def test_an_unverified_client_is_asked_to_confirm_first(
    client: TestClient, database: Database, therapist_id: int, frozen
) -> None:
    signed_in_client(client, verified=False)
    page = client.get(link(therapist_id, MONDAY_9_NY))
    assert "confirm your email address first" in page.text
    assert "Book this session" not in page.text
    refused = book(client, therapist_id, MONDAY_9_NY)
    assert refused.status_code == 403
    with database.session() as session:
        assert session.scalars(select(Appointment)).all() == []


def test_a_taken_opening_offers_other_times_and_books_nothing(
    client: TestClient, database: Database, therapist_id: int, frozen
) -> None:
    signed_in_client(client)
    assert book(client, therapist_id, MONDAY_9_NY).status_code == 200
    other = TestClient(client.app)
    signed_in_client(other, name="Lee Park")
    page = other.get(link(therapist_id, MONDAY_9_NY))
    assert "This time can no longer be booked" in page.text
    others = re.findall(r'href="(/book\?[^"]+)"', page.text)
    assert len(others) == 3
    assert other.get(others[0].replace("&amp;", "&")).text.count("Book this session") == 1
    late = other.post(
        "/book",
        data={
            "therapist": str(therapist_id),
            "session_type": "intake",
            "start": MONDAY_9_NY.isoformat(),
            "csrf_token": form_csrf(other, others[0].replace("&amp;", "&")),
        },
    )
    assert late.status_code == 409
    assert "Other times" in late.text
    with database.session() as session:
        assert len(session.scalars(select(Appointment)).all()) == 1


def test_a_couples_session_needs_a_linked_partner_and_creates_no_one(
    client: TestClient, database: Database, therapist_id: int, frozen
) -> None:
    signed_in_client(client)
    page = client.get(link(therapist_id, MONDAY_9_NY, "couples_intake"))
    assert 'href="/account"' in page.text
    assert "Book this session" not in page.text
    # the form asks for no partner details, and a post naming them makes no account
    assert "partner_name" not in page.text
    refused = book(
        client, therapist_id, MONDAY_9_NY, session_type="couples_intake", partner_name="Kai"
    )
    assert refused.status_code in (409, 422)
    with database.session() as session:
        assert session.scalars(select(Appointment)).all() == []
        assert len(session.scalars(select(Client)).all()) == 1


def test_linked_partners_book_a_couples_session_from_their_own_accounts(
    client: TestClient, database: Database, therapist_id: int, frozen
) -> None:
    signed_in_client(client, name="Sam Rivera")
    partner = TestClient(client.app)
    signed_in_client(partner, name="Kai Rivera", state="NJ")
    made = client.post(
        "/account/partner/invitation", data={"csrf_token": form_csrf(client, "/account")}
    )
    code = re.search(r'<code class="invitation">([^<]+)</code>', made.text)
    assert code is not None
    linked = partner.post(
        "/account/partner",
        data={"csrf_token": form_csrf(partner, "/account"), "code": code.group(1)},
    )
    assert "You are linked with your partner" in linked.text
    # joint sessions wait for each partner's private answers
    waiting = book(client, therapist_id, MONDAY_9_NY, session_type="couples_intake")
    assert waiting.status_code == 409
    assert "each partner answers a few private safety questions" in waiting.text
    with database.session(write=True) as session:
        for person in session.scalars(select(Client.id)).all():
            answer_safety_questions(session, person)
    done = book(client, therapist_id, MONDAY_9_NY, session_type="couples_intake")
    assert done.status_code == 200, done.text
    with database.session() as session:
        people = session.scalars(select(AppointmentParticipant.client_id)).all()
        clients = session.scalars(select(Client).order_by(Client.id)).all()
    assert len(people) == 2
    assert len(clients) == 2
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


def test_a_client_in_a_state_the_therapist_is_not_licensed_in_is_refused(
    client: TestClient, database: Database, therapist_id: int, frozen
) -> None:
    signed_in_client(client, state="CA", zone="America/Los_Angeles")
    unlicensed = book(client, therapist_id, MONDAY_9_NY)
    assert unlicensed.status_code == 422
    assert "not licensed in CA" in unlicensed.text
    with database.session() as session:
        assert session.scalars(select(Appointment)).all() == []


def test_a_paused_therapists_link_offers_no_form(
    client: TestClient, database: Database, frozen
) -> None:
    with database.session(write=True) as session:
        paused = make_therapist(session, paused_until=date(2026, 12, 20)).id
    page = client.get(link(paused, MONDAY_9_NY))
    assert page.status_code == 200
    assert "This time can no longer be booked" in page.text
    assert "Book this session" not in page.text
