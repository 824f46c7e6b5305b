"""Safety-flag queues: /portal/flags for a therapist's own clients, /review/flags for clinical
reviewers (flags before any booking, and escalated ones) and admins (escalated ones)."""

from __future__ import annotations

from datetime import timedelta
from typing import Annotated, Any

from fastapi import APIRouter, Form, Path, Request, Response
from fastapi.responses import HTMLResponse
from sqlalchemy.orm import Session

from confide.accounts.deps import Caller, CallerDep
from confide.accounts.forms import see_other
from confide.accounts.staff import render, require_staff, staff_form, staff_page
from confide.fields import RecordId
from confide.screening import flags
from confide.web.unit_of_work import UnitOfWork, UnitOfWorkDep

router = APIRouter(include_in_schema=False)
Csrf = Annotated[str, Form(max_length=200)]
Note = Annotated[str, Form(max_length=flags.NOTE_MAX + 100)]
FlagId = Annotated[RecordId, Path()]


def escalate_after(request: Request) -> timedelta:
    return timedelta(hours=request.app.state.settings.flag_escalate_hours)


async def show_queue(
    request: Request,
    uow: UnitOfWork,
    caller: Caller,
    roles: tuple[str, ...],
    template: str,
    extra: dict[str, Any],
    status: int = 200,
) -> Response:
    """The queue page of a therapist, reviewer or admin (shared by /review/flags)."""
    after = escalate_after(request)

    def work(session: Session) -> tuple[Any, Any]:
        staff = require_staff(session, caller, roles)
        queue = flags.flag_queue(
            session, staff.role, staff.therapist_id, staff.actor, caller.now, after
        )
        return staff, queue

    def show(found: tuple[Any, Any]) -> Response:
        staff, queue = found
        context = {
            "queue": queue,
            "csrf_token": staff.csrf_token,
            "role": staff.role,
            "action": request.url.path.rstrip("/"),
            "escalate_hours": f"{after.total_seconds() / 3600:g}",
            **extra,
        }
        return render(request, template, context, status)

    return await staff_page(request, uow, work, show)


async def acknowledge(
    request: Request,
    uow: UnitOfWork,
    caller: Caller,
    roles: tuple[str, ...],
    flag_id: int,
    note: str,
    csrf_token: str,
    queue_path: str,
) -> Response:
    """Acknowledge a flag in the caller's queue, then show the queue again."""

    def work(session: Session) -> None:
        staff = require_staff(session, caller, roles, csrf=csrf_token)
        flags.acknowledge_flag(
            session,
            flag_id,
            staff.role,
            staff.therapist_id,
            staff.user_id,
            note,
            staff.actor,
            caller.now,
        )

    # refused: the problem page (the queue's own reads are recorded, which a request whose
    # write failed can no longer do), with its status; nothing was kept
    return await staff_form(request, uow, work, lambda _: see_other(queue_path + "?done=1"))


@router.get("/portal/flags", response_class=HTMLResponse)
async def therapist_flags(request: Request, uow: UnitOfWorkDep, caller: CallerDep) -> Response:
    """Safety flags of the therapist's own clients."""
    extra = {"notice": "Flag acknowledged."} if request.query_params.get("done") else {}
    return await show_queue(request, uow, caller, ("therapist",), "portal/flags.html", extra)


@router.post("/portal/flags/{flag_id}/acknowledge", response_class=HTMLResponse)
async def therapist_acknowledge(
    request: Request,
    uow: UnitOfWorkDep,
    caller: CallerDep,
    flag_id: FlagId,
    csrf_token: Csrf,
    note: Note = "",
) -> Response:
    """Acknowledge one of your clients' flags, with a note of what you did."""
    return await acknowledge(
        request,
        uow,
        caller,
        ("therapist",),
        flag_id,
        note,
        csrf_token,
        "/portal/flags",
    )


# Clinical reviewers' queue (flags raised before any booking, and escalated ones); admins see
# the escalated ones here too. The same queue as the therapist's, for other roles.
REVIEWERS = ("reviewer", "admin")


@router.get("/review/flags", response_class=HTMLResponse)
async def review_flags(request: Request, uow: UnitOfWorkDep, caller: CallerDep) -> Response:
    """Safety flags for clinical reviewers (and, once escalated, admins)."""
    extra = {"notice": "Flag acknowledged."} if request.query_params.get("done") else {}
    return await show_queue(request, uow, caller, REVIEWERS, "portal/review_flags.html", extra)


@router.post("/review/flags/{flag_id}/acknowledge", response_class=HTMLResponse)
async def review_acknowledge(
    request: Request,
    uow: UnitOfWorkDep,
    caller: CallerDep,
    flag_id: FlagId,
    csrf_token: Csrf,
    note: Note = "",
) -> Response:
    """Acknowledge a flag in the review queue, with a note of what you did."""
    return await acknowledge(
        request, uow, caller, REVIEWERS, flag_id, note, csrf_token, "/review/flags"
    )
