"""Showing the couple's check-ins to their therapist: consent from both partners, kept as
history, withdrawable by either at once; and the therapist's view, every read audited.

The couple's therapist is the therapist of the partners' latest joint appointment (booked or
held session, not a cancelled one). Consent names that therapist: if the couple moves on to
another, the earlier consent does not carry over. The therapist sees both partners' check-in
trends (the five signs, the mood and worry screenings with their reliable changes, the summary)
and the items each partner chose to share in the program, only while both partners' consent
to them is in force. Anything else, to anyone, reads as a couple that does not exist (404).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import Session, aliased

from confide import audit
from confide.audit import Actor
from confide.errors import Conflict, NotFound
from confide.models import (
    Appointment,
    AppointmentParticipant,
    Client,
    ProgramItem,
    ProgramSpace,
    ProgramTherapistConsent,
    Therapist,
)
from confide.program import checkin_scoring as scoring
from confide.program import queries
from confide.program.checkin_scoring import Progress
from confide.program.checkins import (
    CHECK_IN,
    history,
    set_partner_sharing,
    shares_with_partner,
    space_of,
)

CONSENT = "program_consent"  # audited per client
SHARED_ITEMS = "program_space"  # the therapist's read of a space's shared items
# a joint appointment in these statuses makes its therapist the couple's therapist
JOINT_STATUSES = ("booked", "fulfilled")


@dataclass(frozen=True)
class ConsentRecord:
    given_at: datetime
    withdrawn_at: datetime | None
    therapist_id: int


@dataclass(frozen=True)
class ConsentState:
    """What a partner sees: their own consent and its history, and whether the therapist sees
    the check-ins now (both in force). The other partner's own choice is not shown."""

    therapist_id: int | None
    therapist_name: str | None
    mine: bool
    in_force: bool
    history: tuple[ConsentRecord, ...]


@dataclass(frozen=True)
class PartnerProgress:
    name: str
    progress: Progress


@dataclass(frozen=True)
class SharedItem:
    author: str
    step: int
    kind: str
    body: str
    shared_at: datetime | None


@dataclass(frozen=True)
class CoupleView:
    space_id: int
    partners: tuple[PartnerProgress, ...]
    items: tuple[SharedItem, ...]


def _current_members(session: Session, space_id: int) -> list[int]:
    return [m.client_id for m in queries.members(session, space_id) if m.left_at is None]


def couple_therapist(session: Session, space: ProgramSpace) -> int | None:
    """The therapist of the partners' latest joint appointment, if they have one."""
    members = _current_members(session, space.id)
    if len(members) != 2:
        return None
    first, second = aliased(AppointmentParticipant), aliased(AppointmentParticipant)
    found: int | None = session.scalar(
        select(Appointment.therapist_id)
        .join(first, first.appointment_id == Appointment.id)
        .join(second, second.appointment_id == Appointment.id)
        .where(
            first.client_id == members[0],
            second.client_id == members[1],
            Appointment.status.in_(JOINT_STATUSES),
        )
        .order_by(Appointment.start_at.desc(), Appointment.id.desc())
        .limit(1)
    )
    return found


def _in_force(session: Session, space_id: int, client_id: int, therapist_id: int) -> bool:
    found = session.scalar(
        select(ProgramTherapistConsent.id).where(
            ProgramTherapistConsent.space_id == space_id,
            ProgramTherapistConsent.client_id == client_id,
            ProgramTherapistConsent.therapist_id == therapist_id,
            ProgramTherapistConsent.withdrawn_at.is_(None),
        )
    )
    return found is not None


def both_consent(session: Session, space: ProgramSpace, therapist_id: int) -> bool:
    members = _current_members(session, space.id)
    return len(members) == 2 and all(_in_force(session, space.id, m, therapist_id) for m in members)


def _state(session: Session, space: ProgramSpace, client_id: int) -> ConsentState:
    therapist_id = couple_therapist(session, space)
    rows = session.scalars(
        select(ProgramTherapistConsent)
        .where(
            ProgramTherapistConsent.space_id == space.id,
            ProgramTherapistConsent.client_id == client_id,
        )
        .order_by(ProgramTherapistConsent.given_at, ProgramTherapistConsent.id)
    )
    records = tuple(ConsentRecord(r.given_at, r.withdrawn_at, r.therapist_id) for r in rows)
    name = None
    if therapist_id is not None:
        therapist = session.get(Therapist, therapist_id)
        if therapist is not None:
            name = f"{therapist.first_name} {therapist.last_name}"
    mine = therapist_id is not None and _in_force(session, space.id, client_id, therapist_id)
    return ConsentState(
        therapist_id,
        name,
        mine,
        therapist_id is not None and both_consent(session, space, therapist_id),
        records,
    )


def consent_state(session: Session, client_id: int, *, actor: Actor, now: datetime) -> ConsentState:
    """The partner's consent to show the couple's therapist their check-ins."""
    space = space_of(session, client_id)
    found = _state(session, space, client_id)
    audit.record(session, actor, "read", CONSENT, client_id, "ok", now)
    return found


def give_consent(session: Session, client_id: int, *, actor: Actor, now: datetime) -> ConsentState:
    """Consent for the couple's therapist (Conflict without one); giving it again keeps the
    consent in force as it is."""
    space = space_of(session, client_id)
    therapist_id = couple_therapist(session, space)
    if therapist_id is None:
        raise Conflict(
            "you and your partner have no joint session with a therapist yet: book one first, "
            "then you can choose to share your check-ins with them"
        )
    if not _in_force(session, space.id, client_id, therapist_id):
        session.add(
            ProgramTherapistConsent(
                space_id=space.id, client_id=client_id, therapist_id=therapist_id, given_at=now
            )
        )
        session.flush()
        audit.record(session, actor, "create", CONSENT, client_id, "ok", now)
    return _state(session, space, client_id)


def withdraw_consent(
    session: Session, client_id: int, *, actor: Actor, now: datetime
) -> ConsentState:
    """Withdraw every consent of this partner's in force in the space, at once."""
    space = space_of(session, client_id)
    rows = session.scalars(
        select(ProgramTherapistConsent).where(
            ProgramTherapistConsent.space_id == space.id,
            ProgramTherapistConsent.client_id == client_id,
            ProgramTherapistConsent.withdrawn_at.is_(None),
        )
    ).all()
    for row in rows:
        row.withdrawn_at = now
    if rows:
        session.flush()
        audit.record(session, actor, "update", CONSENT, client_id, "ok", now)
    return _state(session, space, client_id)


@dataclass(frozen=True)
class SharingChoices:
    """Both of a partner's sharing choices: with the couple's therapist, with the partner."""

    therapist: ConsentState
    with_partner: bool


def choices(session: Session, client_id: int, *, actor: Actor, now: datetime) -> SharingChoices:
    """The partner's sharing choices as they stand."""
    space = space_of(session, client_id)
    state = _state(session, space, client_id)
    audit.record(session, actor, "read", CONSENT, client_id, "ok", now)
    return SharingChoices(state, shares_with_partner(session, space.id, client_id))


def choose(
    session: Session, client_id: int, to: str, on: bool, *, actor: Actor, now: datetime
) -> SharingChoices:
    """Give or withdraw consent for the therapist (`to` "therapist"), or turn sharing with the
    partner on or off (`to` "partner"); either takes effect at once."""
    if to == "therapist":
        (give_consent if on else withdraw_consent)(session, client_id, actor=actor, now=now)
    else:
        set_partner_sharing(session, client_id, on, actor=actor, now=now)
    return choices(session, client_id, actor=actor, now=now)


def _refused(actor: Actor, space_id: int, now: datetime) -> NotFound:
    error = NotFound("no such couple")

    def record_refusal(session: Session) -> None:
        audit.record(session, actor, "read", SHARED_ITEMS, space_id, "not_found", now)

    error.after_rollback = record_refusal
    return error


def couple_view(
    session: Session, therapist_id: int, space_id: int, *, actor: Actor, now: datetime
) -> CoupleView:
    """The couple's check-in trends and shared items, for their therapist while both partners
    consent; NotFound otherwise (the refusal is on the trail too)."""
    space = session.get(ProgramSpace, space_id)
    if (
        space is None
        or space.status == "ended"
        or couple_therapist(session, space) != therapist_id
        or not both_consent(session, space, therapist_id)
    ):
        raise _refused(actor, space_id, now)
    members = _current_members(session, space.id)
    names = {c.id: c.name for c in session.scalars(select(Client).where(Client.id.in_(members)))}
    partners = []
    for client_id in members:
        taken = history(session, space.id, client_id)
        audit.record(session, actor, "read", CHECK_IN, client_id, "ok", now)
        partners.append(
            PartnerProgress(names[client_id], scoring.summarise([t.score for t in taken]))
        )
    rows = session.scalars(
        select(ProgramItem)
        .where(ProgramItem.space_id == space.id, ProgramItem.visibility == "shared")
        .order_by(ProgramItem.shared_at, ProgramItem.id)
    )
    items = tuple(
        SharedItem(names.get(r.author_id, "A partner"), r.step, r.kind, r.body, r.shared_at)
        for r in rows
    )
    audit.record(session, actor, "read", SHARED_ITEMS, space.id, "ok", now)
    return CoupleView(space.id, tuple(partners), items)
