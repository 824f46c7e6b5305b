"""Screening routes: the instruments, scoring (stores nothing), and a client's own private
safety answers.

Authentication belongs to accounts, which sits beside this package: `screening_router(who)`
takes the dependency that yields a resolver naming the signed-in client (their id, and the
audit trail's Actor for them) inside the request's one unit of work, as audit_router does.
Scoring stores nothing and costs little, as the vocabulary does, so it has no rate limit; the
safety answers need a verified client acting for themself, and a person answering them is
never told to wait.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime
from typing import Any

from fastapi import APIRouter, Depends
from sqlalchemy.orm import Session

from confide.audit import Actor
from confide.screening import fhir, instruments, service
from confide.screening.instruments import INSTRUMENTS
from confide.screening.safety_questions import SAFETY_QUESTIONS, support_for
from confide.screening.schemas import (
    InstrumentsRead,
    SafetyAnswers,
    SafetyQuestionsRead,
    SafetyRecorded,
    ScoreRead,
    ScoreRequest,
    instrument_read,
    item_read,
    support_read,
)
from confide.web.responses import AUTH_RESPONSES
from confide.web.unit_of_work import UnitOfWorkDep

# the client asking, as (client id, Actor), resolved in the request's unit of work
ClientResolver = Callable[[Session], tuple[int, Actor]]
ANSWERED_FROM = "account"  # the safety record's source prefix for answers sent here


def score(payload: ScoreRequest, now: datetime) -> ScoreRead:
    found = INSTRUMENTS[payload.instrument]
    result = instruments.score(payload.instrument, payload.answers, payload.sex)
    return ScoreRead(
        instrument=result.instrument,
        total=result.total,
        band=result.band,
        positive=result.positive,
        flags=list(result.flags),
        questionnaire_response=fhir.questionnaire_response(found, payload.answers, result, now),
        observation=fhir.observation(found, result, now),
    )


def screening_router(who: Callable[..., Any]) -> APIRouter:
    """The routes; `who` is a dependency returning a ClientResolver for the caller."""

    router = APIRouter(prefix="/api/v1/screenings", tags=["screening"])

    @router.get("/instruments", response_model=InstrumentsRead)
    async def list_instruments() -> InstrumentsRead:
        """Every instrument with its items and answers, LOINC codes, cut-offs and bands."""
        return InstrumentsRead(instruments=[instrument_read(i) for i in INSTRUMENTS.values()])

    @router.post("/score", response_model=ScoreRead)
    async def score_answers(payload: ScoreRequest) -> ScoreRead:
        """Score one instrument's answers, with its FHIR shapes; nothing is stored."""
        return score(payload, datetime.now(UTC))

    @router.get("/safety/questions", response_model=SafetyQuestionsRead)
    async def safety_questions() -> SafetyQuestionsRead:
        """The private safety questions (yes is 1, no is 0), the same for everyone."""
        return SafetyQuestionsRead(questions=[item_read(q) for q in SAFETY_QUESTIONS])

    @router.post(
        "/safety", status_code=201, response_model=SafetyRecorded, responses=AUTH_RESPONSES
    )
    async def answer_safety_questions(
        payload: SafetyAnswers,
        uow: UnitOfWorkDep,
        # a default value: the annotations are strings (future import), and a string cannot
        # name `who`, which exists only in this call
        resolve: ClientResolver = Depends(who),
    ) -> SafetyRecorded:
        """Keep the signed-in client's own answers, privately; the answer shows only the help
        meant for this person."""
        now = datetime.now(UTC)

        def work(session: Session) -> None:
            client_id, actor = resolve(session)
            service.record_safety_answers(
                session, client_id, payload.answers, source=ANSWERED_FROM, actor=actor, now=now
            )

        await uow.write(work)
        support = support_for(payload.answers)
        return SafetyRecorded(recorded=True, support=[support_read(s) for s in support])

    return router
