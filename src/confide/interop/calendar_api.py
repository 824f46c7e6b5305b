"""An appointment as an iCalendar file: for API clients, and from the booking page once booked."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Form, Path, Request, Response
from sqlalchemy.orm import Session

from confide.accounts.deps import Caller, CallerDep
from confide.errors import DomainError
from confide.fields import RecordId
from confide.interop.icalendar import appointment_ics
from confide.scheduling import service
from confide.web.errors import status_for
from confide.web.responses import AUTH_RESPONSES, error_responses
from confide.web.templating import templates
from confide.web.unit_of_work import UnitOfWorkDep

router = APIRouter()

Id = Annotated[RecordId, Path()]


def _ics(body: bytes, appointment_id: int) -> Response:
    return Response(
        body,
        media_type="text/calendar",
        headers={"Content-Disposition": f'attachment; filename="confide-{appointment_id}.ics"'},
    )


def _appointment_ics(
    session: Session, caller: Caller, appointment_id: int, csrf: str | None = None
) -> bytes:
    client = caller.client(session, csrf=csrf)
    found, therapist, people = service.appointment_with_people(
        session, client, appointment_id, caller.now, actor=caller.actor(client)
    )
    return appointment_ics(found, therapist, clients=people)


@router.get(
    "/api/v1/appointments/{appointment_id}/calendar.ics",
    tags=["scheduling"],
    response_class=Response,
    responses={
        200: {"content": {"text/calendar": {"schema": {"type": "string"}}}},
        **error_responses(404),
        **AUTH_RESPONSES,
    },
)
async def calendar_file(uow: UnitOfWorkDep, caller: CallerDep, appointment_id: Id) -> Response:
    """The appointment as an iCalendar file (a cancellation once cancelled)."""
    # a writer even though it reads: the read goes on the audit trail
    body = await uow.write(lambda s: _appointment_ics(s, caller, appointment_id))
    return _ics(body, appointment_id)


@router.post("/book/calendar", include_in_schema=False)
async def calendar_download(
    request: Request,
    uow: UnitOfWorkDep,
    caller: CallerDep,
    appointment: Annotated[RecordId, Form()],
    csrf_token: Annotated[str, Form(max_length=200)] = "",
) -> Response:
    """The booked session as a calendar file, for the signed-in client who booked it."""
    try:
        body = await uow.write(lambda s: _appointment_ics(s, caller, appointment, csrf_token))
    except DomainError as error:
        # the booking page's own problem page: this form is on the page that follows a booking
        return templates.TemplateResponse(
            request,
            "scheduling/book_problem.html",
            {"message": error.message},
            status_code=status_for(error),
        )
    return _ics(body, appointment)
