"""JSON routes: free slots, holds and appointments."""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from typing import Annotated, Any, TypeVar

from fastapi import APIRouter, Depends, Header, Path, Query, Request, Response
from pydantic import BaseModel
from sqlalchemy.orm import Session

from confide.accounts.deps import Caller, CallerDep, caller_account
from confide.errors import DomainError, SlotUnavailable
from confide.fields import RecordId
from confide.models import Appointment, Client
from confide.scheduling import bookable, service
from confide.scheduling.schemas import (
    AppointmentCreate,
    AppointmentRead,
    CancelRequest,
    HoldCreate,
    HoldCreated,
    Reschedule,
    SlotList,
    SlotQuery,
    SlotRead,
)
from confide.web import idempotency
from confide.web.rate_limits import RATE_LIMITED, RateLimit
from confide.web.responses import AUTH_RESPONSES, error_responses
from confide.web.unit_of_work import Once, UnitOfWork, UnitOfWorkDep

router = APIRouter(prefix="/api/v1", tags=["scheduling"])

Id = Annotated[RecordId, Path()]
IdempotencyKey = Annotated[
    str | None,
    Header(
        alias="Idempotency-Key",
        description="retry safely: the same key and body replay the first response",
        json_schema_extra={"pattern": idempotency.KEY_PATTERN},
    ),
]
JSON = "application/json"
IDEMPOTENT_RESPONSES: dict[int | str, dict[str, Any]] = {
    409: {"description": "idempotency_in_progress: a request with this key is still at work"},
    503: {"description": "temporarily_unavailable: retry with the same key after Retry-After"},
}
T = TypeVar("T")


def _now() -> datetime:
    return datetime.now(UTC)


def _read(appointment: Appointment) -> AppointmentRead:
    return AppointmentRead(
        id=appointment.id,
        therapist_id=appointment.therapist_id,
        session_type=appointment.session_type,
        status=appointment.status,
        start=appointment.start_at,
        end=appointment.end_at,
        hold_expires_at=appointment.hold_expires_at,
        participants=[p.client_id for p in appointment.participants],
        rescheduled_from_id=appointment.rescheduled_from_id,
        calendar_url=f"/api/v1/appointments/{appointment.id}/calendar.ics",
    )


async def _alternatives(uow: UnitOfWork, refusal: DomainError, now: datetime) -> None:
    """A conflict found under a lock gets its alternatives once the transaction is over."""
    if (
        isinstance(refusal, SlotUnavailable)
        and refusal.lookup is not None
        and not refusal.extra.get("alternatives")
    ):
        therapist_id, session_type, near = refusal.lookup
        found = await uow.read(
            lambda s: bookable.alternatives(s, therapist_id, session_type, near, now)
        )
        refusal.extra["alternatives"] = [a.isoformat() for a in found]


async def _change_time(
    request: Request, uow: UnitOfWork, work: Callable[[Session], T], now: datetime
) -> T:
    """Run a write that takes or frees time.

    A conflict gets its alternatives (see `_alternatives`), and a committed change tells this
    process's openings index that it is behind.
    """
    try:
        result = await uow.write(work)
    except SlotUnavailable as conflict:
        await _alternatives(uow, conflict, now)
        raise
    request.app.state.openings.mark_stale()
    return result


async def _create(
    request: Request,
    uow: UnitOfWork,
    caller: Caller,
    key: str | None,
    route: str,
    payload: BaseModel,
    create: Callable[[Session, Client], bytes],
    now: datetime,
) -> Response:
    """A booking POST: 201 with `create`'s JSON body. With an Idempotency-Key, the work runs once
    per key across every process, and every request with the key gets the first answer."""
    if key is None:
        body = await _change_time(request, uow, lambda s: create(s, caller.client(s)), now)
        return _created(idempotency.StoredResponse(201, body))
    settings = request.app.state.settings
    once = Once(
        key=key,
        route=route,
        payload=payload.model_dump(mode="json"),
        client_id=lambda s: caller.client(s).id,
        lease=timedelta(seconds=settings.idempotency_lease_seconds),
        wait_seconds=settings.idempotency_wait_seconds,
    )
    stored = await uow.write_once(
        once,
        lambda s: create(s, caller.client(s)),
        settle=lambda refusal: _alternatives(uow, refusal, now),
    )
    if stored.status_code == 201:
        request.app.state.openings.mark_stale()
    return _created(stored)


def _created(stored: idempotency.StoredResponse) -> Response:
    headers = {"Idempotent-Replayed": "true"} if stored.replayed else None
    return Response(stored.body, status_code=stored.status_code, media_type=JSON, headers=headers)


@router.get(
    "/therapists/{therapist_id}/slots", response_model=SlotList, responses=error_responses(404)
)
async def list_slots(
    uow: UnitOfWorkDep, therapist_id: Id, query: Annotated[SlotQuery, Query()]
) -> SlotList:
    """Bookable starts, shown in the time zone asked for; each one can be held as listed."""
    now = _now()

    def work(session: Session) -> SlotList:
        duration, slots = bookable.list_slots(
            session, therapist_id, query.session_type, query.start, query.days, query.tz, now
        )
        return SlotList(
            therapist_id=therapist_id,
            session_type=query.session_type,
            duration_minutes=duration,
            timezone=query.tz,
            slots=[SlotRead(start=s, end=e) for s, e in slots],
        )

    return await uow.read(work)


@router.post(
    "/holds",
    status_code=201,
    response_model=HoldCreated,
    responses={
        **AUTH_RESPONSES,
        **IDEMPOTENT_RESPONSES,
        409: {
            "description": "the time is taken (slot_unavailable; alternatives are listed); the "
            "client already holds a time (hold_exists) or has an upcoming first session of "
            "this format (first_session_exists), `existing` naming it; joint sessions cannot be "
            "booked for this account (couples_unavailable) or not before each partner has "
            "answered the private safety questions (safety_questions_needed); or a request "
            "with this key is "
            "still at work (idempotency_in_progress)"
        },
        **RATE_LIMITED,
        **error_responses(404),
    },
    dependencies=[Depends(RateLimit("holds", account=caller_account))],
)
async def create_hold(
    request: Request,
    uow: UnitOfWorkDep,
    caller: CallerDep,
    payload: HoldCreate,
    idempotency_key: IdempotencyKey = None,
) -> Response:
    """Hold a free start for a few minutes while the client confirms."""
    hold_minutes = request.app.state.settings.hold_minutes
    now = _now()

    def create(session: Session, client: Client) -> bytes:
        hold = service.create_hold(
            session,
            client,
            payload.therapist_id,
            payload.session_type,
            payload.start,
            now,
            hold_minutes,
            actor=caller.actor(client),
        )
        assert hold.hold_expires_at is not None
        created = HoldCreated(
            hold_id=hold.id,
            expires_at=hold.hold_expires_at,
            appointment_id=hold.id,
            start=hold.start_at,
            end=hold.end_at,
        )
        return created.model_dump_json().encode()

    return await _create(request, uow, caller, idempotency_key, "holds", payload, create, now)


@router.post(
    "/appointments",
    status_code=201,
    response_model=AppointmentRead,
    responses={**AUTH_RESPONSES, **IDEMPOTENT_RESPONSES, **RATE_LIMITED, **error_responses(404)},
    dependencies=[Depends(RateLimit("appointments", account=caller_account))],
)
async def book(
    request: Request,
    uow: UnitOfWorkDep,
    caller: CallerDep,
    payload: AppointmentCreate,
    idempotency_key: IdempotencyKey = None,
) -> Response:
    """Confirm a hold: the appointment is booked."""
    now = _now()

    def create(session: Session, client: Client) -> bytes:
        appointment = service.confirm_hold(
            session, client, payload.hold_id, now, actor=caller.actor(client)
        )
        return _read(appointment).model_dump_json().encode()

    return await _create(
        request, uow, caller, idempotency_key, "appointments", payload, create, now
    )


@router.get(
    "/appointments/{appointment_id}",
    response_model=AppointmentRead,
    responses={**AUTH_RESPONSES, **error_responses(404)},
)
async def get_appointment(
    uow: UnitOfWorkDep, caller: CallerDep, appointment_id: Id
) -> AppointmentRead:
    """One of the client's own appointments."""

    def work(session: Session) -> AppointmentRead:
        client = caller.client(session)
        return _read(
            service.get_appointment(
                session, client, appointment_id, caller.now, actor=caller.actor(client)
            )
        )

    # a writer even though it reads: the read goes on the audit trail
    return await uow.write(work)


@router.post(
    "/appointments/{appointment_id}/cancel",
    response_model=AppointmentRead,
    responses={**AUTH_RESPONSES, **error_responses(404)},
)
async def cancel(
    request: Request,
    uow: UnitOfWorkDep,
    caller: CallerDep,
    appointment_id: Id,
    payload: CancelRequest | None = None,
) -> AppointmentRead:
    """Cancel a held or booked appointment."""
    reason = (payload or CancelRequest()).reason
    now = _now()

    def work(session: Session) -> AppointmentRead:
        client = caller.client(session)
        return _read(
            service.cancel_appointment(
                session, client, appointment_id, now, reason, actor=caller.actor(client)
            )
        )

    return await _change_time(request, uow, work, now)


@router.post(
    "/appointments/{appointment_id}/reschedule",
    status_code=201,
    response_model=AppointmentRead,
    responses={**AUTH_RESPONSES, **RATE_LIMITED, **error_responses(404, 409)},
    dependencies=[Depends(RateLimit("appointments", account=caller_account))],
)
async def reschedule(
    request: Request,
    uow: UnitOfWorkDep,
    caller: CallerDep,
    appointment_id: Id,
    payload: Reschedule,
) -> AppointmentRead:
    """Move a booked appointment to another free start, all at once or not at all."""
    now = _now()

    def work(session: Session) -> AppointmentRead:
        client = caller.client(session)
        return _read(
            service.reschedule_appointment(
                session, client, appointment_id, payload.start, now, actor=caller.actor(client)
            )
        )

    return await _change_time(request, uow, work, now)
