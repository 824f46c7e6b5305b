"""JSON routes: free slots, holds and appointments."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from datetime import UTC, datetime
from typing import Annotated, TypeVar

from fastapi import APIRouter, BackgroundTasks, Header, Path, Query, Request, Response
from sqlalchemy.orm import Session

from confide.accounts.deps import ClientToken
from confide.accounts.service import authenticate
from confide.db import in_unit_of_work
from confide.errors import SlotUnavailable
from confide.models import Appointment, Client
from confide.scheduling import idempotency, service
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

router = APIRouter(prefix="/api/v1", tags=["scheduling"])

Id = Annotated[int, Path(ge=1, le=2_147_483_647)]
IdempotencyKey = Annotated[
    str | None,
    Header(
        alias="Idempotency-Key",
        description="retry safely: the same key and body replay the first response",
    ),
]
JSON = "application/json"
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


def _after_commit(request: Request, background: BackgroundTasks) -> None:
    """Tell this process's openings index, once the change is committed, that it is behind."""
    background.add_task(request.app.state.openings.mark_stale)


async def _filling_alternatives(request: Request, call: Awaitable[T]) -> T:
    """Await `call`; a conflict found under a lock gets its alternatives once that is over."""
    try:
        return await call
    except SlotUnavailable as conflict:
        if conflict.lookup is not None and not conflict.extra.get("alternatives"):
            therapist_id, session_type, near = conflict.lookup
            found = await in_unit_of_work(
                request,
                lambda s: service.alternatives(s, therapist_id, session_type, near, _now()),
                write=False,
            )
            conflict.extra["alternatives"] = [a.isoformat() for a in found]
        raise


def _idempotent(
    session: Session,
    client: Client,
    key: str | None,
    route: str,
    payload: object,
    create: Callable[[], bytes],
) -> Response:
    """Run `create` once per key: a retry with the same key and body gets the same response."""
    digest = idempotency.request_hash(route, payload)
    if key is not None:
        idempotency.check_key(key)
        stored = idempotency.replay(session, client.id, key, route, digest)
        if stored is not None:
            return Response(
                stored.body,
                status_code=stored.status_code,
                media_type=JSON,
                headers={"Idempotent-Replayed": "true"},
            )
    body: bytes = create()
    if key is not None:
        idempotency.remember(session, client.id, key, route, digest, 201, body, _now())
    return Response(body, status_code=201, media_type=JSON)


@router.get("/therapists/{therapist_id}/slots", response_model=SlotList)
async def list_slots(
    request: Request, therapist_id: Id, query: Annotated[SlotQuery, Query()]
) -> SlotList:
    """Bookable starts, shown in the time zone asked for; each one can be held as listed."""

    def work(session: Session) -> SlotList:
        duration, slots = service.list_slots(
            session, therapist_id, query.session_type, query.start, query.days, query.tz, _now()
        )
        return SlotList(
            therapist_id=therapist_id,
            session_type=query.session_type,
            duration_minutes=duration,
            timezone=query.tz,
            slots=[SlotRead(start=s, end=e) for s, e in slots],
        )

    return await in_unit_of_work(request, work, write=False)


@router.post(
    "/holds",
    status_code=201,
    response_model=HoldCreated,
    responses={409: {"description": "the time is taken; alternatives are listed"}},
)
async def create_hold(
    request: Request,
    background: BackgroundTasks,
    token: ClientToken,
    payload: HoldCreate,
    idempotency_key: IdempotencyKey = None,
) -> Response:
    """Hold a free start for a few minutes while the client confirms."""
    hold_minutes = request.app.state.settings.hold_minutes

    def work(session: Session) -> Response:
        client = authenticate(session, token)

        def create() -> bytes:
            hold = service.create_hold(
                session,
                client,
                payload.therapist_id,
                payload.session_type,
                payload.start,
                _now(),
                hold_minutes,
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

        return _idempotent(
            session, client, idempotency_key, "holds", payload.model_dump(mode="json"), create
        )

    response = await _filling_alternatives(request, in_unit_of_work(request, work, write=True))
    _after_commit(request, background)
    return response


@router.post("/appointments", status_code=201, response_model=AppointmentRead)
async def book(
    request: Request,
    background: BackgroundTasks,
    token: ClientToken,
    payload: AppointmentCreate,
    idempotency_key: IdempotencyKey = None,
) -> Response:
    """Confirm a hold: the appointment is booked."""

    def work(session: Session) -> Response:
        client = authenticate(session, token)

        def create() -> bytes:
            appointment = service.confirm_hold(session, client, payload.hold_id, _now())
            return _read(appointment).model_dump_json().encode()

        return _idempotent(
            session,
            client,
            idempotency_key,
            "appointments",
            payload.model_dump(mode="json"),
            create,
        )

    response = await in_unit_of_work(request, work, write=True)
    _after_commit(request, background)
    return response


@router.get("/appointments/{appointment_id}", response_model=AppointmentRead)
async def get_appointment(
    request: Request, token: ClientToken, appointment_id: Id
) -> AppointmentRead:
    """One of the client's own appointments."""

    def work(session: Session) -> AppointmentRead:
        client = authenticate(session, token)
        return _read(service.get_appointment(session, client, appointment_id))

    return await in_unit_of_work(request, work, write=False)


@router.post("/appointments/{appointment_id}/cancel", response_model=AppointmentRead)
async def cancel(
    request: Request,
    background: BackgroundTasks,
    token: ClientToken,
    appointment_id: Id,
    payload: CancelRequest | None = None,
) -> AppointmentRead:
    """Cancel a held or booked appointment."""
    reason = (payload or CancelRequest()).reason

    def work(session: Session) -> AppointmentRead:
        client = authenticate(session, token)
        return _read(service.cancel_appointment(session, client, appointment_id, _now(), reason))

    read = await in_unit_of_work(request, work, write=True)
    _after_commit(request, background)
    return read


@router.post(
    "/appointments/{appointment_id}/reschedule", status_code=201, response_model=AppointmentRead
)
async def reschedule(
    request: Request,
    background: BackgroundTasks,
    token: ClientToken,
    appointment_id: Id,
    payload: Reschedule,
) -> AppointmentRead:
    """Move a booked appointment to another free start, all at once or not at all."""

    def work(session: Session) -> AppointmentRead:
        client = authenticate(session, token)
        return _read(
            service.reschedule_appointment(session, client, appointment_id, payload.start, _now())
        )

    read = await _filling_alternatives(request, in_unit_of_work(request, work, write=True))
    _after_commit(request, background)
    return read
