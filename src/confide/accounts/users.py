"""Users: registration, verification, password reset, signing in, staff invitations, admins.

Nothing here tells a caller whether an address has an account: registering a taken address
mails its owner instead, and checking a password for an unknown address spends the same
argon2 work on a dummy hash.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import select, update
from sqlalchemy.orm import Session

from confide.accounts import links, messages
from confide.accounts.messages import Outgoing
from confide.accounts.passwords import PASSWORDS, Passwords, check_new_password
from confide.accounts.schemas import Registration
from confide.audit.schemas import Actor
from confide.audit.service import record
from confide.errors import Conflict, Forbidden, InvalidInput, Unauthorized
from confide.models import BrowserSession, Client, Therapist, User

ROLE_LABELS = {
    "client": "a client",
    "therapist": "a therapist",
    "reviewer": "a clinical reviewer",
    "admin": "an administrator",
}


def email_key(email: str) -> str:
    return email.strip().lower()


def find_user(session: Session, email: str) -> User | None:
    return session.scalars(select(User).where(User.email_key == email_key(email))).one_or_none()


def register(
    session: Session, payload: Registration, public_url: str, now: datetime, next: str = ""
) -> Outgoing:
    """A client account awaiting verification, or, for a taken address, a note to its owner;
    the verification link goes on to `next` (a path on this site) once used."""
    check_new_password(payload.password, payload.email)
    password_hash = PASSWORDS.hash(payload.password)  # spent either way: the same time taken
    existing = find_user(session, payload.email)
    if existing is not None:
        secret = links.issue(session, "reset", now, user_id=existing.id)
        return messages.already_registered(existing.email, links.url(public_url, "reset", secret))
    user = User(
        email=payload.email.strip(),
        email_key=email_key(payload.email),
        password_hash=password_hash,
        role="client",
        created_at=now,
    )
    session.add(user)
    session.flush()
    session.add(
        Client(
            name=payload.name,
            email=user.email,
            state=payload.state,
            timezone=payload.timezone,
            user_id=user.id,
            created_at=now,
        )
    )
    secret = links.issue(session, "verify", now, user_id=user.id)
    return messages.verify_address(user.email, links.url(public_url, "verify", secret, next))


def verify_email(session: Session, secret: str, now: datetime) -> User:
    """Mark the address of the link's user verified."""
    link = links.redeem(session, "verify", secret, now)
    user = session.get_one(User, link.user_id)
    if user.email_verified_at is None:
        user.email_verified_at = now
    return user


def request_reset(session: Session, email: str, public_url: str, now: datetime) -> Outgoing | None:
    """A reset link for the address's account, or None when there is none (said to no one)."""
    user = find_user(session, email)
    if user is None:
        return None
    secret = links.issue(session, "reset", now, user_id=user.id)
    return messages.reset_password(user.email, links.url(public_url, "reset", secret))


def confirm_reset(session: Session, secret: str, password: str, now: datetime) -> User:
    """Set the new password and end every browser session of the account."""
    link = links.redeem(session, "reset", secret, now)
    user = session.get_one(User, link.user_id)
    check_new_password(password, user.email)
    user.password_hash = PASSWORDS.hash(password)
    # the link came to the address: it is verified now too
    user.email_verified_at = user.email_verified_at or now
    end_all_sessions(session, user.id, now)
    return user


def end_all_sessions(session: Session, user_id: int, now: datetime) -> None:
    session.execute(
        update(BrowserSession)
        .where(BrowserSession.user_id == user_id, BrowserSession.ended_at.is_(None))
        .values(ended_at=now)
    )


def check_password(
    session: Session, email: str, password: str, passwords: Passwords = PASSWORDS
) -> User:
    """The account for these credentials (its hash renewed if the parameters changed)."""
    user = find_user(session, email)
    if not passwords.verify(user.password_hash if user else None, password):
        raise Unauthorized("the email address or password is not right")
    assert user is not None
    assert user.password_hash is not None
    if passwords.needs_rehash(user.password_hash):
        user.password_hash = passwords.hash(password)
        session.flush()
    return user


def authenticate_password(
    session: Session, email: str, password: str, address: str | None, now: datetime
) -> User | None:
    """The account for these credentials, or None; a failure is on the audit trail."""
    try:
        return check_password(session, email, password)
    except Unauthorized:
        known = find_user(session, email)
        actor = Actor(None, "anonymous", address)
        record(session, actor, "sign_in", "user", known.id if known else None, "denied", now)
        return None


@dataclass(frozen=True)
class Invitation:
    email: str
    role: str
    therapist_id: int | None


def invite(
    session: Session,
    admin: User,
    invitation: Invitation,
    public_url: str,
    now: datetime,
) -> Outgoing:
    """A single-use link for a therapist (tied to their record), a reviewer or an admin."""
    if admin.role != "admin":
        raise Forbidden("only an administrator can invite staff")
    if invitation.role == "therapist":
        if invitation.therapist_id is None:
            raise InvalidInput("therapist_id", "a therapist invitation names the therapist record")
        if session.get(Therapist, invitation.therapist_id) is None:
            raise InvalidInput("therapist_id", "there is no therapist with this id")
        taken = session.scalars(
            select(User.id).where(User.therapist_id == invitation.therapist_id)
        ).first()
        if taken is not None:
            raise Conflict("this therapist record already has an account")
    elif invitation.therapist_id is not None:
        raise InvalidInput("therapist_id", "only a therapist invitation names a therapist")
    secret = links.issue(
        session,
        "invite",
        now,
        email=invitation.email.strip(),
        role=invitation.role,
        therapist_id=invitation.therapist_id,
        invited_by_user_id=admin.id,
    )
    return messages.invitation(
        invitation.email, ROLE_LABELS[invitation.role], links.url(public_url, "invite", secret)
    )


def accept_invitation(session: Session, secret: str, password: str, now: datetime) -> User:
    """The invited person's account, with the role (and therapist record) the link names."""
    link = links.redeem(session, "invite", secret, now)
    assert link.email is not None
    assert link.role is not None
    check_new_password(password, link.email)
    if find_user(session, link.email) is not None:
        raise Conflict("there is already an account for this address; sign in instead")
    user = User(
        email=link.email,
        email_key=email_key(link.email),
        password_hash=PASSWORDS.hash(password),
        role=link.role,
        therapist_id=link.therapist_id,
        email_verified_at=now,  # the link reached the address
        created_at=now,
    )
    session.add(user)
    session.flush()
    return user


def create_admin(session: Session, email: str, password: str, now: datetime) -> User:
    """A verified administrator (the `confide admin create` command)."""
    check_new_password(password, email)
    if find_user(session, email) is not None:
        raise Conflict(f"there is already an account for {email}")
    user = User(
        email=email.strip(),
        email_key=email_key(email),
        password_hash=PASSWORDS.hash(password),
        role="admin",
        email_verified_at=now,
        created_at=now,
    )
    session.add(user)
    session.flush()
    return user
