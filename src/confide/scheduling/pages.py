"""The booking page that published openings link to: see an opening, book it, get a calendar file.

It books first sessions for people arriving from outside directories (SMART Scheduling Links
deep links); the use cases are in booking.py.
"""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Annotated, Any

from fastapi import APIRouter, Depends, Form, Request, Response
from fastapi.responses import HTMLResponse
from pydantic import ValidationError

from confide.accounts.schemas import ClientCreate
from confide.errors import DomainError, InvalidInput
from confide.scheduling import booking
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


@router.get("/book", response_class=HTMLResponse)
async def book_page(
    request: Request,
    uow: UnitOfWorkDep,
    therapist: int = 0,
    session_type: str = "intake",
    start: str = "",
) -> Response:
    """One opening, with a form to book it."""
    now = datetime.now(UTC)
    try:
        opening = await uow.read(
            lambda s: booking.find_opening(s, therapist, session_type, start, now)
        )
    except DomainError as error:
        return _error(request, error)
    return _page(request, "book.html", {"opening": opening, "form": {}, "problem": None})


def _people(form: dict[str, str], session_type: str) -> list[ClientCreate]:
    """The person booking, and their partner for a couples session (ValidationError if amiss)."""
    people = [
        ClientCreate(
            name=form["name"],
            email=form["email"] or None,
            state=form["state"],
            timezone=form["timezone"],
        )
    ]
    kind = get_vocabulary().session_types.get(session_type)
    if kind is not None and kind.format == "couples":
        people.append(
            ClientCreate(
                name=form["partner_name"], state=form["partner_state"], timezone=form["timezone"]
            )
        )
    return people


@router.post("/book", response_class=HTMLResponse, dependencies=[Depends(RateLimit("book"))])
async def book_submit(
    request: Request,
    uow: UnitOfWorkDep,
    therapist: Annotated[int, Form()],
    session_type: Annotated[str, Form()],
    start: Annotated[str, Form()],
    name: Annotated[str, Form()],
    state: Annotated[str, Form()],
    timezone: Annotated[str, Form()],
    email: Annotated[str, Form()] = "",
    partner_name: Annotated[str, Form()] = "",
    partner_state: Annotated[str, Form()] = "",
) -> Response:
    """Create the account (two for a couple), hold the opening and book it, all or nothing."""
    form = {
        "name": name,
        "email": email,
        "state": state,
        "timezone": timezone,
        "partner_name": partner_name,
        "partner_state": partner_state,
    }
    now = datetime.now(UTC)

    async def refused(problem: str, status: int) -> Response:
        # nothing was kept; show the opening as it is now, with other times if it is gone
        try:
            opening = await uow.read(
                lambda s: booking.find_opening(s, therapist, session_type, start, now)
            )
        except DomainError as error:
            return _error(request, error)
        return _page(
            request, "book.html", {"opening": opening, "form": form, "problem": problem}, status
        )

    try:
        people = _people(form, session_type)
    except ValidationError as error:
        problems = "; ".join(
            f"{'.'.join(str(p) for p in e['loc'])}: {e['msg']}" for e in error.errors()
        )
        return await refused(f"Please check: {problems}", 422)
    hold_minutes = request.app.state.settings.hold_minutes
    try:
        booked = await uow.write(
            lambda s: booking.book_opening(
                s, therapist, session_type, start, people, hold_minutes, now
            )
        )
    except DomainError as error:
        return await refused(_problem(error), status_for(error))
    request.app.state.openings.mark_stale()
    page = _page(request, "booked.html", {"opening": booked.opening, "booked": booked})
    page.headers["Cache-Control"] = "no-store"  # it shows the account codes, once
    return page
