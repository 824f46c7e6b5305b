"""Each step's guidance: the clinician-reviewed text once content publishes it, and until then a
plain note that it awaits review."""

from __future__ import annotations

import uuid
from datetime import UTC, datetime

from confide.accounts import users
from confide.audit import SYSTEM, Actor
from confide.content import service as content
from confide.content.schemas import ContentDraft
from confide.db import Database
from confide.models import User
from confide.program import guidance
from confide.program.steps import STEPS

WHEN = datetime(2026, 12, 1, 0, 5, tzinfo=UTC)


def _reviewer(database: Database) -> Actor:
    email = f"reviewer-{uuid.uuid4().hex[:8]}@example.org"
    with database.session(write=True) as session:
        user = User(
            email=email,
            email_key=users.email_key(email),
            password_hash=None,
            role="reviewer",
            email_verified_at=WHEN,
            created_at=WHEN,
        )
        session.add(user)
        session.flush()
        return Actor(user_id=user.id, role="reviewer")


def test_until_content_is_published_the_guidance_says_it_awaits_review(
    database: Database,
) -> None:
    draft = ContentDraft(title="Naming it", summary="In short.", markdown="Say it *plainly*.")
    with database.session(write=True) as session:
        content.create_item(session, "program-step-1", "guidance", draft, SYSTEM, WHEN)
        content.move(session, "program-step-1", 1, "submit", SYSTEM, WHEN)
    with database.session() as session:
        found = guidance.guidance(session, "program-step-1")
    assert not found.reviewed
    assert "awaiting clinical review" in found.body_html
    assert "plainly" not in found.body_html  # a draft in review is never served


def test_published_guidance_is_served_with_who_approved_it(database: Database) -> None:
    reviewer = _reviewer(database)
    draft = ContentDraft(title="Naming it", summary="In short.", markdown="Say it *plainly*.")
    with database.session(write=True) as session:
        content.create_item(session, "program-step-1", "guidance", draft, SYSTEM, WHEN)
        content.move(session, "program-step-1", 1, "submit", SYSTEM, WHEN)
        content.move(
            session, "program-step-1", 1, "approve", reviewer, WHEN, reviewer_name="Dr Rivera"
        )
        content.move(session, "program-step-1", 1, "publish", reviewer, WHEN)
    with database.session() as session:
        found = guidance.guidance(session, STEPS[0].slug)
    assert found.reviewed
    assert found.approved_by == "Dr Rivera"
    assert found.approved_at == WHEN
    assert "<em>plainly</em>" in found.body_html
    assert [s.slug for s in STEPS] == [f"program-step-{n}" for n in range(1, 9)]
