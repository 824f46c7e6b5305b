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
from confide.accounts.private_questions import (
    ASK_AGAIN_AFTER,
    PrivateQuestions,
    Question,
    due,
    question_hooks,
    read_answers,
    record_answers,
)
from confide.errors import DomainError, InvalidInput, Unauthorized
from confide.fields import RecordId
from confide.models import ApiToken, BrowserSession, Client, User
from confide.web.errors import status_for
from confide.web.unit_of_work import UnitOfWorkDep

router = APIRouter(include_in_schema=False)
Csrf = Annotated[str, Form(max_length=200)]
Id = Annotated[RecordId, Path()]
# where private answers came from, in the safety record: with a partner code, or on their own
LINKED = "link"
ANSWERED_HERE = "account"


@dataclass(frozen=True)
class AccountView:
    principal: Principal
    user: User
    client: Client | None
    sessions: list[BrowserSession]
    tokens: list[ApiToken]
    # the private questions to ask with the partner code (not answered in the last 30 days)
    link_questions: tuple[Question, ...] = ()
    # linked and never answered: the section only this person sees
    private_questions: tuple[Question, ...] = ()


def _view(
    session: Session, caller: Caller, principal: Principal, hooks: list[PrivateQuestions]
) -> AccountView:
    user = session.get_one(User, principal.user_id)
    client = session.get(Client, principal.client_id) if principal.client_id else None
    link_questions: tuple[Question, ...] = ()
    private_questions: tuple[Question, ...] = ()
    if client is not None and hooks:
        actor = caller.actor(client)
        # from this client's own records alone: the partner's answers never change this page
        if client.partner_id is None:
            asking = due(
                hooks, session, client.id, within=ASK_AGAIN_AFTER, actor=actor, now=caller.now
            )
            link_questions = tuple(q for hook in asking for q in hook.questions)
        else:
            asking = due(hooks, session, client.id, within=None, actor=actor, now=caller.now)
            private_questions = tuple(q for hook in asking for q in hook.questions)
    return AccountView(
        principal,
        user,
        client,
        sessions.live_sessions(session, user, caller.now),
        tokens.live_tokens(session, user.id, caller.now),
        link_questions,
        private_questions,
    )


def _show(
    request: Request, view: AccountView | None, extra: dict[str, Any], status: int = 200
) -> Response:
    if view is None:
        return see_other("/signin?next=/account")
    context = {"view": view, "csrf_token": view.principal.csrf_token, **extra}
    return page(request, "account.html", context, status)


def _look(caller: Caller, hooks: list[PrivateQuestions]) -> Any:
    def work(session: Session) -> AccountView | None:
        principal = caller.viewer(session)
        return None if principal is None else _view(session, caller, principal, hooks)

    return work


@router.get("/account", response_class=HTMLResponse)
async def account(request: Request, uow: UnitOfWorkDep, caller: CallerDep) -> Response:
    """The signed-in person's account."""
    # a write: reading the session moves its last activity on
    return _show(request, await uow.write(_look(caller, question_hooks(request))), {})


async def _act(request: Request, uow: Any, caller: Caller, csrf: str, act: Any) -> Response:
    """Run `act(session, principal, user)` for the signed-in person, then show the account."""
    hooks = question_hooks(request)

    def work(session: Session) -> tuple[AccountView, dict[str, Any]]:
        principal = caller.signed_in(session, csrf=csrf)
        extra = act(session, principal, session.get_one(User, principal.user_id))
        return _view(session, caller, principal, hooks), extra

    try:
        view, extra = await uow.write(work)
    except Unauthorized:
        return see_other("/signin?next=/account")
    except DomainError as error:
        message = f"{error.field}: {error.message}" if isinstance(error, InvalidInput) else None
        # nothing was kept; the account as it is, read after the failed write (without the
        # private questions: asking whether they are due is an audited read, which needs a
        # writing unit of work, and a request has only a read left after a failed write)
        found = await uow.read(_look(caller, []))
        return _show(request, found, {"problem": message or error.message}, status_for(error))
    return _show(request, view, extra)


async def _refuse_answers(
    request: Request, uow: Any, caller: Caller, errors: dict[str, str]
) -> Response:
    """The account as it is, each wrong answer's message beside its question; nothing kept,
    nothing prefilled."""
    found = await uow.write(_look(caller, question_hooks(request)))
    return _show(request, found, {"errors": errors}, 422)


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
        ended[:] = [service.tell_link_ended(session, partner.email, caller.now)]
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
    """Link with your partner, using the code they gave you; the private questions asked with
    it are optional, and the link is made whatever the answers."""
    secret_key = request.app.state.settings.secret_key
    hooks = question_hooks(request)
    answers, errors = read_answers(hooks, await request.form())
    if errors:
        return await _refuse_answers(request, uow, caller, errors)

    def act(session: Session, principal: Principal, user: User) -> dict[str, Any]:
        client = caller.client(session, "profile", csrf=csrf_token)
        actor = caller.actor(client)
        service.accept_invitation(
            session, client, code.strip(), secret_key, caller.now, actor=actor
        )
        support = record_answers(
            hooks, session, client.id, answers, source=LINKED, actor=actor, now=caller.now
        )
        return {"notice": "You are linked with your partner.", "support": support}

    return await _act(request, uow, caller, csrf_token, act)


@router.post("/account/safety", response_class=HTMLResponse)
async def answer_privately(
    request: Request, uow: UnitOfWorkDep, caller: CallerDep, csrf_token: Csrf
) -> Response:
    """Answer the private questions from your own account; only you see them and your answers."""
    hooks = question_hooks(request)
    answers, errors = read_answers(hooks, await request.form())
    if not answers and not errors:
        errors = {"private_questions": "choose yes or no for at least one question"}
    if errors:
        return await _refuse_answers(request, uow, caller, errors)

    def act(session: Session, principal: Principal, user: User) -> dict[str, Any]:
        client = caller.client(session, "profile", csrf=csrf_token)
        support = record_answers(
            hooks,
            session,
            client.id,
            answers,
            source=ANSWERED_HERE,
            actor=caller.actor(client),
            now=caller.now,
        )
        return {"notice": "Thank you. Your answers are kept private.", "support": support}

    return await _act(request, uow, caller, csrf_token, act)
