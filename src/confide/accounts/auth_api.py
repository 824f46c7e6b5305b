"""JSON routes for accounts: register, verify, reset a password, API tokens, staff invitations."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Annotated

from fastapi import APIRouter, BackgroundTasks, Depends, Path, Request, Response
from sqlalchemy.orm import Session

from confide.accounts import tokens, users
from confide.accounts.credentials import digest
from confide.accounts.deps import CallerDep
from confide.accounts.mailer import public_url, queue, send_later
from confide.accounts.schemas import (
    Accepted,
    EmailToken,
    Registration,
    ResetConfirm,
    ResetRequest,
    StaffInvitation,
    TokenCreate,
    TokenCreated,
    TokenList,
    TokenRead,
)
from confide.errors import Unauthorized
from confide.fields import RecordId
from confide.models import ApiToken, User
from confide.web.rate_limits import RATE_LIMITED, RateLimit, client_address
from confide.web.responses import AUTH_RESPONSES
from confide.web.unit_of_work import UnitOfWorkDep

router = APIRouter(prefix="/api/v1/auth", tags=["accounts"])

SENT = "If the address can receive mail, a message with a link is on its way."
RESET = "If there is an account for this address, a message with a link is on its way."


async def email_account(request: Request) -> str | None:
    """The account a form or JSON body names by its address, as a rate-limit key."""
    try:
        if request.headers.get("content-type", "").startswith("application/json"):
            body = await request.json()
            email = body.get("email") if isinstance(body, dict) else None
        else:
            email = (await request.form()).get("email")
    except ValueError:
        return None
    return digest(users.email_key(email))[:32] if isinstance(email, str) and email else None


def _token_read(token: ApiToken) -> TokenRead:
    return TokenRead(
        id=token.id,
        scopes=token.scopes.split(),
        created_at=token.created_at,
        expires_at=token.expires_at,
    )


@router.post(
    "/register",
    status_code=202,
    response_model=Accepted,
    responses=RATE_LIMITED,
    dependencies=[Depends(RateLimit("register", account=email_account))],
)
async def register(
    request: Request, background: BackgroundTasks, uow: UnitOfWorkDep, payload: Registration
) -> Accepted:
    """Create a client account; a verification link is mailed (the same answer for a taken
    address, whose owner is told instead)."""
    url, now = public_url(request), datetime.now(UTC)
    key = await uow.write(lambda s: queue(s, users.register(s, payload, url, now), now))
    send_later(request, background, key)
    return Accepted(detail=SENT)


@router.post("/verify", response_model=Accepted)
async def verify(uow: UnitOfWorkDep, payload: EmailToken) -> Accepted:
    """Confirm an address with the link's token."""
    now = datetime.now(UTC)
    await uow.write(lambda s: users.verify_email(s, payload.token, now))
    return Accepted(detail="Your email address is confirmed.")


@router.post(
    "/password-reset",
    status_code=202,
    response_model=Accepted,
    responses=RATE_LIMITED,
    dependencies=[Depends(RateLimit("reset", account=email_account))],
)
async def password_reset(
    request: Request, background: BackgroundTasks, uow: UnitOfWorkDep, payload: ResetRequest
) -> Accepted:
    """Mail a link to choose a new password (the same answer whether or not there is an account)."""
    url, now = public_url(request), datetime.now(UTC)
    key = await uow.write(lambda s: queue(s, users.request_reset(s, payload.email, url, now), now))
    send_later(request, background, key)
    return Accepted(detail=RESET)


@router.post("/password-reset/confirm", response_model=Accepted)
async def password_reset_confirm(uow: UnitOfWorkDep, payload: ResetConfirm) -> Accepted:
    """Set a new password with the link's token; every browser session of the account ends."""
    now = datetime.now(UTC)
    await uow.write(lambda s: users.confirm_reset(s, payload.token, payload.password, now))
    return Accepted(detail="Your new password is set; please sign in.")


@router.post(
    "/tokens",
    status_code=201,
    response_model=TokenCreated,
    responses={401: AUTH_RESPONSES[401], **RATE_LIMITED},
    dependencies=[Depends(RateLimit("tokens", account=email_account))],
)
async def create_token(request: Request, uow: UnitOfWorkDep, payload: TokenCreate) -> TokenCreated:
    """A bearer token for an integration, shown once (30 days unless asked otherwise)."""
    address, now = client_address(request), datetime.now(UTC)

    def work(session: Session) -> TokenCreated | None:
        user = users.authenticate_password(session, payload.email, payload.password, address, now)
        if user is None:
            return None
        token, secret = tokens.create_token(
            session, user, list(payload.scopes), payload.expires_in_days, now, address
        )
        return TokenCreated(
            id=token.id, token=secret, expires_at=token.expires_at, scopes=token.scopes.split()
        )

    created = await uow.write(work)
    if created is None:  # the refusal is on the trail, committed
        raise Unauthorized("the email address or password is not right")
    return created


@router.get("/tokens", response_model=TokenList, responses=AUTH_RESPONSES)
async def list_tokens(uow: UnitOfWorkDep, caller: CallerDep) -> TokenList:
    """The signed-in account's live API tokens (never the tokens themselves)."""

    def work(session: Session) -> TokenList:
        principal = caller.signed_in(session)
        found = tokens.live_tokens(session, principal.user_id, caller.now)
        return TokenList(tokens=[_token_read(t) for t in found])

    return await uow.read(work)


@router.delete(
    "/tokens/{token_id}",
    status_code=204,
    responses={**AUTH_RESPONSES, 404: {"description": "not_found: you have no token with this id"}},
)
async def revoke_token(
    uow: UnitOfWorkDep, caller: CallerDep, token_id: Annotated[RecordId, Path()]
) -> Response:
    """Revoke one of your own tokens; another account's token id answers 404."""

    def work(session: Session) -> None:
        principal = caller.signed_in(session)
        user = session.get_one(User, principal.user_id)
        tokens.revoke_token(session, user, token_id, caller.now, caller.address)

    await uow.write(work)
    return Response(status_code=204)


@router.post(
    "/invitations",
    status_code=202,
    response_model=Accepted,
    responses=AUTH_RESPONSES,
)
async def invite(
    request: Request,
    background: BackgroundTasks,
    uow: UnitOfWorkDep,
    caller: CallerDep,
    payload: StaffInvitation,
) -> Accepted:
    """An admin invites a therapist (naming their record), a clinical reviewer or an admin."""
    url = public_url(request)
    invitation = users.Invitation(payload.email, payload.role, payload.therapist_id)

    def work(session: Session) -> str | None:
        admin = session.get_one(User, caller.signed_in(session).user_id)
        return queue(session, users.invite(session, admin, invitation, url, caller.now), caller.now)

    send_later(request, background, await uow.write(work))
    return Accepted(detail="The invitation is on its way.")


@router.post("/invitations/accept", status_code=201, response_model=Accepted)
async def accept_invitation(uow: UnitOfWorkDep, payload: ResetConfirm) -> Accepted:
    """Join with an invitation's token and a password of one's own."""
    now = datetime.now(UTC)
    await uow.write(lambda s: users.accept_invitation(s, payload.token, payload.password, now))
    return Accepted(detail="Your account is ready; please sign in.")
