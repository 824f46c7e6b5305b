"""A signed-in therapist on the portal, tied to a therapist record of the test's own."""

from __future__ import annotations

import re
import uuid
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, datetime

import pytest
from fastapi.testclient import TestClient

from confide.accounts import users
from confide.accounts.passwords import PASSWORDS
from confide.db import Database
from confide.main import create_app
from confide.models import TherapistLanguage, TherapistPopulation, TherapistSpecialty, User
from tests.conftest import PASSWORD, settings_for, sign_in
from tests.scheduling.factories import make_therapist

ALL_WEEK = tuple((d, 0, 24 * 60) for d in range(7))
_CSRF = re.compile(r'name="csrf_token" value="([^"]+)"')


def staff_account(database: Database, role: str, therapist_id: int | None = None) -> str:
    """An account of `role` with a password, as an accepted invitation makes it."""
    email = f"portal-{role}-{uuid.uuid4().hex[:8]}@example.org"
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


@dataclass
class Portal:
    app: TestClient  # anonymous, for the API
    browser: TestClient  # the therapist, signed in
    database: Database
    therapist_id: int
    email: str

    def csrf(self, path: str = "/portal/supply") -> str:
        page = self.browser.get(path)
        assert page.status_code == 200, page.text
        found = _CSRF.search(page.text)
        assert found is not None
        return found.group(1)

    def post(self, path: str, data: dict[str, object], **kw: object):  # type: ignore[no-untyped-def]
        form = {"csrf_token": self.csrf(), **data}
        return self.browser.post(path, data=form, **kw)  # type: ignore[arg-type]


@pytest.fixture
def portal(database: Database, quick_passwords: None) -> Iterator[Portal]:
    # a refresh interval far beyond the test: only the portal's own signal can bring changes in
    settings = settings_for(str(database.engine.url)).model_copy(
        update={"index_refresh_seconds": 3600.0}
    )
    with database.session(write=True) as session:
        therapist = make_therapist(
            session, hours=ALL_WEEK, minimum_notice_hours=2, licensed=("NY",)
        )
        # listed as matching reads a therapist: whom they see and what they work on
        therapist.populations = [
            TherapistPopulation(population=p) for p in ("individuals", "couples")
        ]
        therapist.specialties = [TherapistSpecialty(concern="infidelity", strength="primary")]
        therapist.languages = [TherapistLanguage(language="en")]
        therapist_id = therapist.id
    email = staff_account(database, "therapist", therapist_id)
    with TestClient(create_app(settings, database=database)) as app:
        browser = TestClient(app.app, follow_redirects=False)
        sign_in(browser, email)
        yield Portal(app, browser, database, therapist_id, email)
