"""Shared by the admin tests: staff accounts signed in on a browser, clients and sessions
written straight to the database, and the CSRF field of a page."""

from __future__ import annotations

import re
import uuid
from datetime import UTC, datetime, timedelta

from fastapi.testclient import TestClient
from sqlalchemy.orm import Session

from confide.accounts import users
from confide.accounts.passwords import PASSWORDS
from confide.db import Database
from confide.models import Appointment, AppointmentParticipant, Client, User
from tests.conftest import PASSWORD, sign_in

CSRF = re.compile(r'name="csrf_token" value="([^"]+)"')


def staff_user(database: Database, role: str, therapist_id: int | None = None) -> str:
    """A verified staff account with the test password; returns its address."""
    email = f"{role}-{uuid.uuid4().hex[:8]}@example.org"
    now = datetime.now(UTC)
    with database.session(write=True) as session:
        session.add(
            User(
                email=email,
                email_key=users.email_key(email),
                password_hash=PASSWORDS.hash(PASSWORD),
                role=role,
                therapist_id=therapist_id,
                email_verified_at=now,
                created_at=now,
            )
        )
    return email


def browser_for(
    api: TestClient, database: Database, role: str, therapist_id: int | None = None
) -> TestClient:
    """A browser of its own, signed in as a new staff member with this role."""
    browser = TestClient(api.app, raise_server_exceptions=False)
    sign_in(browser, staff_user(database, role, therapist_id))
    return browser


def csrf_of(browser: TestClient, path: str) -> str:
    page = browser.get(path)
    assert page.status_code == 200, page.text
    found = CSRF.search(page.text)
    assert found is not None, f"no form on {path}"
    return found.group(1)


def client_row(session: Session, name: str, state: str = "NY") -> Client:
    client = Client(
        name=name,
        email=f"{name.lower().replace(' ', '.')}-{uuid.uuid4().hex[:6]}@example.org",
        state=state,
        timezone="America/New_York",
        created_at=datetime.now(UTC),
    )
    session.add(client)
    session.flush()
    return client


def booked_session(
    session: Session, therapist_id: int, client: Client, start: datetime, status: str = "booked"
) -> Appointment:
    end = start + timedelta(minutes=60)
    appointment = Appointment(
        therapist_id=therapist_id,
        session_type="intake",
        status=status,
        start_at=start,
        end_at=end,
        blocked_until=end + timedelta(minutes=10),
        is_new_client=True,
        client_state=client.state,
        created_by_client_id=client.id,
        created_at=start - timedelta(days=3),
        updated_at=start - timedelta(days=3),
        participants=[
            AppointmentParticipant(client_id=client.id, start_at=start, end_at=end, status=status)
        ],
    )
    session.add(appointment)
    session.flush()
    return appointment
