"""One live hold per client and one upcoming first session per client per format, through the
API on SQLite and PostgreSQL; a client racing themself across therapists on PostgreSQL; every
appointment read and write on the audit trail."""

from __future__ import annotations

import threading
from collections import Counter
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta

import pytest
import time_machine
from fastapi.testclient import TestClient
from sqlalchemy import select

from confide.accounts.schemas import ClientCreate
from confide.accounts.service import create_client
from confide.db import Database
from confide.errors import DomainError, HoldExists
from confide.models import Appointment, AuditEvent, Client
from confide.scheduling import service
from tests.scheduling.factories import link_partners, make_client, make_therapist

NOW = datetime(2026, 12, 2, 15, 0, tzinfo=UTC)  # a Wednesday, 10:00 in New York
MONDAY_9_NY = datetime(2026, 12, 7, 14, 0, tzinfo=UTC)
ALL_WEEK = tuple((d, 0, 24 * 60) for d in range(7))


@pytest.fixture
def frozen() -> Iterator[time_machine.Coordinates]:
    with time_machine.travel(NOW, tick=False) as traveller:
        yield traveller


@pytest.fixture
def therapists(database: Database) -> list[int]:
    with database.session(write=True) as session:
        return [make_therapist(session, licensed=("NY", "NJ")).id for _ in range(3)]


def hold(api: TestClient, me: dict[str, str], therapist_id: int, start: datetime, kind="intake"):  # type: ignore[no-untyped-def]
    return api.post(
        "/api/v1/holds",
        json={"therapist_id": therapist_id, "session_type": kind, "start": start.isoformat()},
        headers=me,
    )


def book(api: TestClient, me: dict[str, str], therapist_id: int, start: datetime, kind="intake"):  # type: ignore[no-untyped-def]
    held = hold(api, me, therapist_id, start, kind)
    assert held.status_code == 201, held.text
    booked = api.post("/api/v1/appointments", json={"hold_id": held.json()["hold_id"]}, headers=me)
    assert booked.status_code == 201, booked.text
    return booked.json()


def held_count(database: Database) -> int:
    with database.session() as session:
        return len(
            session.scalars(select(Appointment.id).where(Appointment.status == "held")).all()
        )


def test_a_second_hold_is_refused_naming_the_first(
    client: TestClient, database: Database, therapists: list[int], frozen
) -> None:
    me = make_client(client)
    first = hold(client, me, therapists[0], MONDAY_9_NY)
    assert first.status_code == 201
    hold_id = first.json()["hold_id"]
    # another therapist, another day, even a follow-up session type: still a second hold
    for kind in ("intake", "individual"):
        again = hold(client, me, therapists[1], MONDAY_9_NY + timedelta(days=1), kind)
        assert again.status_code == 409, again.text
        body = again.json()
        assert body["error"] == "hold_exists"
        assert body["existing"]["appointment_id"] == hold_id
        assert body["existing"]["therapist_id"] == therapists[0]
        assert datetime.fromisoformat(body["existing"]["start"]) == MONDAY_9_NY
        assert f"hold {hold_id}" in body["detail"]
        assert "2026-12-07 14:00 UTC" in body["detail"]
        assert "Robin Hale" in body["detail"]
    assert held_count(database) == 1
    # once the hold lapses, the client may hold again
    frozen.shift(timedelta(minutes=11))
    second = hold(client, me, therapists[1], MONDAY_9_NY + timedelta(days=1))
    assert second.status_code == 201
    # and once a hold is cancelled too
    cancel = client.post(f"/api/v1/appointments/{second.json()['hold_id']}/cancel", headers=me)
    assert cancel.status_code == 200
    assert held_count(database) == 0
    assert hold(client, me, therapists[2], MONDAY_9_NY + timedelta(days=2)).status_code == 201


def test_one_upcoming_first_session_per_format(
    client: TestClient, database: Database, therapists: list[int], frozen
) -> None:
    me, partner = make_client(client), make_client(client, state="NJ", name="Kai")
    first = book(client, me, therapists[0], MONDAY_9_NY)
    second = hold(client, me, therapists[1], MONDAY_9_NY + timedelta(days=1))
    assert second.status_code == 409
    body = second.json()
    assert body["error"] == "first_session_exists"
    assert body["existing"]["appointment_id"] == first["id"]
    assert body["existing"]["status"] == "booked"
    assert f"appointment {first['id']}" in body["detail"]
    assert "individual" in body["detail"]
    # a follow-up session is not a first session
    follow_up = book(client, me, therapists[1], MONDAY_9_NY + timedelta(days=1), "individual")
    # couples work is another format: one first couples session besides the individual one
    link_partners(client, me, partner)
    joint = book(client, me, therapists[2], MONDAY_9_NY + timedelta(days=2), "couples_intake")
    refused = hold(
        client, partner, therapists[1], MONDAY_9_NY + timedelta(days=3), "couples_intake"
    )
    assert refused.status_code == 409
    assert refused.json()["error"] == "first_session_exists"
    # the partner takes part in it, so it is named to them too
    assert refused.json()["existing"]["appointment_id"] == joint["id"]
    assert "couples" in refused.json()["detail"]
    # the partner's own first individual session is theirs to book
    book(client, partner, therapists[1], MONDAY_9_NY + timedelta(days=3))
    # a cancelled first session frees the format; a past one does too
    assert client.post(f"/api/v1/appointments/{first['id']}/cancel", headers=me).status_code == 200
    again = book(client, me, therapists[1], MONDAY_9_NY + timedelta(days=4))
    frozen.move_to(MONDAY_9_NY + timedelta(days=5))
    book(client, me, therapists[0], MONDAY_9_NY + timedelta(days=8))
    assert again["id"] != follow_up["id"]


def test_rescheduling_ones_own_hold_and_appointment_still_works(
    client: TestClient, database: Database, frozen
) -> None:
    with database.session(write=True) as session:
        limited = make_therapist(session, weekly_new_client_limit=1).id
    me, other = make_client(client), make_client(client, name="Lee")
    # the week after next is full: another new client has its place
    book(client, other, limited, MONDAY_9_NY + timedelta(days=7))
    held = hold(client, me, limited, MONDAY_9_NY).json()
    moved = client.post(
        f"/api/v1/appointments/{held['hold_id']}/reschedule",
        json={"start": (MONDAY_9_NY + timedelta(days=1)).isoformat()},
        headers=me,
    )
    assert moved.status_code == 201, moved.text
    assert moved.json()["status"] == "held"
    # a moved hold keeps its expiry: moving is not a way to hold for longer
    assert datetime.fromisoformat(moved.json()["hold_expires_at"]) == NOW + timedelta(minutes=10)
    booked = client.post("/api/v1/appointments", json={"hold_id": moved.json()["id"]}, headers=me)
    assert booked.status_code == 201
    again = client.post(
        f"/api/v1/appointments/{moved.json()['id']}/reschedule",
        json={"start": (MONDAY_9_NY + timedelta(days=2)).isoformat()},
        headers=me,
    )
    assert again.status_code == 201, again.text
    # into the full week: refused, and nothing moved
    full = client.post(
        f"/api/v1/appointments/{again.json()['id']}/reschedule",
        json={"start": (MONDAY_9_NY + timedelta(days=8)).isoformat()},
        headers=me,
    )
    assert full.status_code == 409
    assert full.json()["error"] == "therapist_unavailable"
    mine = client.get(f"/api/v1/appointments/{again.json()['id']}", headers=me).json()
    assert mine["status"] == "booked"
    # a hold that lapsed cannot be moved
    frozen.shift(timedelta(minutes=30))
    lapsed = hold(client, other, limited, MONDAY_9_NY + timedelta(days=3), "individual").json()
    frozen.shift(timedelta(minutes=11))
    late = client.post(
        f"/api/v1/appointments/{lapsed['hold_id']}/reschedule",
        json={"start": (MONDAY_9_NY + timedelta(days=3, hours=2)).isoformat()},
        headers=other,
    )
    assert late.status_code == 409
    assert late.json()["error"] == "hold_expired"


def test_every_appointment_read_and_write_is_on_the_audit_trail(
    client: TestClient, database: Database, therapists: list[int], frozen
) -> None:
    me = make_client(client)
    held = hold(client, me, therapists[0], MONDAY_9_NY).json()["hold_id"]
    client.post("/api/v1/appointments", json={"hold_id": held}, headers=me)
    client.get(f"/api/v1/appointments/{held}", headers=me)
    client.get(f"/api/v1/appointments/{held}/calendar.ics", headers=me)
    client.get(f"/fhir/Appointment/{held}", headers=me)
    moved = client.post(
        f"/api/v1/appointments/{held}/reschedule",
        json={"start": (MONDAY_9_NY + timedelta(hours=3)).isoformat()},
        headers=me,
    ).json()["id"]
    client.post(f"/api/v1/appointments/{moved}/cancel", headers=me)
    # someone else's appointment: not found to them, and their attempt recorded as denied
    stranger = make_client(client, name="Lee")
    assert client.get(f"/api/v1/appointments/{held}", headers=stranger).status_code == 404
    with database.session() as session:
        me_id = session.scalars(select(Client.user_id).where(Client.name == "Sam")).one()
        lee_id = session.scalars(select(Client.user_id).where(Client.name == "Lee")).one()
        events = session.scalars(
            select(AuditEvent)
            .where(AuditEvent.object_type == "appointment")
            .order_by(AuditEvent.id)
        ).all()
    assert [(e.action, e.object_id) for e in events] == [
        ("create", str(held)),
        ("update", str(held)),
        ("read", str(held)),
        ("read", str(held)),
        ("read", str(held)),
        ("update", str(held)),
        ("create", str(moved)),
        ("update", str(moved)),
        ("read", str(held)),
    ]
    # the user acting, from the address the request came from, and how it ended
    assert {(e.actor_role, e.actor_user_id, e.address, e.outcome) for e in events[:-1]} == {
        ("client", me_id, "testclient", "ok")
    }
    assert (events[-1].actor_user_id, events[-1].outcome) == (lee_id, "denied")


postgres_only = pytest.mark.parametrize("database", ["postgresql"], indirect=True)


@pytest.mark.postgres
@postgres_only
def test_one_client_racing_for_many_therapists_gets_one_hold(database: Database) -> None:
    """Every thread starts at once: one hold, the rest refused naming it."""
    count = 6
    now = datetime.now(UTC).replace(second=0, microsecond=0)
    start = now.replace(minute=0) + timedelta(days=2)
    with database.session(write=True) as session:
        ids = [make_therapist(session, hours=ALL_WEEK).id for _ in range(count)]
        client_id = create_client(
            session,
            ClientCreate(
                name="Sam", email="sam@example.org", state="NY", timezone="America/New_York"
            ),
        )[0].id
    barrier = threading.Barrier(count)
    outcomes: list[str] = []

    def attempt(n: int, therapist_id: int) -> None:
        # a different time each, so that only the limit (not the overlap rule) stops them
        begin = start + timedelta(hours=2 * n)
        barrier.wait()
        try:
            with database.session(write=True) as session:
                me = session.get_one(Client, client_id)
                service.create_hold(session, me, therapist_id, "intake", begin, now, 10)
            outcomes.append("held")
        except DomainError as error:
            outcomes.append(error.code)

    threads = [threading.Thread(target=attempt, args=(n, t)) for n, t in enumerate(ids)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(30)
    assert Counter(outcomes) == Counter({"held": 1, "hold_exists": count - 1}), outcomes
    assert held_count(database) == 1


@pytest.mark.postgres
@postgres_only
def test_a_second_hold_waits_for_the_first_to_commit(database: Database) -> None:
    """The client's row lock makes the second request wait for the first's transaction, then
    see its hold: without the lock it would see nothing and both would hold."""
    now = datetime.now(UTC).replace(second=0, microsecond=0)
    start = now.replace(minute=0) + timedelta(days=2)
    with database.session(write=True) as session:
        first_therapist, second_therapist = (
            make_therapist(session, hours=ALL_WEEK).id for _ in range(2)
        )
        client_id = create_client(
            session,
            ClientCreate(
                name="Sam", email="sam@example.org", state="NY", timezone="America/New_York"
            ),
        )[0].id
    inside = threading.Event()
    second_outcome: list[object] = []

    def second() -> None:
        inside.wait(10)
        try:
            with database.session(write=True) as session:
                me = session.get_one(Client, client_id)
                later = start + timedelta(hours=3)
                service.create_hold(session, me, second_therapist, "intake", later, now, 10)
            second_outcome.append("held")
        except HoldExists as refusal:
            second_outcome.append(refusal.extra["existing"]["therapist_id"])

    racer = threading.Thread(target=second)
    racer.start()
    with database.session(write=True) as session:
        me = session.get_one(Client, client_id)
        service.create_hold(session, me, first_therapist, "intake", start, now, 10)
        inside.set()
        racer.join(0.5)
        assert racer.is_alive(), "the second request should wait for this transaction"
    racer.join(10)
    assert second_outcome == [first_therapist]
    assert held_count(database) == 1
