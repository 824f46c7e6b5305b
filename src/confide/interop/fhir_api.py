"""FHIR R4 routes: appointments, practitioner roles, schedules, slots, and the SMART
Scheduling Links bulk publication of open first sessions for outside directories."""

from __future__ import annotations

import threading
from collections.abc import Callable, Iterator
from datetime import UTC, datetime, timedelta
from typing import Annotated, Any, Literal

import numpy as np
from cachetools import TTLCache
from fastapi import APIRouter, Path, Query, Request
from fastapi.responses import JSONResponse, StreamingResponse
from sqlalchemy import select
from sqlalchemy.orm import Session, selectinload

from confide.accounts.deps import CallerDep
from confide.errors import InvalidInput
from confide.fields import RecordId, parse_field
from confide.interop import fhir, smart
from confide.models import Therapist, TherapistService
from confide.network.service import get_therapist
from confide.scheduling import bookable, service
from confide.scheduling.openings import OpeningsIndex
from confide.vocab.fields import SessionTypeCode
from confide.web.responses import AUTH_RESPONSES, error_responses
from confide.web.unit_of_work import UnitOfWorkDep

router = APIRouter(prefix="/fhir", tags=["fhir"])

FHIR_JSON = "application/fhir+json"
NDJSON = "application/fhir+ndjson"
SLOT_DAYS = 14
# Outside directories need a therapist's next openings, not every one: a week, a few per type.
PUBLISHED_DAYS = 7
PUBLISHED_PER_TYPE = 8
# How long a made bulk file is served again: the directory changes slowly, openings faster.
DIRECTORY_SECONDS = 300.0
SLOT_SECONDS = 60.0
Id = Annotated[RecordId, Path()]


class FhirResponse(JSONResponse):
    media_type = FHIR_JSON


class NdjsonResponse(StreamingResponse):
    media_type = NDJSON


def fhir_answer(kind: str, *errors: int) -> dict[int | str, dict[str, Any]]:
    """`responses=` for a route answering one FHIR resource of this kind, or these errors."""
    shape = {
        "type": "object",
        "properties": {"resourceType": {"type": "string", "enum": [kind]}},
        "required": ["resourceType"],
    }
    return {
        200: {"description": f"a FHIR R4 {kind}", "content": {FHIR_JSON: {"schema": shape}}},
        **error_responses(*errors),
    }


def ndjson(kind: str) -> dict[int | str, dict[str, Any]]:
    """`responses=` for a bulk file: one FHIR resource of this kind per line."""
    return {200: {"description": f"FHIR R4 {kind} resources, one per line"}}


def _ndjson(lines: Iterator[str]) -> StreamingResponse:
    # lines go out a thousand at a time: one network write per line would dominate
    def chunks() -> Iterator[str]:
        batch: list[str] = []
        for line in lines:
            batch.append(line)
            if len(batch) == 1000:
                yield "".join(batch)
                batch.clear()
        if batch:
            yield "".join(batch)

    return NdjsonResponse(chunks())


def _fhir(resource: dict[str, object]) -> JSONResponse:
    return FhirResponse(resource)


def _schedule_therapist(schedule: str) -> int:
    reference = schedule.removeprefix("Schedule/")
    prefix = "therapist-"
    if not reference.startswith(prefix):
        raise InvalidInput("schedule", "use Schedule/therapist-<id>, as in the Schedule resource")
    therapist_id: int = parse_field(RecordId, reference[len(prefix) :], "schedule")
    return therapist_id


@router.get(
    "/Appointment/{appointment_id}",
    response_class=FhirResponse,
    responses={**fhir_answer("Appointment", 404), **AUTH_RESPONSES},
)
async def appointment(uow: UnitOfWorkDep, caller: CallerDep, appointment_id: Id) -> JSONResponse:
    """One of the client's own appointments as a FHIR Appointment."""

    def work(session: Session) -> fhir.JSON:
        client = caller.client(session)
        found, therapist, clients = service.appointment_with_people(
            session, client, appointment_id, caller.now, actor=caller.actor(client)
        )
        return fhir.fhir_appointment(found, therapist, clients)

    # a writer even though it reads: the read goes on the audit trail
    return _fhir(await uow.write(work))


@router.get(
    "/PractitionerRole/{therapist_id}",
    response_class=FhirResponse,
    responses=fhir_answer("PractitionerRole", 404),
)
async def practitioner_role(uow: UnitOfWorkDep, therapist_id: Id) -> JSONResponse:
    """A therapist as a FHIR PractitionerRole, with the states they are listed in now."""
    now = datetime.now(UTC)
    return _fhir(
        await uow.read(
            lambda session: fhir.fhir_practitioner_role(get_therapist(session, therapist_id), now)
        )
    )


@router.get(
    "/Schedule/therapist-{therapist_id}",
    response_class=FhirResponse,
    responses=fhir_answer("Schedule", 404),
)
async def schedule(uow: UnitOfWorkDep, therapist_id: Id) -> JSONResponse:
    """A therapist's bookable time as a FHIR Schedule over the slot horizon."""
    now = datetime.now(UTC)
    return _fhir(
        await uow.read(
            lambda session: fhir.fhir_schedule(
                get_therapist(session, therapist_id), now, now + timedelta(days=SLOT_DAYS)
            )
        )
    )


@router.get("/Slot", response_class=FhirResponse, responses=fhir_answer("Bundle", 404))
async def slots(
    uow: UnitOfWorkDep,
    schedule: Annotated[str, Query(description="Schedule/therapist-<id>")],
    session_type: Annotated[SessionTypeCode, Query(alias="service-type")] = "intake",
) -> JSONResponse:
    """Free slots of one schedule over the next two weeks, as a FHIR searchset Bundle."""
    therapist_id = _schedule_therapist(schedule)
    now = datetime.now(UTC)

    def work(session: Session) -> fhir.JSON:
        _, free = bookable.list_slots(
            session, therapist_id, session_type, None, SLOT_DAYS, "UTC", now
        )
        return fhir.fhir_bundle([fhir.fhir_slot(therapist_id, session_type, s, e) for s, e in free])

    return _fhir(await uow.read(work))


@router.get("/$bulk-publish")
async def bulk_manifest(request: Request) -> JSONResponse:
    """The SMART Scheduling Links manifest: where the Location, Schedule and Slot files are."""
    base = str(request.url_for("bulk_manifest")).removesuffix("/$bulk-publish")
    return JSONResponse(smart.manifest(base, datetime.now(UTC)))


def _directory(session: Session) -> list[Therapist]:
    return list(
        session.scalars(
            select(Therapist)
            .order_by(Therapist.id)
            .options(
                selectinload(Therapist.licences),
                selectinload(Therapist.services),
                selectinload(Therapist.specialties),
            )
        )
    )


class PublishedFiles:
    """The bulk files this process has made, each served again until its period is over:
    directories poll these files, and making one means reading and validating the whole network."""

    def __init__(self) -> None:
        self.directory: TTLCache[str, list[str]] = TTLCache(maxsize=4, ttl=DIRECTORY_SECONDS)
        # one per address the slots were asked for at, since their booking links carry it
        self.slots: TTLCache[str, list[str]] = TTLCache(maxsize=16, ttl=SLOT_SECONDS)


_published_lock = threading.Lock()


def _published(
    request: Request,
    period: Literal["directory", "slots"],
    name: str,
    make: Callable[[], list[str]],
) -> list[str]:
    """The bulk file `name`, made at most once per period per process."""
    # one maker at a time, so a burst of polls after the period makes the file once
    with _published_lock:
        files: PublishedFiles | None = getattr(request.app.state, "published", None)
        if files is None:
            files = request.app.state.published = PublishedFiles()
        cache = files.directory if period == "directory" else files.slots
        made = cache.get(name)
        if made is None:
            made = cache[name] = make()
    return made


@router.get("/locations.ndjson", response_class=NdjsonResponse, responses=ndjson("Location"))
async def bulk_locations(request: Request, uow: UnitOfWorkDep) -> StreamingResponse:
    """Every therapist's office and telehealth Locations, one FHIR resource per line."""

    def work(session: Session) -> list[str]:
        return _published(
            request,
            "directory",
            "locations",
            lambda: list(smart.locations_ndjson(_directory(session), datetime.now(UTC))),
        )

    return _ndjson(iter(await uow.read(work)))


@router.get("/schedules.ndjson", response_class=NdjsonResponse, responses=ndjson("Schedule"))
async def bulk_schedules(request: Request, uow: UnitOfWorkDep) -> StreamingResponse:
    """Every therapist's Schedule, one per line."""

    def work(session: Session) -> list[str]:
        def make() -> list[str]:
            now = datetime.now(UTC)
            return list(
                smart.schedules_ndjson(
                    _directory(session), now, now + timedelta(days=PUBLISHED_DAYS)
                )
            )

        return _published(request, "directory", "schedules", make)

    return _ndjson(iter(await uow.read(work)))


def published_openings(
    session: Session, index: OpeningsIndex, now: datetime
) -> Iterator[tuple[int, str, datetime, datetime]]:
    """The next few free first-session starts of every therapist, from the openings index."""
    index.refresh(session, now)
    grid = index.grid
    if grid is None:
        return
    durations = {
        (tid, kind): minutes
        for tid, kind, minutes in session.execute(
            select(
                TherapistService.therapist_id,
                TherapistService.session_type,
                TherapistService.duration_minutes,
            )
        )
    }
    # the grid applied notice when it was computed; time has moved on since
    notice = dict(session.execute(select(Therapist.id, Therapist.minimum_notice_hours)).all())
    last_tick = min(grid.ticks, PUBLISHED_DAYS * 24 * 60 // grid.step_minutes)
    for session_type, free in grid.free.items():
        rows, ticks = np.nonzero(free[:, :last_tick])
        shown: dict[int, int] = {}
        for row, tick in zip(rows.tolist(), ticks.tolist(), strict=True):
            therapist_id = int(grid.therapist_ids[row])
            if shown.get(therapist_id, 0) >= PUBLISHED_PER_TYPE:
                continue
            start = grid.start_of(tick)
            if start < now + timedelta(hours=notice[therapist_id]):
                continue
            shown[therapist_id] = shown.get(therapist_id, 0) + 1
            minutes = durations[(therapist_id, session_type)]
            yield therapist_id, session_type, start, start + timedelta(minutes=minutes)


@router.get("/slots.ndjson", response_class=NdjsonResponse, responses=ndjson("Slot"))
async def bulk_slots(request: Request, uow: UnitOfWorkDep) -> StreamingResponse:
    """The next free first sessions of every therapist, each Slot with a booking link."""
    booking_url = str(request.base_url).rstrip("/") + "/book"

    def work(session: Session) -> list[str]:
        def make() -> list[str]:
            now = datetime.now(UTC)
            openings = list(published_openings(session, request.app.state.openings, now))
            return list(smart.slots_ndjson(openings, booking_url=booking_url))

        return _published(request, "slots", booking_url, make)

    return _ndjson(iter(await uow.read(work)))
