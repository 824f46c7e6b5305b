"""The booking page that published openings link to: see an opening, book it, get a calendar file.

It books first sessions for people arriving from outside directories (SMART Scheduling Links
deep links). The person signs in (or registers and confirms their address) and books as
themselves; a couples session is for them and the partner already linked with their account.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Annotated, Any
from urllib.parse import urlencode

from fastapi import APIRouter, Depends, Form, Request, Response
from fastapi.responses import HTMLResponse
from sqlalchemy.orm import Session

from confide.accounts.deps import Caller, CallerDep, caller_account
from confide.errors import DomainError, InvalidInput
from confide.models import Client
from confide.scheduling import booking, own_booking
from confide.vocab import get_vocabulary
from confide.web.errors import status_for
from confide.web.rate_limits import RateLimit
from confide.web.templating import templates
from confide.web.unit_of_work import UnitOfWorkDep

router = APIRouter(include_in_schema=False)


def _page(request: Request, name: str, context: dict[str, Any], status: int = 200) -> Response:
    vocab = get_vocabulary()
    return templates.TemplateResponse(
        request, f"scheduling/{name}", {"vocab": vocab, **context}, status_code=status
    )


def _problem(error: DomainError) -> str:
    # a link or form with a bad value: say which one
    return f"{error.field}: {error.message}" if isinstance(error, InvalidInput) else error.message


def _error(request: Request, error: DomainError) -> Response:
    return _page(request, "book_problem.html", {"message": _problem(error)}, status_for(error))


def _here(therapist: int, session_type: str, start: str) -> str:
    """This page's own address, to come back to after signing in."""
    return "/book?" + urlencode(
        {"therapist": therapist, "session_type": session_type, "start": start}
    )


@dataclass(frozen=True)
class Booker:
    """Who is looking at the booking page, and whether they can book this opening."""

    state: str  # anonymous, not_client, unverified, needs_partner or ready
    csrf_token: str | None = None
    name: str = ""


def _booker(session: Session, caller: Caller, couples: bool, csrf: str | None) -> Booker:
    principal = caller.principal(session, csrf=csrf)
    if principal is None:
        return Booker("anonymous")
    if principal.client_id is None:
        return Booker("not_client")
    client = session.get_one(Client, principal.client_id)
    if not principal.email_verified:
        return Booker("unverified", principal.csrf_token, client.name)
    if couples and client.partner_id is None:
        return Booker("needs_partner", principal.csrf_token, client.name)
    return Booker("ready", principal.csrf_token, client.name)


def _look(
    caller: Caller,
    therapist: int,
    session_type: str,
    start: str,
    now: datetime,
    csrf: str | None = None,
) -> Callable[[Session], tuple[booking.Opening, Booker]]:
    def work(session: Session) -> tuple[booking.Opening, Booker]:
        opening = booking.find_opening(session, therapist, session_type, start, now)
        return opening, _booker(session, caller, opening.couples, csrf)

    return work


@router.get("/book", response_class=HTMLResponse)
async def book_page(
    request: Request,
    uow: UnitOfWorkDep,
    caller: CallerDep,
    therapist: int = 0,
    session_type: str = "intake",
    start: str = "",
) -> Response:
    """One opening, with a way to book it once signed in."""
    now = datetime.now(UTC)
    look = _look(caller, therapist, session_type, start, now)
    try:
        # signed in, reading the session moves its last activity on: a write
        opening, booker = await (uow.write(look) if caller.credentials.cookie else uow.read(look))
    except DomainError as error:
        return _error(request, error)
    here = _here(therapist, session_type, start)
    context = {"opening": opening, "booker": booker, "here": here, "problem": None}
    return _page(request, "book.html", context)


@router.post(
    "/book",
    response_class=HTMLResponse,
    dependencies=[Depends(RateLimit("book", account=caller_account))],
)
async def book_submit(
    request: Request,
    uow: UnitOfWorkDep,
    caller: CallerDep,
    therapist: Annotated[int, Form()],
    session_type: Annotated[str, Form()],
    start: Annotated[str, Form()],
    csrf_token: Annotated[str, Form(max_length=200)] = "",
) -> Response:
    """Hold the opening and book it for the signed-in client, all or nothing."""
    now = datetime.now(UTC)
    hold_minutes = request.app.state.settings.hold_minutes

    def work(session: Session) -> own_booking.Confirmed:
        own_booking.check_request(therapist, session_type, start)
        client = caller.client(session, csrf=csrf_token)
        return own_booking.book_as(
            session, client, therapist, session_type, start, hold_minutes, now, caller.actor(client)
        )

    try:
        booked = await uow.write(work)
    except DomainError as error:
        # nothing was kept; show the opening as it is now, with other times if it is gone
        try:
            opening, booker = await uow.read(
                _look(caller, therapist, session_type, start, now, csrf_token)
            )
        except DomainError as again:
            return _error(request, again)
        here = _here(therapist, session_type, start)
        context = {"opening": opening, "booker": booker, "here": here, "problem": _problem(error)}
        return _page(request, "book.html", context, status_for(error))
    request.app.state.openings.mark_stale()
    return _page(
        request,
        "booked.html",
        {"opening": booked.opening, "booked": booked, "csrf_token": csrf_token},
    )
