"""The shared space's exercises: apologies (step 3), commitments (step 6), needs agreements
(step 8) and communication turns (step 5). Each waits for the safety gate; each state machine
refuses a change its status does not allow (409, naming what is allowed).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import TypeVar

from sqlalchemy import select
from sqlalchemy.orm import Session

from confide import audit
from confide.audit import Actor
from confide.errors import Conflict, Forbidden, InvalidInput, NotFound
from confide.models import (
    Client,
    ProgramAgreement,
    ProgramApology,
    ProgramCommitment,
    ProgramTurn,
)
from confide.program import service, transitions
from confide.program.errors import InvalidTransition
from confide.program.service import Seat

APOLOGY_PARTS = ("harm", "responsibility", "new_actions", "signs")
T = TypeVar("T", ProgramApology, ProgramCommitment, ProgramAgreement, ProgramTurn)


def _joint(session: Session, client: Client, now: datetime, actor: Actor) -> Seat:
    at = service.seat(session, client, now)
    service.require_joint(session, at, now, actor)
    return at


def _one(session: Session, model: type[T], at: Seat, object_id: int, what: str) -> T:
    """One object of the couple's current space, locked for its change (NotFound otherwise)."""
    found = session.scalar(
        select(model).where(model.id == object_id, model.space_id == at.space.id).with_for_update()
    )
    if found is None:
        raise NotFound(f"there is no such {what}")
    return found


def _list(
    session: Session, model: type[T], at: Seat, kind: str, now: datetime, actor: Actor
) -> list[T]:
    found = list(
        session.scalars(select(model).where(model.space_id == at.space.id).order_by(model.id))
    )
    for row in found:
        audit.record(session, actor, "read", kind, row.id, "ok", now)
    return found


def _move(machine: dict[str, frozenset[str]], what: str, current: str, wanted: str) -> None:
    if not transitions.allowed(machine, current, wanted):
        raise InvalidTransition(what, current, wanted, sorted(machine.get(current, frozenset())))


# --- apologies ----------------------------------------------------------------------------

APOLOGY = "program_apology"


def apologies(
    session: Session, client: Client, now: datetime, actor: Actor
) -> list[ProgramApology]:
    """The couple's apologies: one's own drafts, and every offered one."""
    at = _joint(session, client, now, actor)
    return [
        a
        for a in _list(session, ProgramApology, at, APOLOGY, now, actor)
        if a.author_id == client.id or a.status != "draft"
    ]


def write_apology(
    session: Session, client: Client, parts: dict[str, str], now: datetime, actor: Actor
) -> ProgramApology:
    """A four-part apology, kept as a draft until offered."""
    at = _joint(session, client, now, actor)
    service.require_role(
        at, {"broke_trust", "both"}, "an apology is written by the partner who broke trust"
    )
    for part in APOLOGY_PARTS:
        if not parts.get(part, "").strip():
            raise InvalidInput(f"parts.{part}", "write this part of the apology")
    apology = ProgramApology(
        space_id=at.space.id,
        author_id=client.id,
        parts={p: parts[p] for p in APOLOGY_PARTS},
        status="draft",
        created_at=now,
    )
    session.add(apology)
    session.flush()
    audit.record(session, actor, "create", APOLOGY, apology.id, "ok", now)
    return apology


def move_apology(
    session: Session, client: Client, apology_id: int, status: str, now: datetime, actor: Actor
) -> ProgramApology:
    """Offer one's apology; or, as the partner it is offered to, accept it, decline it or
    answer later (deferred)."""
    at = _joint(session, client, now, actor)
    apology = _one(session, ProgramApology, at, apology_id, "apology")
    if apology.status == "draft" and apology.author_id != client.id:
        raise NotFound("there is no such apology")  # another's draft is theirs alone
    _move(transitions.APOLOGY, "apology", apology.status, status)
    if status == "offered":
        if apology.author_id != client.id:
            raise Forbidden("only its author offers an apology")
        apology.offered_at = now
    else:
        if apology.author_id == client.id:
            raise Forbidden("only the partner an apology is offered to answers it")
        apology.answered_at = now
    apology.status = status
    session.flush()
    audit.record(session, actor, "update", APOLOGY, apology.id, "ok", now)
    return apology


# --- commitments --------------------------------------------------------------------------

COMMITMENT = "program_commitment"


def commitments(
    session: Session, client: Client, now: datetime, actor: Actor
) -> list[ProgramCommitment]:
    at = _joint(session, client, now, actor)
    return _list(session, ProgramCommitment, at, COMMITMENT, now, actor)


def promise(
    session: Session, client: Client, text: str, due_at: datetime, now: datetime, actor: Actor
) -> ProgramCommitment:
    """A promise with the time it is due; the other partner marks it kept or missed."""
    at = _joint(session, client, now, actor)
    if due_at <= now:
        raise InvalidInput("due_at", "a promise is due after it is made")
    found = ProgramCommitment(
        space_id=at.space.id,
        author_id=client.id,
        promise=text,
        due_at=due_at,
        status="open",
        created_at=now,
    )
    session.add(found)
    session.flush()
    audit.record(session, actor, "create", COMMITMENT, found.id, "ok", now)
    return found


def mark(
    session: Session, client: Client, commitment_id: int, status: str, now: datetime, actor: Actor
) -> ProgramCommitment:
    """Mark the other partner's promise kept or missed (missed only once it is due)."""
    at = _joint(session, client, now, actor)
    found = _one(session, ProgramCommitment, at, commitment_id, "commitment")
    _move(transitions.COMMITMENT, "commitment", found.status, status)
    if found.author_id == client.id:
        raise Forbidden("the other partner marks a promise kept or missed, not the one who made it")
    if status == "missed" and now < found.due_at:
        raise Conflict("a promise is missed only once it is due", due_at=found.due_at.isoformat())
    found.status, found.marked_by, found.marked_at = status, client.id, now
    session.flush()
    audit.record(session, actor, "update", COMMITMENT, found.id, "ok", now)
    return found


@dataclass(frozen=True, slots=True)
class ConsistencyWeek:
    week_of: date
    kept: int
    missed: int
    figure: float | None


@dataclass(frozen=True, slots=True)
class Consistency:
    """How steady each partner's follow-through is: overall and week by week (by due date)."""

    client_id: int
    kept: int
    missed: int
    figure: float | None
    weeks: list[ConsistencyWeek]


def consistency(found: Sequence[ProgramCommitment], client_ids: Sequence[int]) -> list[Consistency]:
    result = []
    for who in client_ids:
        mine = [c for c in found if c.author_id == who and c.status != "open"]
        weeks: dict[date, list[str]] = {}
        for c in mine:
            day = c.due_at.date()
            weeks.setdefault(day - timedelta(days=day.weekday()), []).append(c.status)
        kept = sum(1 for c in mine if c.status == "kept")
        result.append(
            Consistency(
                who,
                kept,
                len(mine) - kept,
                transitions.consistency(kept, len(mine) - kept),
                [
                    ConsistencyWeek(
                        week,
                        s.count("kept"),
                        s.count("missed"),
                        transitions.consistency(s.count("kept"), s.count("missed")),
                    )
                    for week, s in sorted(weeks.items())
                ],
            )
        )
    return result


# --- needs agreements ---------------------------------------------------------------------

AGREEMENT = "program_agreement"


def agreements(
    session: Session, client: Client, now: datetime, actor: Actor
) -> list[ProgramAgreement]:
    at = _joint(session, client, now, actor)
    return _list(session, ProgramAgreement, at, AGREEMENT, now, actor)


def propose(
    session: Session,
    client: Client,
    need: str,
    review_on: date,
    revises: int | None,
    now: datetime,
    actor: Actor,
) -> ProgramAgreement:
    """The hurt partner names a need, with a date to look at it again; a proposal may revise an
    accepted agreement (which ends when the revision is accepted)."""
    at = _joint(session, client, now, actor)
    service.require_role(
        at, {"hurt", "both"}, "needs agreements are proposed by the partner who was hurt"
    )
    if review_on <= now.date():
        raise InvalidInput("review_on", "choose a day after today to look at this again")
    if revises is not None:
        earlier = session.get(ProgramAgreement, revises)
        if earlier is None or earlier.space_id != at.space.id or earlier.status != "accepted":
            raise InvalidInput("revises", "only an agreement in force can be revised")
    found = ProgramAgreement(
        space_id=at.space.id,
        proposed_by=client.id,
        need=need,
        review_on=review_on,
        status="proposed",
        revises_id=revises,
        created_at=now,
    )
    session.add(found)
    session.flush()
    audit.record(session, actor, "create", AGREEMENT, found.id, "ok", now)
    return found


def move_agreement(
    session: Session, client: Client, agreement_id: int, status: str, now: datetime, actor: Actor
) -> ProgramAgreement:
    """Accept or decline a proposal (the other partner), withdraw it (its proposer), or end an
    agreement in force (either partner)."""
    at = _joint(session, client, now, actor)
    found = _one(session, ProgramAgreement, at, agreement_id, "agreement")
    _move(transitions.AGREEMENT, "agreement", found.status, status)
    mine = found.proposed_by == client.id
    if status in ("accepted", "declined") and mine:
        raise Forbidden("the other partner accepts or declines a proposal")
    if status == "withdrawn" and not mine:
        raise Forbidden("only the partner who proposed it withdraws a proposal")
    if status in ("accepted", "declined"):
        found.answered_at = now
    if status == "ended":
        found.ended_at, found.ended_by = now, client.id
    found.status = status
    if status == "accepted" and found.revises_id is not None:
        earlier = session.get(ProgramAgreement, found.revises_id)
        if earlier is not None and earlier.status == "accepted":
            earlier.status, earlier.ended_at, earlier.ended_by = "ended", now, client.id
            audit.record(session, actor, "update", AGREEMENT, earlier.id, "ok", now)
    session.flush()
    audit.record(session, actor, "update", AGREEMENT, found.id, "ok", now)
    return found


# --- communication turns ------------------------------------------------------------------

TURN = "program_turn"


def turns(session: Session, client: Client, now: datetime, actor: Actor) -> list[ProgramTurn]:
    at = _joint(session, client, now, actor)
    return _list(session, ProgramTurn, at, TURN, now, actor)


def take_turn(
    session: Session,
    client: Client,
    *,
    kind: str,
    body: str,
    answers: int | None,
    prompt: str | None,
    now: datetime,
    actor: Actor,
) -> ProgramTurn:
    """Speak; or, as the listener, reflect back what the speaker said, and only then reply."""
    at = _joint(session, client, now, actor)
    if kind == "speak":
        if answers is not None:
            raise InvalidInput("answers", "a speaker's turn answers no other turn")
    else:
        if answers is None:
            raise InvalidInput("answers", f"a {kind} answers a speaker's turn: give its id")
        spoken = _one(session, ProgramTurn, at, answers, "turn")
        if spoken.kind != "speak":
            raise InvalidInput("answers", "answer a speaker's turn")
        if spoken.author_id == client.id:
            raise Forbidden("the listener reflects and replies, not the speaker")
        replies = session.scalars(
            select(ProgramTurn).where(
                ProgramTurn.answers_id == spoken.id, ProgramTurn.author_id == client.id
            )
        ).all()
        kinds = {t.kind for t in replies}
        if kind == "reply" and "reflect" not in kinds:
            raise Conflict(
                "say back what you heard first: a reply waits for your reflection",
                needs="reflect",
            )
        if kind in kinds:
            raise Conflict(f"you have already given your {kind} to this turn")
    turn = ProgramTurn(
        space_id=at.space.id,
        author_id=client.id,
        kind=kind,
        answers_id=answers,
        prompt=prompt if kind == "speak" else None,
        body=body,
        created_at=now,
    )
    session.add(turn)
    session.flush()
    audit.record(session, actor, "create", TURN, turn.id, "ok", now)
    return turn
