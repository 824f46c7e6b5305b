"""The authenticated client of a request."""

from __future__ import annotations

from typing import Annotated

from fastapi import Depends
from fastapi.security import HTTPAuthorizationCredentials, HTTPBearer

from confide.accounts import service
from confide.db import SessionDep
from confide.errors import Unauthorized
from confide.models import Client

_bearer = HTTPBearer(auto_error=False, description="the client token from POST /api/v1/clients")


async def _client_token(
    credentials: Annotated[HTTPAuthorizationCredentials | None, Depends(_bearer)],
) -> str:
    if credentials is None:
        raise Unauthorized("send the client token as 'Authorization: Bearer <token>'")
    return credentials.credentials


# The token only; routes that run their own unit of work authenticate inside it.
ClientToken = Annotated[str, Depends(_client_token)]


def _current_client(session: SessionDep, token: ClientToken) -> Client:
    return service.authenticate(session, token)


CurrentClient = Annotated[Client, Depends(_current_client)]
