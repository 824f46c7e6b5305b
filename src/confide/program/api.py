"""The couples program's JSON routes under /api/v1/program (a verified client, for themself)."""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime
from typing import Annotated, TypeVar

from fastapi import APIRouter, Path
from sqlalchemy.orm import Session

from confide.accounts.deps import Caller, CallerDep
from confide.audit import Actor
from confide.fields import RecordId
from confide.models import Client
from confide.program import items, repair, service, views
from confide.program.schemas import (
    AgreementCreate,
    AgreementMove,
    AgreementRead,
    ApologyCreate,
    ApologyMove,
    ApologyRead,
    CommitmentCreate,
    CommitmentMark,
    CommitmentRead,
    CommitmentsRead,
    ItemChange,
    ItemCreate,
    ItemRead,
    SafetyAnswers,
    SpaceRead,
    SpaceStart,
    StepRead,
    SupportRead,
    TurnCreate,
    TurnRead,
)
from confide.web.responses import AUTH_RESPONSES, error_responses
from confide.web.unit_of_work import UnitOfWorkDep

router = APIRouter(prefix="/api/v1/program", tags=["program"], responses=AUTH_RESPONSES)
Id = Annotated[RecordId, Path()]
T = TypeVar("T")
JOINT = error_responses(404, 409, 422)


def _as_client(
    caller: Caller, act: Callable[[Session, Client, datetime, Actor], T]
) -> Callable[[Session], T]:
    """Run `act` for the verified client asking (every program read is audited: a write)."""

    def work(session: Session) -> T:
        client = caller.client(session, "profile")
        return act(session, client, caller.now, caller.actor(client))

    return work


@router.get("/space", response_model=SpaceRead)
async def get_space(uow: UnitOfWorkDep, caller: CallerDep) -> SpaceRead:
    """Your program space: waiting, active, ended, or none; whether joint steps are open."""
    return await uow.write(_as_client(caller, views.space))


@router.post(
    "/space", status_code=201, response_model=SpaceRead, responses=error_responses(409, 422)
)
async def start_space(uow: UnitOfWorkDep, caller: CallerDep, payload: SpaceStart) -> SpaceRead:
    """Start the program with your linked partner, in the role you take; it opens when they join."""

    def act(session: Session, client: Client, now: datetime, actor: Actor) -> SpaceRead:
        service.start(session, client, payload.role, now, actor)
        return views.space(session, client, now, actor)

    return await uow.write(_as_client(caller, act))


@router.post("/space/join", response_model=SpaceRead, responses=error_responses(404, 422))
async def join_space(uow: UnitOfWorkDep, caller: CallerDep, payload: SpaceStart) -> SpaceRead:
    """Join the program your partner started, in the role you take."""

    def act(session: Session, client: Client, now: datetime, actor: Actor) -> SpaceRead:
        service.join(session, client, payload.role, now, actor)
        return views.space(session, client, now, actor)

    return await uow.write(_as_client(caller, act))


@router.post("/space/leave", response_model=SpaceRead, responses=error_responses(404))
async def leave_space(uow: UnitOfWorkDep, caller: CallerDep) -> SpaceRead:
    """Leave the program (or decline to join it); you keep what you wrote."""

    def act(session: Session, client: Client, now: datetime, actor: Actor) -> SpaceRead:
        service.leave(session, client, now, actor)
        return views.space(session, client, now, actor)

    return await uow.write(_as_client(caller, act))


@router.post("/safety", response_model=list[SupportRead], responses=error_responses(404, 422))
async def answer_safety(
    uow: UnitOfWorkDep, caller: CallerDep, payload: SafetyAnswers
) -> list[SupportRead]:
    """Answer the partner-violence questions privately; the help to show you, and only you."""

    def act(session: Session, client: Client, now: datetime, actor: Actor) -> list[SupportRead]:
        found = service.answer_safety(session, client, payload.answers, now, actor)
        return [SupportRead(name=s.name, contact=s.contact) for s in found]

    return await uow.write(_as_client(caller, act))


@router.post("/unsafe", response_model=list[SupportRead])
async def not_safe(uow: UnitOfWorkDep, caller: CallerDep) -> list[SupportRead]:
    """ "I don't feel safe": joint steps close at once; the help to show you, and only you."""

    def act(session: Session, client: Client, now: datetime, actor: Actor) -> list[SupportRead]:
        found = service.not_safe(session, client, now, actor)
        return [SupportRead(name=s.name, contact=s.contact) for s in found]

    return await uow.write(_as_client(caller, act))


@router.get("/steps", response_model=list[StepRead], responses=error_responses(404))
async def list_steps(uow: UnitOfWorkDep, caller: CallerDep) -> list[StepRead]:
    """The eight steps: guidance, exercise, and each partner's progress."""
    return await uow.write(_as_client(caller, views.steps))


@router.post("/steps/{step}/done", response_model=list[StepRead], responses=JOINT)
async def step_done(
    uow: UnitOfWorkDep, caller: CallerDep, step: Annotated[int, Path(ge=1, le=8)]
) -> list[StepRead]:
    """Mark a step done for yourself (a joint step waits for joint steps to be open)."""

    def act(session: Session, client: Client, now: datetime, actor: Actor) -> list[StepRead]:
        service.mark_done(session, client, step, now, actor)
        return views.steps(session, client, now, actor)

    return await uow.write(_as_client(caller, act))


@router.get("/items", response_model=list[ItemRead])
async def list_items(uow: UnitOfWorkDep, caller: CallerDep) -> list[ItemRead]:
    """Your own items (every space), and those your partner shared while joint steps are open."""

    def act(session: Session, client: Client, now: datetime, actor: Actor) -> list[ItemRead]:
        return [views.item(i, client) for i in items.visible(session, client, now, actor)]

    return await uow.write(_as_client(caller, act))


@router.post("/items", status_code=201, response_model=ItemRead, responses=JOINT)
async def create_item(uow: UnitOfWorkDep, caller: CallerDep, payload: ItemCreate) -> ItemRead:
    """Write an item at a step: private unless you share it."""

    def act(session: Session, client: Client, now: datetime, actor: Actor) -> ItemRead:
        found = items.write(
            session,
            client,
            step=payload.step,
            kind=payload.kind,
            body=payload.text,
            visibility=payload.visibility,
            now=now,
            actor=actor,
        )
        return views.item(found, client)

    return await uow.write(_as_client(caller, act))


@router.get("/items/{item_id}", response_model=ItemRead, responses=error_responses(404))
async def get_item(uow: UnitOfWorkDep, caller: CallerDep, item_id: Id) -> ItemRead:
    """One item: yours, or one your partner shared (anything else does not exist for you)."""

    def act(session: Session, client: Client, now: datetime, actor: Actor) -> ItemRead:
        return views.item(items.read(session, client, item_id, now, actor), client)

    return await uow.write(_as_client(caller, act))


@router.patch("/items/{item_id}", response_model=ItemRead, responses=JOINT)
async def change_item(
    uow: UnitOfWorkDep, caller: CallerDep, item_id: Id, payload: ItemChange
) -> ItemRead:
    """Edit your item, or share it or make it private again."""

    def act(session: Session, client: Client, now: datetime, actor: Actor) -> ItemRead:
        found = items.change(
            session,
            client,
            item_id,
            body=payload.text,
            visibility=payload.visibility,
            now=now,
            actor=actor,
        )
        return views.item(found, client)

    return await uow.write(_as_client(caller, act))


@router.get("/apologies", response_model=list[ApologyRead], responses=JOINT)
async def list_apologies(uow: UnitOfWorkDep, caller: CallerDep) -> list[ApologyRead]:
    """Your drafts and every offered apology, with its answer."""

    def act(session: Session, client: Client, now: datetime, actor: Actor) -> list[ApologyRead]:
        return [views.apology(a, client) for a in repair.apologies(session, client, now, actor)]

    return await uow.write(_as_client(caller, act))


@router.post("/apologies", status_code=201, response_model=ApologyRead, responses=JOINT)
async def create_apology(
    uow: UnitOfWorkDep, caller: CallerDep, payload: ApologyCreate
) -> ApologyRead:
    """Write a four-part apology (a draft until you offer it)."""

    def act(session: Session, client: Client, now: datetime, actor: Actor) -> ApologyRead:
        parts = payload.parts.model_dump()
        return views.apology(repair.write_apology(session, client, parts, now, actor), client)

    return await uow.write(_as_client(caller, act))


@router.post("/apologies/{apology_id}/status", response_model=ApologyRead, responses=JOINT)
async def move_apology(
    uow: UnitOfWorkDep, caller: CallerDep, apology_id: Id, payload: ApologyMove
) -> ApologyRead:
    """Offer your apology; accept, decline or defer one offered to you."""

    def act(session: Session, client: Client, now: datetime, actor: Actor) -> ApologyRead:
        found = repair.move_apology(session, client, apology_id, payload.status, now, actor)
        return views.apology(found, client)

    return await uow.write(_as_client(caller, act))


def _commitments(session: Session, client: Client, now: datetime, actor: Actor) -> CommitmentsRead:
    rows = repair.commitments(session, client, now, actor)
    return views.commitments(rows, client, service.seat(session, client, now).partner_id)


@router.get("/commitments", response_model=CommitmentsRead, responses=JOINT)
async def list_commitments(uow: UnitOfWorkDep, caller: CallerDep) -> CommitmentsRead:
    """Every promise, and each partner's consistency (kept ÷ marked) overall and by week."""
    return await uow.write(_as_client(caller, _commitments))


@router.post("/commitments", status_code=201, response_model=CommitmentRead, responses=JOINT)
async def create_commitment(
    uow: UnitOfWorkDep, caller: CallerDep, payload: CommitmentCreate
) -> CommitmentRead:
    """Make a promise, with when it is due."""

    def act(session: Session, client: Client, now: datetime, actor: Actor) -> CommitmentRead:
        found = repair.promise(session, client, payload.promise, payload.due_at, now, actor)
        return views.commitment(found, client)

    return await uow.write(_as_client(caller, act))


@router.post("/commitments/{commitment_id}/status", response_model=CommitmentRead, responses=JOINT)
async def mark_commitment(
    uow: UnitOfWorkDep, caller: CallerDep, commitment_id: Id, payload: CommitmentMark
) -> CommitmentRead:
    """Mark your partner's promise kept or missed (never your own)."""

    def act(session: Session, client: Client, now: datetime, actor: Actor) -> CommitmentRead:
        found = repair.mark(session, client, commitment_id, payload.status, now, actor)
        return views.commitment(found, client)

    return await uow.write(_as_client(caller, act))


@router.get("/agreements", response_model=list[AgreementRead], responses=JOINT)
async def list_agreements(uow: UnitOfWorkDep, caller: CallerDep) -> list[AgreementRead]:
    """Every needs agreement, proposed, in force or ended, with its review date."""

    def act(session: Session, client: Client, now: datetime, actor: Actor) -> list[AgreementRead]:
        rows = repair.agreements(session, client, now, actor)
        return [views.agreement(a, client, now) for a in rows]

    return await uow.write(_as_client(caller, act))


@router.post("/agreements", status_code=201, response_model=AgreementRead, responses=JOINT)
async def create_agreement(
    uow: UnitOfWorkDep, caller: CallerDep, payload: AgreementCreate
) -> AgreementRead:
    """Propose a need (the partner who was hurt), with a date to review it."""

    def act(session: Session, client: Client, now: datetime, actor: Actor) -> AgreementRead:
        found = repair.propose(
            session, client, payload.need, payload.review_on, payload.revises, now, actor
        )
        return views.agreement(found, client, now)

    return await uow.write(_as_client(caller, act))


@router.post("/agreements/{agreement_id}/status", response_model=AgreementRead, responses=JOINT)
async def move_agreement(
    uow: UnitOfWorkDep, caller: CallerDep, agreement_id: Id, payload: AgreementMove
) -> AgreementRead:
    """Accept or decline a proposal, withdraw your own, or end one in force."""

    def act(session: Session, client: Client, now: datetime, actor: Actor) -> AgreementRead:
        found = repair.move_agreement(session, client, agreement_id, payload.status, now, actor)
        return views.agreement(found, client, now)

    return await uow.write(_as_client(caller, act))


@router.get("/turns", response_model=list[TurnRead], responses=JOINT)
async def list_turns(uow: UnitOfWorkDep, caller: CallerDep) -> list[TurnRead]:
    """The communication practice, turn by turn, in the shared space."""

    def act(session: Session, client: Client, now: datetime, actor: Actor) -> list[TurnRead]:
        return [views.turn(t, client) for t in repair.turns(session, client, now, actor)]

    return await uow.write(_as_client(caller, act))


@router.post("/turns", status_code=201, response_model=TurnRead, responses=JOINT)
async def take_turn(uow: UnitOfWorkDep, caller: CallerDep, payload: TurnCreate) -> TurnRead:
    """Speak; or, listening, reflect back what you heard, and then reply."""

    def act(session: Session, client: Client, now: datetime, actor: Actor) -> TurnRead:
        found = repair.take_turn(
            session,
            client,
            kind=payload.kind,
            body=payload.text,
            answers=payload.answers,
            prompt=payload.prompt,
            now=now,
            actor=actor,
        )
        return views.turn(found, client)

    return await uow.write(_as_client(caller, act))
