"""Safety flags as clinicians see them: who sees which, acknowledging one, and escalation.

A flag belongs to the client's therapist: the one with a booked, past or missed session with
that client (several therapists: each sees it). Before any booking it belongs to the clinical
reviewers. A flag nobody acknowledged within the escalation time is escalated: reviewers and
admins see it too, whoever it belonged to. Every flag shown and every acknowledgement is on the
audit trail (per client, as screening's other records are); the note is encrypted.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import ColumnElement, exists, or_, select
from sqlalchemy.orm import Session

from confide import audit
from confide.audit import SYSTEM, Actor
from confide.config import get_settings
from confide.errors import InvalidInput, NotFound
from confide.models import Appointment, AppointmentParticipant, Client, SafetyFlag, User
from confide.notifications.plain_mail import queue_mail

FLAG = "safety_flag"  # audited per client, as screening/service.py records flags
# a session with the client that makes the therapist theirs: to come, held to, or missed
SEEN_STATUSES = ("booked", "fulfilled", "noshow")
NOTE_MAX = 2000
# how long an acknowledged flag stays on the queue's "done" list
RECENT = timedelta(days=30)
SOURCES = {
    "screening": 'answered the PHQ-9\'s question on thoughts of self-harm above "not at all"',
    "intake": "answered yes to the direct question on thoughts of self-harm during the intake",
    "account": "answered yes to the direct question on thoughts of self-harm on their account",
    "link": "answered yes to the direct question on thoughts of self-harm when linking",
}


@dataclass(frozen=True)
class FlagView:
    id: int
    client_id: int
    client_name: str
    client_email: str
    raised_at: datetime
    what: str
    escalated_at: datetime | None
    acknowledged_at: datetime | None
    note: str | None
    overdue: bool


@dataclass(frozen=True)
class Queue:
    open: list[FlagView]
    done: list[FlagView]


def _therapists_client(therapist_id: int) -> ColumnElement[bool]:
    return exists().where(
        AppointmentParticipant.client_id == SafetyFlag.client_id,
        AppointmentParticipant.appointment_id == Appointment.id,
        Appointment.therapist_id == therapist_id,
        Appointment.status.in_(SEEN_STATUSES),
    )


def _booked_with_anyone() -> ColumnElement[bool]:
    return exists().where(
        AppointmentParticipant.client_id == SafetyFlag.client_id,
        AppointmentParticipant.appointment_id == Appointment.id,
        Appointment.status.in_(SEEN_STATUSES),
    )


def _visible(role: str, therapist_id: int | None) -> ColumnElement[bool]:
    """The flags this role sees: a therapist their clients'; reviewers the unbooked and the
    escalated; admins the escalated."""
    if role == "therapist" and therapist_id is not None:
        return _therapists_client(therapist_id)
    if role == "reviewer":
        return or_(~_booked_with_anyone(), SafetyFlag.escalated_at.is_not(None))
    if role == "admin":
        return SafetyFlag.escalated_at.is_not(None)
    return SafetyFlag.id.is_(None)  # nobody else sees any


def _what(source: str) -> str:
    return SOURCES.get(source.split(":", 1)[0], "gave an answer that suggests a risk of self-harm")


def _view(flag: SafetyFlag, client: Client, now: datetime, escalate_after: timedelta) -> FlagView:
    return FlagView(
        id=flag.id,
        client_id=client.id,
        client_name=client.name,
        client_email=client.email or "",
        raised_at=flag.raised_at,
        what=_what(flag.source),
        escalated_at=flag.escalated_at,
        acknowledged_at=flag.acknowledged_at,
        note=flag.note,
        overdue=flag.acknowledged_at is None and flag.raised_at + escalate_after <= now,
    )


def flag_queue(
    session: Session,
    role: str,
    therapist_id: int | None,
    actor: Actor,
    now: datetime,
    escalate_after: timedelta,
) -> Queue:
    """The open flags this person sees, oldest first, and those acknowledged in the last 30
    days, newest first; each one shown is recorded on the trail."""
    visible = _visible(role, therapist_id)
    rows = session.execute(
        select(SafetyFlag, Client)
        .join(Client, Client.id == SafetyFlag.client_id)
        .where(
            visible,
            or_(SafetyFlag.acknowledged_at.is_(None), SafetyFlag.acknowledged_at >= now - RECENT),
        )
        .order_by(SafetyFlag.raised_at, SafetyFlag.id)
    ).all()
    views = [_view(flag, client, now, escalate_after) for flag, client in rows]
    for view in views:
        audit.record(session, actor, "read", FLAG, view.client_id, "ok", now)
    done = sorted(
        (v for v in views if v.acknowledged_at is not None),
        key=lambda v: (v.acknowledged_at, v.id),
        reverse=True,
    )
    return Queue(open=[v for v in views if v.acknowledged_at is None], done=done)


def acknowledge_flag(
    session: Session,
    flag_id: int,
    role: str,
    therapist_id: int | None,
    user_id: int,
    note: str,
    actor: Actor,
    now: datetime,
) -> SafetyFlag:
    """Record who acknowledged the flag, when, and their note (NotFound for a flag this person
    does not see, as for one that does not exist)."""
    text = note.strip()
    if not text:
        raise InvalidInput("note", "say in a few words what was done (for example: called, safe)")
    if len(text) > NOTE_MAX:
        raise InvalidInput("note", f"keep the note under {NOTE_MAX} characters")
    flag = session.scalars(
        select(SafetyFlag)
        .where(SafetyFlag.id == flag_id, _visible(role, therapist_id))
        .with_for_update()
    ).one_or_none()
    if flag is None:
        raise NotFound(f"no safety flag {flag_id} in your queue")
    if flag.acknowledged_at is not None:
        raise InvalidInput("flag", "this flag was acknowledged already")
    flag.acknowledged_at = now
    flag.acknowledged_by = user_id
    flag.note = text
    session.flush()
    audit.record(session, actor, "update", FLAG, flag.client_id, "ok", now)
    return flag


def escalate_due(
    session: Session, now: datetime, escalate_after: timedelta | None = None
) -> list[int]:
    """Escalate every flag still open `escalate_after` (default CONFIDE_FLAG_ESCALATE_HOURS)
    after it was raised, once each; returns their ids. Meant to run every few minutes:
    `confide flags escalate`, or the job worker."""
    if escalate_after is None:
        escalate_after = timedelta(hours=get_settings().flag_escalate_hours)
    due = list(
        session.scalars(
            select(SafetyFlag)
            .where(
                SafetyFlag.acknowledged_at.is_(None),
                SafetyFlag.escalated_at.is_(None),
                SafetyFlag.raised_at <= now - escalate_after,
            )
            .order_by(SafetyFlag.id)
            .with_for_update()
        )
    )
    for flag in due:
        flag.escalated_at = now
    session.flush()
    for flag in due:
        audit.record(session, SYSTEM, "update", FLAG, flag.client_id, "ok", now)
    if due:
        _tell_staff(session, len(due), now)
    return [flag.id for flag in due]


def _tell_staff(session: Session, count: int, now: datetime) -> None:
    """Mail each verified reviewer and admin that flags wait for them, in the escalation's own
    transaction (so once per escalation); nothing about the person or the answers is said."""
    staff = session.scalars(
        select(User.email)
        .where(User.role.in_(("reviewer", "admin")), User.email_verified_at.is_not(None))
        .order_by(User.id)
    )
    waiting = "A safety flag has" if count == 1 else f"{count} safety flags have"
    text = (
        f"{waiting} gone unacknowledged past the escalation time and now wait for a reviewer.\n"
        "Sign in to Confide and open Safety flags (/review/flags) to follow up.\n"
    )
    for email in staff:
        queue_mail(session, email, "Safety flags need a reviewer", text, now)
