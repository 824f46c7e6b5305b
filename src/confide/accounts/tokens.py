"""API bearer tokens for integrations: hashed at rest, with scopes and an expiry, revocable."""

from __future__ import annotations

from datetime import datetime, timedelta

from sqlalchemy import select
from sqlalchemy.orm import Session

from confide.accounts.credentials import digest, new_secret
from confide.audit.schemas import Actor
from confide.audit.service import record
from confide.errors import NotFound, Unauthorized
from confide.models import ApiToken, Client, User

DEFAULT_DAYS = 30
MAX_DAYS = 365


def create_token(
    session: Session,
    user: User,
    scopes: list[str],
    days: int,
    now: datetime,
    address: str | None = None,
) -> tuple[ApiToken, str]:
    """A new token for `user`; the secret is returned once and only its digest is kept."""
    secret = new_secret()
    token = ApiToken(
        token_hash=digest(secret),
        user_id=user.id,
        scopes=" ".join(sorted(set(scopes))),
        created_at=now,
        expires_at=now + timedelta(days=min(days, MAX_DAYS)),
    )
    session.add(token)
    session.flush()
    record(session, Actor(user.id, user.role, address), "create", "api_token", token.id, "ok", now)
    return token, secret


def live_tokens(session: Session, user_id: int, now: datetime) -> list[ApiToken]:
    return list(
        session.scalars(
            select(ApiToken)
            .where(
                ApiToken.user_id == user_id,
                ApiToken.revoked_at.is_(None),
                ApiToken.expires_at > now,
            )
            .order_by(ApiToken.id)
        )
    )


def revoke_token(
    session: Session, user: User, token_id: int, now: datetime, address: str | None = None
) -> None:
    """Revoke one of the user's own tokens; anyone else's id is NotFound, like no id at all."""
    token = session.get(ApiToken, token_id)
    if token is None or token.user_id != user.id or token.revoked_at is not None:
        raise NotFound(f"you have no token with id {token_id}")
    token.revoked_at = now
    session.flush()
    record(session, Actor(user.id, user.role, address), "revoke", "api_token", token.id, "ok", now)


def authenticate_token(
    session: Session, secret: str, now: datetime
) -> tuple[User, ApiToken, Client | None]:
    """The token's user, the token, and the user's client record if any: one query, since every
    API request asks it (often twice: claiming an Idempotency-Key, then the work)."""
    found = session.execute(
        select(ApiToken, User, Client)
        .join(User, User.id == ApiToken.user_id)
        .outerjoin(Client, Client.user_id == User.id)
        .where(ApiToken.token_hash == digest(secret))
    ).one_or_none()
    if found is None:
        raise Unauthorized("the bearer token is not valid (unknown, expired or revoked)")
    token, user, client = found
    if token.revoked_at is not None or token.expires_at <= now:
        raise Unauthorized("the bearer token is not valid (unknown, expired or revoked)")
    return user, token, client
