"""Staff accounts and content for the content tests: plain keyword-only functions."""

from __future__ import annotations

import uuid
from datetime import UTC, datetime

from fastapi.testclient import TestClient
from sqlalchemy.orm import Session

from confide.accounts import tokens, users
from confide.accounts.passwords import PASSWORDS
from confide.accounts.schemas import SCOPES
from confide.audit import Actor
from confide.content import service
from confide.content.schemas import ContentDraft
from confide.db import Database
from confide.models import User
from tests.conftest import PASSWORD, sign_in

NOW = datetime(2026, 12, 1, 0, 5, tzinfo=UTC)  # five past midnight UTC: a day's first minutes


def staff(session: Session, *, role: str = "reviewer") -> Actor:
    """A verified staff account of `role`, as the audit trail names it."""
    email = f"{role}-{uuid.uuid4().hex[:8]}@example.org"
    user = User(email=email, email_key=email, role=role, email_verified_at=NOW, created_at=NOW)
    session.add(user)
    session.flush()
    return Actor(user_id=user.id, role=role)


def draft(
    *, title: str = "What trust issues are", body: str = "Trust is **built** slowly."
) -> ContentDraft:
    return ContentDraft(title=title, summary="A short summary.", markdown=body)


def publish_new(
    session: Session, slug: str, *, author: Actor, reviewer: Actor, body: str = "Text."
) -> int:
    """An item written by `author`, approved by `reviewer` and published; its version."""
    made = service.create_item(session, slug, "article", draft(body=body), author, NOW)
    for action in ("submit", "approve", "publish"):
        service.move(
            session,
            slug,
            made.number,
            action,
            reviewer if action != "submit" else author,
            NOW,
            reviewer_name="Dr. Rae Lin, LMFT",
        )
    return made.number


def staff_account(api: TestClient, *, role: str = "reviewer") -> tuple[str, dict[str, str]]:
    """A staff account with a password in `api`'s database: its address and a bearer header."""
    database: Database = api.app.state.database  # type: ignore[attr-defined]
    email = f"{role}-{uuid.uuid4().hex[:8]}@example.org"
    now = datetime.now(UTC)
    with database.session(write=True) as session:
        user = User(
            email=email,
            email_key=users.email_key(email),
            password_hash=PASSWORDS.hash(PASSWORD),
            role=role,
            email_verified_at=now,
            created_at=now,
        )
        session.add(user)
        session.flush()
        _, secret = tokens.create_token(session, user, list(SCOPES), 30, now)
    return email, {"Authorization": f"Bearer {secret}"}


def staff_browser(api: TestClient, *, role: str = "reviewer") -> TestClient:
    """A browser signed in as a new staff account of `role`."""
    email, _ = staff_account(api, role=role)
    browser = TestClient(api.app, raise_server_exceptions=False, follow_redirects=False)
    sign_in(browser, email)
    return browser
