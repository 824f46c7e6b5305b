"""The therapist's appointment pages: the week, one appointment (participants and what each
client shared), and marking a session fulfilled or a no-show, or cancelling it with a reason.

Only a signed-in therapist account uses these (403 for any other role, sign-in first for
nobody); an appointment with another therapist is 404, as if it did not exist.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, date, datetime
from typing import Annotated, Any
from urllib.parse import urlencode

from fastapi import APIRouter, Form, Path, Request, Response
from fastapi.responses import HTMLResponse, RedirectResponse
from sqlalchemy.orm import Session

from confide.accounts.deps import Caller, CallerDep
from confide.accounts.principal import require
from confide.audit import Actor
from confide.errors import DomainError, Forbidden, InvalidInput, Unauthorized
from confide.fields import Day, RecordId, parse_field
from confide.portal import visits
from confide.scheduling import service
from confide.web.errors import status_for
from confide.web.templating import templates
from confide.web.unit_of_work import UnitOfWorkDep

router = APIRouter(include_in_schema=False)
AppointmentId = Annotated[RecordId, Path()]
Csrf = Annotated[str, Form(max_length=200)]
STATUS_WORDS = {
    "held": "held (not yet booked)",
    "booked": "booked",
    "fulfilled": "took place",
    "noshow": "no-show",
    "cancelled": "cancelled",
    "expired": "hold lapsed",
}


@dataclass(frozen=True)
class Acting:
    therapist_id: int
    actor: Actor
    csrf_token: str | None


def acting_therapist(session: Session, caller: Caller, csrf: str | None = None) -> Acting:
    """The therapist record the signed-in therapist account acts for (Unauthorized for nobody,
    Forbidden for any other role)."""
    principal = require(caller.principal(session, csrf=csrf))
    if principal.role != "therapist" or principal.therapist_id is None:
        raise Forbidden("these pages are for therapists")
    actor = Actor(user_id=principal.user_id, role="therapist", address=caller.address)
    return Acting(principal.therapist_id, actor, principal.csrf_token)


def _page(request: Request, name: str, context: dict[str, Any], status: int = 200) -> Response:
    return templates.TemplateResponse(
        request,
        f"portal/{name}",
        {"status_words": STATUS_WORDS, **context},
        status_code=status,
    )


def _problem(request: Request, error: DomainError, back: str | None = None) -> Response:
    message = (
        f"{error.field}: {error.message}" if isinstance(error, InvalidInput) else error.message
    )
    context = {"message": message, "code": error.code, "back": back}
    return _page(request, "appointment_problem.html", context, status_for(error))


def _signin(path: str) -> Response:
    return RedirectResponse("/signin?" + urlencode({"next": path}), status_code=303)


@router.get("/portal/appointments", response_class=HTMLResponse)
async def week_page(
    request: Request, uow: UnitOfWorkDep, caller: CallerDep, week: str = ""
) -> Response:
    """The therapist's week of appointments in their own zone, Monday to Sunday."""
    now = datetime.now(UTC)
    day: date | None = None
    if week:
        try:
            day = parse_field(Day, week[:20], "week")
        except InvalidInput as error:
            return _problem(request, error, "/portal/appointments")

    def work(session: Session) -> tuple[visits.Week, Acting]:
        acting = acting_therapist(session, caller)
        return visits.week_of(session, acting.therapist_id, day, now, acting.actor), acting

    try:
        found, _ = await uow.write(work)
    except Unauthorized:
        return _signin("/portal/appointments")
    except DomainError as error:
        return _problem(request, error)
    return _page(request, "appointments.html", {"week": found, "now": now})


@router.get("/portal/appointments/{appointment_id}", response_class=HTMLResponse)
async def appointment_page(
    request: Request, uow: UnitOfWorkDep, caller: CallerDep, appointment_id: AppointmentId
) -> Response:
    """One appointment: when, who, its status, what each client shared, and what can be done."""
    return await _show(request, uow, caller, appointment_id)


async def _show(
    request: Request,
    uow: UnitOfWorkDep,
    caller: Caller,
    appointment_id: int,
    notice: str | None = None,
) -> Response:
    now = datetime.now(UTC)

    def work(session: Session) -> tuple[visits.Visit, Acting]:
        acting = acting_therapist(session, caller)
        found = visits.visit(session, acting.therapist_id, appointment_id, now, acting.actor)
        return found, acting

    try:
        found, acting = await uow.write(work)
    except Unauthorized:
        return _signin(f"/portal/appointments/{appointment_id}")
    except DomainError as error:
        return _problem(request, error, "/portal/appointments")
    context = {
        "v": found,
        "now": now,
        "csrf_token": acting.csrf_token or "",
        "reasons": service.THERAPIST_REASONS,
        "done": notice or request.query_params.get("done", "")[:20],
    }
    return _page(request, "appointment.html", context)


async def _mark(
    request: Request,
    uow: UnitOfWorkDep,
    caller: Caller,
    appointment_id: int,
    status: str,
    csrf_token: str,
) -> Response:
    now = datetime.now(UTC)

    def work(session: Session) -> None:
        acting = acting_therapist(session, caller, csrf_token)
        service.mark_attendance(
            session, acting.therapist_id, appointment_id, status, now, actor=acting.actor
        )

    try:
        await uow.write(work)
    except DomainError as error:
        return _problem(request, error, f"/portal/appointments/{appointment_id}")
    return RedirectResponse(f"/portal/appointments/{appointment_id}?done={status}", status_code=303)


@router.post("/portal/appointments/{appointment_id}/fulfilled", response_class=HTMLResponse)
async def mark_fulfilled(
    request: Request,
    uow: UnitOfWorkDep,
    caller: CallerDep,
    appointment_id: AppointmentId,
    csrf_token: Csrf = "",
) -> Response:
    """The session took place (only once it has begun)."""
    return await _mark(request, uow, caller, appointment_id, "fulfilled", csrf_token)


@router.post("/portal/appointments/{appointment_id}/noshow", response_class=HTMLResponse)
async def mark_noshow(
    request: Request,
    uow: UnitOfWorkDep,
    caller: CallerDep,
    appointment_id: AppointmentId,
    csrf_token: Csrf = "",
) -> Response:
    """Nobody came (only once the session has begun)."""
    return await _mark(request, uow, caller, appointment_id, "noshow", csrf_token)


@router.post("/portal/appointments/{appointment_id}/cancel", response_class=HTMLResponse)
async def cancel(
    request: Request,
    uow: UnitOfWorkDep,
    caller: CallerDep,
    appointment_id: AppointmentId,
    reason: Annotated[str, Form(max_length=40)] = "",
    csrf_token: Csrf = "",
) -> Response:
    """Cancel the session, giving a reason; a first session cancelled because the therapist
    takes no new clients also pauses them for new clients, in matching at once."""
    now = datetime.now(UTC)
    if reason not in service.THERAPIST_REASONS:
        error = InvalidInput(
            "reason", "choose one of the reasons shown", list(service.THERAPIST_REASONS)
        )
        return _problem(request, error, f"/portal/appointments/{appointment_id}")

    def work(session: Session) -> bool:
        acting = acting_therapist(session, caller, csrf_token)
        _, paused = service.cancel_by_therapist(
            session, acting.therapist_id, appointment_id, reason, now, actor=acting.actor
        )
        return paused

    try:
        paused = await uow.write(work)
    except DomainError as error:
        return _problem(request, error, f"/portal/appointments/{appointment_id}")
    # the time is free again, and a pause reaches matching before its next query
    request.app.state.openings.mark_stale()
    done = "paused" if paused else "cancelled"
    return RedirectResponse(f"/portal/appointments/{appointment_id}?done={done}", status_code=303)
