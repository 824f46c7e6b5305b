"""The bearer token of a request; handlers authenticate it inside their unit of work."""

from __future__ import annotations

from typing import Annotated

from fastapi import Depends
from fastapi.security import HTTPAuthorizationCredentials, HTTPBearer

from confide.errors import Unauthorized

_bearer = HTTPBearer(auto_error=False, description="the client token from POST /api/v1/clients")


async def _client_token(
    credentials: Annotated[HTTPAuthorizationCredentials | None, Depends(_bearer)],
) -> str:
    if credentials is None:
        raise Unauthorized("send the client token as 'Authorization: Bearer <token>'")
    return credentials.credentials


# The token only: the client is looked up in the request's one unit of work (web/unit_of_work.py).
ClientToken = Annotated[str, Depends(_client_token)]
