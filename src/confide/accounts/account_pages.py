"""/account: who you are, your browser sessions and API tokens (each revocable), and your
partner link for couples sessions."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Annotated, Any

from fastapi import APIRouter, Form, Path, Request, Response
from fastapi.responses import HTMLResponse
from sqlalchemy.orm import Session

from confide.accounts import service, sessions, tokens
from confide.accounts.api import after_link_ended
from confide.accounts.deps import Caller, CallerDep
from confide.accounts.forms import page, see_other
from confide.accounts.principal import Principal
from confide.errors import DomainError, InvalidInput, Unauthorized
from confide.fields import RecordId
from confide.models import ApiToken, BrowserSession, Client, User
from confide.web.errors import status_for
from confide.web.unit_of_work import UnitOfWorkDep

router = APIRouter(include_in_schema=False)
Csrf = Annotated[str, Form(max_length=200)]
Id = Annotated[RecordId, Path()]


@dataclass(frozen=True)
class AccountView:
    principal: Principal
    user: User
    client: Client | None
    sessions: list[BrowserSession]
    tokens: list[ApiToken]


def _view(session: Session, caller: Caller, principal: Principal) -> AccountView:
    user = session.get_one(User, principal.user_id)
    client = session.get(Client, principal.client_id) if principal.client_id else None
    return AccountView(
        principal,
        user,
        client,
        sessions.live_sessions(session, user, caller.now),
        tokens.live_tokens(session, user.id, caller.now),
    )


def _show(
    request: Request, view: AccountView | None, extra: dict[str, Any], status: int = 200
) -> Response:
    if view is None:
        return see_other("/signin?next=/account")
    context = {"view": view, "csrf_token": view.principal.csrf_token, **extra}
    return page(request, "account.html", context, status)


def _look(caller: Caller) -> Any:
    def work(session: Session) -> AccountView | None:
        principal = caller.viewer(session)
        return None if principal is None else _view(session, caller, principal)

    return work


@router.get("/account", response_class=HTMLResponse)
async def account(request: Request, uow: UnitOfWorkDep, caller: CallerDep) -> Response:
    """The signed-in person's account."""
    # a write: reading the session moves its last activity on
    return _show(request, await uow.write(_look(caller)), {})


async def _act(request: Request, uow: Any, caller: Caller, csrf: str, act: Any) -> Response:
    """Run `act(session, principal, user)` for the signed-in person, then show the account."""

    def work(session: Session) -> tuple[AccountView, dict[str, Any]]:
        principal = caller.signed_in(session, csrf=csrf)
        extra = act(session, principal, session.get_one(User, principal.user_id))
        return _view(session, caller, principal), extra

    try:
        view, extra = await uow.write(work)
    except Unauthorized:
        return see_other("/signin?next=/account")
    except DomainError as error:
        message = f"{error.field}: {error.message}" if isinstance(error, InvalidInput) else None
        # nothing was kept; the account as it is, read after the failed write
        found = await uow.read(_look(caller))
        return _show(request, found, {"problem": message or error.message}, status_for(error))
    return _show(request, view, extra)


@router.post("/account/sessions/{session_id}/revoke", response_class=HTMLResponse)
async def revoke_session(
    request: Request, uow: UnitOfWorkDep, caller: CallerDep, session_id: Id, csrf_token: Csrf
) -> Response:
    """End one of your sessions (another browser's, or this one)."""

    def act(session: Session, principal: Principal, user: User) -> dict[str, str]:
        sessions.end_session(session, user, session_id, caller.now, caller.address)
        return {"notice": "That session has ended."}

    return await _act(request, uow, caller, csrf_token, act)


@router.post("/account/tokens/{token_id}/revoke", response_class=HTMLResponse)
async def revoke_token(
    request: Request, uow: UnitOfWorkDep, caller: CallerDep, token_id: Id, csrf_token: Csrf
) -> Response:
    """Revoke one of your API tokens."""

    def act(session: Session, principal: Principal, user: User) -> dict[str, str]:
        tokens.revoke_token(session, user, token_id, caller.now, caller.address)
        return {"notice": "That token no longer works."}

    return await _act(request, uow, caller, csrf_token, act)


@router.post("/account/partner/invitation", response_class=HTMLResponse)
async def partner_invitation(
    request: Request, uow: UnitOfWorkDep, caller: CallerDep, csrf_token: Csrf
) -> Response:
    """A code to give your partner, so they can link with you from their own account."""
    secret_key = request.app.state.settings.secret_key

    def act(session: Session, principal: Principal, user: User) -> dict[str, Any]:
        client = caller.client(session, "profile", csrf=csrf_token)
        code, expires_at = service.invite_partner(client, secret_key, caller.now)
        return {"invitation": code, "invitation_expires": expires_at}

    return await _act(request, uow, caller, csrf_token, act)


@router.post("/account/partner/end", response_class=HTMLResponse)
async def end_partner_link(
    request: Request, uow: UnitOfWorkDep, caller: CallerDep, csrf_token: Csrf
) -> Response:
    """End the link with your partner; joint sessions still to come are cancelled, and your
    partner is told only that the link ended."""
    ended: list[str | None] = []

    def act(session: Session, principal: Principal, user: User) -> dict[str, str]:
        client = caller.client(session, "profile", csrf=csrf_token)
        partner = service.unlink_partner(session, client, caller.now, actor=caller.actor(client))
        if partner is None:
            return {"notice": "You are not linked with a partner."}
        ended[:] = [partner.email]
        return {
            "notice": "The link with your partner has ended. Any joint sessions still to come "
            "were cancelled; your own sessions are unchanged."
        }

    response = await _act(request, uow, caller, csrf_token, act)
    if ended and response.status_code == 200:
        await after_link_ended(request, ended[0])
    return response


@router.post("/account/partner", response_class=HTMLResponse)
async def accept_partner(
    request: Request,
    uow: UnitOfWorkDep,
    caller: CallerDep,
    csrf_token: Csrf,
    code: Annotated[str, Form(max_length=200)],
) -> Response:
    """Link with your partner, using the code they gave you."""
    secret_key = request.app.state.settings.secret_key

    def act(session: Session, principal: Principal, user: User) -> dict[str, str]:
        client = caller.client(session, "profile", csrf=csrf_token)
        service.accept_invitation(
            session, client, code.strip(), secret_key, caller.now, actor=caller.actor(client)
        )
        return {"notice": "You are linked with your partner."}

    return await _act(request, uow, caller, csrf_token, act)
