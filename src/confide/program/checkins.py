"""Weekly check-ins: taking one, reading one's own, and the progress each partner sees.

One check-in per partner per week of the couple space. A second in the same week is refused
(409), not taken in place of the first: its two screenings are clinical records (kept FHIR-shaped
by screening's service, and a risk of self-harm raises a flag there), and letting a week be
answered again would let one better-feeling evening rewrite what was measured.

A partner sees their own check-ins in full. Of the other partner they see only the five signs'
trends, and only while that partner shares them (off until turned on) and the program's safety
gate is open; the mood and worry screenings are never shown to the other partner. Whether there
is nothing to see or nothing shared reads the same.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, replace
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from confide import audit
from confide.audit import Actor
from confide.errors import Conflict, InvalidInput, NotFound
from confide.models import ProgramCheckIn, ProgramCheckInSharing, ProgramSpace
from confide.program import checkin_scoring as scoring
from confide.program import queries
from confide.program.checkin_scoring import CheckInScore, Progress
from confide.program.gate import joint_steps_open
from confide.screening.instruments import INSTRUMENTS
from confide.screening.service import record_screening

CHECK_IN = "program_check_in"  # audited per client: the object id is the client's id
SHARING = "program_check_in_sharing"
NOT_IN_PROGRAM = "you are not in the couples program: start it, or join your partner's, first"


class CheckInTaken(Conflict):
    """This week's check-in is already in; the next opens at `next_opens_at`."""

    code = "check_in_done"


@dataclass(frozen=True)
class CheckInAnswers:
    signs: Mapping[str, int]
    mood: Sequence[int]  # PHQ-2's two answers, or PHQ-9's nine
    worry: Sequence[int]  # GAD-2's two answers, or GAD-7's seven


@dataclass(frozen=True)
class TakenCheckIn:
    id: int
    score: CheckInScore


@dataclass(frozen=True)
class CheckInStatus:
    """What the check-in page shows: the week, this week's check-in if taken, what to ask."""

    in_program: bool
    week: int
    opens_at: datetime | None  # this week's start
    next_opens_at: datetime | None
    this_week: TakenCheckIn | None
    forms: Mapping[str, str]


@dataclass(frozen=True)
class ProgressView:
    in_program: bool
    mine: Progress
    # the other partner's five signs, when they share them; None reads the same whatever why
    partner: Progress | None
    sharing_with_partner: bool


def space_of(session: Session, client_id: int) -> ProgramSpace:
    space = queries.current_space(session, client_id)
    if space is None:
        raise NotFound(NOT_IN_PROGRAM)
    return space


def _rows(session: Session, space_id: int, client_id: int) -> list[ProgramCheckIn]:
    return list(
        session.scalars(
            select(ProgramCheckIn)
            .where(ProgramCheckIn.space_id == space_id, ProgramCheckIn.client_id == client_id)
            .order_by(ProgramCheckIn.week)
        )
    )


def _taken(row: ProgramCheckIn) -> TakenCheckIn:
    return TakenCheckIn(row.id, CheckInScore.from_json(row.scores))


def history(session: Session, space_id: int, client_id: int) -> list[TakenCheckIn]:
    """A partner's check-ins in this space, oldest first (unaudited: callers record the read)."""
    return [_taken(row) for row in _rows(session, space_id, client_id)]


def status(session: Session, client_id: int, *, actor: Actor, now: datetime) -> CheckInStatus:
    """Where the partner stands this week (an audited read of their own check-ins)."""
    space = queries.current_space(session, client_id)
    if space is None:
        return CheckInStatus(False, 0, None, None, None, scoring.forms_to_ask([]))
    week = scoring.week_number(space.created_at, now)
    taken = history(session, space.id, client_id)
    audit.record(session, actor, "read", CHECK_IN, client_id, "ok", now)
    return CheckInStatus(
        True,
        week,
        scoring.week_starts(space.created_at, week),
        scoring.week_starts(space.created_at, week + 1),
        next((t for t in taken if t.score.week == week), None),
        scoring.forms_to_ask([t.score for t in taken]),
    )


def _score(
    taken: Sequence[TakenCheckIn], answers: CheckInAnswers, week: int, now: datetime
) -> CheckInScore:
    try:
        return scoring.score_check_in(
            [t.score for t in taken],
            week=week,
            answered_at=now,
            signs=answers.signs,
            mood=answers.mood,
            worry=answers.worry,
        )
    except scoring.CheckInIncomplete as error:
        full = INSTRUMENTS[error.instrument]
        raise InvalidInput(error.field, str(error), allowed=[len(full.items)]) from None
    except scoring.CheckInInvalid as error:
        raise InvalidInput(error.field, str(error)) from None


def submit(
    session: Session, client_id: int, answers: CheckInAnswers, *, actor: Actor, now: datetime
) -> TakenCheckIn:
    """Keep this week's check-in: the scores encrypted, both screenings through screening's
    service (a risk of self-harm raises its flag there). CheckInTaken for a second one."""
    space = space_of(session, client_id)
    week = scoring.week_number(space.created_at, now)
    taken = history(session, space.id, client_id)
    if any(t.score.week == week for t in taken):
        raise _already(space, week)
    score = _score(taken, answers, week, now)
    mood = record_screening(
        session,
        client_id,
        score.mood.instrument,
        score.mood.answers,
        sex=None,
        actor=actor,
        now=now,
    )
    worry = record_screening(
        session,
        client_id,
        score.worry.instrument,
        score.worry.answers,
        sex=None,
        actor=actor,
        now=now,
    )
    row = ProgramCheckIn(
        space_id=space.id,
        client_id=client_id,
        week=week,
        answered_at=now,
        scores=score.as_json(),
        mood_screening_id=mood.id,
        worry_screening_id=worry.id,
    )
    session.add(row)
    try:
        session.flush()
    except IntegrityError:
        # the same partner's other request took this week a moment ago; the unit of work rolls
        # this one back whole, its screenings with it
        raise _already(space, week) from None
    audit.record(session, actor, "create", CHECK_IN, client_id, "ok", now)
    return TakenCheckIn(row.id, score)


def _already(space: ProgramSpace, week: int) -> CheckInTaken:
    opens = scoring.week_starts(space.created_at, week + 1)
    return CheckInTaken(
        "you have checked in this week; the next check-in opens at "
        f"{opens.isoformat(timespec='minutes')}",
        next_opens_at=opens.isoformat(),
    )


def own_check_ins(
    session: Session, client_id: int, *, actor: Actor, now: datetime
) -> list[TakenCheckIn]:
    """The partner's own check-ins in their current space, oldest first."""
    space = space_of(session, client_id)
    found = history(session, space.id, client_id)
    audit.record(session, actor, "read", CHECK_IN, client_id, "ok", now)
    return found


def own_check_in(
    session: Session, client_id: int, check_in_id: int, *, actor: Actor, now: datetime
) -> TakenCheckIn:
    """One of the partner's own check-ins; anyone else's reads as one that does not exist."""
    row = session.get(ProgramCheckIn, check_in_id)
    if row is None or row.client_id != client_id:
        raise NotFound("no such check-in")
    audit.record(session, actor, "read", CHECK_IN, client_id, "ok", now)
    return _taken(row)


def shares_with_partner(session: Session, space_id: int, client_id: int) -> bool:
    found = session.scalar(
        select(ProgramCheckInSharing.with_partner).where(
            ProgramCheckInSharing.space_id == space_id,
            ProgramCheckInSharing.client_id == client_id,
        )
    )
    return bool(found)


def set_partner_sharing(
    session: Session, client_id: int, on: bool, *, actor: Actor, now: datetime
) -> bool:
    """Turn showing one's five-signs trends to the partner on or off (at once)."""
    space = space_of(session, client_id)
    row = session.scalar(
        select(ProgramCheckInSharing).where(
            ProgramCheckInSharing.space_id == space.id,
            ProgramCheckInSharing.client_id == client_id,
        )
    )
    if row is None:
        row = ProgramCheckInSharing(space_id=space.id, client_id=client_id, changed_at=now)
        session.add(row)
    row.with_partner = on
    row.changed_at = now
    session.flush()
    audit.record(session, actor, "update", SHARING, client_id, "ok", now)
    return on


def signs_only(progress: Progress) -> Progress:
    """What a partner may see of the other: the five signs and what they say, nothing else."""
    sign_codes = set(scoring.SIGN_CODES)
    return replace(
        progress,
        screenings=(),
        markers=(),
        findings=tuple(f for f in progress.findings if f.code in sign_codes),
        suggest_therapy=False,
        latest=None,
    )


def _partner_view(
    session: Session, space: ProgramSpace, client_id: int, *, actor: Actor, now: datetime
) -> Progress | None:
    others = [
        m.client_id
        for m in queries.members(session, space.id)
        if m.left_at is None and m.client_id != client_id
    ]
    if not others or not shares_with_partner(session, space.id, others[0]):
        return None
    if not joint_steps_open(session, space, now, actor=actor):
        return None
    taken = history(session, space.id, others[0])
    audit.record(session, actor, "read", CHECK_IN, others[0], "ok", now)
    return signs_only(scoring.summarise([t.score for t in taken]))


def progress(session: Session, client_id: int, *, actor: Actor, now: datetime) -> ProgressView:
    """The partner's own progress in full, and the other partner's shared five signs."""
    space = queries.current_space(session, client_id)
    if space is None:
        return ProgressView(False, scoring.summarise([]), None, False)
    mine = history(session, space.id, client_id)
    audit.record(session, actor, "read", CHECK_IN, client_id, "ok", now)
    return ProgressView(
        True,
        scoring.summarise([t.score for t in mine]),
        _partner_view(session, space, client_id, actor=actor, now=now),
        shares_with_partner(session, space.id, client_id),
    )
