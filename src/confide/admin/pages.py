"""The admin pages under /admin: licences, payers and plans, users, the audit log, network
health. Every one is for the admin role; every write is on the audit trail."""

from __future__ import annotations

from datetime import date, datetime
from typing import Annotated, Any
from urllib.parse import urlencode

from fastapi import APIRouter, BackgroundTasks, Form, Path, Request, Response
from fastapi.responses import HTMLResponse
from pydantic import ValidationError
from sqlalchemy.orm import Session

from confide.accounts import users
from confide.accounts.deps import Caller, CallerDep
from confide.accounts.forms import see_other
from confide.accounts.mailer import public_url, queue, send_later
from confide.accounts.staff import Staff, render, require_staff, staff_form, staff_page
from confide.admin import licences, payers, people
from confide.admin.health import network_health
from confide.audit import service as audit_service
from confide.audit.schemas import AuditFilter, AuditQuery
from confide.errors import InvalidInput
from confide.fields import RecordId
from confide.models import User
from confide.web.unit_of_work import UnitOfWork, UnitOfWorkDep

router = APIRouter(include_in_schema=False)
Csrf = Annotated[str, Form(max_length=200)]
Text = Annotated[str, Form(max_length=200)]
ADMIN = ("admin",)
# what a page says after a write, by the code its redirect carries (never text from the URL)
NOTICES = {
    "verified": "The licence is marked verified today.",
    "status": "The licence's status is changed.",
    "plan-added": "The plan is added.",
    "plan-retired": "The plan is retired.",
    "invited": "The invitation is on its way.",
    "role": "The role is changed.",
}


def _query(request: Request) -> dict[str, str]:
    """The page's query string, empty fields left out (a search form sends them all)."""
    return {k: v.strip() for k, v in request.query_params.items() if v.strip()}


def _paging(request: Request, page: int, pages: int) -> dict[str, str | None]:
    """The query strings of the pages before and after this one, filters kept."""
    kept = _query(request)

    def at(number: int) -> str:
        return urlencode({**kept, "page": str(number)})

    return {
        "previous": at(page - 1) if page > 1 else None,
        "next": at(page + 1) if page < pages else None,
    }


def _int(value: str | None, field: str, default: int = 1) -> int:
    if value is None:
        return default
    if not value.isdigit() or not 1 <= int(value) <= 100_000:
        raise InvalidInput(field, "a whole number from 1")
    return int(value)


def _day(value: str | None, field: str) -> date | None:
    if value is None:
        return None
    try:
        return date.fromisoformat(value)
    except ValueError:
        raise InvalidInput(field, "a day as YYYY-MM-DD") from None


async def _admin_page(
    request: Request,
    uow: UnitOfWork,
    caller: Caller,
    template: str,
    read: Any,
    extra: dict[str, Any] | None = None,
) -> Response:
    """Resolve the admin, run `read(session, staff)`, render `template` with what it returns."""

    def work(session: Session) -> tuple[Staff, dict[str, Any]]:
        staff = require_staff(session, caller, ADMIN)
        return staff, read(session, staff)

    def show(found: tuple[Staff, dict[str, Any]]) -> Response:
        staff, context = found
        done = NOTICES.get(request.query_params.get("done", ""))
        notice = {"notice": done} if done else {}
        return render(
            request,
            f"admin/{template}",
            {"csrf_token": staff.csrf_token, **notice, **context, **(extra or {})},
        )

    return await staff_page(request, uow, work, show)


async def _admin_write(
    request: Request, uow: UnitOfWork, caller: Caller, csrf: str, act: Any, back: str
) -> Response:
    """Run `act(session, staff)` for the admin, then go back to `back` with its notice code."""

    def work(session: Session) -> str:
        staff = require_staff(session, caller, ADMIN, csrf=csrf)
        done: str = act(session, staff)
        return done

    return await staff_form(request, uow, work, lambda done: see_other(f"{back}?done={done}"))


@router.get("/admin", response_class=HTMLResponse)
async def admin_home(request: Request, uow: UnitOfWorkDep, caller: CallerDep) -> Response:
    """What the admin pages are for."""
    return await _admin_page(request, uow, caller, "home.html", lambda s, staff: {})


# --- licences -------------------------------------------------------------------------------


def _licence_search(request: Request) -> licences.LicenceSearch:
    q = _query(request)
    return licences.LicenceSearch(
        therapist=q.get("therapist", "")[:120],
        state=q.get("state", "")[:2].upper(),
        number=q.get("number", "")[:30],
        status=q.get("status", ""),
        listed=q.get("listed", ""),
        verified_before=_day(q.get("verified_before"), "verified_before"),
        page=_int(q.get("page"), "page"),
    )


@router.get("/admin/licences", response_class=HTMLResponse)
async def licences_page(request: Request, uow: UnitOfWorkDep, caller: CallerDep) -> Response:
    """Find licences by therapist, state, number, status and verification; verify them."""
    max_age = request.app.state.settings.licence_max_age_days

    def read(session: Session, staff: Staff) -> dict[str, Any]:
        search = _licence_search(request)  # after the caller is known: nobody gets 303 first
        found = licences.search_licences(session, search, staff.actor, caller.now, max_age)
        return {
            "found": found,
            "search": search,
            "statuses": licences.STATUSES,
            "paging": _paging(request, found.page, found.pages),
        }

    return await _admin_page(request, uow, caller, "licences.html", read)


@router.post("/admin/licences/{licence_id}/verify", response_class=HTMLResponse)
async def verify_licence(
    request: Request,
    uow: UnitOfWorkDep,
    caller: CallerDep,
    licence_id: Annotated[RecordId, Path()],
    csrf_token: Csrf,
) -> Response:
    """Mark a licence verified with its board now."""

    def act(session: Session, staff: Staff) -> str:
        licences.mark_verified(session, licence_id, staff.actor, caller.now)
        return "verified"

    response = await _admin_write(request, uow, caller, csrf_token, act, "/admin/licences")
    request.app.state.openings.mark_stale()  # listed states change at once in this process
    return response


@router.post("/admin/licences/{licence_id}/status", response_class=HTMLResponse)
async def licence_status(
    request: Request,
    uow: UnitOfWorkDep,
    caller: CallerDep,
    licence_id: Annotated[RecordId, Path()],
    csrf_token: Csrf,
    status: Text = "",
) -> Response:
    """Set a licence's status as its board reports it."""

    def act(session: Session, staff: Staff) -> str:
        licences.set_status(session, licence_id, status, staff.actor, caller.now)
        return "status"

    response = await _admin_write(request, uow, caller, csrf_token, act, "/admin/licences")
    request.app.state.openings.mark_stale()
    return response


# --- payers and plans -------------------------------------------------------------------------


@router.get("/admin/payers", response_class=HTMLResponse)
async def payers_page(request: Request, uow: UnitOfWorkDep, caller: CallerDep) -> Response:
    """Payers and their plans; add a plan, retire one."""

    def read(session: Session, staff: Staff) -> dict[str, Any]:
        return {"payers": payers.list_payers(session), "products": payers.products(session)}

    return await _admin_page(request, uow, caller, "payers.html", read)


@router.post("/admin/payers/plans", response_class=HTMLResponse)
async def add_plan(
    request: Request,
    uow: UnitOfWorkDep,
    caller: CallerDep,
    csrf_token: Csrf,
    payer: Text = "",
    code: Text = "",
    name: Text = "",
    product: Text = "",
    states: Annotated[str, Form(max_length=400)] = "",
) -> Response:
    """Add a plan to a payer."""
    new = payers.NewPlan(payer, code, name, product, states)

    def act(session: Session, staff: Staff) -> str:
        payers.add_plan(session, new, staff.actor, caller.now)
        return "plan-added"

    response = await _admin_write(request, uow, caller, csrf_token, act, "/admin/payers")
    request.app.state.plan_watch.mark_stale()  # offered from the next request in this process
    return response


@router.post("/admin/payers/plans/{plan_code}/retire", response_class=HTMLResponse)
async def retire_plan(
    request: Request,
    uow: UnitOfWorkDep,
    caller: CallerDep,
    plan_code: Annotated[str, Path(max_length=60, pattern=r"^[a-z0-9-]+$")],
    csrf_token: Csrf,
) -> Response:
    """Retire a plan: kept for the record, offered no more."""

    def act(session: Session, staff: Staff) -> str:
        payers.retire_plan(session, plan_code, staff.actor, caller.now)
        return "plan-retired"

    response = await _admin_write(request, uow, caller, csrf_token, act, "/admin/payers")
    request.app.state.plan_watch.mark_stale()
    return response


# --- users, roles, invitations ---------------------------------------------------------------


@router.get("/admin/users", response_class=HTMLResponse)
async def users_page(request: Request, uow: UnitOfWorkDep, caller: CallerDep) -> Response:
    """Accounts with their roles; invite staff; move staff between reviewer and admin."""
    q = _query(request)

    def read(session: Session, staff: Staff) -> dict[str, Any]:
        page = _int(q.get("page"), "page")
        found = people.list_users(
            session, q.get("role", ""), q.get("email", "")[:254], page, staff.actor, caller.now
        )
        return {
            "found": found,
            "q": q,
            "roles": people.CHANGEABLE,
            "me": staff.user_id,
            "paging": _paging(request, found.page, found.pages),
        }

    return await _admin_page(request, uow, caller, "users.html", read)


@router.post("/admin/users/invite", response_class=HTMLResponse)
async def invite_staff(
    request: Request,
    background: BackgroundTasks,
    uow: UnitOfWorkDep,
    caller: CallerDep,
    csrf_token: Csrf,
    email: Annotated[str, Form(max_length=254)] = "",
    role: Text = "",
    therapist_id: Text = "",
) -> Response:
    """Invite a therapist (naming their record), a clinical reviewer or an admin by email."""
    url = public_url(request)
    sent: list[Any] = []

    def act(session: Session, staff: Staff) -> str:
        address = email.strip()
        if "@" not in address or len(address) < 3:
            raise InvalidInput("email", "give the person's email address")
        if role not in ("therapist", "reviewer", "admin"):
            raise InvalidInput("role", "choose therapist, reviewer or admin")
        record = therapist_id.strip()
        if record and not record.isdigit():
            raise InvalidInput("therapist_id", "the therapist record's number")
        invitation = users.Invitation(address, role, int(record) if record else None)
        admin = session.get_one(User, staff.user_id)
        outgoing = users.invite(session, admin, invitation, url, caller.now)
        sent.append(queue(session, outgoing, caller.now))
        audit_service.record(session, staff.actor, "create", "invitation", None, "ok", caller.now)
        return "invited"

    response = await _admin_write(request, uow, caller, csrf_token, act, "/admin/users")
    if sent:
        send_later(request, background, sent[0])
        response.background = background
    return response


@router.post("/admin/users/{user_id}/role", response_class=HTMLResponse)
async def change_role(
    request: Request,
    uow: UnitOfWorkDep,
    caller: CallerDep,
    user_id: Annotated[RecordId, Path()],
    csrf_token: Csrf,
    role: Text = "",
) -> Response:
    """Move a staff member between reviewer and admin (never the last admin)."""

    def act(session: Session, staff: Staff) -> str:
        people.change_role(session, user_id, role, staff.actor, caller.now)
        return "role"

    return await _admin_write(request, uow, caller, csrf_token, act, "/admin/users")


# --- the audit log ---------------------------------------------------------------------------


def _audit_query(request: Request) -> AuditQuery:
    """The page's filters as the audit API takes them; a day or a local time reads as UTC."""
    q = _query(request)
    for field in ("since", "until"):
        value = q.get(field)
        if value is not None and "+" not in value and not value.endswith("Z"):
            q[field] = value + ("T00:00:00+00:00" if len(value) == 10 else "+00:00")
    try:
        return AuditQuery.model_validate(q)
    except ValidationError as error:
        first = error.errors()[0]
        field = str(first["loc"][0]) if first["loc"] else "query"
        raise InvalidInput(field, first["msg"]) from None


@router.get("/admin/audit", response_class=HTMLResponse)
async def audit_page(request: Request, uow: UnitOfWorkDep, caller: CallerDep) -> Response:
    """The audit trail, newest first, with filters and a CSV export of the same events."""

    def read(session: Session, staff: Staff) -> dict[str, Any]:
        query = _audit_query(request)
        filters = AuditFilter.model_validate(query.model_dump(exclude={"page", "per_page"}))
        export = urlencode(
            {
                k: v.isoformat() if isinstance(v, datetime) else v
                for k, v in filters.model_dump(exclude_none=True).items()
            }
        )
        page = audit_service.list_events(session, staff.actor, query, caller.now)
        pages = max(1, -(-page.total // page.per_page))
        return {
            "page": page,
            "q": _query(request),
            "export": export,
            "paging": _paging(request, page.page, pages),
        }

    return await _admin_page(request, uow, caller, "audit.html", read)


# --- network health --------------------------------------------------------------------------


@router.get("/admin/network", response_class=HTMLResponse)
async def network_page(request: Request, uow: UnitOfWorkDep, caller: CallerDep) -> Response:
    """Network health: ghost rate, how soon matches offered a first session, accepting share
    by state, new-client places left this week; charts with the same figures as tables."""
    horizon = request.app.state.settings.match_horizon_days

    def read(session: Session, staff: Staff) -> dict[str, Any]:
        return {"health": network_health(session, caller.now, horizon)}

    return await _admin_page(request, uow, caller, "network.html", read)
