"""What one client may hold and book at once, and when a couple may book joint sessions.

A client holds one time at once and has at most one upcoming first session per format
(individual, couples): enough to book care, too little to close a network's weeks. Both rules are
checked after the clients' rows are locked (PostgreSQL; SQLite's BEGIN IMMEDIATE serialises every
writer already), before the therapist's, so two requests from one client, even for two
therapists, are decided one after the other.

Joint sessions wait until each partner has answered the private partner-violence questions from
their own account (SafetyQuestionsNeeded), and are refused where either partner has disclosed
partner violence (DESIGN §2). The refusal is CouplesUnavailable, the same words for both
partners, and nothing either of them can read changes with the disclosure. The questions are
checked first, so whether a partner is asked to answer never depends on what anyone answered.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session, selectinload

from confide.audit import Actor
from confide.errors import (
    CouplesUnavailable,
    FirstSessionExists,
    HoldExists,
    SafetyQuestionsNeeded,
)
from confide.models import Appointment, AppointmentParticipant, Client, Therapist, blocking_clause
from confide.screening.safety import couple_safety
from confide.vocab import get_vocabulary


def first_session_types(care_format: str) -> list[str]:
    """The session types that open care in this format (individual or couples)."""
    return sorted(
        code
        for code, kind in get_vocabulary().session_types.items()
        if kind.first_session and kind.format == care_format
    )


def _found(session: Session, client_ids: Sequence[int], *conditions: Any) -> Appointment | None:
    query = (
        select(Appointment)
        .join(AppointmentParticipant)
        .where(AppointmentParticipant.client_id.in_(list(client_ids)), *conditions)
        .options(selectinload(Appointment.participants))
        .order_by(Appointment.start_at, Appointment.id)
        .limit(1)
    )
    return session.scalars(query).first()


def describe(session: Session, appointment: Appointment) -> dict[str, Any]:
    """The appointment a refusal names: its id, time and therapist."""
    therapist = session.get_one(Therapist, appointment.therapist_id)
    expires = appointment.hold_expires_at
    return {
        "appointment_id": appointment.id,
        "status": appointment.status,
        "session_type": appointment.session_type,
        "start": appointment.start_at.isoformat(),
        "end": appointment.end_at.isoformat(),
        "therapist_id": therapist.id,
        "therapist_name": f"{therapist.first_name} {therapist.last_name}, {therapist.credential}",
        "hold_expires_at": None if expires is None else expires.isoformat(),
    }


def _when_and_who(existing: dict[str, Any]) -> str:
    start = datetime.fromisoformat(existing["start"])
    return (
        f"{start:%Y-%m-%d %H:%M} UTC with {existing['therapist_name']} "
        f"(therapist {existing['therapist_id']})"
    )


def check_live_hold(session: Session, client: Client, now: datetime) -> None:
    """Refuse a second live hold, naming the one the client takes part in. A partner's own hold
    does not stop a couples hold: it is theirs, and it is not described to the client."""
    held = _found(
        session, [client.id], Appointment.status == "held", Appointment.hold_expires_at > now
    )
    if held is None:
        return
    existing = describe(session, held)
    raise HoldExists(
        f"you already hold a time: hold {held.id}, {_when_and_who(existing)}, until "
        f"{held.hold_expires_at:%H:%M} UTC; confirm, move or cancel it before holding another",
        existing=existing,
    )


def check_first_session(
    session: Session,
    client: Client,
    parties: Sequence[Client],
    session_type: str,
    now: datetime,
) -> None:
    """Refuse a second upcoming first session of the same format for any of the parties."""
    kind = get_vocabulary().session_types[session_type]
    if not kind.first_session:
        return
    upcoming = _found(
        session,
        [c.id for c in parties],
        Appointment.session_type.in_(first_session_types(kind.format)),
        Appointment.start_at > now,
        blocking_clause(now),
    )
    if upcoming is None:
        return
    label = "couples" if kind.format == "couples" else "individual"
    if client.id not in {p.client_id for p in upcoming.participants}:
        raise FirstSessionExists(
            f"your partner already has an upcoming first {label} session; one is enough to start"
        )
    existing = describe(session, upcoming)
    noun = "hold" if upcoming.status == "held" else "appointment"
    raise FirstSessionExists(
        f"you already have an upcoming first {label} session: {noun} {upcoming.id}, "
        f"{_when_and_who(existing)}; reschedule or cancel it rather than booking another",
        existing=existing,
    )


def check_couples_allowed(
    session: Session, session_type: str, parties: Sequence[Client], actor: Actor, now: datetime
) -> None:
    """Refuse a joint session until both partners have answered the partner-violence questions,
    and for good where either partner disclosed partner violence.

    It reads (and audits) the safety records: call it after every lock the caller takes, since
    the audit trail's lock must come last."""
    if get_vocabulary().session_types[session_type].format != "couples" or len(parties) < 2:
        return
    first, second = parties[0].id, parties[1].id
    safety = couple_safety(session, first, second, actor=actor, now=now)
    if not safety.both_answered:
        raise SafetyQuestionsNeeded()
    if safety.disclosed:
        raise CouplesUnavailable()
