"""A couple in the program for the check-in tests: two linked partners who answered the private
questions (the safety gate open), their couple space, a joint session with a therapist, and
that therapist's account signed in on a browser of its own."""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

from fastapi.testclient import TestClient

from confide.accounts import users
from confide.accounts.passwords import PASSWORDS
from confide.db import Database
from confide.models import ProgramMember, ProgramSpace, User
from tests.conftest import PASSWORD, make_user, sign_in
from tests.scheduling.factories import link_partners, make_therapist

ALL_WEEK = tuple((d, 0, 24 * 60) for d in range(7))
CALM = {"safety": 2, "openness": 2, "listened": 2, "commitment": 2, "decisions": 2}


@dataclass(frozen=True)
class Couple:
    a: dict[str, str]  # bearer headers
    p: dict[str, str]
    a_id: int
    p_id: int
    a_email: str
    p_email: str
    space_id: int
    therapist_id: int


def client_id(api: TestClient, headers: dict[str, str]) -> int:
    return int(api.get("/api/v1/clients/me", headers=headers).json()["id"])


def _joint_session(api: TestClient, headers: dict[str, str], therapist_id: int) -> None:
    listed = api.get(
        f"/api/v1/therapists/{therapist_id}/slots",
        params={"session_type": "couples_intake", "days": 4, "tz": "UTC"},
    ).json()["slots"]
    body = {"therapist_id": therapist_id, "session_type": "couples_intake"}
    held = api.post("/api/v1/holds", json={**body, "start": listed[0]["start"]}, headers=headers)
    assert held.status_code == 201, held.text
    booked = api.post(
        "/api/v1/appointments", json={"hold_id": held.json()["hold_id"]}, headers=headers
    )
    assert booked.status_code == 201, booked.text


def bearer(api: TestClient, email: str) -> dict[str, str]:
    made = api.post("/api/v1/auth/tokens", json={"email": email, "password": PASSWORD})
    assert made.status_code == 201, made.text
    return {"Authorization": f"Bearer {made.json()['token']}"}


def browser_of(api: TestClient, email: str) -> TestClient:
    browser = TestClient(api.app, raise_server_exceptions=False, follow_redirects=False)
    sign_in(browser, email)
    return browser


def make_space(database: Database, first: int, second: int, now: datetime) -> int:
    with database.session(write=True) as session:
        space = ProgramSpace(created_at=now, started_by=first, invited=second, status="active")
        session.add(space)
        session.flush()
        session.add(ProgramMember(space_id=space.id, client_id=first, role="hurt", joined_at=now))
        session.add(
            ProgramMember(space_id=space.id, client_id=second, role="broke_trust", joined_at=now)
        )
        session.flush()
        return space.id


def make_couple(api: TestClient, *, therapist: bool = True) -> Couple:
    database: Database = api.app.state.database  # type: ignore[attr-defined]
    a_email, p_email = make_user(api, name="Alex Doe"), make_user(api, name="Pat Roe")
    a, p = bearer(api, a_email), bearer(api, p_email)
    link_partners(api, a, p)
    with database.session(write=True) as session:
        therapist_id = make_therapist(
            session, hours=ALL_WEEK, minimum_notice_hours=2, licensed=("NY",)
        ).id
    if therapist:
        _joint_session(api, a, therapist_id)
    a_id, p_id = client_id(api, a), client_id(api, p)
    space_id = make_space(database, a_id, p_id, datetime.now(UTC))
    return Couple(a, p, a_id, p_id, a_email, p_email, space_id, therapist_id)


def therapist_browser(api: TestClient, therapist_id: int) -> TestClient:
    """A browser signed in as a therapist account tied to `therapist_id`."""
    database: Database = api.app.state.database  # type: ignore[attr-defined]
    email = f"therapist-{uuid.uuid4().hex[:8]}@example.org"
    now = datetime.now(UTC)
    with database.session(write=True) as session:
        session.add(
            User(
                email=email,
                email_key=users.email_key(email),
                password_hash=PASSWORDS.hash(PASSWORD),
                role="therapist",
                therapist_id=therapist_id,
                email_verified_at=now,
                created_at=now,
            )
        )
    browser = TestClient(api.app, raise_server_exceptions=False, follow_redirects=False)
    sign_in(browser, email)
    return browser


def check_in(
    api: TestClient,
    headers: dict[str, str],
    *,
    signs: dict[str, int] | None = None,
    mood: list[int] | None = None,
    worry: list[int] | None = None,
) -> dict[str, object]:
    response = api.post(
        "/api/v1/program/check-ins",
        json={"signs": signs or CALM, "mood": mood or [0, 1], "worry": worry or [1, 0]},
        headers=headers,
    )
    assert response.status_code == 201, response.text
    return dict(response.json())


WEEK = timedelta(days=7)
