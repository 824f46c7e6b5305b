"""Safety at booking: no joint session where either partner disclosed partner violence, refused
with the same neutral words to both; individual care stays bookable; and nothing the other
partner can fetch differs between a world with the disclosure and one without."""

from __future__ import annotations

import shutil
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
import time_machine
from fastapi.testclient import TestClient
from sqlalchemy import select

from confide.audit import Actor
from confide.db import Database, create_db_engine
from confide.main import create_app
from confide.models import Appointment, Client
from confide.screening.safety import record_safety
from tests.conftest import migrated, settings_for
from tests.scheduling.factories import link_partners, make_client, make_therapist
from tests.web.test_readiness import wait_ready

NOW = datetime(2026, 12, 2, 15, 0, tzinfo=UTC)  # a Wednesday, 10:00 in New York
MONDAY_9_NY = datetime(2026, 12, 7, 14, 0, tzinfo=UTC)
NEUTRAL = {
    "error": "couples_unavailable",
    "detail": "Joint sessions can't be booked for this account right now. "
    "Individual sessions are available.",
}


@pytest.fixture
def frozen() -> Iterator[time_machine.Coordinates]:
    with time_machine.travel(NOW, tick=False) as traveller:
        yield traveller


def disclose(database: Database, name: str) -> None:
    """The intake keeps a partner-violence answer in the person's private safety record."""
    with database.session(write=True) as session:
        client = session.scalars(select(Client).where(Client.name == name)).one()
        record_safety(
            session,
            client.id,
            partner_violence=True,
            self_harm_risk=False,
            source="intake:pv_fear",
            actor=Actor(user_id=client.id, role="client"),
            now=NOW,
        )


def hold(api: TestClient, me: dict[str, str], therapist_id: int, start: datetime, kind: str):  # type: ignore[no-untyped-def]
    return api.post(
        "/api/v1/holds",
        json={"therapist_id": therapist_id, "session_type": kind, "start": start.isoformat()},
        headers=me,
    )


def confirm(api: TestClient, me: dict[str, str], hold_id: int):  # type: ignore[no-untyped-def]
    return api.post("/api/v1/appointments", json={"hold_id": hold_id}, headers=me)


def joint_count(database: Database) -> int:
    with database.session() as session:
        rows = session.scalars(
            select(Appointment).where(Appointment.session_type.in_(("couples", "couples_intake")))
        ).all()
        return sum(1 for row in rows if row.status in ("held", "booked"))


@pytest.fixture
def couple(
    client: TestClient, database: Database, frozen
) -> tuple[int, dict[str, str], dict[str, str]]:  # type: ignore[no-untyped-def]
    with database.session(write=True) as session:
        therapist = make_therapist(session, licensed=("NY", "NJ")).id
    alex, blake = make_client(client, name="Alex"), make_client(client, state="NJ", name="Blake")
    link_partners(client, alex, blake)
    return therapist, alex, blake


@pytest.mark.parametrize("discloser", ["Alex", "Blake"])
def test_a_joint_hold_is_refused_alike_to_both_partners(
    client: TestClient, database: Database, couple, discloser: str
) -> None:  # type: ignore[no-untyped-def]
    therapist, alex, blake = couple
    disclose(database, discloser)
    answers = [
        hold(client, me, therapist, MONDAY_9_NY + timedelta(hours=n), kind)
        for me in (alex, blake)
        for n, kind in enumerate(("couples_intake", "couples"))
    ]
    assert {a.status_code for a in answers} == {409}
    assert [a.json() for a in answers] == [NEUTRAL] * 4
    assert joint_count(database) == 0
    # individual care stays bookable, for both
    for n, me in enumerate((alex, blake)):
        own = hold(client, me, therapist, MONDAY_9_NY + timedelta(days=1 + n), "intake")
        assert own.status_code == 201, own.text
        assert confirm(client, me, own.json()["hold_id"]).status_code == 201


def test_a_joint_hold_made_before_the_disclosure_cannot_be_confirmed_or_moved(
    client: TestClient, database: Database, couple
) -> None:  # type: ignore[no-untyped-def]
    therapist, alex, blake = couple
    booked = hold(client, alex, therapist, MONDAY_9_NY, "couples_intake").json()["hold_id"]
    assert confirm(client, alex, booked).status_code == 201
    pending = hold(client, blake, therapist, MONDAY_9_NY + timedelta(days=1), "couples").json()
    disclose(database, "Blake")
    for me in (alex, blake):
        refused = confirm(client, me, pending["hold_id"])
        assert refused.status_code == 409
        assert refused.json() == NEUTRAL
    moved = client.post(
        f"/api/v1/appointments/{booked}/reschedule",
        json={"start": (MONDAY_9_NY + timedelta(hours=3)).isoformat()},
        headers=alex,
    )
    assert moved.status_code == 409
    assert moved.json() == NEUTRAL
    # nothing changed: the booked session stands where it was, the hold is still only a hold
    assert client.get(f"/api/v1/appointments/{booked}", headers=alex).json()["status"] == "booked"
    assert (
        client.get(f"/api/v1/appointments/{pending['hold_id']}", headers=alex).json()["status"]
        == "held"
    )


# ---- the other partner's view, with and without the disclosure ----------------------------


@pytest.fixture
def other_world(
    database: Database, request: pytest.FixtureRequest, tmp_path: Path
) -> Iterator[Database]:
    """A second fresh database like `database` (same backend): the world without disclosure."""
    if database.engine.dialect.name == "sqlite":
        path = tmp_path / "other_world.db"
        shutil.copy(request.getfixturevalue("sqlite_template"), path)
        world = Database(create_db_engine(f"sqlite:///{path}"))
    else:
        world = migrated(request.getfixturevalue("postgres_databases").create("world"))
    yield world
    world.dispose()


def _partners_view(database: Database, *, disclosed: bool) -> list[tuple[str, int, str, bytes]]:
    """Build one world, then fetch everything Blake can, as Blake."""
    with database.session(write=True) as session:
        therapist = make_therapist(session, licensed=("NY", "NJ")).id
        other = make_therapist(session, licensed=("NY", "NJ")).id
    app = create_app(settings_for(str(database.engine.url)), database=database)
    with TestClient(app) as api:
        # the same addresses in both worlds: everything Blake sees must match byte for byte
        alex = make_client(api, name="Alex", email="alex@example.org")
        blake = make_client(api, state="NJ", name="Blake", email="blake@example.org")
        link_partners(api, alex, blake)
        joint = hold(api, alex, therapist, MONDAY_9_NY, "couples_intake").json()["hold_id"]
        assert confirm(api, alex, joint).status_code == 201
        own = hold(api, blake, other, MONDAY_9_NY + timedelta(days=1), "intake").json()["hold_id"]
        assert confirm(api, blake, own).status_code == 201
        if disclosed:
            disclose(database, "Alex")
        wait_ready(api)
        app.state.matching.warm_up(NOW)
        day = MONDAY_9_NY.date().isoformat()
        gets = [
            "/api/v1/clients/me",
            f"/api/v1/appointments/{joint}",
            f"/api/v1/appointments/{own}",
            f"/api/v1/appointments/{joint}/calendar.ics",
            f"/api/v1/appointments/{own}/calendar.ics",
            f"/fhir/Appointment/{joint}",
            f"/api/v1/therapists/{therapist}/slots?session_type=couples&start={day}",
            f"/api/v1/therapists/{therapist}/slots?session_type=couples_intake&start={day}",
            f"/api/v1/therapists/{therapist}/slots?session_type=intake&start={day}",
            f"/book?therapist={therapist}&session_type=couples&start="
            f"{(MONDAY_9_NY + timedelta(hours=3)).isoformat().replace('+00:00', 'Z')}",
        ]
        seen = [
            (path, r.status_code, r.headers["content-type"], r.content)
            for path in gets
            for r in [api.get(path, headers=blake)]
        ]
        matches = api.post(
            "/api/v1/matches",
            json={
                "state": "NJ",
                "format": "couples",
                "partner_state": "NY",
                "concerns": ["infidelity"],
                "payment": {"method": "self_pay", "max_rate": 300},
                "timezone": "America/New_York",
            },
            headers=blake,
        )
        seen.append(("matches", matches.status_code, "", matches.content))
        if disclosed:  # the worlds do differ: Alex's disclosure is there and is honoured
            assert (
                hold(api, blake, therapist, MONDAY_9_NY + timedelta(days=2), "couples").json()
                == NEUTRAL
            )
    return seen


def test_nothing_the_other_partner_can_fetch_changes_with_a_disclosure(
    database: Database, other_world: Database, frozen
) -> None:  # type: ignore[no-untyped-def]
    with_disclosure = _partners_view(database, disclosed=True)
    without = _partners_view(other_world, disclosed=False)
    assert [(path, status) for path, status, _, _ in with_disclosure] == [
        (path, 200) for path, _, _, _ in without
    ]
    # both worlds are built at the same frozen instant, in fresh databases: ids and times agree,
    # so the answers must agree byte for byte
    for mine, theirs in zip(with_disclosure, without, strict=True):
        assert mine == theirs, mine[0]
