"""Client records: provisioning one with its account, and linking partners by invitation."""

from __future__ import annotations

import hashlib
from datetime import UTC, datetime, timedelta

from itsdangerous import BadSignature, SignatureExpired, TimestampSigner
from sqlalchemy.orm import Session

from confide.accounts import tokens, users
from confide.accounts.schemas import SCOPES, ClientCreate
from confide.errors import Conflict, InvalidInput
from confide.models import Client, User

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


def link_partners(session: Session, first: Client, second: Client) -> None:
    """Link two clients who signed up together as a couple."""
    if first.id == second.id:
        raise InvalidInput("partner", "a client cannot be their own partner")
    if first.partner_id is not None or second.partner_id is not None:
        raise Conflict("one of you is already linked with a partner")
    first.partner_id, second.partner_id = second.id, first.id
    session.flush()


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
    code = _InvitationSigner(secret_key, now).sign(str(client.id)).decode()
    return code, now + timedelta(days=INVITATION_DAYS)


def accept_invitation(
    session: Session, client: Client, code: str, secret_key: str, now: datetime
) -> Client:
    """Link the client with the partner who issued `code`; returns the partner."""
    signer = _InvitationSigner(secret_key, now)
    try:
        inviter_id = int(signer.unsign(code, max_age=INVITATION_DAYS * 24 * 3600))
    except SignatureExpired:
        raise InvalidInput(
            "code", "this invitation has expired; ask your partner for a new one"
        ) from None
    except (BadSignature, ValueError):
        raise InvalidInput("code", "this is not a partner invitation code") from None
    if inviter_id == client.id:
        raise InvalidInput("code", "this invitation is your own; give it to your partner")
    inviter = session.get(Client, inviter_id, with_for_update=True)
    if inviter is None:
        raise InvalidInput("code", "this is not a partner invitation code")
    if client.partner_id is not None or inviter.partner_id is not None:
        raise Conflict("one of you is already linked with a partner")
    client.partner_id, inviter.partner_id = inviter.id, client.id
    session.flush()
    return inviter
