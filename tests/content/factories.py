"""Staff accounts and content for the content tests: plain keyword-only functions."""

from __future__ import annotations

import uuid
from datetime import UTC, datetime

from sqlalchemy.orm import Session

from confide.audit import Actor
from confide.content import service
from confide.content.schemas import ContentDraft
from confide.models import User

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
    return ContentDraft(title=title, summary="A short summary.", body=body)


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
