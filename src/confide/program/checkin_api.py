"""/api/v1/program/check-ins, /progress and /consent: a partner's own check-ins, their
progress (with what the other partner shares), and their sharing choices."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Path, Query
from sqlalchemy.orm import Session

from confide.accounts.deps import CallerDep
from confide.fields import RecordId
from confide.program import checkins, therapist_sharing
from confide.program.checkin_schemas import (
    CheckInCreate,
    CheckInRead,
    CheckInsRead,
    ConsentChange,
    ConsentRead,
    MyProgressRead,
    SharingWith,
    check_in_read,
    consent_read,
    my_progress_read,
)
from confide.web.responses import AUTH_RESPONSES, error_responses
from confide.web.unit_of_work import UnitOfWorkDep

router = APIRouter(prefix="/api/v1/program", tags=["program"], responses=AUTH_RESPONSES)
SCOPE = "profile"
NOT_IN_PROGRAM = error_responses(404, not_found="not in the couples program")


@router.post(
    "/check-ins",
    status_code=201,
    response_model=CheckInRead,
    responses=error_responses(404, 409, not_found="not in the couples program"),
)
async def take_check_in(
    payload: CheckInCreate, uow: UnitOfWorkDep, caller: CallerDep
) -> CheckInRead:
    """This week's check-in: the five signs and the mood and worry checks (409 when this
    week's is already in; 422 naming `mood` or `worry` when the full form is needed)."""
    answers = checkins.CheckInAnswers(payload.signs.model_dump(), payload.mood, payload.worry)

    def work(session: Session) -> CheckInRead:
        client = caller.client(session, SCOPE)
        taken = checkins.submit(
            session, client.id, answers, actor=caller.actor(client), now=caller.now
        )
        return check_in_read(taken)

    return await uow.write(work)


@router.get("/check-ins", response_model=CheckInsRead, responses=NOT_IN_PROGRAM)
async def list_check_ins(uow: UnitOfWorkDep, caller: CallerDep) -> CheckInsRead:
    """Your own check-ins in your couple space, oldest first."""

    def work(session: Session) -> CheckInsRead:
        client = caller.client(session, SCOPE)
        found = checkins.own_check_ins(
            session, client.id, actor=caller.actor(client), now=caller.now
        )
        return CheckInsRead(check_ins=[check_in_read(t) for t in found])

    return await uow.write(work)


@router.get("/check-ins/{check_in_id}", response_model=CheckInRead, responses=error_responses(404))
async def read_check_in(
    check_in_id: Annotated[RecordId, Path()], uow: UnitOfWorkDep, caller: CallerDep
) -> CheckInRead:
    """One of your own check-ins (your partner's, like any other, is not found)."""

    def work(session: Session) -> CheckInRead:
        client = caller.client(session, SCOPE)
        taken = checkins.own_check_in(
            session, client.id, check_in_id, actor=caller.actor(client), now=caller.now
        )
        return check_in_read(taken)

    return await uow.write(work)


@router.get("/progress", response_model=MyProgressRead)
async def progress(uow: UnitOfWorkDep, caller: CallerDep) -> MyProgressRead:
    """Your trends, reliable changes and summary; your partner's five signs if they share."""

    def work(session: Session) -> MyProgressRead:
        client = caller.client(session, SCOPE)
        view = checkins.progress(session, client.id, actor=caller.actor(client), now=caller.now)
        return my_progress_read(view)

    return await uow.write(work)


@router.get("/consent", response_model=ConsentRead, responses=NOT_IN_PROGRAM)
async def consent(uow: UnitOfWorkDep, caller: CallerDep) -> ConsentRead:
    """Your sharing choices: with the couple's therapist (both partners must consent), and
    your five-signs trends with your partner (off unless you turn it on)."""

    def work(session: Session) -> ConsentRead:
        client = caller.client(session, SCOPE)
        return consent_read(
            therapist_sharing.choices(
                session, client.id, actor=caller.actor(client), now=caller.now
            )
        )

    return await uow.write(work)


@router.post(
    "/consent",
    response_model=ConsentRead,
    responses=error_responses(404, 409, conflict="no joint session with a therapist yet"),
)
async def give_consent(
    payload: ConsentChange, uow: UnitOfWorkDep, caller: CallerDep
) -> ConsentRead:
    """Consent to show your check-ins to the couple's therapist, or turn on sharing your
    five-signs trends with your partner."""
    return await _choose(uow, caller, payload.to, True)


@router.delete("/consent", response_model=ConsentRead, responses=NOT_IN_PROGRAM)
async def withdraw_consent(
    to: Annotated[SharingWith, Query()],
    uow: UnitOfWorkDep,
    caller: CallerDep,
) -> ConsentRead:
    """Withdraw consent (`to=therapist`) or stop sharing with your partner (`to=partner`); the
    very next request sees the change."""
    return await _choose(uow, caller, to, False)


async def _choose(uow: UnitOfWorkDep, caller: CallerDep, to: str, on: bool) -> ConsentRead:
    def work(session: Session) -> ConsentRead:
        client = caller.client(session, SCOPE)
        return consent_read(
            therapist_sharing.choose(
                session, client.id, to, on, actor=caller.actor(client), now=caller.now
            )
        )

    return await uow.write(work)
