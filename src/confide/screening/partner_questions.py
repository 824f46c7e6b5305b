"""The private partner-violence questions as the account page asks them (wired in main as one
of app.state.private_question_hooks; accounts sits beside this package and never imports it).

Each partner answers from their own account: when accepting a partner's invitation, or later in
a section of the account page only they see. What one answers is never shown to the other.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy.orm import Session

from confide.audit import Actor
from confide.screening.instruments import Item
from confide.screening.safety import last_partner_violence_answer
from confide.screening.safety_questions import PARTNER_VIOLENCE_QUESTIONS, Support, support_for
from confide.screening.service import record_safety_answers


@dataclass(frozen=True)
class PartnerViolenceQuestions:
    questions: tuple[Item, ...] = PARTNER_VIOLENCE_QUESTIONS

    def last_answered(
        self, session: Session, client_id: int, *, actor: Actor, now: datetime
    ) -> datetime | None:
        """When the client last answered one of these questions (audited), if ever."""
        return last_partner_violence_answer(session, client_id, actor=actor, now=now)

    def record(
        self,
        session: Session,
        client_id: int,
        answers: Mapping[str, int],
        *,
        source: str,
        actor: Actor,
        now: datetime,
    ) -> tuple[Support, ...]:
        """Keep the answers (audited); the help to show this person, and only them."""
        record_safety_answers(session, client_id, answers, source=source, actor=actor, now=now)
        return support_for(answers)
