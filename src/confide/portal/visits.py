"""The therapist's appointments: their week, one appointment with its participants and what each
client chose to share, and similar therapists' next openings for a client whose first session
the therapist cancelled.

Every read of an appointment, an intake or screenings goes on the audit trail, in the reader's
transaction. A therapist sees only their own appointments (NotFound for any other).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from typing import Protocol

from sqlalchemy import select
from sqlalchemy.orm import Session, selectinload

from confide import audit
from confide.audit import Actor
from confide.errors import NotFound
from confide.intake.schemas import NO_LIMIT, IntakeAnswers
from confide.intake.service import match_intake
from confide.matching.schemas import MatchIntake, MatchResponse, SelfPayPayment
from confide.models import (
    Appointment,
    Client,
    IntakeDraft,
    ScreeningResponse,
    Therapist,
)
from confide.program import therapist_sharing
from confide.program.service import current_space
from confide.scheduling import own_booking, service
from confide.scheduling.timegrid import zone
from confide.screening import service as screening
from confide.screening.instruments import INSTRUMENTS
from confide.vocab import get_vocabulary

INTAKE_OBJECT = "intake_draft"  # audited per client
# the client's shared answers are shown for sessions that were or are really booked
SHARED_FOR = ("booked", "fulfilled", "noshow")
SIMILAR_SHOWN = 5


@dataclass(frozen=True)
class WeekRow:
    appointment: Appointment
    names: list[str]
    format: str  # individual or couples
    start: datetime  # in the therapist's zone
    end: datetime


@dataclass(frozen=True)
class Week:
    therapist: Therapist
    monday: date
    days: list[tuple[date, list[WeekRow]]]
    zone_name: str

    @property
    def previous(self) -> date:
        return self.monday - timedelta(days=7)

    @property
    def next(self) -> date:
        return self.monday + timedelta(days=7)


def format_of(session_type: str) -> str:
    return get_vocabulary().session_types[session_type].format


def _therapist(session: Session, therapist_id: int) -> Therapist:
    therapist = session.get(Therapist, therapist_id)
    if therapist is None:
        raise NotFound(f"no therapist with id {therapist_id}", therapist_id=therapist_id)
    return therapist


def local_midnight(day: date, zone_name: str) -> datetime:
    """The instant the local day begins in that zone (midnight exists on every US DST day)."""
    return datetime.combine(day, time(0), tzinfo=zone(zone_name)).astimezone(UTC)


def week_of(
    session: Session, therapist_id: int, day: date | None, now: datetime, actor: Actor
) -> Week:
    """The therapist's appointments (expired holds left out) from the Monday of `day`'s week
    (today, in the therapist's zone, by default) for seven local days, however long the week
    is in hours (a DST change makes it 167 or 169); each read is audited."""
    therapist = _therapist(session, therapist_id)
    tz = zone(therapist.timezone)
    day = day or now.astimezone(tz).date()
    monday = day - timedelta(days=day.weekday())
    begin = local_midnight(monday, therapist.timezone)
    end = local_midnight(monday + timedelta(days=7), therapist.timezone)
    appointments = list(
        session.scalars(
            select(Appointment)
            .where(
                Appointment.therapist_id == therapist_id,
                Appointment.start_at >= begin,
                Appointment.start_at < end,
                Appointment.status != "expired",
            )
            .options(selectinload(Appointment.participants))
            .order_by(Appointment.start_at, Appointment.id)
        )
    )
    ids = {p.client_id for a in appointments for p in a.participants}
    names = (
        {c.id: c.name for c in session.scalars(select(Client).where(Client.id.in_(ids)))}
        if ids
        else {}
    )
    by_day: dict[date, list[WeekRow]] = {monday + timedelta(days=i): [] for i in range(7)}
    for a in appointments:
        start = a.start_at.astimezone(tz)
        by_day[start.date()].append(
            WeekRow(
                appointment=a,
                names=[names.get(p.client_id, "") for p in a.participants],
                format=format_of(a.session_type),
                start=start,
                end=a.end_at.astimezone(tz),
            )
        )
    for a in appointments:
        service.record(session, actor, "read", a.id, now)
    return Week(therapist, monday, list(by_day.items()), therapist.timezone)


@dataclass(frozen=True)
class IntakeSummary:
    concerns: list[str]
    in_their_words: str
    setting: str
    languages: list[str]
    modalities: list[str]


@dataclass(frozen=True)
class ScreeningLine:
    title: str
    total: int
    band: str
    positive: bool
    flags: list[str]
    answered_at: datetime


@dataclass(frozen=True)
class Person:
    client: Client
    shared: bool
    intake: IntakeSummary | None = None
    screenings: tuple[ScreeningLine, ...] = ()


@dataclass(frozen=True)
class Visit:
    appointment: Appointment
    therapist: Therapist
    people: list[Person]
    format: str
    # the couple's program space, when both partners share its progress with this therapist
    shared_program: int | None = None

    def local(self, moment: datetime) -> datetime:
        return moment.astimezone(zone(self.therapist.timezone))

    def started(self, now: datetime) -> bool:
        return now >= self.appointment.start_at


def latest_intake(session: Session, client: Client, now: datetime) -> IntakeAnswers | None:
    """The client's latest intake answers kept with their account (a claimed, live draft)."""
    if client.user_id is None:
        return None
    draft = session.scalars(
        select(IntakeDraft)
        .where(IntakeDraft.user_id == client.user_id, IntakeDraft.expires_at > now)
        .order_by(IntakeDraft.updated_at.desc(), IntakeDraft.id.desc())
        .limit(1)
    ).one_or_none()
    return IntakeAnswers.model_validate(draft.answers) if draft is not None else None


def _summary(answers: IntakeAnswers) -> IntakeSummary:
    vocab = get_vocabulary()

    def label(table: dict[str, object], code: str) -> str:
        found = table.get(code)
        return str(getattr(found, "label", None) or getattr(found, "name", None) or code)

    return IntakeSummary(
        concerns=[label(vocab.concerns, c) for c in answers.concerns],  # type: ignore[arg-type]
        in_their_words=answers.concern_text,
        setting=answers.setting,
        languages=[label(vocab.languages, c) for c in answers.languages],  # type: ignore[arg-type]
        modalities=[label(vocab.modalities, c) for c in answers.modalities],  # type: ignore[arg-type]
    )


def _line(response: ScreeningResponse) -> ScreeningLine:
    found = INSTRUMENTS.get(response.instrument)
    return ScreeningLine(
        title=found.title if found else response.instrument,
        total=int(response.total),
        band=response.band,
        positive=bool(response.positive),
        flags=list(response.flags or []),
        answered_at=response.answered_at,
    )


def visit(
    session: Session, therapist_id: int, appointment_id: int, now: datetime, actor: Actor
) -> Visit:
    """One of the therapist's appointments with its participants and, for each client who chose
    to share with this therapist, their intake summary and screening results; all audited."""
    appointment = service.therapist_appointment(
        session, therapist_id, appointment_id, now, actor=actor
    )
    therapist = _therapist(session, therapist_id)
    people = []
    for participant in appointment.participants:
        client = session.get_one(Client, participant.client_id)
        shared = appointment.status in SHARED_FOR and own_booking.shares_with(
            session, client.id, therapist_id
        )
        if not shared:
            people.append(Person(client, False))
            continue
        answers = latest_intake(session, client, now)
        audit.record(session, actor, "read", INTAKE_OBJECT, client.id, "ok", now)
        history = screening.screening_history(session, client.id, actor, now)
        people.append(
            Person(
                client,
                True,
                _summary(answers) if answers is not None else None,
                tuple(_line(r) for r in history),
            )
        )
    kind = format_of(appointment.session_type)
    program = _shared_program(session, therapist_id, people)
    return Visit(appointment, therapist, people, kind, program)


def _shared_program(session: Session, therapist_id: int, people: list[Person]) -> int | None:
    """The partners' program space if both consent to this therapist (their couple's
    therapist) seeing its progress: the way to /portal/couples/{space_id}."""
    if len(people) != 2:
        return None
    space = current_space(session, people[0].client.id)
    if space is None or current_space(session, people[1].client.id) is not space:
        return None
    if therapist_sharing.couple_therapist(session, space) != therapist_id:
        return None
    return space.id if therapist_sharing.both_consent(session, space, therapist_id) else None


# --- a first session cancelled by the therapist: similar therapists' next openings -----------


def _fallback_intake(
    session: Session, client: Client, appointment: Appointment, therapist: Therapist
) -> MatchIntake:
    """Without the client's intake: the same state, format and kind of session as the booking."""
    fmt = format_of(appointment.session_type)
    partner_state = None
    if fmt == "couples":
        partner = session.get(Client, client.partner_id) if client.partner_id else None
        partner_state = partner.state if partner is not None else appointment.client_state
    return MatchIntake(
        state=appointment.client_state,
        format=fmt,
        partner_state=partner_state,
        payment=SelfPayPayment(method="self_pay", max_rate=NO_LIMIT),
        setting="telehealth" if therapist.offers_telehealth else "either",
        timezone=client.timezone,
        limit=SIMILAR_SHOWN + 1,
    )


class Matcher(Protocol):
    """The process's matcher (matching.live.LiveMatching), over its current index."""

    def matches(self, session: Session, intake: MatchIntake, now: datetime) -> MatchResponse: ...


def similar_openings(live: Matcher) -> own_booking.SimilarOpenings:
    """The booking page's finder of other therapists for a cancelled first session: the
    matcher, over the client's own intake if one is kept (read audited), else the booking's."""

    def find(
        session: Session, client: Client, appointment: Appointment, now: datetime
    ) -> list[own_booking.OtherOpening]:
        therapist = _therapist(session, appointment.therapist_id)
        answers = latest_intake(session, client, now)
        intake = None
        if answers is not None and answers.state is not None:
            who = Actor(user_id=client.user_id, role="client")
            audit.record(session, who, "read", INTAKE_OBJECT, client.id, "ok", now)
            if answers.care_format == format_of(appointment.session_type):
                try:
                    intake = match_intake(answers, limit=SIMILAR_SHOWN + 1)
                except ValueError:  # an intake the matcher no longer accepts
                    intake = None
        if intake is None:
            intake = _fallback_intake(session, client, appointment, therapist)
        found = live.matches(session, intake, now)
        others = [
            own_booking.OtherOpening(
                therapist_id=r.therapist.id,
                name=r.therapist.name,
                credential=r.therapist.credential,
                session_type=r.session_type,
                start=r.first_opening,
            )
            for r in found.results
            if r.therapist.id != appointment.therapist_id
        ]
        return others[:SIMILAR_SHOWN]

    return find
