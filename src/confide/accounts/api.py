"""JSON routes for clients."""

from __future__ import annotations

import logging
from datetime import UTC, datetime

from fastapi import APIRouter, Request
from sqlalchemy.orm import Session
from starlette.concurrency import run_in_threadpool

from confide.accounts import service
from confide.accounts.deps import CallerDep
from confide.accounts.mailer import deliver
from confide.accounts.schemas import (
    ClientRead,
    InvitationRead,
    PartnerLink,
)
from confide.models import Client
from confide.web.responses import AUTH_RESPONSES, error_responses
from confide.web.unit_of_work import UnitOfWorkDep

router = APIRouter(prefix="/api/v1/clients", tags=["clients"], responses=AUTH_RESPONSES)
logger = logging.getLogger("confide.accounts")


def _read(client: Client) -> ClientRead:
    return ClientRead(
        id=client.id,
        name=client.name,
        email=client.email,
        state=client.state,
        timezone=client.timezone,
        has_partner=client.partner_id is not None,
    )


@router.get("/me", response_model=ClientRead)
async def me(uow: UnitOfWorkDep, caller: CallerDep) -> ClientRead:
    """The signed-in client's own record."""
    return await uow.read(lambda session: _read(caller.client(session, "profile")))


@router.post(
    "/me/invitations",
    status_code=201,
    response_model=InvitationRead,
    responses=error_responses(409),
)
async def invite_partner(request: Request, uow: UnitOfWorkDep, caller: CallerDep) -> InvitationRead:
    """A code to give one's partner, valid for a week."""
    secret_key = request.app.state.settings.secret_key
    now = datetime.now(UTC)

    def work(session: Session) -> InvitationRead:
        client = caller.client(session, "profile")
        code, expires_at = service.invite_partner(client, secret_key, now)
        return InvitationRead(code=code, expires_at=expires_at)

    return await uow.read(work)


@router.post("/me/partner", response_model=ClientRead, responses=error_responses(409))
async def accept_invitation(
    request: Request, uow: UnitOfWorkDep, caller: CallerDep, payload: PartnerLink
) -> ClientRead:
    """Link with the partner whose invitation code this is."""
    secret_key = request.app.state.settings.secret_key
    now = datetime.now(UTC)

    def work(session: Session) -> ClientRead:
        client = caller.client(session, "profile")
        service.accept_invitation(
            session, client, payload.code, secret_key, now, actor=caller.actor(client)
        )
        return _read(client)

    return await uow.write(work)


@router.delete("/me/partner", response_model=ClientRead)
async def unlink_partner(request: Request, uow: UnitOfWorkDep, caller: CallerDep) -> ClientRead:
    """End the link with one's partner: joint holds and sessions still to come are cancelled,
    and the partner is told only that the link ended. Without a link, nothing changes."""
    now = datetime.now(UTC)

    def work(session: Session) -> tuple[ClientRead, bool, str | None]:
        client = caller.client(session, "profile")
        partner = service.unlink_partner(session, client, now, actor=caller.actor(client))
        if partner is None:
            return _read(client), False, None
        return _read(client), True, service.tell_link_ended(session, partner.email, now)

    read, ended, mail_key = await uow.write(work)
    if ended:
        await after_link_ended(request, mail_key)
    return read


async def after_link_ended(request: Request, mail_key: str | None) -> None:
    """Once an unlink is committed: the freed times are offered again, and the mail telling the
    former partner that the link ended (nothing more), queued with the unlink, is tried now. A
    failed try leaves the unlink standing; the worker sends the mail later."""
    request.app.state.openings.mark_stale()  # cancelled joint sessions free their times
    if not await run_in_threadpool(deliver, request.app.state.jobs, mail_key):
        logger.error("could not mail a former partner that their link ended; queued for later")
