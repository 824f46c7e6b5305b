"""The check-in pages: /program/check-in, /program/progress, /program/sharing, and the
therapist's view of a couple who share with them, /portal/couples/{space_id}.

Server-rendered, POST then redirect, no script needed. A short check at its cut-off brings back
the same page with the full form's other questions added (nothing is kept until the check-in
is complete); a risk of self-harm shows crisis help first on the page that follows.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Annotated, Any, TypeVar

from fastapi import APIRouter, Form, Path, Request, Response
from fastapi.responses import HTMLResponse
from sqlalchemy.orm import Session

from confide.accounts.deps import Caller, CallerDep
from confide.accounts.forms import see_other
from confide.accounts.principal import require_client
from confide.audit import Actor
from confide.errors import DomainError, Forbidden, InvalidInput, NotFound, Unauthorized
from confide.fields import RecordId
from confide.models import Client
from confide.program import checkin_charts, checkins, therapist_sharing
from confide.program import checkin_scoring as scoring
from confide.program.checkin_schemas import INTAKE
from confide.screening.instruments import INSTRUMENTS
from confide.web.errors import status_for
from confide.web.templating import templates
from confide.web.unit_of_work import UnitOfWorkDep

router = APIRouter(include_in_schema=False)
Csrf = Annotated[str, Form(max_length=200)]
SCOPE = "profile"
T = TypeVar("T")

ANSWER_THIS = "Please choose one answer."
NOT_AN_OPTION = "Choose one of the answers shown."


def _page(request: Request, name: str, context: dict[str, Any], status: int = 200) -> Response:
    return templates.TemplateResponse(
        request, f"program/{name}", {"intake": INTAKE, **context}, status_code=status
    )


async def _run(
    request: Request,
    uow: UnitOfWorkDep,
    here: str,
    work: Callable[[Session], T],
) -> T | Response:
    """The work in a writing unit of work (its reads are audited); nobody signed in goes to
    sign in, anyone else refused sees why."""
    try:
        return await uow.write(work)
    except Unauthorized:
        return see_other(f"/signin?next={here}")
    except (Forbidden, NotFound) as error:
        return _page(
            request,
            "checkin_problem.html",
            {"problem": error.message},
            403 if isinstance(error, Forbidden) else 404,
        )


# --- the check-in ---------------------------------------------------------------------------


def _form_items(forms: Mapping[str, str]) -> dict[str, dict[str, Any]]:
    """Each screening's title, prompt and items as (text, [(value, label)]) for the page."""
    return {
        kind: {
            "title": INSTRUMENTS[code].title,
            "prompt": INSTRUMENTS[code].prompt,
            "items": [
                (item.text, [(o.value, o.label) for o in item.options])
                for item in INSTRUMENTS[code].items
            ],
        }
        for kind, code in forms.items()
    }


def _show_check_in(
    request: Request,
    caller: Caller,
    found: tuple[str, checkins.CheckInStatus],
    *,
    forms: Mapping[str, str] | None = None,
    chosen: Mapping[str, int] | None = None,
    errors: Mapping[str, str] | None = None,
    more: bool = False,
    status: int = 200,
) -> Response:
    csrf, state = found
    asked = dict(forms or state.forms)
    return _page(
        request,
        "checkin.html",
        {
            "csrf_token": csrf,
            "state": state,
            "signs": scoring.SIGNS,
            "scale": scoring.SIGN_SCALE,
            "asked": asked,
            "instruments": _form_items(asked),
            "chosen": chosen or {},
            "errors": errors or {},
            "more": more,
        },
        status,
    )


def _viewing(caller: Caller, session: Session) -> tuple[str, Client]:
    """The client to show a page to, and their form token: also after a refused or unfinished
    form, so without a CSRF check (showing changes nothing)."""
    principal = caller.viewer(session)
    client = require_client(session, principal, SCOPE)
    return (principal.csrf_token if principal else None) or "", client


def _status(caller: Caller) -> Callable[[Session], tuple[str, checkins.CheckInStatus]]:
    def work(session: Session) -> tuple[str, checkins.CheckInStatus]:
        csrf, client = _viewing(caller, session)
        state = checkins.status(session, client.id, actor=caller.actor(client), now=caller.now)
        return csrf, state

    return work


@router.get("/program/check-in", response_class=HTMLResponse)
async def check_in_page(request: Request, uow: UnitOfWorkDep, caller: CallerDep) -> Response:
    """This week's check-in, or what it said once taken."""
    found = await _run(request, uow, "/program/check-in", _status(caller))
    if isinstance(found, Response):
        return found
    return _show_check_in(request, caller, found)


def _parse(
    form: Mapping[str, str], asked: Mapping[str, str]
) -> tuple[dict[str, int], dict[str, list[int]], dict[str, int], dict[str, str]]:
    """Signs, screening answers by kind, every choice made (to show again) and errors."""
    chosen: dict[str, int] = {}
    errors: dict[str, str] = {}

    def take(field: str, allowed: range) -> int | None:
        raw = form.get(field, "").strip()
        if raw == "":
            errors[field] = ANSWER_THIS
            return None
        # only the options' own ASCII digits: "²" and "٣" are digits to str.isdigit
        value = {str(v): v for v in allowed}.get(raw)
        if value is None:
            errors[field] = NOT_AN_OPTION
            return None
        chosen[field] = value
        return value

    signs = {}
    for sign in scoring.SIGNS:
        value = take(f"sign_{sign.code}", range(scoring.SIGN_MAX + 1))
        if value is not None:
            signs[sign.code] = value
    answers: dict[str, list[int]] = {}
    for kind, code in asked.items():
        given = []
        for n in range(1, len(INSTRUMENTS[code].items) + 1):
            value = take(f"{kind}_{n}", range(4))
            if value is not None:
                given.append(value)
        answers[kind] = given
    return signs, answers, chosen, errors


def _asked(form: Mapping[str, str]) -> dict[str, str]:
    """Which form of each screening the page showed (its hidden field), within what exists."""
    asked = {}
    for kind, (short, full) in scoring.SCREENINGS.items():
        asked[kind] = full if form.get(f"{kind}_form") == full else short
    return asked


@router.post("/program/check-in", response_class=HTMLResponse)
async def take_check_in(request: Request, uow: UnitOfWorkDep, caller: CallerDep) -> Response:
    """Keep this week's check-in; a short check at its cut-off asks the rest first."""
    raw = await request.form()
    form = {k: v for k, v in raw.items() if isinstance(v, str)}
    csrf = form.get("csrf_token", "")[:200]
    asked = _asked(form)
    signs, answers, chosen, errors = _parse(form, asked)
    more = scoring.more_to_ask(answers["mood"], answers["worry"]) if not errors else ()
    if errors or more:
        found = await _run(request, uow, "/program/check-in", _status(caller))
        if isinstance(found, Response):
            return found
        for kind, (_short, full) in scoring.SCREENINGS.items():
            if full in more:
                asked[kind] = full
        return _show_check_in(
            request,
            caller,
            found,
            forms=asked,
            chosen=chosen,
            errors=errors,
            more=bool(more),
            status=422 if errors else 200,
        )
    entered = checkins.CheckInAnswers(signs, answers["mood"], answers["worry"])

    def work(session: Session) -> checkins.TakenCheckIn:
        client = caller.client(session, SCOPE, csrf=csrf)
        return checkins.submit(
            session, client.id, entered, actor=caller.actor(client), now=caller.now
        )

    try:
        done = await _run(request, uow, "/program/check-in", work)
    except checkins.CheckInTaken:
        return see_other("/program/check-in")
    except InvalidInput as error:
        found = await _run(request, uow, "/program/check-in", _status(caller))
        if isinstance(found, Response):
            return found
        return _show_check_in(
            request, caller, found, chosen=chosen, errors={error.field: error.message}, status=422
        )
    if isinstance(done, Response):
        return done
    return see_other("/program/check-in")


# --- progress -------------------------------------------------------------------------------


@router.get("/program/progress", response_class=HTMLResponse)
async def progress_page(request: Request, uow: UnitOfWorkDep, caller: CallerDep) -> Response:
    """Your trends with reliable changes and a summary, and your partner's if they share."""

    def work(session: Session) -> checkins.ProgressView:
        client = caller.client(session, SCOPE)
        return checkins.progress(session, client.id, actor=caller.actor(client), now=caller.now)

    view = await _run(request, uow, "/program/progress", work)
    if isinstance(view, Response):
        return view
    partner = view.partner
    return _page(
        request,
        "progress.html",
        {
            "view": view,
            "mine": checkin_charts.figures(view.mine, "mine", "Your"),
            "partner": checkin_charts.figures(partner, "partner", "Your partner's")
            if partner is not None
            else None,
        },
    )


# --- sharing --------------------------------------------------------------------------------


def _show_sharing(
    request: Request,
    found: tuple[str, therapist_sharing.SharingChoices],
    problem: str | None = None,
    status: int = 200,
) -> Response:
    csrf, choices = found
    return _page(
        request,
        "sharing.html",
        {"csrf_token": csrf, "choices": choices, "problem": problem},
        status,
    )


def _choices(caller: Caller) -> Callable[[Session], tuple[str, therapist_sharing.SharingChoices]]:
    def work(session: Session) -> tuple[str, therapist_sharing.SharingChoices]:
        csrf, client = _viewing(caller, session)
        found = therapist_sharing.choices(
            session, client.id, actor=caller.actor(client), now=caller.now
        )
        return csrf, found

    return work


@router.get("/program/sharing", response_class=HTMLResponse)
async def sharing_page(request: Request, uow: UnitOfWorkDep, caller: CallerDep) -> Response:
    """Who sees your check-ins: your partner (your choice alone), your therapist (both)."""
    found = await _run(request, uow, "/program/sharing", _choices(caller))
    if isinstance(found, Response):
        return found
    return _show_sharing(request, found)


@router.post("/program/sharing", response_class=HTMLResponse)
async def change_sharing(
    request: Request,
    uow: UnitOfWorkDep,
    caller: CallerDep,
    csrf_token: Csrf,
    to: Annotated[str, Form(max_length=20)],
    share: Annotated[str, Form(max_length=5)],
) -> Response:
    """Turn sharing with your partner or consent for your therapist on or off, at once."""
    if to not in ("therapist", "partner") or share not in ("yes", "no"):
        field = "to" if to not in ("therapist", "partner") else "share"
        found = await _run(request, uow, "/program/sharing", _choices(caller))
        if isinstance(found, Response):
            return found
        return _show_sharing(request, found, f"{field}: not one of the choices offered", 422)

    def work(session: Session) -> therapist_sharing.SharingChoices:
        client = caller.client(session, SCOPE, csrf=csrf_token)
        return therapist_sharing.choose(
            session, client.id, to, share == "yes", actor=caller.actor(client), now=caller.now
        )

    try:
        done = await _run(request, uow, "/program/sharing", work)
    except DomainError as error:
        found = await _run(request, uow, "/program/sharing", _choices(caller))
        if isinstance(found, Response):
            return found
        return _show_sharing(request, found, error.message, status_for(error))
    if isinstance(done, Response):
        return done
    return see_other("/program/sharing")


# --- the couple's therapist -------------------------------------------------------------------


@router.get("/portal/couples/{space_id}", response_class=HTMLResponse)
async def couple_page(
    request: Request,
    uow: UnitOfWorkDep,
    caller: CallerDep,
    space_id: Annotated[RecordId, Path()],
) -> Response:
    """A couple's check-in trends and shared items, for their therapist while both consent."""

    def work(session: Session) -> therapist_sharing.CoupleView:
        principal = caller.signed_in(session)
        if principal.role != "therapist" or principal.therapist_id is None:
            raise Forbidden("this page is for therapists")
        actor = Actor(user_id=principal.user_id, role="therapist", address=caller.address)
        return therapist_sharing.couple_view(
            session, principal.therapist_id, space_id, actor=actor, now=caller.now
        )

    view = await _run(request, uow, f"/portal/couples/{space_id}", work)
    if isinstance(view, Response):
        return view
    return _page(
        request,
        "couple.html",
        {
            "view": view,
            "partners": [
                (p, checkin_charts.figures(p.progress, f"partner{n}", f"{p.name}'s"))
                for n, p in enumerate(view.partners, start=1)
            ],
        },
    )
