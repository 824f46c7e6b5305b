"""Step 7 and the way out to individual care: the intake begun with what the program knows."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy.orm import Session

from confide import audit
from confide.audit import Actor
from confide.intake import service as intake
from confide.intake.schemas import IntakeAnswers
from confide.models import Client, User
from confide.program import service

CONCERNS = ["trust_issues", "communication"]


def begin_intake(
    session: Session,
    client: Client,
    browser_key: str | None,
    *,
    couples: bool,
    now: datetime,
    actor: Actor,
) -> str | None:
    """Save an intake draft for the couple (couples format, both states) or for this partner
    alone (individual support); returns a new browser key when a draft was begun."""
    at = service.seat(session, client, now)
    if couples:
        service.require_joint(session, at, now, actor)
    partner = session.get(Client, at.partner_id) if couples and at.partner_id else None
    answers = IntakeAnswers(
        state=client.state,
        format="couples" if partner is not None else "individual",
        partner_state=partner.state if partner is not None else None,
        concerns=list(CONCERNS),
        timezone=client.timezone,
    )
    user = session.get(User, client.user_id) if client.user_id is not None else None
    fresh = intake.save_answers(session, browser_key, answers, now, user=user)
    audit.record(session, actor, "update", service.SPACE, at.space.id, "ok", now)
    return fresh
