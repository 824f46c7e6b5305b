"""JSON routes for clients."""

from __future__ import annotations

from datetime import UTC, datetime

from fastapi import APIRouter, Request

from confide.accounts import service
from confide.accounts.deps import CurrentClient
from confide.accounts.schemas import (
    ClientCreate,
    ClientCreated,
    ClientRead,
    InvitationRead,
    PartnerLink,
)
from confide.db import SessionDep
from confide.models import Client

router = APIRouter(prefix="/api/v1/clients", tags=["clients"])


def _read(client: Client) -> ClientRead:
    return ClientRead(
        id=client.id,
        name=client.name,
        email=client.email,
        state=client.state,
        timezone=client.timezone,
        has_partner=client.partner_id is not None,
    )


@router.post("", status_code=201, response_model=ClientCreated)
def create_client(session: SessionDep, payload: ClientCreate) -> ClientCreated:
    """Create a client; the response carries its bearer token, shown only this once."""
    client, token = service.create_client(session, payload)
    return ClientCreated(**_read(client).model_dump(), token=token)


@router.get("/me", response_model=ClientRead)
def me(client: CurrentClient) -> ClientRead:
    """The client the token belongs to."""
    return _read(client)


@router.post("/me/invitations", status_code=201, response_model=InvitationRead)
def invite_partner(request: Request, client: CurrentClient) -> InvitationRead:
    """A code to give one's partner, valid for a week."""
    code, expires_at = service.invite_partner(
        client, request.app.state.settings.secret_key, datetime.now(UTC)
    )
    return InvitationRead(code=code, expires_at=expires_at)


@router.post("/me/partner", response_model=ClientRead)
def accept_invitation(
    request: Request, session: SessionDep, client: CurrentClient, payload: PartnerLink
) -> ClientRead:
    """Link with the partner whose invitation code this is."""
    service.accept_invitation(
        session, client, payload.code, request.app.state.settings.secret_key, datetime.now(UTC)
    )
    return _read(client)
