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
# audited per client: the draft begun for them
DRAFT = "intake_draft"


def begin_intake(
    session: Session,
    client: Client,
    browser_key: str | None,
    *,
    couples: bool,
    now: datetime,
    actor: Actor,
) -> str | None:
    """Save an intake draft for the couple (couples format, both states; joint steps must be
    open) or for this partner alone (individual support: in a space or not, so that someone
    who said they do not feel safe always has the way out); returns a new browser key when a
    draft was begun."""
    partner = None
    if couples:
        at = service.seat(session, client, now)
        service.require_joint(session, at, now, actor)
        partner = session.get(Client, at.partner_id) if at.partner_id else None
    answers = IntakeAnswers(
        state=client.state,
        format="couples" if partner is not None else "individual",
        partner_state=partner.state if partner is not None else None,
        concerns=list(CONCERNS),
        timezone=client.timezone,
    )
    user = session.get(User, client.user_id) if client.user_id is not None else None
    fresh = intake.save_answers(session, browser_key, answers, now, user=user)
    audit.record(session, actor, "create", DRAFT, client.id, "ok", now)
    return fresh
