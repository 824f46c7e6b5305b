"""Who is asking: the user behind a request's session cookie or bearer token, with their role
and the client or therapist record they act as. Resolved inside the request's unit of work."""

from __future__ import annotations

import hmac
from dataclasses import dataclass
from datetime import datetime
from typing import Literal

from sqlalchemy import select
from sqlalchemy.orm import Session

from confide.accounts import sessions, tokens
from confide.accounts.schemas import SCOPES
from confide.errors import Forbidden, Unauthorized
from confide.models import Client, User

UNSAFE_METHODS = frozenset({"POST", "PUT", "PATCH", "DELETE"})


@dataclass(frozen=True, slots=True)
class Principal:
    user_id: int
    role: str
    email_verified: bool
    client_id: int | None
    therapist_id: int | None
    via: Literal["session", "token"]
    scopes: frozenset[str]
    # the browser session's id and CSRF token, or the API token's id
    credential_id: int
    csrf_token: str | None = None


@dataclass(frozen=True, slots=True)
class Credentials:
    """What a request brought: a bearer token, a session cookie, and a CSRF token if any."""

    bearer: str | None
    cookie: str | None
    method: str
    csrf: str | None = None


def _principal(
    session: Session,
    user: User,
    via: Literal["session", "token"],
    scopes: frozenset[str],
    client: Client | Literal["look"] | None = "look",
    **kw: object,
) -> Principal:
    if client == "look":
        client_id = session.scalars(select(Client.id).where(Client.user_id == user.id)).first()
    else:  # loaded with the credential; require_client then finds it in the session
        client_id = None if client is None else client.id
    return Principal(
        user_id=user.id,
        role=user.role,
        email_verified=user.email_verified_at is not None,
        client_id=client_id,
        therapist_id=user.therapist_id,
        via=via,
        scopes=scopes,
        **kw,  # type: ignore[arg-type]
    )


def identify(session: Session, credentials: Credentials, now: datetime) -> Principal | None:
    """The principal, or None for nobody. A bearer token that is not valid is Unauthorized (it
    never falls back to the cookie); a cookie-borne unsafe request needs its CSRF token."""
    if credentials.bearer is not None:
        user, token, client = tokens.authenticate_token(session, credentials.bearer, now)
        scopes = frozenset(token.scopes.split())
        return _principal(session, user, "token", scopes, client, credential_id=token.id)
    if credentials.cookie is None:
        return None
    found = sessions.resume(session, credentials.cookie, now)
    if found is None:
        return None
    browser, user = found
    if credentials.method in UNSAFE_METHODS and not hmac.compare_digest(
        (credentials.csrf or "").encode(), browser.csrf_token.encode()
    ):
        raise Forbidden("this form has expired or did not come from Confide; please try again")
    return _principal(
        session,
        user,
        "session",
        frozenset(SCOPES),
        credential_id=browser.id,
        csrf_token=browser.csrf_token,
    )


def require(principal: Principal | None) -> Principal:
    if principal is None:
        raise Unauthorized(
            "sign in first: send 'Authorization: Bearer <token>' or use a signed-in browser"
        )
    return principal


def require_client(session: Session, principal: Principal | None, scope: str) -> Client:
    """The client record a verified client acts as; Unauthorized for nobody, else Forbidden."""
    found = require(principal)
    if found.client_id is None:
        raise Forbidden("this needs a client account")
    if not found.email_verified:
        raise Forbidden("confirm your email address first: open the link we sent you")
    if scope not in found.scopes:
        raise Forbidden(f"this token was not given the {scope!r} scope")
    return session.get_one(Client, found.client_id)
