"""/portal: the overview, new clients and limits, weekly hours, time off, and what clients see.

Every page is the signed-in therapist's own (no address names a therapist); every change is
audited and reaches matching and booking before the next request (responses.change).
"""

from __future__ import annotations

from datetime import datetime
from typing import Annotated, Any

from fastapi import APIRouter, Form, Request, Response
from fastapi.responses import HTMLResponse
from sqlalchemy.orm import Session

from confide.matching.live import LiveMatching, LiveMatchingDep
from confide.portal import forms, service, views
from confide.portal.acting import Acting
from confide.portal.deps import TherapistDep
from confide.portal.responses import change, now, sent_fields, show
from confide.scheduling.openings import OpeningsGrid
from confide.scheduling.supply import LIMITS
from confide.scheduling.timegrid import zone
from confide.web.unit_of_work import UnitOfWorkDep

router = APIRouter(include_in_schema=False)
Csrf = Annotated[str, Form(max_length=200)]
# until admin's setting exists (issue 10: CONFIDE_LICENCE_MAX_AGE_DAYS, default 90)
LICENCE_MAX_AGE_DAYS = 90


def _grid(live: LiveMatching, session: Session, at: datetime) -> OpeningsGrid | None:
    """The openings index as matching reads it, brought up to date first."""
    with live.reading(session, at):
        return live.openings.grid


def _licence_max_age(request: Request) -> int:
    return int(getattr(request.app.state.settings, "licence_max_age_days", LICENCE_MAX_AGE_DAYS))


@router.get("/portal", response_class=HTMLResponse)
async def overview(
    request: Request, uow: UnitOfWorkDep, who: TherapistDep, live: LiveMatchingDep
) -> Response:
    """Accepting or paused, places left this week, next openings, and what needs attention."""
    at, max_age = now(), _licence_max_age(request)

    def read(session: Session, acting: Acting) -> dict[str, Any]:
        grid = _grid(live, session, at)
        return {"view": views.overview(session, acting.therapist_id, at, grid, max_age)}

    return await show(request, uow, who, "overview.html", read)


@router.get("/portal/openings", response_class=HTMLResponse)
async def openings(
    request: Request, uow: UnitOfWorkDep, who: TherapistDep, live: LiveMatchingDep
) -> Response:
    """What clients see: the next openings per session type, as matching and booking do."""
    at = now()

    def read(session: Session, acting: Acting) -> dict[str, Any]:
        grid = _grid(live, session, at)
        return {
            "standing": views.standing(session, acting.therapist_id, at),
            "openings": views.openings(session, acting.therapist_id, at, grid),
            "look_days": views.LOOK_DAYS,
        }

    return await show(request, uow, who, "openings.html", read)


def _supply(session: Session, acting: Acting) -> dict[str, Any]:
    return {"standing": views.standing(session, acting.therapist_id, now()), "limits": LIMITS}


@router.get("/portal/supply", response_class=HTMLResponse)
async def supply_page(request: Request, uow: UnitOfWorkDep, who: TherapistDep) -> Response:
    """New clients (accepting, paused until a day, or not) and the limits on them and on time."""
    return await show(request, uow, who, "supply.html", _supply)


@router.post("/portal/supply", response_class=HTMLResponse)
async def supply_change(
    request: Request, uow: UnitOfWorkDep, who: TherapistDep, csrf_token: Csrf = ""
) -> Response:
    """Change whether new clients can book, and the limits."""
    at = now()
    sent = sent_fields(await request.form())
    values, problems = forms.read_new_clients(sent)

    def act(session: Session, acting: Acting) -> None:
        service.set_new_clients(session, acting, values, at)

    return await change(request, uow, who, "supply.html", _supply, csrf_token, act, problems, sent)


def _hours(session: Session, acting: Acting) -> dict[str, Any]:
    therapist, days = views.hours(session, acting.therapist_id)
    local = now().astimezone(zone(therapist.timezone))
    return {
        "therapist": therapist,
        "days": {d: forms.window_text(w) for d, w in days.items()},
        "local_now": local,
    }


@router.get("/portal/hours", response_class=HTMLResponse)
async def hours_page(request: Request, uow: UnitOfWorkDep, who: TherapistDep) -> Response:
    """Weekly hours, in the therapist's own time zone."""
    return await show(request, uow, who, "hours.html", _hours)


@router.post("/portal/hours", response_class=HTMLResponse)
async def hours_change(
    request: Request, uow: UnitOfWorkDep, who: TherapistDep, csrf_token: Csrf = ""
) -> Response:
    """Replace the weekly hours."""
    at = now()
    sent = sent_fields(await request.form())
    windows, problems = forms.read_hours(sent)

    def act(session: Session, acting: Acting) -> None:
        service.set_hours(session, acting, windows, at)

    return await change(request, uow, who, "hours.html", _hours, csrf_token, act, problems, sent)


def _time_off(session: Session, acting: Acting) -> dict[str, Any]:
    therapist, ahead = views.time_off(session, acting.therapist_id, now())
    return {"therapist": therapist, "time_off": ahead}


@router.get("/portal/time-off", response_class=HTMLResponse)
async def time_off_page(request: Request, uow: UnitOfWorkDep, who: TherapistDep) -> Response:
    """Days away, to come and under way."""
    return await show(request, uow, who, "time_off.html", _time_off)


@router.post("/portal/time-off", response_class=HTMLResponse)
async def time_off_add(
    request: Request, uow: UnitOfWorkDep, who: TherapistDep, csrf_token: Csrf = ""
) -> Response:
    """Add days away (first and last included)."""
    at = now()
    sent = sent_fields(await request.form())
    days, problems = forms.read_time_off(sent)

    def act(session: Session, acting: Acting) -> None:
        assert days is not None
        service.add_time_off(session, acting, days[0], days[1], at)

    return await change(
        request, uow, who, "time_off.html", _time_off, csrf_token, act, problems, sent
    )


@router.post("/portal/time-off/remove", response_class=HTMLResponse)
async def time_off_remove(
    request: Request, uow: UnitOfWorkDep, who: TherapistDep, csrf_token: Csrf = ""
) -> Response:
    """Take back days away (one of the therapist's own, named in the form)."""
    at = now()
    sent = sent_fields(await request.form())
    time_off_id, problems = forms.read_record_id(sent, "time_off")

    def act(session: Session, acting: Acting) -> None:
        service.remove_time_off(session, acting, time_off_id, at)

    return await change(
        request,
        uow,
        who,
        "time_off.html",
        _time_off,
        csrf_token,
        act,
        problems,
        sent,
        back="/portal/time-off",
    )
