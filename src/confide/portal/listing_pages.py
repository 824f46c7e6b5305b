"""/portal/rates, /portal/panels, /portal/profile and /portal/calendar: what the therapist
lists and the busy times from their own calendar."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Form, Request, Response
from fastapi.responses import HTMLResponse
from sqlalchemy.orm import Session
from starlette.datastructures import UploadFile

from confide.errors import InvalidInput
from confide.network import listing
from confide.portal import forms, service, views
from confide.portal.acting import Acting
from confide.portal.deps import TherapistDep
from confide.portal.responses import change, now, sent_fields, show
from confide.scheduling.timegrid import zone
from confide.vocab import get_vocabulary
from confide.web.unit_of_work import UnitOfWorkDep

router = APIRouter(include_in_schema=False)
Csrf = Annotated[str, Form(max_length=200)]
# a year of a busy calendar is well under a megabyte
MAX_CALENDAR_BYTES = 2 * 1024 * 1024


def _rates(session: Session, acting: Acting) -> dict[str, Any]:
    return {"services": listing.offered_services(session, acting.therapist_id)}


@router.get("/portal/rates", response_class=HTMLResponse)
async def rates_page(request: Request, uow: UnitOfWorkDep, who: TherapistDep) -> Response:
    """Self-pay rates and sliding scale per session type."""
    return await show(request, uow, who, "rates.html", _rates)


@router.post("/portal/rates", response_class=HTMLResponse)
async def rates_change(
    request: Request, uow: UnitOfWorkDep, who: TherapistDep, csrf_token: Csrf = ""
) -> Response:
    """Change the rates of every session type offered."""
    at = now()
    sent = sent_fields(await request.form())
    # the form has a rate for each type the therapist offers; the rule checks which those are
    kinds = [kind for kind in get_vocabulary().session_types if f"rate_{kind}" in sent]
    rates, problems = forms.read_rates(sent, kinds)

    def act(session: Session, acting: Acting) -> None:
        offered = {s.session_type for s in listing.offered_services(session, acting.therapist_id)}
        missing = offered - rates.keys()
        if missing:
            kind = sorted(missing)[0]
            raise InvalidInput(f"rate_{kind}", "an amount in dollars, such as 150")
        service.set_rates(session, acting, rates, at)

    return await change(request, uow, who, "rates.html", _rates, csrf_token, act, problems, sent)


def _panels(session: Session, acting: Acting) -> dict[str, Any]:
    therapist, found = views.panels(session, acting.therapist_id)
    return {"panels": found, "states": sorted({lic.state for lic in therapist.licences})}


@router.get("/portal/panels", response_class=HTMLResponse)
async def panels_page(request: Request, uow: UnitOfWorkDep, who: TherapistDep) -> Response:
    """Insurance panels, by plan and state."""
    return await show(request, uow, who, "panels.html", _panels)


@router.post("/portal/panels", response_class=HTMLResponse)
async def panels_join(
    request: Request, uow: UnitOfWorkDep, who: TherapistDep, csrf_token: Csrf = ""
) -> Response:
    """Be in network with a plan for clients in one of the therapist's states."""
    at = now()
    sent = sent_fields(await request.form())
    plan, state = forms.one(sent, "plan"), forms.one(sent, "state")
    problems = {} if plan else {"plan": "choose a plan"}

    def act(session: Session, acting: Acting) -> None:
        service.join_panel(session, acting, plan, state, at)

    return await change(request, uow, who, "panels.html", _panels, csrf_token, act, problems, sent)


@router.post("/portal/panels/leave", response_class=HTMLResponse)
async def panels_leave(
    request: Request, uow: UnitOfWorkDep, who: TherapistDep, csrf_token: Csrf = ""
) -> Response:
    """Leave one of the therapist's panels."""
    at = now()
    sent = sent_fields(await request.form())
    plan, state = forms.one(sent, "plan"), forms.one(sent, "state")

    def act(session: Session, acting: Acting) -> None:
        service.leave_panel(session, acting, plan, state, at)

    return await change(
        request,
        uow,
        who,
        "panels.html",
        _panels,
        csrf_token,
        act,
        {},
        sent,
        back="/portal/panels",
    )


def _profile(session: Session, acting: Acting) -> dict[str, Any]:
    therapist = views.therapist_of(session, acting.therapist_id)
    return {
        "specialties": {s.concern: s.strength for s in therapist.specialties},
        "chosen": {
            "modalities": [m.modality for m in therapist.modalities],
            "languages": [lang.language for lang in therapist.languages],
            "populations": [p.population for p in therapist.populations],
        },
        "populations": listing.POPULATIONS,
    }


@router.get("/portal/profile", response_class=HTMLResponse)
async def profile_page(request: Request, uow: UnitOfWorkDep, who: TherapistDep) -> Response:
    """Specialties, modalities, languages and populations: what matching looks for."""
    return await show(request, uow, who, "profile.html", _profile)


@router.post("/portal/profile", response_class=HTMLResponse)
async def profile_change(
    request: Request, uow: UnitOfWorkDep, who: TherapistDep, csrf_token: Csrf = ""
) -> Response:
    """Replace the specialties, modalities, languages and populations."""
    at = now()
    vocab = get_vocabulary()
    sent = sent_fields(await request.form())
    allowed = {
        "modalities": list(vocab.modalities),
        "languages": list(vocab.languages),
        "populations": list(listing.POPULATIONS),
    }
    profile, problems = forms.read_profile(sent, list(vocab.concerns), allowed)

    def act(session: Session, acting: Acting) -> None:
        service.set_profile(session, acting, profile, at)

    return await change(
        request, uow, who, "profile.html", _profile, csrf_token, act, problems, sent
    )


def _calendar(session: Session, acting: Acting) -> dict[str, Any]:
    therapist, shown, total = views.blocked(session, acting.therapist_id, now())
    return {
        "therapist": therapist,
        "blocked": shown,
        "total": total,
        "zone": zone(therapist.timezone),
    }


@router.get("/portal/calendar", response_class=HTMLResponse)
async def calendar_page(request: Request, uow: UnitOfWorkDep, who: TherapistDep) -> Response:
    """The busy times taken from the therapist's own calendar, and a way to send a new one."""
    return await show(request, uow, who, "calendar.html", _calendar)


@router.post("/portal/calendar", response_class=HTMLResponse)
async def calendar_upload(
    request: Request, uow: UnitOfWorkDep, who: TherapistDep, csrf_token: Csrf = ""
) -> Response:
    """Replace the busy times with those of an uploaded .ics file."""
    at = now()
    form = await request.form()
    upload = form.get("calendar")
    data = b""
    problems: dict[str, str] = {}
    if not isinstance(upload, UploadFile) or not upload.filename:
        problems["calendar"] = "choose an .ics file exported from your calendar"
    else:
        data = await upload.read(MAX_CALENDAR_BYTES + 1)
        if len(data) > MAX_CALENDAR_BYTES:
            problems["calendar"] = "the file is larger than 2 MB; export fewer months"

    def act(session: Session, acting: Acting) -> None:
        service.import_calendar(session, acting, data, at)

    return await change(
        request, uow, who, "calendar.html", _calendar, csrf_token, act, problems, {}
    )
