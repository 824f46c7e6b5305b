"""The therapist's appointment pages and the client's side of cancelling, moving and sharing,
through the app on SQLite and PostgreSQL with the clock frozen at 00:05 UTC."""

from __future__ import annotations

import re
import uuid
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta

import pytest
import time_machine
from fastapi.testclient import TestClient
from sqlalchemy import select

from confide.accounts import users
from confide.accounts.passwords import PASSWORDS
from confide.db import Database
from confide.intake.schemas import IntakeAnswers
from confide.intake.service import save_answers
from confide.models import (
    Appointment,
    AuditEvent,
    Client,
    Therapist,
    TherapistPopulation,
    User,
)
from confide.scheduling import service
from tests.conftest import PASSWORD, form_csrf, make_user, sign_in
from tests.scheduling.factories import make_therapist

NOW = datetime(2026, 12, 2, 0, 5, tzinfo=UTC)  # 00:05 UTC on a Wednesday
START = datetime(2026, 12, 4, 15, 0, tzinfo=UTC)  # Friday 10:00 in New York
ALL_WEEK = tuple((d, 0, 24 * 60) for d in range(7))
MATCH = {"state": "NY", "payment": {"method": "self_pay", "max_rate": 500}, "limit": 50}


@pytest.fixture
def frozen() -> Iterator[time_machine.Coordinates]:
    with time_machine.travel(NOW, tick=False) as traveller:
        yield traveller


def _browser(api: TestClient) -> TestClient:
    return TestClient(api.app, follow_redirects=False)


def _therapist(database: Database) -> int:
    with database.session(write=True) as session:
        therapist = make_therapist(session, hours=ALL_WEEK, minimum_notice_hours=2)
        therapist.updated_at = NOW  # new since the app's indexes were built: picked up
        session.add_all(
            TherapistPopulation(therapist_id=therapist.id, population=p)
            for p in ("individuals", "couples")
        )
        return therapist.id


def _therapist_account(api: TestClient, database: Database, therapist_id: int) -> TestClient:
    email = f"therapist-{uuid.uuid4().hex[:8]}@example.org"
    with database.session(write=True) as session:
        session.add(
            User(
                email=email,
                email_key=users.email_key(email),
                password_hash=PASSWORDS.hash(PASSWORD),
                role="therapist",
                therapist_id=therapist_id,
                email_verified_at=NOW,
                created_at=NOW,
            )
        )
    browser = _browser(api)
    sign_in(browser, email)
    browser.headers["X-Test-Email"] = email  # to sign in again after the clock moves on
    return browser


def _again(browser: TestClient) -> TestClient:
    """The same person signed in afresh (a session lapses when the clock jumps days)."""
    sign_in(browser, browser.headers["X-Test-Email"])
    return browser


def _booked_client(
    api: TestClient, database: Database, therapist_id: int, kind: str = "intake"
) -> tuple[TestClient, int]:
    """A signed-in client with a booked session (made by the service, as the API does)."""
    email = make_user(api, name="Jordan Lee")
    browser = _browser(api)
    sign_in(browser, email)
    browser.headers["X-Test-Email"] = email
    with database.session(write=True) as session:
        user = users.find_user(session, email)
        assert user is not None
        client = session.scalars(select(Client).where(Client.user_id == user.id)).one()
        hold = service.create_hold(session, client, therapist_id, kind, START, NOW, 10)
        service.confirm_hold(session, client, hold.id, NOW)
        return browser, hold.id


def _post(browser: TestClient, page: str, action: str, **form: str):  # type: ignore[no-untyped-def]
    return browser.post(action, data={**form, "csrf_token": form_csrf(browser, page)})


def _text(html: str) -> str:
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", html))


def test_the_therapist_sees_the_week_and_what_the_client_shared(
    client: TestClient, database: Database, frozen: time_machine.Coordinates
) -> None:
    therapist_id = _therapist(database)
    portal = _therapist_account(client, database, therapist_id)
    me, appointment_id = _booked_client(client, database, therapist_id)
    with database.session(write=True) as session:
        user = session.scalars(select(User).where(User.role == "client")).one()
        answers = IntakeAnswers(
            state="NY",
            concerns=["infidelity"],
            concern_text="We keep arguing about trust",
            screening={"phq2": [1, 2]},
        )
        save_answers(session, None, answers, NOW, user=user)

    week = portal.get("/portal/appointments")
    assert week.status_code == 200, week.text
    shown = _text(week.text)
    assert "Jordan Lee" in shown
    assert "individual, first session, booked" in shown
    assert "Friday 4 December" in shown
    assert "10:00 AM" in shown
    assert portal.get("/portal/appointments?week=2026-12-09").text.count("Jordan Lee") == 0
    bad = portal.get("/portal/appointments?week=9999-12-31")
    assert bad.status_code == 422
    assert "week" in bad.text

    page = f"/portal/appointments/{appointment_id}"
    before = _text(portal.get(page).text)
    assert "has not chosen to share" in before
    assert "We keep arguing about trust" not in before

    booking = f"/bookings/{appointment_id}"
    assert "Share my intake answers and screening results with my therapist" in me.get(booking).text
    assert _post(me, booking, f"{booking}/sharing", share="yes").status_code == 303
    after = _text(portal.get(page).text)
    assert "We keep arguing about trust" in after
    assert "Infidelity and affairs" in after
    assert "PHQ-2" in after
    with database.session() as session:
        reads = session.scalars(
            select(AuditEvent.object_type).where(
                AuditEvent.actor_role == "therapist", AuditEvent.action == "read"
            )
        ).all()
    assert {"appointment", "intake_draft", "screening_response"} <= set(reads)

    # stopping sharing hides it again
    assert _post(me, booking, f"{booking}/sharing", share="no").status_code == 303
    assert "We keep arguing about trust" not in portal.get(page).text

    # another therapist, or a client, never sees it
    other = _therapist_account(client, database, _therapist(database))
    assert other.get(page).status_code == 404
    assert me.get(page).status_code == 403
    assert _browser(client).get(page).status_code == 303


def test_attendance_is_marked_only_after_the_start(
    client: TestClient, database: Database, frozen: time_machine.Coordinates
) -> None:
    therapist_id = _therapist(database)
    portal = _therapist_account(client, database, therapist_id)
    me, appointment_id = _booked_client(client, database, therapist_id)
    page = f"/portal/appointments/{appointment_id}"
    early = _post(portal, page, f"{page}/noshow")
    assert early.status_code == 409
    assert "mark it once it has begun" in early.text
    frozen.move_to(START + timedelta(minutes=10))
    portal, me = _again(portal), _again(me)
    assert _post(portal, page, f"{page}/noshow").status_code == 303
    assert "Recorded: nobody came" in portal.get(f"{page}?done=noshow").text
    other = _therapist_account(client, database, _therapist(database))
    assert _post(other, "/account", f"{page}/fulfilled").status_code == 404
    assert _post(portal, page, f"{page}/fulfilled").status_code == 303
    with database.session() as session:
        assert session.get_one(Appointment, appointment_id).status == "fulfilled"
    assert "it took place" in me.get(f"/bookings/{appointment_id}").text


def test_not_taking_new_clients_pauses_and_the_client_is_offered_other_therapists(
    client: TestClient, database: Database, frozen: time_machine.Coordinates
) -> None:
    therapist_id = _therapist(database)
    others = [_therapist(database) for _ in range(2)]
    portal = _therapist_account(client, database, therapist_id)
    me, appointment_id = _booked_client(client, database, therapist_id)
    # therapists written straight to the database: tell this process, as a supply edit does
    client.app.state.openings.mark_stale()  # type: ignore[attr-defined]

    def matched() -> set[int]:
        found = client.post("/api/v1/matches", json=MATCH)
        assert found.status_code == 200, found.text
        return {r["therapist"]["id"] for r in found.json()["results"]}

    assert therapist_id in matched()
    page = f"/portal/appointments/{appointment_id}"
    done = _post(portal, page, f"{page}/cancel", reason=service.NOT_ACCEPTING)
    assert done.status_code == 303
    assert done.headers["location"].endswith("done=paused")
    assert "paused for new clients" in portal.get(done.headers["location"]).text
    with database.session() as session:
        assert session.get_one(Therapist, therapist_id).accepting_new_clients is False
        cancelled = session.get_one(Appointment, appointment_id)
        assert (cancelled.cancelled_by, cancelled.cancelled_late) == ("therapist", False)
    # at once: the next match no longer lists them
    assert therapist_id not in matched()
    booking = _text(me.get(f"/bookings/{appointment_id}").text)
    assert "cancelled this session" in booking
    assert "Therapists like Robin who can see you soon" in booking
    links = re.findall(r"/book\?therapist=(\d+)", me.get(f"/bookings/{appointment_id}").text)
    assert set(map(int, links)) == set(others)


def test_a_bad_reason_is_refused_naming_the_field(
    client: TestClient, database: Database, frozen: time_machine.Coordinates
) -> None:
    therapist_id = _therapist(database)
    portal = _therapist_account(client, database, therapist_id)
    _, appointment_id = _booked_client(client, database, therapist_id)
    page = f"/portal/appointments/{appointment_id}"
    refused = _post(portal, page, f"{page}/cancel", reason="bored")
    assert refused.status_code == 422
    assert "reason" in refused.text


def test_the_client_moves_a_booking_and_the_policy_is_shown(
    client: TestClient, database: Database, frozen: time_machine.Coordinates
) -> None:
    therapist_id = _therapist(database)
    me, appointment_id = _booked_client(client, database, therapist_id, "individual")
    booking = f"/bookings/{appointment_id}"
    shown = _text(me.get(booking).text)
    assert "Cancelling or moving it is free until Thursday 3 December 2026, 10:00 AM (EST)" in shown
    book = _text(
        client.get(
            "/book",
            params={
                "therapist": therapist_id,
                "session_type": "intake",
                "start": (START + timedelta(days=1)).isoformat(),
            },
        ).text
    )
    assert "cancel or move the session for free until 24 hours before it starts" in book

    form = me.get(f"{booking}/reschedule")
    assert form.status_code == 200
    starts = re.findall(r'name="start" value="([^"]+)"', form.text)
    assert starts
    chosen = starts[3]
    moved = _post(me, f"{booking}/reschedule", f"{booking}/reschedule", start=chosen)
    assert moved.status_code == 303, moved.text
    new_page = moved.headers["location"]
    assert "You are booked" in me.get(new_page).text
    assert "This session was moved" in me.get(booking).text
    with database.session() as session:
        live = session.scalars(select(Appointment).where(Appointment.status == "booked")).all()
        assert len(live) == 1
        assert live[0].start_at == datetime.fromisoformat(chosen)
    # the old time is free again for anyone
    slots = client.get(
        f"/api/v1/therapists/{therapist_id}/slots",
        params={"session_type": "individual", "start": "2026-12-04", "days": 1, "tz": "UTC"},
    ).json()["slots"]
    assert START in [datetime.fromisoformat(s["start"]) for s in slots]
    # the old booking is over: moving it again is refused, saying why
    again = _post(me, new_page, f"{booking}/reschedule", start=starts[5])
    assert again.status_code == 409
    assert "only a held or booked appointment can be moved" in again.text


def test_a_late_cancellation_is_said_and_recorded(
    client: TestClient, database: Database, frozen: time_machine.Coordinates
) -> None:
    therapist_id = _therapist(database)
    me, appointment_id = _booked_client(client, database, therapist_id, "individual")
    booking = f"/bookings/{appointment_id}"
    frozen.move_to(START - timedelta(hours=24))
    me = _again(me)
    assert "Cancelling or moving it is free until" in me.get(booking).text
    frozen.move_to(START - timedelta(hours=23, minutes=59))
    me = _again(me)
    assert "late cancellation" in _text(me.get(f"{booking}/cancel").text)
    assert _post(me, booking, f"{booking}/cancel").status_code == 303
    assert "counts as a late cancellation" in _text(me.get(booking).text)
    with database.session() as session:
        a = session.get_one(Appointment, appointment_id)
        assert (a.cancelled_by, a.cancelled_late) == ("client", True)
