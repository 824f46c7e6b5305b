"""The booking page that published openings link to: see an opening and book it.

It books first sessions for people arriving from outside directories (SMART Scheduling Links
deep links). Each submission runs in one unit of work: the account(s), the hold and the booking
all happen, or none does.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Annotated, Any

from fastapi import APIRouter, Form, Request, Response
from fastapi.responses import HTMLResponse
from pydantic import ValidationError
from sqlalchemy.orm import Session

from confide.accounts import service as accounts
from confide.accounts.schemas import ClientCreate
from confide.db import in_unit_of_work
from confide.errors import DomainError, InvalidInput
from confide.models import Client, Therapist
from confide.network.service import get_therapist
from confide.scheduling import service
from confide.scheduling.timegrid import to_minute, zone
from confide.vocab import get_vocabulary
from confide.web.errors import status_for
from confide.web.templating import templates

router = APIRouter(include_in_schema=False)


@dataclass(frozen=True)
class Opening:
    therapist: Therapist
    session_type: str
    start: datetime
    duration: int
    free: bool
    alternatives: list[datetime]

    @property
    def couples(self) -> bool:
        return get_vocabulary().session_types[self.session_type].format == "couples"

    def local(self, moment: datetime) -> str:
        here = moment.astimezone(zone(self.therapist.timezone))
        return f"{here:%A %d %B %Y, %I:%M %p} ({here.tzname()})".replace(" 0", " ")


def _parse_start(text: str) -> datetime:
    try:
        start = datetime.fromisoformat(text.replace("Z", "+00:00"))
    except ValueError:
        raise InvalidInput("start", "use an ISO 8601 time with an offset") from None
    if start.tzinfo is None:
        raise InvalidInput("start", "the time needs an offset, e.g. 2026-12-01T17:00:00Z")
    return start


def _opening(session: Session, therapist_id: int, session_type: str, start_text: str) -> Opening:
    if session_type not in get_vocabulary().session_types:
        raise InvalidInput(
            "session_type", "unknown session type", sorted(get_vocabulary().session_types)
        )
    now = datetime.now(UTC)
    start = _parse_start(start_text)
    therapist = get_therapist(session, therapist_id)
    duration, free = service.opening_is_free(session, therapist_id, session_type, start, now)
    others = (
        []
        if free
        else service.alternatives(session, therapist_id, session_type, to_minute(start), now)
    )
    return Opening(therapist, session_type, start, duration, free, others)


def _page(request: Request, name: str, context: dict[str, Any], status: int = 200) -> Response:
    vocab = get_vocabulary()
    return templates.TemplateResponse(
        request, f"scheduling/{name}", {"vocab": vocab, **context}, status_code=status
    )


def _error(request: Request, error: DomainError) -> Response:
    return _page(request, "book_problem.html", {"message": error.message}, status_for(error))


@router.get("/book", response_class=HTMLResponse)
async def book_page(
    request: Request, therapist: int = 0, session_type: str = "intake", start: str = ""
) -> Response:
    """One opening, with a form to book it."""
    try:
        opening = await in_unit_of_work(
            request, lambda s: _opening(s, therapist, session_type, start), write=False
        )
    except DomainError as error:
        return _error(request, error)
    return _page(request, "book.html", {"opening": opening, "form": {}, "problem": None})


@dataclass(frozen=True)
class Booked:
    appointment_id: int
    tokens: list[tuple[str, str]]  # (name, token), shown once


def _book(
    session: Session,
    therapist_id: int,
    session_type: str,
    start: datetime,
    people: list[ClientCreate],
    hold_minutes: int,
) -> Booked:
    clients: list[tuple[Client, str]] = [accounts.create_client(session, p) for p in people]
    if len(clients) == 2:
        accounts.link_partners(session, clients[0][0], clients[1][0])
    now = datetime.now(UTC)
    hold = service.create_hold(
        session, clients[0][0], therapist_id, session_type, start, now, hold_minutes
    )
    service.confirm_hold(session, clients[0][0], hold.id, now)
    return Booked(hold.id, [(c.name, token) for c, token in clients])


@router.post("/book", response_class=HTMLResponse)
async def book_submit(
    request: Request,
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
    try:
        opening = await in_unit_of_work(
            request, lambda s: _opening(s, therapist, session_type, start), write=False
        )
    except DomainError as error:
        return _error(request, error)
    try:
        people = [ClientCreate(name=name, email=email or None, state=state, timezone=timezone)]
        if opening.couples:
            people.append(ClientCreate(name=partner_name, state=partner_state, timezone=timezone))
    except ValidationError as error:
        problems = "; ".join(
            f"{'.'.join(str(p) for p in e['loc'])}: {e['msg']}" for e in error.errors()
        )
        return _page(
            request,
            "book.html",
            {"opening": opening, "form": form, "problem": f"Please check: {problems}"},
            422,
        )
    hold_minutes = request.app.state.settings.hold_minutes
    try:
        booked = await in_unit_of_work(
            request,
            lambda s: _book(s, therapist, session_type, opening.start, people, hold_minutes),
            write=True,
        )
    except DomainError as error:
        # nothing was kept; show the opening as it is now, with other times if it is gone
        opening = await in_unit_of_work(
            request, lambda s: _opening(s, therapist, session_type, start), write=False
        )
        return _page(
            request,
            "book.html",
            {"opening": opening, "form": form, "problem": error.message},
            status_for(error),
        )
    request.app.state.openings.mark_stale()
    page = _page(request, "booked.html", {"opening": opening, "booked": booked})
    page.headers["Cache-Control"] = "no-store"  # it shows the account codes, once
    return page
