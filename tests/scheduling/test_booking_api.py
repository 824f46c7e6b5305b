"""Slots, holds and appointments through the ASGI app, on SQLite and PostgreSQL, clock frozen."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, date, datetime, timedelta
from zoneinfo import ZoneInfo

import icalendar
import pytest
import time_machine
from fastapi.testclient import TestClient
from sqlalchemy import func, select

from confide.db import Database
from confide.models import Appointment, AppointmentParticipant, AuditEvent, Client
from tests.scheduling.factories import link_partners, make_client, make_therapist

NOW = datetime(2026, 12, 2, 15, 0, tzinfo=UTC)  # a Wednesday, 10:00 in New York
MONDAY_9_NY = datetime(2026, 12, 7, 14, 0, tzinfo=UTC)
NEW_YORK = ZoneInfo("America/New_York")


@pytest.fixture
def frozen() -> Iterator[time_machine.Coordinates]:
    with time_machine.travel(NOW, tick=False) as traveller:
        yield traveller


@pytest.fixture
def therapist_id(database: Database) -> int:
    with database.session(write=True) as session:
        return make_therapist(session, licensed=("NY", "NJ")).id


def slots(api: TestClient, therapist_id: int, **params: object) -> list[dict[str, str]]:
    response = api.get(
        f"/api/v1/therapists/{therapist_id}/slots",
        params={"session_type": "intake", "days": 7, **params},
    )
    assert response.status_code == 200, response.text
    return response.json()["slots"]


def hold(
    api: TestClient,
    headers: dict[str, str],
    therapist_id: int,
    start: str | datetime,
    session_type: str = "intake",
    **extra_headers: str,
):  # type: ignore[no-untyped-def]
    start_text = start.isoformat() if isinstance(start, datetime) else start
    return api.post(
        "/api/v1/holds",
        json={"therapist_id": therapist_id, "session_type": session_type, "start": start_text},
        headers={**headers, **extra_headers},
    )


def test_list_hold_book_and_calendar(client: TestClient, therapist_id: int, frozen) -> None:
    me = make_client(client)
    listed = slots(client, therapist_id, start="2026-12-03", tz="America/New_York")
    # 24 h notice from Wednesday 10:00: Thursday 10:00 is the first start
    assert listed[0]["start"] == "2026-12-03T10:00:00-05:00"
    created = hold(client, me, therapist_id, listed[0]["start"])
    assert created.status_code == 201, created.text
    body = created.json()
    assert datetime.fromisoformat(body["expires_at"]) == NOW + timedelta(minutes=10)
    booked = client.post("/api/v1/appointments", json={"hold_id": body["hold_id"]}, headers=me)
    assert booked.status_code == 201, booked.text
    assert booked.json()["status"] == "booked"
    # the booked time and its buffer are gone from the list; 11:30 is next (10-11, +10 min)
    after = [
        s["start"] for s in slots(client, therapist_id, start="2026-12-03", tz="America/New_York")
    ]
    assert after[:2] == ["2026-12-03T11:30:00-05:00", "2026-12-03T12:00:00-05:00"]
    ics = client.get(f"/api/v1/appointments/{body['hold_id']}/calendar.ics", headers=me)
    assert ics.status_code == 200
    assert ics.headers["content-type"].startswith("text/calendar")
    event = icalendar.Calendar.from_ical(ics.content).walk("VEVENT")[0]
    assert event.decoded("DTSTART") == datetime(2026, 12, 3, 15, 0, tzinfo=UTC)
    assert str(event["UID"]) == f"appointment-{body['hold_id']}@confide"


def test_a_taken_slot_answers_409_with_bookable_alternatives(
    client: TestClient, therapist_id: int, frozen
) -> None:
    first, second = make_client(client), make_client(client, name="Lee")
    assert hold(client, first, therapist_id, MONDAY_9_NY).status_code == 201
    clash = hold(client, second, therapist_id, MONDAY_9_NY + timedelta(minutes=30))
    assert clash.status_code == 409
    body = clash.json()
    assert body["error"] == "slot_unavailable"
    assert len(body["alternatives"]) == 3
    listed = {
        datetime.fromisoformat(s["start"])
        for s in slots(client, therapist_id, start="2026-12-07", tz="UTC")
    }
    offered = [datetime.fromisoformat(a) for a in body["alternatives"]]
    assert set(offered) <= listed
    assert offered == sorted(offered)
    assert offered[0] >= MONDAY_9_NY + timedelta(minutes=30)
    assert hold(client, second, therapist_id, body["alternatives"][0]).status_code == 201


def test_alternatives_for_a_start_months_ahead_begin_at_the_requested_time(
    client: TestClient, database: Database, frozen
) -> None:
    with database.session(write=True) as session:
        therapist_id = make_therapist(session, booking_horizon_days=365).id
    first, second = make_client(client), make_client(client, name="Lee")
    requested = datetime(2027, 11, 1, 10, 0, tzinfo=NEW_YORK)  # a Monday, eleven months ahead
    assert hold(client, first, therapist_id, requested).status_code == 201
    clash = hold(client, second, therapist_id, requested)
    assert clash.status_code == 409
    offered = [datetime.fromisoformat(a) for a in clash.json()["alternatives"]]
    listed = [
        datetime.fromisoformat(s["start"])
        for s in slots(client, therapist_id, start="2027-11-01", tz="America/New_York")
    ]
    # 10:00-11:00 is held and the buffer runs to 11:10: the same morning, not next week
    assert offered == [s for s in listed if s >= requested][:3]
    assert offered == [requested + timedelta(minutes=m) for m in (90, 120, 150)]


def test_alternatives_for_a_start_beyond_the_booking_horizon_are_the_last_listed_ones(
    client: TestClient, therapist_id: int, frozen
) -> None:
    me = make_client(client)
    requested = datetime(2027, 11, 1, 10, 0, tzinfo=NEW_YORK)  # the horizon is 30 days
    clash = hold(client, me, therapist_id, requested)
    assert clash.status_code == 409
    offered = [datetime.fromisoformat(a) for a in clash.json()["alternatives"]]
    listed = [
        datetime.fromisoformat(s["start"])
        for s in slots(client, therapist_id, start="2026-12-26", tz="America/New_York", days=14)
    ]
    horizon = NOW + timedelta(days=30)  # Friday 1 January, 10:00 in New York
    assert max(listed) < horizon
    assert offered == listed[-3:]
    assert offered[-1] == datetime(2027, 1, 1, 9, 30, tzinfo=NEW_YORK)
    assert hold(client, me, therapist_id, offered[-1]).status_code == 201


def test_expired_holds_never_block(
    client: TestClient, therapist_id: int, frozen: time_machine.Coordinates
) -> None:
    first, second = make_client(client), make_client(client, name="Lee")
    held = hold(client, first, therapist_id, MONDAY_9_NY).json()
    frozen.shift(timedelta(minutes=10, seconds=1))
    listed = [s["start"] for s in slots(client, therapist_id, start="2026-12-07", tz="UTC")]
    assert "2026-12-07T14:00:00Z" in listed
    assert hold(client, second, therapist_id, MONDAY_9_NY).status_code == 201
    late = client.post("/api/v1/appointments", json={"hold_id": held["hold_id"]}, headers=first)
    assert late.status_code == 409
    assert late.json()["error"] == "hold_expired"


def test_idempotency_key_replays_and_refuses_a_different_body(
    client: TestClient, database: Database, therapist_id: int, frozen
) -> None:
    me = make_client(client)
    first = hold(client, me, therapist_id, MONDAY_9_NY, **{"Idempotency-Key": "a1"})
    again = hold(client, me, therapist_id, MONDAY_9_NY, **{"Idempotency-Key": "a1"})
    assert first.status_code == again.status_code == 201
    assert again.json() == first.json()
    assert again.headers["Idempotent-Replayed"] == "true"
    other = hold(
        client, me, therapist_id, MONDAY_9_NY + timedelta(hours=2), **{"Idempotency-Key": "a1"}
    )
    assert other.status_code == 422
    assert other.json()["fields"][0]["field"] == "Idempotency-Key"
    book = {"hold_id": first.json()["hold_id"]}
    one = client.post("/api/v1/appointments", json=book, headers={**me, "Idempotency-Key": "b"})
    two = client.post("/api/v1/appointments", json=book, headers={**me, "Idempotency-Key": "b"})
    assert one.status_code == two.status_code == 201
    assert one.json() == two.json()
    with database.session() as session:
        assert session.scalar(select(func.count()).select_from(Appointment)) == 1


def test_cancel_frees_the_time_and_the_calendar_says_cancelled(
    client: TestClient, therapist_id: int, frozen
) -> None:
    me = make_client(client)
    held = hold(client, me, therapist_id, MONDAY_9_NY).json()
    client.post("/api/v1/appointments", json={"hold_id": held["hold_id"]}, headers=me)
    cancelled = client.post(f"/api/v1/appointments/{held['hold_id']}/cancel", headers=me)
    assert cancelled.status_code == 200
    assert cancelled.json()["status"] == "cancelled"
    assert "2026-12-07T14:00:00Z" in [
        s["start"] for s in slots(client, therapist_id, start="2026-12-07", tz="UTC")
    ]
    calendar = icalendar.Calendar.from_ical(
        client.get(f"/api/v1/appointments/{held['hold_id']}/calendar.ics", headers=me).content
    )
    assert str(calendar["METHOD"]) == "CANCEL"
    assert int(calendar.walk("VEVENT")[0]["SEQUENCE"]) == 1


def test_a_cancelled_appointment_cannot_be_moved(
    client: TestClient, therapist_id: int, frozen
) -> None:
    me = make_client(client)
    held = hold(client, me, therapist_id, MONDAY_9_NY).json()
    client.post(f"/api/v1/appointments/{held['hold_id']}/cancel", headers=me)
    moved = client.post(
        f"/api/v1/appointments/{held['hold_id']}/reschedule",
        json={"start": (MONDAY_9_NY + timedelta(hours=1)).isoformat()},
        headers=me,
    )
    # well formed, refused by the appointment's state: a conflict, not a validation error
    assert moved.status_code == 409, moved.text
    assert moved.json()["error"] == "appointment_closed"
    assert moved.json()["status"] == "cancelled"
    # cancelling again is not an error, and changes nothing
    again = client.post(f"/api/v1/appointments/{held['hold_id']}/cancel", headers=me)
    assert again.status_code == 200
    assert again.json()["status"] == "cancelled"


def test_reschedule_is_all_or_nothing(
    client: TestClient, database: Database, therapist_id: int, frozen
) -> None:
    me, other = make_client(client), make_client(client, name="Lee")
    held = hold(client, me, therapist_id, MONDAY_9_NY).json()
    client.post("/api/v1/appointments", json={"hold_id": held["hold_id"]}, headers=me)
    taken = MONDAY_9_NY + timedelta(hours=3)
    assert hold(client, other, therapist_id, taken).status_code == 201
    refused = client.post(
        f"/api/v1/appointments/{held['hold_id']}/reschedule",
        json={"start": taken.isoformat()},
        headers=me,
    )
    assert refused.status_code == 409
    assert (
        client.get(f"/api/v1/appointments/{held['hold_id']}", headers=me).json()["status"]
        == "booked"
    )
    # moving by half an hour overlaps the old time: fine, the old one is released in the same go
    moved = client.post(
        f"/api/v1/appointments/{held['hold_id']}/reschedule",
        json={"start": (MONDAY_9_NY + timedelta(minutes=30)).isoformat()},
        headers=me,
    )
    assert moved.status_code == 201, moved.text
    assert moved.json()["rescheduled_from_id"] == held["hold_id"]
    assert (
        client.get(f"/api/v1/appointments/{held['hold_id']}", headers=me).json()["status"]
        == "cancelled"
    )


def test_appointments_are_private_to_their_participants(
    client: TestClient, therapist_id: int, frozen
) -> None:
    me, stranger = make_client(client), make_client(client, name="Lee")
    held = hold(client, me, therapist_id, MONDAY_9_NY).json()
    for path in (
        f"/api/v1/appointments/{held['hold_id']}",
        f"/api/v1/appointments/{held['hold_id']}/calendar.ics",
    ):
        assert client.get(path, headers=stranger).status_code == 404
        assert client.get(path).status_code == 401
        assert client.get(path, headers={"Authorization": "Bearer nope"}).status_code == 401
    assert (
        client.post(f"/api/v1/appointments/{held['hold_id']}/cancel", headers=stranger).status_code
        == 404
    )
    assert (
        client.post(
            "/api/v1/appointments", json={"hold_id": held["hold_id"]}, headers=stranger
        ).status_code
        == 404
    )


def test_couples_need_both_states_licensed_and_both_partners_free(
    client: TestClient, database: Database, therapist_id: int, frozen
) -> None:
    with database.session(write=True) as session:
        other_therapist = make_therapist(session, licensed=("NY",)).id
    me, partner = make_client(client), make_client(client, state="NJ", name="Kai")
    no_partner = hold(client, me, therapist_id, MONDAY_9_NY, "couples_intake")
    assert no_partner.status_code == 422
    assert no_partner.json()["fields"][0]["field"] == "session_type"
    link_partners(client, me, partner)
    unlicensed = hold(client, me, other_therapist, MONDAY_9_NY, "couples_intake")
    assert unlicensed.status_code == 422
    assert "NJ" in unlicensed.json()["detail"]
    # the partner already has an individual session with someone else at that time
    with database.session(write=True) as session:
        nj_therapist = make_therapist(session, licensed=("NJ",)).id
    assert (
        hold(client, partner, nj_therapist, MONDAY_9_NY + timedelta(minutes=30)).status_code == 201
    )
    clash = hold(client, me, therapist_id, MONDAY_9_NY, "couples_intake")
    assert clash.status_code == 409
    assert "partner" in clash.json()["detail"]
    together = hold(client, me, therapist_id, MONDAY_9_NY + timedelta(hours=3), "couples_intake")
    assert together.status_code == 201, together.text
    with database.session() as session:
        people = session.scalars(
            select(AppointmentParticipant.client_id).where(
                AppointmentParticipant.appointment_id == together.json()["hold_id"]
            )
        ).all()
    assert len(people) == 2


def test_weekly_new_client_limit_and_not_accepting(
    client: TestClient, database: Database, frozen
) -> None:
    with database.session(write=True) as session:
        limited = make_therapist(session, weekly_new_client_limit=1).id
        closed = make_therapist(session, accepting=False).id
        paused = make_therapist(session, paused_until=date(2026, 12, 20)).id
    a, b = make_client(client), make_client(client, name="Lee")
    assert hold(client, a, limited, MONDAY_9_NY).status_code == 201
    full = hold(client, b, limited, MONDAY_9_NY + timedelta(days=1))
    assert full.status_code == 409
    assert full.json()["error"] == "therapist_unavailable"
    assert hold(client, b, limited, MONDAY_9_NY + timedelta(days=7)).status_code == 201
    for therapist in (closed, paused):
        # b holds a time already (one live hold per client): someone else asks
        refused = hold(client, make_client(client, name="Noor"), therapist, MONDAY_9_NY)
        assert refused.status_code == 409
        assert refused.json()["error"] == "therapist_unavailable"


@pytest.mark.parametrize(
    ("zone", "local_start"),
    [
        ("Asia/Kolkata", "2026-12-08T07:30:00+05:30"),
        ("Australia/Adelaide", "2026-12-08T12:30:00+10:30"),
    ],
)
def test_slots_in_a_client_zone_a_calendar_day_ahead(
    client: TestClient, database: Database, frozen, zone: str, local_start: str
) -> None:
    # Monday 18:00-21:00 in Los Angeles is Tuesday morning or midday for these clients
    with database.session(write=True) as session:
        evening = make_therapist(
            session,
            zone="America/Los_Angeles",
            practice_state="CA",
            licensed=("CA",),
            hours=[(0, 18 * 60, 21 * 60)],
        ).id
    listed = slots(client, evening, start="2026-12-08", days=1, tz=zone)
    assert listed[0]["start"] == local_start
    assert datetime.fromisoformat(listed[0]["start"]) == datetime(2026, 12, 8, 2, tzinfo=UTC)
    assert slots(client, evening, start="2026-12-07", days=1, tz=zone) == []
    me = make_client(client, state="CA", zone=zone)
    assert hold(client, me, evening, listed[0]["start"]).status_code == 201


def test_bad_input_names_the_field(client: TestClient, therapist_id: int, frozen) -> None:
    me = make_client(client)
    cases = [
        ({"session_type": "massage"}, "session_type"),
        ({"tz": "Mars/Olympus"}, "tz"),
        ({"days": 0}, "days"),
        ({"start": "tomorrow"}, "start"),
    ]
    for params, field in cases:
        response = client.get(f"/api/v1/therapists/{therapist_id}/slots", params=params)
        assert response.status_code == 422
        assert response.json()["fields"][0]["field"] == field
    naive = client.post(
        "/api/v1/holds",
        json={
            "therapist_id": therapist_id,
            "session_type": "intake",
            "start": "2026-12-07T09:00:00",
        },
        headers=me,
    )
    assert naive.status_code == 422
    assert naive.json()["fields"][0]["field"] == "start"
    off_grid = hold(client, me, therapist_id, MONDAY_9_NY + timedelta(minutes=10))
    assert off_grid.status_code == 409
    assert client.get("/api/v1/therapists/999999/slots").status_code == 404
    assert hold(client, me, 999999, MONDAY_9_NY).status_code == 404


DST_DAYS = {
    # zone and the local date the clocks change; the clock is frozen three days before
    "spring-new-york": ("America/New_York", date(2026, 3, 8)),
    "fall-new-york": ("America/New_York", date(2026, 11, 1)),
    "spring-london": ("Europe/London", date(2026, 3, 29)),
    "fall-london": ("Europe/London", date(2026, 10, 25)),
}
DST_EXPECTED = {
    "spring-new-york": [
        "00:00-05:00",
        "00:30-05:00",
        "01:00-05:00",
        "01:30-05:00",
        "03:00-04:00",
        "03:30-04:00",
    ],
    "fall-new-york": [
        "00:00-04:00",
        "00:30-04:00",
        "01:00-04:00",
        "01:30-04:00",
        "01:00-05:00",
        "01:30-05:00",
        "02:00-05:00",
        "02:30-05:00",
        "03:00-05:00",
        "03:30-05:00",
    ],
    "spring-london": ["00:00+00:00", "00:30+00:00", "02:00+01:00", "02:30+01:00"],
    "fall-london": [
        "00:00+01:00",
        "00:30+01:00",
        "01:00+01:00",
        "01:30+01:00",
        "01:00+00:00",
        "01:30+00:00",
        "02:00+00:00",
        "02:30+00:00",
        "03:00+00:00",
        "03:30+00:00",
    ],
}


@pytest.mark.parametrize("case", sorted(DST_DAYS))
def test_dst_days_through_the_api(client: TestClient, database: Database, case: str) -> None:
    zone, day = DST_DAYS[case]
    # Sunday 00:00-04:00 local (03:00 in London's spring, where the clocks skip 01:00-02:00)
    end = 4 * 60 if case != "spring-london" else 3 * 60
    with database.session(write=True) as session:
        therapist = make_therapist(
            session,
            zone=zone,
            hours=[(6, 0, end)],
            buffer_minutes=0,
            durations={"intake": 30},
            weekly_new_client_limit=20,
        ).id
    with time_machine.travel(
        datetime.combine(day, datetime.min.time(), UTC) - timedelta(days=3), tick=False
    ):
        listed = slots(client, therapist, start=day.isoformat(), days=1, tz=zone)
        shown = [s["start"][11:16] + s["start"][19:].replace("Z", "+00:00") for s in listed]
        assert shown == DST_EXPECTED[case]
        # every listed start, before, at and after the change, can be held; then none is left
        instants = [datetime.fromisoformat(s["start"]) for s in listed]
        assert len(set(instants)) == len(instants)
        for n, start in enumerate(instants):
            # one live hold per client: a client for each start
            me = make_client(client, zone=zone, name=f"Client {n}")
            assert hold(client, me, therapist, start.isoformat()).status_code == 201
        assert slots(client, therapist, start=day.isoformat(), days=1, tz=zone) == []


def test_a_full_caseload_refuses_newcomers_only(
    client: TestClient, database: Database, frozen
) -> None:
    with database.session(write=True) as session:
        small = make_therapist(session, caseload_limit=1).id
    seen, newcomer = make_client(client), make_client(client, name="Lee")
    first = hold(client, seen, small, MONDAY_9_NY)
    assert first.status_code == 201
    booked = client.post(
        "/api/v1/appointments", json={"hold_id": first.json()["hold_id"]}, headers=seen
    )
    assert booked.status_code == 201
    full = hold(client, newcomer, small, MONDAY_9_NY + timedelta(days=1))
    assert full.status_code == 409
    assert full.json()["detail"] == "this therapist's caseload is full"
    # the client already in the caseload can book a follow-up session
    again = hold(client, seen, small, MONDAY_9_NY + timedelta(days=2), "individual")
    assert again.status_code == 201, again.text


def test_first_sessions_are_listed_only_where_a_new_client_fits(
    client: TestClient, database: Database, frozen
) -> None:
    """Every listed first-session start can be held: paused, full weeks and full caseloads
    list none, while follow-up sessions are still listed."""
    with database.session(write=True) as session:
        paused = make_therapist(session, paused_until=date(2026, 12, 20)).id
        weekly = make_therapist(session, weekly_new_client_limit=1).id
        one_place = make_therapist(session, caseload_limit=1).id
    week = {"start": "2026-12-07", "days": 5, "tz": "UTC"}
    assert slots(client, paused, **week) == []
    assert slots(client, paused, session_type="individual", **week) != []
    me = make_client(client)
    refused = hold(client, me, paused, MONDAY_9_NY)
    assert refused.status_code == 409
    assert refused.json()["error"] == "therapist_unavailable"
    # one new client fills the week: that week lists no first session, the next one does
    assert hold(client, me, weekly, MONDAY_9_NY).status_code == 201
    assert slots(client, weekly, **week) == []
    assert slots(client, weekly, start="2026-12-14", days=5, tz="UTC") != []
    assert slots(client, weekly, session_type="individual", **week) != []
    # a couple needs two places; one is left
    assert slots(client, one_place, **week) != []
    assert slots(client, one_place, session_type="couples_intake", **week) == []
    # and whatever is listed can be held, by someone new
    newcomer = make_client(client, name="Lee")
    first = slots(client, weekly, start="2026-12-14", days=5, tz="UTC")[0]["start"]
    assert hold(client, newcomer, weekly, first).status_code == 201


def test_a_refused_look_at_someone_elses_appointment_is_on_the_audit_trail(
    client: TestClient, database: Database, therapist_id: int, frozen
) -> None:
    me, stranger = make_client(client), make_client(client, name="Lee")
    held = hold(client, me, therapist_id, MONDAY_9_NY).json()["hold_id"]
    paths = [
        ("GET", f"/api/v1/appointments/{held}"),
        ("GET", f"/api/v1/appointments/{held}/calendar.ics"),
        ("GET", f"/fhir/Appointment/{held}"),
        ("POST", f"/api/v1/appointments/{held}/cancel"),
    ]
    for method, path in paths:
        refused = client.request(method, path, headers=stranger)
        assert refused.status_code == 404, (path, refused.text)
    # an id that does not exist answers the same; the trail tells the two apart
    assert client.get("/api/v1/appointments/999999", headers=stranger).status_code == 404
    with database.session() as session:
        lee = session.scalars(select(Client.user_id).where(Client.name == "Lee")).one()
        trail = session.execute(
            select(AuditEvent.action, AuditEvent.object_id, AuditEvent.outcome)
            .where(AuditEvent.actor_user_id == lee, AuditEvent.object_type == "appointment")
            .order_by(AuditEvent.id)
        ).all()
    assert trail == [
        ("read", str(held), "denied"),
        ("read", str(held), "denied"),
        ("read", str(held), "denied"),
        ("update", str(held), "denied"),
        ("read", "999999", "not_found"),
    ]
    # the hold itself is untouched
    assert client.get(f"/api/v1/appointments/{held}", headers=me).json()["status"] == "held"
