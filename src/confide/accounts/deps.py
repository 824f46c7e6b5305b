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


def _current_client(
    session: SessionDep,
    credentials: Annotated[HTTPAuthorizationCredentials | None, Depends(_bearer)],
) -> Client:
    if credentials is None:
        raise Unauthorized("send the client token as 'Authorization: Bearer <token>'")
    return service.authenticate(session, credentials.credentials)


CurrentClient = Annotated[Client, Depends(_current_client)]
