"""What the program's rows look like to the partner asking (shared by the API and the pages)."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy.orm import Session

from confide.audit import Actor
from confide.errors import NotFound
from confide.models import (
    Client,
    ProgramAgreement,
    ProgramApology,
    ProgramCommitment,
    ProgramItem,
    ProgramTurn,
)
from confide.program import guidance, repair, service
from confide.program.errors import JOINT_STEPS_CLOSED
from confide.program.schemas import (
    AgreementRead,
    ApologyParts,
    ApologyRead,
    CommitmentRead,
    CommitmentsRead,
    ConsistencyRead,
    ConsistencyWeekRead,
    ItemRead,
    SpaceRead,
    StepRead,
    SupportRead,
    TurnRead,
)
from confide.program.steps import STEPS


def space(session: Session, client: Client, now: datetime, actor: Actor) -> SpaceRead:
    try:
        at = service.seat(session, client, now)
    except NotFound:
        invited = service.invitation(session, client, now) is not None
        ended = service.last_ended(session, client) is not None
        status = "invited" if invited else "ended" if ended else "none"
        return SpaceRead(
            id=None,
            status=status,
            my_role=None,
            partner_joined=False,
            joint_steps_open=False,
            joint_steps_note=None,
            questions_due=False,
            support=[],
        )
    seen = service.gate_view(session, at, now, actor)
    return SpaceRead(
        id=at.space.id,
        status="active" if at.space.status == "active" else "waiting",
        my_role=at.me.role,
        partner_joined=at.partner is not None,
        joint_steps_open=seen.open,
        joint_steps_note=None if seen.open or at.partner is None else JOINT_STEPS_CLOSED,
        questions_due=seen.ask_me,
        support=[SupportRead(name=s.name, contact=s.contact) for s in seen.support],
    )


def steps(session: Session, client: Client, now: datetime, actor: Actor) -> list[StepRead]:
    at = service.seat(session, client, now)
    shared = service.joint_open(session, at, now, actor)
    done = {p.number: p for p in service.progress(session, at, now, actor, shared=shared)}
    found = []
    for step in STEPS:
        text = guidance.guidance(session, step.slug)
        found.append(
            StepRead(
                number=step.number,
                code=step.code,
                title=step.title,
                phase=step.phase,
                joint=step.joint,
                exercise=step.exercise,
                guidance_html=text.body_html,
                guidance_reviewed=text.reviewed,
                guidance_approved_by=text.approved_by,
                guidance_approved_at=text.approved_at,
                done_by_me=done[step.number].mine,
                done_by_partner=done[step.number].partner,
            )
        )
    return found


def item(row: ProgramItem, client: Client) -> ItemRead:
    return ItemRead(
        id=row.id,
        step=row.step,
        kind=row.kind,
        visibility=row.visibility,
        mine=row.author_id == client.id,
        text=row.body,
        created_at=row.created_at,
        updated_at=row.updated_at,
        shared_at=row.shared_at,
    )


def apology(row: ProgramApology, client: Client) -> ApologyRead:
    return ApologyRead(
        id=row.id,
        mine=row.author_id == client.id,
        status=row.status,
        parts=ApologyParts.model_validate(row.parts),
        created_at=row.created_at,
        offered_at=row.offered_at,
        answered_at=row.answered_at,
    )


def commitment(row: ProgramCommitment, client: Client) -> CommitmentRead:
    return CommitmentRead(
        id=row.id,
        mine=row.author_id == client.id,
        promise=row.promise,
        due_at=row.due_at,
        status=row.status,
        marked_at=row.marked_at,
    )


def commitments(
    rows: list[ProgramCommitment], client: Client, partner_id: int | None
) -> CommitmentsRead:
    ids = [client.id] + ([partner_id] if partner_id is not None else [])
    figures = repair.consistency(rows, ids)
    return CommitmentsRead(
        commitments=[commitment(r, client) for r in rows],
        consistency=[
            ConsistencyRead(
                whose="mine" if c.client_id == client.id else "partner",
                kept=c.kept,
                missed=c.missed,
                figure=c.figure,
                weeks=[
                    ConsistencyWeekRead(
                        week_of=w.week_of, kept=w.kept, missed=w.missed, figure=w.figure
                    )
                    for w in c.weeks
                ],
            )
            for c in figures
        ],
    )


def agreement(row: ProgramAgreement, client: Client, now: datetime) -> AgreementRead:
    return AgreementRead(
        id=row.id,
        mine=row.proposed_by == client.id,
        need=row.need,
        review_on=row.review_on,
        review_due=row.status == "accepted" and row.review_on <= now.date(),
        status=row.status,
        revises=row.revises_id,
        created_at=row.created_at,
        answered_at=row.answered_at,
        ended_at=row.ended_at,
    )


def turn(row: ProgramTurn, client: Client) -> TurnRead:
    return TurnRead(
        id=row.id,
        mine=row.author_id == client.id,
        kind=row.kind,
        answers=row.answers_id,
        prompt=row.prompt,
        text=row.body,
        created_at=row.created_at,
    )
