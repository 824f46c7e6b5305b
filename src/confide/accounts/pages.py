"""Pages for signing up and in: /register, /signin, /signout, and where mailed links land
(/verify, /reset, /join). A mailed link opens a page with a button, so a mail scanner that
follows links cannot use up a single-use link."""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime
from typing import Annotated

from fastapi import APIRouter, BackgroundTasks, Depends, Form, Request, Response
from fastapi.responses import HTMLResponse
from pydantic import ValidationError
from sqlalchemy.orm import Session

from confide.accounts import sessions, users
from confide.accounts.auth_api import RESET, SENT, email_account
from confide.accounts.deps import CallerDep
from confide.accounts.forms import (
    clear_session_cookie,
    csrf_refusal,
    forget_registration,
    known_person,
    local_path,
    page,
    registered_address,
    remember_registration,
    see_other,
    set_session_cookie,
    told_before,
)
from confide.accounts.mailer import public_url, queue, send_later
from confide.accounts.schemas import Registration
from confide.errors import DomainError, Forbidden, InvalidInput
from confide.models import User
from confide.vocab import get_vocabulary
from confide.web.errors import status_for
from confide.web.rate_limits import RateLimit, client_address
from confide.web.unit_of_work import UnitOfWork, UnitOfWorkDep

router = APIRouter(include_in_schema=False)
Text = Annotated[str, Form(max_length=1024)]
Csrf = Annotated[str, Form(max_length=200)]


def _problem(error: DomainError) -> str:
    return f"{error.field}: {error.message}" if isinstance(error, InvalidInput) else error.message


def _invalid(error: ValidationError) -> str:
    return "; ".join(f"{'.'.join(str(p) for p in e['loc'])}: {e['msg']}" for e in error.errors())


@router.get("/register", response_class=HTMLResponse)
async def register_form(
    request: Request, uow: UnitOfWorkDep, next: str = "", state: str = "", timezone: str = ""
) -> Response:
    """The form to create a client account, filled with what the page before knew, or else
    with what this browser told the app before (e.g. in the intake)."""
    form = known_person(state[:2], timezone[:64])
    if "state" not in form:
        form = await uow.read(lambda s: told_before(s, request)) | form
    context = {"form": form, "next": local_path(next, ""), "vocab": get_vocabulary()}
    return page(request, "register.html", context)


@router.post(
    "/register",
    response_class=HTMLResponse,
    dependencies=[Depends(RateLimit("register", account=email_account))],
)
async def register(
    request: Request,
    background: BackgroundTasks,
    uow: UnitOfWorkDep,
    csrf_token: Csrf,
    email: Text,
    password: Text,
    name: Text,
    state: Text,
    timezone: Text,
    next: Text = "",
) -> Response:
    """Create the account and mail the link; the same page whether or not the address is taken."""
    form = {"email": email, "name": name, "state": state, "timezone": timezone}
    context = {"form": form, "next": local_path(next, ""), "vocab": get_vocabulary()}
    if (refused := csrf_refusal(request, csrf_token)) is not None:
        return refused
    try:
        payload = Registration(password=password, **form)
    except ValidationError as error:
        return page(request, "register.html", {**context, "problem": _invalid(error)}, 422)
    url, now, onward = public_url(request), datetime.now(UTC), local_path(next, "")
    try:
        key = await uow.write(lambda s: queue(s, users.register(s, payload, url, now, onward), now))
    except DomainError as error:
        return page(request, "register.html", {**context, "problem": _problem(error)}, 422)
    send_later(request, background, key)
    sent = page(request, "sent.html", {"message": SENT, "address": payload.email, "next": onward})
    # the same page and cookie whether or not the address was free
    remember_registration(request, sent, payload.email)
    return sent


@router.get("/signin", response_class=HTMLResponse)
async def signin_form(request: Request, next: str = "") -> Response:
    """The sign-in form."""
    return page(request, "signin.html", {"email": "", "next": local_path(next, "")})


@router.post(
    "/signin",
    response_class=HTMLResponse,
    dependencies=[Depends(RateLimit("signin", account=email_account))],
)
async def signin(
    request: Request,
    uow: UnitOfWorkDep,
    csrf_token: Csrf,
    email: Text,
    password: Text,
    next: Text = "",
) -> Response:
    """Check the password and start a new session (a new id at every sign-in)."""
    if (refused := csrf_refusal(request, csrf_token)) is not None:
        return refused
    address, now = client_address(request), datetime.now(UTC)
    agent = request.headers.get("user-agent", "")

    def work(session: Session) -> str | None:
        user = users.authenticate_password(session, email, password, address, now)
        if user is None:
            return None
        cookie = sessions.start_session(session, user, agent, now, address)[1]
        for hook in getattr(request.app.state, "sign_in_hooks", ()):
            hook(session, request, user, now)
        return cookie

    cookie = await uow.write(work)
    if cookie is None:
        problem = "The email address or password is not right."
        context = {"email": email, "next": local_path(next, ""), "problem": problem}
        return page(request, "signin.html", context, 401)
    response = see_other(local_path(next))
    set_session_cookie(request, response, cookie)
    return response


@router.get("/signout", response_class=HTMLResponse)
async def signout_form(request: Request, uow: UnitOfWorkDep, caller: CallerDep) -> Response:
    """A button that signs this browser out."""
    principal = await uow.write(caller.principal)
    if principal is None:
        return see_other("/signin")
    return page(request, "signout.html", {"csrf_token": principal.csrf_token})


@router.post("/signout", response_class=HTMLResponse)
async def signout(
    request: Request, uow: UnitOfWorkDep, caller: CallerDep, csrf_token: Csrf
) -> Response:
    """End this browser's session on the server, and forget its cookie."""

    def work(session: Session) -> None:
        principal = caller.principal(session, csrf=csrf_token)
        if principal is not None and principal.via == "session":
            user = session.get_one(User, principal.user_id)
            sessions.end_session(session, user, principal.credential_id, caller.now, caller.address)

    try:
        await uow.write(work)
    except Forbidden as refused:  # a forged or stale form: still signed in
        return page(
            request, "done.html", {"title": "Please try again", "message": refused.message}, 403
        )
    response = see_other("/")
    clear_session_cookie(request, response)
    return response


@router.get("/verify", response_class=HTMLResponse)
async def verify_form(request: Request, token: str = "", next: str = "") -> Response:
    """Where the verification link lands: one button confirms."""
    return page(request, "verify.html", {"token": token[:200], "next": local_path(next, "")})


@router.post("/verify", response_class=HTMLResponse)
async def verify(
    request: Request, uow: UnitOfWorkDep, csrf_token: Csrf, token: Text, next: Text = ""
) -> Response:
    """Confirm the address. In the browser that registered it, that also signs the person in
    and takes them on to where they were going (e.g. the time they chose)."""
    if (refused := csrf_refusal(request, csrf_token)) is not None:
        return refused
    now, onward = datetime.now(UTC), local_path(next, "")
    registered_here = registered_address(request)
    agent, address = request.headers.get("user-agent", ""), client_address(request)

    def work(session: Session) -> str | None:
        user = users.verify_email(session, token, now)
        if registered_here is None or users.email_key(registered_here) != user.email_key:
            return None
        cookie = sessions.start_session(session, user, agent, now, address)[1]
        # whatever else signing in brings along (e.g. this browser's intake), as /signin does
        for hook in getattr(request.app.state, "sign_in_hooks", ()):
            hook(session, request, user, now)
        return cookie

    try:
        cookie = await uow.write(work)
    except DomainError as error:
        context = {"token": "", "next": onward, "problem": _problem(error)}
        return page(request, "verify.html", context, 422)
    if cookie is None:
        context = {"message": "Your email address is confirmed. Please sign in.", "next": onward}
        return page(request, "done.html", context)
    response = see_other(onward or "/account")
    set_session_cookie(request, response, cookie)
    forget_registration(request, response)
    return response


@router.get("/reset", response_class=HTMLResponse)
async def reset_form(request: Request, token: str = "") -> Response:
    """Ask for a reset link, or, from the link, choose a new password."""
    return page(request, "reset.html", {"token": token[:200]})


@router.post(
    "/reset",
    response_class=HTMLResponse,
    dependencies=[Depends(RateLimit("reset", account=email_account))],
)
async def reset_request(
    request: Request, background: BackgroundTasks, uow: UnitOfWorkDep, csrf_token: Csrf, email: Text
) -> Response:
    """Mail a reset link; the same page whether or not there is an account."""
    if (refused := csrf_refusal(request, csrf_token)) is not None:
        return refused
    url, now = public_url(request), datetime.now(UTC)
    key = await uow.write(lambda s: queue(s, users.request_reset(s, email, url, now), now))
    send_later(request, background, key)
    return page(request, "sent.html", {"message": RESET, "address": email})


@router.post("/reset/confirm", response_class=HTMLResponse)
async def reset_confirm(
    request: Request, uow: UnitOfWorkDep, csrf_token: Csrf, token: Text, password: Text
) -> Response:
    """Set the new password; every session of the account ends."""
    return await _redeem_link(
        request,
        uow,
        csrf_token,
        "reset.html",
        token,
        lambda s, now: users.confirm_reset(s, token, password, now),
        "Your new password is set; please sign in.",
    )


@router.get("/join", response_class=HTMLResponse)
async def join_form(request: Request, token: str = "") -> Response:
    """Where a staff invitation lands: choose a password to join."""
    return page(request, "join.html", {"token": token[:200]})


@router.post("/join", response_class=HTMLResponse)
async def join(
    request: Request, uow: UnitOfWorkDep, csrf_token: Csrf, token: Text, password: Text
) -> Response:
    """Create the invited account."""
    return await _redeem_link(
        request,
        uow,
        csrf_token,
        "join.html",
        token,
        lambda s, now: users.accept_invitation(s, token, password, now),
        "Your account is ready; please sign in.",
    )


async def _redeem_link(
    request: Request,
    uow: UnitOfWork,
    csrf_token: str,
    form: str,
    token: str,
    redeem: Callable[[Session, datetime], object],
    done: str,
) -> Response:
    """A mailed link's form sent back: the link used with the password, or the same form again
    saying what was wrong, with the refusal's own status."""
    if (refused := csrf_refusal(request, csrf_token)) is not None:
        return refused
    now = datetime.now(UTC)
    try:
        await uow.write(lambda s: redeem(s, now))
    except DomainError as error:
        context = {"token": token, "problem": _problem(error)}
        return page(request, form, context, status_for(error))
    return page(request, "done.html", {"message": done})
