"""The booking pages that result cards and published openings link to: see an opening, hold it
with a visible countdown, book it, get the confirmation and a calendar file, cancel it.

It books first sessions for people arriving from the intake's results or from outside
directories (SMART Scheduling Links deep links). The person signs in (or registers and confirms
their address, the mailed link bringing them back here) and books as themselves; a couples
session is for them and the partner already linked with their account.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Annotated, Any
from urllib.parse import urlencode

from fastapi import APIRouter, Depends, Form, Path, Request, Response
from fastapi.responses import HTMLResponse, RedirectResponse
from sqlalchemy.orm import Session

from confide.accounts.deps import Caller, CallerDep, caller_account
from confide.accounts.forms import AnonymousCsrf, known_person, told_before
from confide.accounts.principal import require_client
from confide.errors import Conflict, DomainError, HoldExpired, InvalidInput, Unauthorized
from confide.fields import RecordId
from confide.models import Client
from confide.network.supply_rules import listed_states
from confide.scheduling import booking, own_booking, service
from confide.scheduling.booking import parse_start
from confide.vocab import get_vocabulary
from confide.web.errors import status_for
from confide.web.rate_limits import RateLimit
from confide.web.templating import templates
from confide.web.unit_of_work import UnitOfWorkDep

router = APIRouter(include_in_schema=False)
Csrf = Annotated[str, Form(max_length=200)]
AppointmentId = Annotated[RecordId, Path()]


def _page(request: Request, name: str, context: dict[str, Any], status: int = 200) -> Response:
    vocab = get_vocabulary()
    return templates.TemplateResponse(
        request,
        f"scheduling/{name}",
        {"vocab": vocab, "plain_words": own_booking.PLAIN_WORDS, **context},
        status_code=status,
    )


def _problem(error: DomainError) -> str:
    # a link or form with a bad value: say which one
    return f"{error.field}: {error.message}" if isinstance(error, InvalidInput) else error.message


def _error(
    request: Request, error: DomainError, title: str = "", back: str | None = None
) -> Response:
    context = {"message": _problem(error), "code": error.code, "title": title, "back": back}
    return _page(request, "book_problem.html", context, status_for(error))


def _see(location: str) -> Response:
    return RedirectResponse(location, status_code=303)


def _here(therapist: int, session_type: str, start: str) -> str:
    """The booking page's own address, to come back to after signing in."""
    return "/book?" + urlencode(
        {"therapist": therapist, "session_type": session_type, "start": start}
    )


@dataclass(frozen=True)
class Booker:
    """Who is looking at the booking page, and whether they can book this opening."""

    state: str  # anonymous, not_client, unverified, needs_partner or ready
    csrf_token: str | None = None
    name: str = ""
    client_id: int | None = None


def _booker(session: Session, caller: Caller, couples: bool, csrf: str | None) -> Booker:
    principal = caller.principal(session, csrf=csrf)
    if principal is None:
        return Booker("anonymous")
    if principal.client_id is None:
        return Booker("not_client")
    client = session.get_one(Client, principal.client_id)
    if not principal.email_verified:
        return Booker("unverified", principal.csrf_token, client.name, client.id)
    if couples and client.partner_id is None:
        return Booker("needs_partner", principal.csrf_token, client.name, client.id)
    return Booker("ready", principal.csrf_token, client.name, client.id)


@dataclass(frozen=True)
class Look:
    opening: booking.Opening
    booker: Booker
    held_id: int | None  # the person's own live hold on this very opening
    rate_cents: int | None
    sliding_cents: int | None
    known: dict[str, str]  # what the account form can be filled with
    listed_in: list[str]  # the states the therapist's clients may be in now


def _look(
    request: Request,
    caller: Caller,
    therapist: int,
    session_type: str,
    start: str,
    now: datetime,
    csrf: str | None = None,
) -> Callable[[Session], Look]:
    def work(session: Session) -> Look:
        opening = booking.find_opening(session, therapist, session_type, start, now)
        booker = _booker(session, caller, opening.couples, csrf)
        held = None
        if not opening.free and booker.client_id is not None:
            held = own_booking.own_hold_on(session, booker.client_id, opening, now)
        rate, sliding = own_booking.rates(session, therapist, session_type)
        listed_in = listed_states(opening.therapist.licences, now)
        known = _known(listed_in)
        if booker.state == "anonymous":
            known.update(told_before(session, request))
        return Look(opening, booker, held, rate, sliding, known, listed_in)

    return work


def _known(listed_in: list[str]) -> dict[str, str]:
    """What the account form can be filled with: the one state the therapist works in."""
    return known_person(listed_in[0] if len(listed_in) == 1 else None)


def _book_page(
    request: Request, look: Look, here: str, problem: DomainError | None, status: int = 200
) -> Response:
    """The opening's page; for someone not signed in, with the form that creates an account."""
    csrf = AnonymousCsrf(request)
    context = {
        "opening": look.opening,
        "booker": look.booker,
        "here": here,
        "known": look.known,
        "anonymous_csrf": csrf.token,
        "problem": _problem(problem) if problem else None,
        "problem_code": problem.code if problem else None,
        "rate": own_booking.money(look.rate_cents),
        "sliding": own_booking.money(look.sliding_cents),
        "listed_in": look.listed_in,
    }
    return csrf.keep(request, _page(request, "book.html", context, status))


@router.get("/book", response_class=HTMLResponse)
async def book_page(
    request: Request,
    uow: UnitOfWorkDep,
    caller: CallerDep,
    therapist: int = 0,
    session_type: str = "intake",
    start: str = "",
) -> Response:
    """One opening, with a way to hold it once signed in."""
    now = datetime.now(UTC)
    look = _look(request, caller, therapist, session_type, start, now)
    try:
        # signed in, reading the session moves its last activity on: a write
        found = await (uow.write(look) if caller.credentials.cookie else uow.read(look))
    except DomainError as error:
        return _error(request, error)
    if found.held_id is not None:
        return _see(f"/bookings/{found.held_id}")
    return _book_page(request, found, _here(therapist, session_type, start), None)


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
    csrf_token: Csrf = "",
) -> Response:
    """Hold the opening for the signed-in client while they confirm."""
    now = datetime.now(UTC)
    hold_minutes = request.app.state.settings.hold_minutes

    def work(session: Session) -> int:
        own_booking.check_request(therapist, session_type, start)
        client = caller.client(session, csrf=csrf_token)
        hold = own_booking.hold_for(
            session, client, therapist, session_type, start, hold_minutes, now, caller.actor(client)
        )
        return hold.id

    try:
        hold_id = await uow.write(work)
    except DomainError as error:
        # nothing was kept; show the opening as it is now, with other times if it is gone
        try:
            look = _look(request, caller, therapist, session_type, start, now, csrf_token)
            found = await uow.read(look)
        except DomainError as again:
            return _error(request, again)
        here = _here(therapist, session_type, start)
        return _book_page(request, found, here, error, status_for(error))
    request.app.state.openings.mark_stale()
    return _see(f"/bookings/{hold_id}")


def _signin_first(appointment_id: int, path: str = "") -> Response:
    return _see("/signin?" + urlencode({"next": f"/bookings/{appointment_id}{path}"}))


async def _show(
    request: Request,
    uow: UnitOfWorkDep,
    caller: Caller,
    appointment_id: int,
    template: str,
) -> Response:
    now = datetime.now(UTC)
    shown: dict[str, Any] = {}
    similar: own_booking.SimilarOpenings | None = getattr(
        request.app.state, "similar_openings", None
    )

    def work(session: Session) -> own_booking.Booking:
        principal = caller.principal(session)
        client = caller.client(session)
        shown["csrf_token"] = principal.csrf_token if principal else ""
        found = own_booking.view(session, client, appointment_id, now, caller.actor(client))
        a = found.appointment
        shown["others"] = (
            similar(session, client, a, now)
            if similar is not None and found.cancelled_by_therapist and a.is_new_client
            else []
        )
        return found

    try:
        found = await uow.write(work)
    except Unauthorized:
        return _signin_first(appointment_id)
    except DomainError as error:
        return _error(request, error)
    context = {
        "b": found,
        "now": now,
        "csrf_token": shown["csrf_token"],
        "others": shown["others"],
        "therapist_reasons": service.THERAPIST_REASONS,
        "rate": own_booking.money(found.rate_cents),
        "sliding": own_booking.money(found.sliding_scale_min_cents),
    }
    return _page(request, template, context)


@router.get("/bookings/{appointment_id}", response_class=HTMLResponse)
async def booking_page(
    request: Request, uow: UnitOfWorkDep, caller: CallerDep, appointment_id: AppointmentId
) -> Response:
    """A hold with its countdown, or the booked session's confirmation, or what became of it."""
    return await _show(request, uow, caller, appointment_id, "booking.html")


@router.post("/bookings/{appointment_id}/confirm", response_class=HTMLResponse)
async def booking_confirm(
    request: Request,
    uow: UnitOfWorkDep,
    caller: CallerDep,
    appointment_id: AppointmentId,
    csrf_token: Csrf = "",
) -> Response:
    """Book the held time."""
    now = datetime.now(UTC)

    def work(session: Session) -> None:
        client = caller.client(session, csrf=csrf_token)
        service.confirm_hold(session, client, appointment_id, now, actor=caller.actor(client))

    try:
        await uow.write(work)
    except HoldExpired:
        # the hold's own page says it has ended and offers fresh times
        return _see(f"/bookings/{appointment_id}")
    except DomainError as error:
        return _error(request, error, "We could not book this time")
    request.app.state.openings.mark_stale()
    return _see(f"/bookings/{appointment_id}")


@router.get("/bookings/{appointment_id}/cancel", response_class=HTMLResponse)
async def cancel_form(
    request: Request, uow: UnitOfWorkDep, caller: CallerDep, appointment_id: AppointmentId
) -> Response:
    """Are you sure? What cancelling now means, and a button that does it."""
    return await _show(request, uow, caller, appointment_id, "cancel.html")


@router.post("/bookings/{appointment_id}/cancel", response_class=HTMLResponse)
async def cancel(
    request: Request,
    uow: UnitOfWorkDep,
    caller: CallerDep,
    appointment_id: AppointmentId,
    csrf_token: Csrf = "",
) -> Response:
    """Cancel the session (or let a hold go): its time is free again for anyone."""
    now = datetime.now(UTC)

    def work(session: Session) -> None:
        client = caller.client(session, csrf=csrf_token)
        own_booking.cancel_own(session, client, appointment_id, now, caller.actor(client))

    try:
        await uow.write(work)
    except DomainError as error:
        return _error(request, error)
    request.app.state.openings.mark_stale()
    return _see(f"/bookings/{appointment_id}")


async def _reschedule_page(
    request: Request, uow: UnitOfWorkDep, caller: Caller, appointment_id: int
) -> Response:
    now = datetime.now(UTC)
    shown: dict[str, Any] = {}

    def work(session: Session) -> tuple[own_booking.Booking, list[datetime]]:
        principal = caller.principal(session)
        client = require_client(session, principal, "booking")
        shown["csrf_token"] = principal.csrf_token if principal else ""
        return own_booking.reschedule_choices(
            session, client, appointment_id, now, caller.actor(client)
        )

    try:
        found, starts = await uow.write(work)
    except Unauthorized:
        return _signin_first(appointment_id, "/reschedule")
    except DomainError as error:
        return _error(request, error)
    context = {
        "b": found,
        "now": now,
        "starts": starts,
        "csrf_token": shown["csrf_token"],
        "rate": own_booking.money(found.rate_cents),
        "sliding": own_booking.money(found.sliding_scale_min_cents),
    }
    return _page(request, "reschedule.html", context)


@router.get("/bookings/{appointment_id}/reschedule", response_class=HTMLResponse)
async def reschedule_form(
    request: Request, uow: UnitOfWorkDep, caller: CallerDep, appointment_id: AppointmentId
) -> Response:
    """Other times the same therapist has for the same kind of session, to move a booking to."""
    return await _reschedule_page(request, uow, caller, appointment_id)


@router.post(
    "/bookings/{appointment_id}/reschedule",
    response_class=HTMLResponse,
    dependencies=[Depends(RateLimit("book", account=caller_account))],
)
async def reschedule(
    request: Request,
    uow: UnitOfWorkDep,
    caller: CallerDep,
    appointment_id: AppointmentId,
    start: Annotated[str, Form(max_length=100)] = "",
    csrf_token: Csrf = "",
) -> Response:
    """Move the booking to the chosen time: one booking, at the new time; the old one is free."""
    now = datetime.now(UTC)

    def work(session: Session) -> int:
        parse_start(start)  # the form's own value first: 422 naming it
        client = caller.client(session, csrf=csrf_token)
        moved = own_booking.move_own(
            session, client, appointment_id, start, now, caller.actor(client)
        )
        return moved.id

    try:
        new_id = await uow.write(work)
    except (InvalidInput, Conflict) as error:
        # nothing changed; the problem page links back to the times as they are now
        back = f"/bookings/{appointment_id}/reschedule"
        return _error(request, error, "We could not move this session", back)
    except DomainError as error:
        return _error(request, error)
    request.app.state.openings.mark_stale()
    return _see(f"/bookings/{new_id}")


@router.post("/bookings/{appointment_id}/sharing", response_class=HTMLResponse)
async def sharing(
    request: Request,
    uow: UnitOfWorkDep,
    caller: CallerDep,
    appointment_id: AppointmentId,
    share: Annotated[str, Form(max_length=10)] = "",
    csrf_token: Csrf = "",
) -> Response:
    """Share (or stop sharing) my intake answers and screening results with this therapist."""
    now = datetime.now(UTC)
    if share not in ("", "yes", "no"):
        return _error(request, InvalidInput("share", "yes or no", ["yes", "no"]))

    def work(session: Session) -> None:
        client = caller.client(session, csrf=csrf_token)
        own_booking.set_sharing(
            session, client, appointment_id, share == "yes", now, caller.actor(client)
        )

    try:
        await uow.write(work)
    except DomainError as error:
        return _error(request, error)
    return _see(f"/bookings/{appointment_id}#sharing")
