"""The couple's space: starting, joining, leaving; the safety gate as each partner meets it;
progress through the eight steps.

Every use case takes the acting client and an audit Actor; a partner who is not in a space, or
asks for something that is not theirs to see, gets NotFound with the same words as for
something that does not exist.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from confide import audit
from confide.audit import Actor
from confide.errors import Conflict, Forbidden, InvalidInput, NotFound
from confide.models import Client, ProgramMember, ProgramSpace, ProgramStepProgress
from confide.program import gate, queries
from confide.program.errors import JointStepsUnavailable
from confide.program.steps import BY_NUMBER, ROLES
from confide.screening.partner_questions import PartnerViolenceQuestions
from confide.screening.safety import partner_violence_disclosed, record_safety
from confide.screening.safety_questions import (
    DOMESTIC_VIOLENCE_HOTLINE,
    EMERGENCY,
    PARTNER_VIOLENCE_CODES,
    Support,
)

SPACE = "program_space"
NOT_IN_PROGRAM = "you are not in a program space"
QUESTIONS = PartnerViolenceQuestions()
# where the program's answers come from, in the safety record
SOURCE = "program"
UNSAFE_SOURCE = "program:unsafe"


def current_space(session: Session, client_id: int) -> ProgramSpace | None:
    """The space the client is in now (waiting for the partner, or active), if any."""
    return queries.current_space(session, client_id)


@dataclass(frozen=True, slots=True)
class Seat:
    """Where the acting client sits: their space, their membership, their partner's (if in)."""

    client: Client
    space: ProgramSpace
    me: ProgramMember
    partner: ProgramMember | None

    @property
    def partner_id(self) -> int | None:
        return None if self.partner is None else self.partner.client_id


def _end(space: ProgramSpace, reason: str, now: datetime) -> None:
    space.status, space.ended_at, space.end_reason = "ended", now, reason


def _still_linked(session: Session, space: ProgramSpace, now: datetime) -> None:
    """A space whose partners are no longer linked ends (unlinking ends the program)."""
    if space.status != "ended" and not queries.linked(session, space):
        _end(space, "unlinked", now)
        session.flush()


def seat(session: Session, client: Client, now: datetime) -> Seat:
    """The client's place in their current space (NotFound when they have none)."""
    space = queries.open_space(session, client.id)
    if space is not None:
        _still_linked(session, space, now)
    if space is None or space.status == "ended":
        raise NotFound(NOT_IN_PROGRAM)
    current = [m for m in queries.members(session, space.id) if m.left_at is None]
    me = next(m for m in current if m.client_id == client.id)
    partner = next((m for m in current if m.client_id != client.id), None)
    return Seat(client, space, me, partner)


def joint_open(session: Session, at: Seat, now: datetime, actor: Actor) -> bool:
    return gate.joint_steps_open(session, at.space, now, actor=actor)


def require_joint(session: Session, at: Seat, now: datetime, actor: Actor) -> None:
    """JointStepsUnavailable (409, the same words whatever the reason) unless the gate is open."""
    if not joint_open(session, at, now, actor):
        raise JointStepsUnavailable


def _check_role(role: str) -> None:
    if role not in ROLES:
        raise InvalidInput("role", f"{role!r} is not a role", allowed=list(ROLES))


def start(session: Session, client: Client, role: str, now: datetime, actor: Actor) -> Seat:
    """Start the program with one's linked partner; it opens when the partner joins."""
    _check_role(role)
    if client.partner_id is None:
        raise Conflict("link with your partner from your account first")
    for who in (client.id, client.partner_id):
        space = queries.open_space(session, who)
        if space is not None:
            _still_linked(session, space, now)
            if space.status != "ended":
                raise Conflict("a program space is already open for one of you")
    space = ProgramSpace(
        created_at=now, started_by=client.id, invited=client.partner_id, status="waiting"
    )
    session.add(space)
    session.flush()
    session.add(ProgramMember(space_id=space.id, client_id=client.id, role=role, joined_at=now))
    session.flush()
    audit.record(session, actor, "create", SPACE, space.id, "ok", now)
    return seat(session, client, now)


def invitation(session: Session, client: Client, now: datetime) -> ProgramSpace | None:
    """A space the client's linked partner started and the client has not joined yet."""
    if client.partner_id is None:
        return None
    space = session.scalar(
        select(ProgramSpace).where(
            ProgramSpace.invited == client.id,
            ProgramSpace.started_by == client.partner_id,
            ProgramSpace.status == "waiting",
        )
    )
    if space is not None:
        _still_linked(session, space, now)
        if space.status == "ended":
            return None
    return space


def join(session: Session, client: Client, role: str, now: datetime, actor: Actor) -> Seat:
    """Join the space one's partner started: both have now agreed, and it opens."""
    _check_role(role)
    space = invitation(session, client, now)
    if space is None:
        raise NotFound("there is no program to join")
    session.add(ProgramMember(space_id=space.id, client_id=client.id, role=role, joined_at=now))
    space.status = "active"
    session.flush()
    audit.record(session, actor, "update", SPACE, space.id, "ok", now)
    return seat(session, client, now)


def leave(session: Session, client: Client, now: datetime, actor: Actor) -> None:
    """Leave the program (or decline to join it): the space ends for both; each keeps what they
    wrote, and the other learns only that the program was left."""
    space = invitation(session, client, now)
    if space is not None:
        _end(space, "declined", now)
        session.flush()
        audit.record(session, actor, "update", SPACE, space.id, "ok", now)
        return
    at = seat(session, client, now)
    at.me.left_at = now
    _end(at.space, "left", now)
    session.flush()
    audit.record(session, actor, "update", SPACE, at.space.id, "ok", now)


def last_ended(session: Session, client: Client) -> ProgramSpace | None:
    """The client's most recent space, if it has ended (to say only that it ended)."""
    space = session.scalar(
        select(ProgramSpace)
        .join(ProgramMember, ProgramMember.space_id == ProgramSpace.id)
        .where(ProgramMember.client_id == client.id)
        .order_by(ProgramSpace.id.desc())
        .limit(1)
    )
    return space if space is not None and space.status == "ended" else None


@dataclass(frozen=True, slots=True)
class GateView:
    """The gate as one partner meets it: nothing here depends on the other's answers but
    `open`, which says only yes or no."""

    open: bool
    # this partner's answers are missing or older than 30 days: ask them (privately)
    ask_me: bool
    # this partner disclosed: offer them individual support and the hotline (them only)
    support: tuple[Support, ...]


def gate_view(session: Session, at: Seat, now: datetime, actor: Actor) -> GateView:
    mine = partner_violence_disclosed(session, at.client.id, actor=actor, now=now)
    return GateView(
        open=joint_open(session, at, now, actor),
        ask_me=not mine and gate.answer_due(session, at.client.id, now, actor=actor),
        support=(DOMESTIC_VIOLENCE_HOTLINE, EMERGENCY) if mine else (),
    )


def answer_safety(
    session: Session, client: Client, answers: Mapping[str, int], now: datetime, actor: Actor
) -> tuple[Support, ...]:
    """Keep the partner-violence answers privately (each one required); the help to show this
    partner alone. A yes closes the gate for the couple at once."""
    seat(session, client, now)
    missing = sorted(PARTNER_VIOLENCE_CODES - answers.keys())
    if missing:
        raise InvalidInput(
            f"answers.{missing[0]}", "answer every question", allowed=sorted(PARTNER_VIOLENCE_CODES)
        )
    extra = sorted(answers.keys() - PARTNER_VIOLENCE_CODES)
    if extra:
        raise InvalidInput(
            f"answers.{extra[0]}",
            "not one of the questions",
            allowed=sorted(PARTNER_VIOLENCE_CODES),
        )
    return tuple(QUESTIONS.record(session, client.id, answers, source=SOURCE, actor=actor, now=now))


def not_safe(session: Session, client: Client, now: datetime, actor: Actor) -> tuple[Support, ...]:
    """ "I don't feel safe", from any program page: kept in the safety record, and the gate
    closes for the couple at once. Works in or out of a space."""
    record_safety(
        session,
        client.id,
        partner_violence=True,
        self_harm_risk=False,
        source=UNSAFE_SOURCE,
        detail="said from the program that they do not feel safe",
        actor=actor,
        now=now,
    )
    return (DOMESTIC_VIOLENCE_HOTLINE, EMERGENCY)


@dataclass(frozen=True, slots=True)
class StepProgress:
    number: int
    mine: datetime | None
    # None unless the gate is open: the partner's progress is part of the shared space
    partner: datetime | None


def progress(
    session: Session, at: Seat, now: datetime, actor: Actor, *, shared: bool
) -> list[StepProgress]:
    rows = session.scalars(
        select(ProgramStepProgress).where(ProgramStepProgress.space_id == at.space.id)
    ).all()
    done = {(r.client_id, r.step): r.done_at for r in rows}
    audit.record(session, actor, "read", SPACE, at.space.id, "ok", now)
    return [
        StepProgress(
            n,
            done.get((at.client.id, n)),
            done.get((at.partner_id, n)) if shared and at.partner_id else None,
        )
        for n in BY_NUMBER
    ]


def mark_done(session: Session, client: Client, step: int, now: datetime, actor: Actor) -> Seat:
    """Mark one of the eight steps done for oneself (a joint step waits for the gate)."""
    if step not in BY_NUMBER:
        raise InvalidInput("step", f"{step} is not a step", allowed=list(BY_NUMBER))
    at = seat(session, client, now)
    if BY_NUMBER[step].joint:
        require_joint(session, at, now, actor)
    found = session.scalar(
        select(ProgramStepProgress).where(
            ProgramStepProgress.space_id == at.space.id,
            ProgramStepProgress.client_id == client.id,
            ProgramStepProgress.step == step,
        )
    )
    if found is None:
        session.add(
            ProgramStepProgress(space_id=at.space.id, client_id=client.id, step=step, done_at=now)
        )
        session.flush()
    audit.record(session, actor, "update", SPACE, at.space.id, "ok", now)
    return at


def require_role(at: Seat, roles: set[str], message: str) -> None:
    """Forbidden (with `message`) unless this partner took one of `roles` at the start."""
    if at.me.role not in roles:
        raise Forbidden(message)
