"""Who is asking, for route handlers: the request's credentials, resolved to a Principal inside
the handler's one unit of work (`caller.principal(session)`, `caller.client(session, scope)`)."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Annotated

from fastapi import Depends, Request
from fastapi.security import APIKeyCookie, HTTPAuthorizationCredentials, HTTPBearer
from sqlalchemy.orm import Session

from confide.accounts.credentials import digest
from confide.accounts.principal import Credentials, Principal, identify, require, require_client
from confide.audit import Actor
from confide.models import Client
from confide.web.rate_limits import bearer_account, client_address

SESSION_COOKIE = "confide_session"
CSRF_HEADER = "X-CSRF-Token"

_bearer = HTTPBearer(auto_error=False, description="an API token from POST /api/v1/auth/tokens")
_cookie = APIKeyCookie(
    name=SESSION_COOKIE, auto_error=False, description="a signed-in browser's session"
)


@dataclass(frozen=True, slots=True)
class Caller:
    credentials: Credentials
    address: str
    now: datetime

    def principal(self, session: Session, *, csrf: str | None = None) -> Principal | None:
        """Who is asking, or None for nobody; a page's form passes its CSRF field as `csrf`."""
        if csrf is not None:
            credentials = Credentials(
                self.credentials.bearer, self.credentials.cookie, self.credentials.method, csrf
            )
            return identify(session, credentials, self.now)
        return identify(session, self.credentials, self.now)

    def viewer(self, session: Session) -> Principal | None:
        """Who is asking, to show them a page (after a refused form): no CSRF check, no change."""
        looking = Credentials(self.credentials.bearer, self.credentials.cookie, "GET")
        return identify(session, looking, self.now)

    def signed_in(self, session: Session, *, csrf: str | None = None) -> Principal:
        return require(self.principal(session, csrf=csrf))

    def actor(self, client: Client) -> Actor:
        """The audit trail's name for this client acting for themselves, from this address."""
        return Actor(user_id=client.user_id, role="client", address=self.address)

    def client(
        self, session: Session, scope: str = "booking", *, csrf: str | None = None
    ) -> Client:
        """The verified client asking (401 for nobody, 403 for anyone else or unverified)."""
        return require_client(session, self.principal(session, csrf=csrf), scope)


async def _caller(
    request: Request,
    bearer: Annotated[HTTPAuthorizationCredentials | None, Depends(_bearer)],
    cookie: Annotated[str | None, Depends(_cookie)],
) -> Caller:
    credentials = Credentials(
        bearer=bearer.credentials if bearer is not None else None,
        cookie=cookie,
        method=request.method,
        csrf=request.headers.get(CSRF_HEADER),
    )
    return Caller(credentials, client_address(request), datetime.now(UTC))


CallerDep = Annotated[Caller, Depends(_caller)]


async def acting_user(caller: CallerDep) -> Callable[[Session], Actor]:
    """For routes below accounts (the audit trail's): who is asking, as the trail names them,
    resolved inside the route's unit of work (401 for nobody)."""

    def resolve(session: Session) -> Actor:
        principal = caller.signed_in(session)
        return Actor(user_id=principal.user_id, role=principal.role, address=caller.address)

    return resolve


async def acting_client(caller: CallerDep) -> Callable[[Session], tuple[int, Actor]]:
    """For routes below accounts that act for a client themself (screening's): the verified
    client asking, as their client id and the audit trail's name for them, resolved inside the
    route's unit of work (401 for nobody, 403 for anyone but a verified client)."""

    def resolve(session: Session) -> tuple[int, Actor]:
        client = caller.client(session, "profile")
        return client.id, caller.actor(client)

    return resolve


def caller_account(request: Request) -> str | None:
    """The account a request acts for, as a rate-limit key, without reading the database: the
    bearer token's digest, else the session cookie's."""
    found = bearer_account(request)
    if found is not None:
        return found
    cookie = request.cookies.get(SESSION_COOKIE)
    return digest(cookie)[:32] if cookie else None
