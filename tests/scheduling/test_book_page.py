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


def hold(client: TestClient, therapist_id: int, start: datetime, **fields: str):  # type: ignore[no-untyped-def]
    """Hold the opening from its page; the answer is the hold's page (or the refusal)."""
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


def book(client: TestClient, therapist_id: int, start: datetime, **fields: str):  # type: ignore[no-untyped-def]
    """Hold the opening, then book it from the hold's page."""
    held = hold(client, therapist_id, start, **fields)
    if held.status_code != 200 or "Book this session" not in held.text:
        return held
    confirm = re.search(r'action="(/bookings/\d+/confirm)"', held.text)
    assert confirm is not None
    return client.post(confirm.group(1), data={"csrf_token": form_csrf(client, "/account")})


def test_a_person_signs_in_then_books_and_gets_a_calendar_file(
    client: TestClient, database: Database, therapist_id: int, frozen
) -> None:
    page = client.get(link(therapist_id, MONDAY_9_NY))
    assert page.status_code == 200
    assert "Monday 7 December 2026, 9:00 AM (EST)" in page.text
    assert CRISIS in page.text
    # nobody signed in: a way to sign in or register that comes back here, and no form
    assert "Hold this time" not in page.text
    back = re.search(r'href="(/signin\?next=[^"]+)"', page.text)
    assert back is not None
    assert 'name="next" value="/book?therapist=' in page.text.replace("&amp;", "&")
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
    assert "Hold this time" not in page.text
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
    assert other.get(others[0].replace("&amp;", "&")).text.count("Hold this time") == 1
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
    assert "Hold this time" not in page.text
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
    assert "Hold this time" not in page.text


def _appointment(database: Database) -> Appointment:
    with database.session() as session:
        return session.scalars(select(Appointment).order_by(Appointment.id.desc())).first()  # type: ignore[return-value]


def test_the_hold_says_until_when_then_the_confirmation_says_what_follows(
    client: TestClient, database: Database, therapist_id: int, frozen
) -> None:
    signed_in_client(client, zone="America/Chicago")
    page = client.get(link(therapist_id, MONDAY_9_NY))
    # before holding: what it costs and the cancellation terms
    assert "cancel or move the session for free until 24 hours before it starts" in page.text
    assert "What it costs" in page.text
    held = hold(client, therapist_id, MONDAY_9_NY)
    assert held.status_code == 200
    assert "This time is held for you" in held.text
    # ten minutes from 15:00 UTC, in the person's own zone, with its name
    assert "Held until <strong>9:10 AM (CST)</strong>" in held.text
    assert 'data-seconds="600"' in held.text
    assert "Monday 7 December 2026, 8:00 AM (CST)" in held.text
    assert "a first session for you on your own" in held.text
    assert "cancel or move the session for free until 24 hours before it starts" in held.text
    assert _appointment(database).status == "held"
    confirm = re.search(r'action="(/bookings/(\d+)/confirm)"', held.text)
    assert confirm is not None
    done = client.post(confirm.group(1), data={"csrf_token": form_csrf(client, "/account")})
    assert "You are booked" in done.text
    for words in ("What happens next", "Cancel or move it", "Cancel this session", "(.ics)"):
        assert words in done.text
    free = "Cancelling or moving it is free until Sunday 6 December 2026, 8:00 AM (CST)"
    assert free in done.text
    assert _appointment(database).status == "booked"


def test_cancelling_asks_first_and_frees_the_time(
    client: TestClient, database: Database, therapist_id: int, frozen
) -> None:
    signed_in_client(client)
    done = book(client, therapist_id, MONDAY_9_NY)
    appointment_id = _appointment(database).id
    asked = client.get(f"/bookings/{appointment_id}/cancel")
    assert "Cancel this session?" in asked.text
    assert "Cancelling now is free" in asked.text
    assert _appointment(database).status == "booked"  # asking changes nothing
    forged = client.post(f"/bookings/{appointment_id}/cancel", data={"csrf_token": "x" * 40})
    assert forged.status_code == 403
    token = form_csrf(client, f"/bookings/{appointment_id}/cancel")
    cancelled = client.post(f"/bookings/{appointment_id}/cancel", data={"csrf_token": token})
    assert "This session is cancelled" in cancelled.text, done.text
    assert _appointment(database).status == "cancelled"
    other = TestClient(client.app)
    signed_in_client(other, name="Lee Park")
    assert "Hold this time" in other.get(link(therapist_id, MONDAY_9_NY)).text


def test_a_lapsed_hold_says_so_and_offers_fresh_times(
    client: TestClient, database: Database, therapist_id: int, frozen
) -> None:
    signed_in_client(client)
    held = hold(client, therapist_id, MONDAY_9_NY)
    appointment_id = _appointment(database).id
    token = form_csrf(client, "/account")
    frozen.shift(11 * 60)
    page = client.get(f"/bookings/{appointment_id}")
    assert "Your hold on this time has ended" in page.text, held.text
    assert len(re.findall(r'href="/book\?therapist=', page.text)) >= 2
    late = client.post(f"/bookings/{appointment_id}/confirm", data={"csrf_token": token})
    assert "Your hold on this time has ended" in late.text
    assert _appointment(database).status in ("held", "expired")


def test_holding_another_time_lets_the_first_go(
    client: TestClient, database: Database, therapist_id: int, frozen
) -> None:
    signed_in_client(client)
    hold(client, therapist_id, MONDAY_9_NY)
    # the same opening again is the same hold
    again = client.get(link(therapist_id, MONDAY_9_NY), follow_redirects=False)
    assert again.status_code == 303
    later = MONDAY_9_NY.replace(hour=16)
    assert "This time is held for you" in hold(client, therapist_id, later).text
    with database.session() as session:
        rows = session.scalars(select(Appointment).order_by(Appointment.id)).all()
    assert [(r.status, r.cancel_reason) for r in rows] == [
        ("cancelled", "replaced"),
        ("held", None),
    ]


def test_a_booking_page_is_only_its_peoples(
    client: TestClient, database: Database, therapist_id: int, frozen
) -> None:
    signed_in_client(client)
    book(client, therapist_id, MONDAY_9_NY)
    appointment_id = _appointment(database).id
    other = TestClient(client.app)
    signed_in_client(other, name="Lee Park")
    assert other.get(f"/bookings/{appointment_id}").status_code == 404
    nobody = TestClient(client.app).get(f"/bookings/{appointment_id}", follow_redirects=False)
    assert nobody.status_code == 303
    assert nobody.headers["location"] == f"/signin?next=%2Fbookings%2F{appointment_id}"


def _linked_pair(client: TestClient) -> TestClient:
    signed_in_client(client, name="Sam Rivera")
    partner = TestClient(client.app)
    signed_in_client(partner, name="Kai Rivera", state="NJ")
    made = client.post(
        "/account/partner/invitation", data={"csrf_token": form_csrf(client, "/account")}
    )
    code = re.search(r'<code class="invitation">([^<]+)</code>', made.text)
    assert code is not None
    partner.post(
        "/account/partner",
        data={"csrf_token": form_csrf(partner, "/account"), "code": code.group(1)},
    )
    return partner


def test_a_refused_couples_booking_reads_the_same_for_both_and_offers_a_way_on(
    client: TestClient, database: Database, therapist_id: int, frozen
) -> None:
    partner = _linked_pair(client)
    with database.session(write=True) as session:
        sam = session.scalars(select(Client).where(Client.name == "Sam Rivera")).one()
        kai = session.scalars(select(Client).where(Client.name == "Kai Rivera")).one()
        answer_safety_questions(session, sam.id, now=NOW)
        answer_safety_questions(session, kai.id, yes=["pv_fear"], now=NOW)
    pages = []
    for who in (client, partner):
        refused = hold(who, therapist_id, MONDAY_9_NY, session_type="couples_intake")
        assert refused.status_code == 409
        pages.append(re.sub(r'value="[^"]*"', "", refused.text.split("<main", 1)[1]))
        assert "Joint sessions can&#39;t be booked for this account right now" in refused.text
        assert "find a therapist for a session of your own" in refused.text
        assert "Hold this time" in refused.text
    # nothing on either page tells one partner anything about the other
    assert pages[0].replace("Sam Rivera", "NAME") == pages[1].replace("Kai Rivera", "NAME")
    with database.session() as session:
        assert session.scalars(select(Appointment)).all() == []


def test_letting_a_hold_go_frees_the_time_and_says_nothing_was_booked(
    client: TestClient, database: Database, therapist_id: int, frozen
) -> None:
    signed_in_client(client)
    held = hold(client, therapist_id, MONDAY_9_NY)
    assert "Let this time go" in held.text
    appointment_id = _appointment(database).id
    token = form_csrf(client, f"/bookings/{appointment_id}")
    gone = client.post(f"/bookings/{appointment_id}/cancel", data={"csrf_token": token})
    assert "You let this time go" in gone.text
    assert "nothing was booked" in gone.text
    row = _appointment(database)
    assert (row.status, row.cancel_reason) == ("cancelled", "released")
    assert "Hold this time" in client.get(link(therapist_id, MONDAY_9_NY)).text
