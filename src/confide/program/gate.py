"""The safety gate before any joint step.

Joint steps are open only while the space is active with both partners in it, each has answered
the partner-violence questions privately within the last 30 days, and neither has ever disclosed
partner violence. Callers get a yes or a no and nothing of why or whose: the partner who is
kept out sees the same words whatever the reason (see pages).
"""

from __future__ import annotations

from datetime import datetime, timedelta

from sqlalchemy.orm import Session

from confide.audit import SYSTEM, Actor
from confide.models import ProgramSpace
from confide.program import queries
from confide.screening.safety import last_partner_violence_answer, partner_violence_disclosed

# an answer older than this is asked again before joint steps open
ASK_AGAIN_AFTER = timedelta(days=30)


def answer_due(session: Session, client_id: int, now: datetime, *, actor: Actor = SYSTEM) -> bool:
    """Whether this partner must answer the partner-violence questions (again) first."""
    last = last_partner_violence_answer(session, client_id, actor=actor, now=now)
    return last is None or now - last > ASK_AGAIN_AFTER


def joint_steps_open(
    session: Session, space: ProgramSpace, now: datetime, *, actor: Actor = SYSTEM
) -> bool:
    """Whether the couple may take joint steps now (every safety read audited)."""
    if space.status != "active" or not queries.linked(session, space):
        return False
    current = [m for m in queries.members(session, space.id) if m.left_at is None]
    if len(current) != 2:
        return False
    for member in current:
        if partner_violence_disclosed(session, member.client_id, actor=actor, now=now):
            return False
        if answer_due(session, member.client_id, now, actor=actor):
            return False
    return True
