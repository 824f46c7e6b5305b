"""Client records: provisioning one with its account, linking partners by invitation, and
unlinking."""

from __future__ import annotations

import hashlib
from datetime import UTC, datetime, timedelta

from itsdangerous import BadSignature, SignatureExpired, TimestampSigner
from sqlalchemy import func, select
from sqlalchemy.orm import Session, selectinload

from confide import audit
from confide.accounts import tokens, users
from confide.accounts.schemas import SCOPES, ClientCreate
from confide.audit import Actor
from confide.errors import Conflict, InvalidInput
from confide.models import Appointment, AppointmentParticipant, Client, User
from confide.notifications import appointments as appointment_notices
from confide.notifications.plain_mail import queue_mail

INVITATION_DAYS = 7
# keeps these signatures apart from any other the same secret key makes
INVITATION_SALT = "confide.partner-invitation"


def create_client(
    session: Session, payload: ClientCreate, now: datetime | None = None
) -> tuple[Client, str]:
    """A client with a verified account of their own and an API token for it (only its digest
    is stored), for trusted code that provisions people: imports, load tests, fixtures. People
    register themselves through users.register and verify their address."""
    if payload.email is None:
        raise InvalidInput("email", "an account needs an email address")
    now = now or datetime.now(UTC)
    if users.find_user(session, payload.email) is not None:
        raise Conflict("there is already an account for this address")
    user = User(
        email=payload.email,
        email_key=users.email_key(payload.email),
        password_hash=None,  # a password is chosen through a reset link
        role="client",
        email_verified_at=now,
        created_at=now,
    )
    session.add(user)
    session.flush()
    client = Client(
        name=payload.name,
        email=payload.email,
        state=payload.state,
        timezone=payload.timezone,
        user_id=user.id,
        created_at=now,
    )
    session.add(client)
    session.flush()
    _, secret = tokens.create_token(session, user, list(SCOPES), tokens.DEFAULT_DAYS, now)
    return client, secret


class _InvitationSigner(TimestampSigner):
    """Signs a client's id with the time, and reads both back, by the caller's clock."""

    def __init__(self, secret_key: str, now: datetime) -> None:
        super().__init__(secret_key, salt=INVITATION_SALT, digest_method=hashlib.sha256)
        self._now = now

    def get_timestamp(self) -> int:
        return int(self._now.timestamp())


def invite_partner(client: Client, secret_key: str, now: datetime) -> tuple[str, datetime]:
    """A signed code the client gives their partner; it links the two when the partner uses it."""
    if client.partner_id is not None:
        raise Conflict("you are already linked with a partner")
    payload = f"{client.id}.{client.link_generation}"
    code = _InvitationSigner(secret_key, now).sign(payload).decode()
    return code, now + timedelta(days=INVITATION_DAYS)


def _read_code(code: str, secret_key: str, now: datetime) -> tuple[int, int]:
    """The inviter's id and link generation a code carries (InvalidInput naming `code`)."""
    signer = _InvitationSigner(secret_key, now)
    try:
        payload = signer.unsign(code, max_age=INVITATION_DAYS * 24 * 3600).decode()
        inviter_id, generation = (int(part) for part in payload.split("."))
    except SignatureExpired:
        raise InvalidInput(
            "code", "this invitation has expired; ask your partner for a new one"
        ) from None
    except (BadSignature, ValueError):
        raise InvalidInput("code", "this is not a partner invitation code") from None
    return inviter_id, generation


def accept_invitation(
    session: Session,
    client: Client,
    code: str,
    secret_key: str,
    now: datetime,
    *,
    actor: Actor | None = None,
) -> Client:
    """Link the client with the partner who issued `code`; returns the partner.

    A code links once: linking (and any unlink) moves the inviter's link generation on, and a
    code signed with an older one is void, so an old code cannot link the two again after
    either ends the link."""
    inviter_id, generation = _read_code(code, secret_key, now)
    if inviter_id == client.id:
        raise InvalidInput("code", "this invitation is your own; give it to your partner")
    # both rows locked, lowest id first, as booking and unlinking lock them
    locked = session.scalars(
        select(Client)
        .where(Client.id.in_(sorted({client.id, inviter_id})))
        .order_by(Client.id)
        .with_for_update()
        .execution_options(populate_existing=True)
    ).all()
    inviter = next((c for c in locked if c.id == inviter_id), None)
    if inviter is None:
        raise InvalidInput("code", "this is not a partner invitation code")
    if inviter.link_generation != generation:
        raise InvalidInput(
            "code", "this invitation has already been used or replaced; ask for a new one"
        )
    if client.partner_id is not None or inviter.partner_id is not None:
        raise Conflict("one of you is already linked with a partner")
    client.partner_id, inviter.partner_id = inviter.id, client.id
    client.link_generation += 1
    inviter.link_generation += 1
    session.flush()
    who = actor if actor is not None else Actor(user_id=client.user_id, role="client")
    audit.record(session, who, "create", "partner_link", client.id, "ok", now)
    return inviter


# what cancelled joint sessions say when the link between the partners ended
LINK_ENDED = "link_ended"
LINK_ENDED_SUBJECT = "Your partner link on Confide has ended"
LINK_ENDED_TEXT = """Hello,

The link between your Confide account and another account has ended, so joint sessions can no
longer be booked together. Your own account, and any individual care, are unchanged.

You can see your appointments in your account at any time.

Confide
"""


def _joint_upcoming(session: Session, first: int, second: int, now: datetime) -> list[Appointment]:
    """Held or booked sessions still to come that both clients take part in, locked."""
    both = (
        select(AppointmentParticipant.appointment_id)
        .where(AppointmentParticipant.client_id.in_([first, second]))
        .group_by(AppointmentParticipant.appointment_id)
        .having(func.count() == 2)
    )
    return list(
        session.scalars(
            select(Appointment)
            .where(
                Appointment.id.in_(both),
                Appointment.status.in_(("held", "booked")),
                Appointment.start_at > now,
            )
            .options(selectinload(Appointment.participants))
            .order_by(Appointment.id)
            .with_for_update(of=Appointment)
        )
    )


def unlink_partner(
    session: Session, client: Client, now: datetime, *, actor: Actor | None = None
) -> Client | None:
    """End the client's partner link; cancel the pair's joint holds and sessions still to come.

    Either partner may do it at any time. Returns the former partner (to be told only that the
    link ended), or None when there was no link: asking twice changes nothing."""
    partner_id = client.partner_id
    if partner_id is None:
        return None
    # lowest id first, as booking locks them, so a joint hold being made waits for this or wins
    locked = session.scalars(
        select(Client)
        .where(Client.id.in_(sorted({client.id, partner_id})))
        .order_by(Client.id)
        .with_for_update()
        .execution_options(populate_existing=True)
    ).all()
    partner = next((c for c in locked if c.id == partner_id), None)
    if client.partner_id != partner_id or partner is None:
        return None  # another request changed the link first
    cancelled = _joint_upcoming(session, client.id, partner.id, now)
    for appointment in cancelled:
        was_booked = appointment.status == "booked"
        appointment.cancel(LINK_ENDED, now)
        if was_booked:  # each of them and the therapist are told it is off (not why)
            appointment_notices.cancelled(session, appointment, now)
    client.partner_id = None
    if partner.partner_id == client.id:
        partner.partner_id = None
    # codes either of them gave before are void from here on
    client.link_generation += 1
    partner.link_generation += 1
    session.flush()
    who = actor if actor is not None else Actor(user_id=client.user_id, role="client")
    audit.record(session, who, "delete", "partner_link", client.id, "ok", now)
    for appointment in cancelled:
        audit.record(session, who, "update", "appointment", appointment.id, "ok", now)
    return partner


def tell_link_ended(session: Session, email: str | None, now: datetime) -> str | None:
    """Queue mail to a former partner that the link ended (no reason, no who), in the caller's
    transaction; returns the job's key, None without an email."""
    if email is None:
        return None
    return queue_mail(session, email, LINK_ENDED_SUBJECT, LINK_ENDED_TEXT, now)
