"""The couples program's pages under /program: server-rendered, POST then redirect, no script.

Every page carries the private "I don't feel safe" control; what one partner sees never depends
on the other's safety answers beyond "joint steps are not available right now; individual
support is", in the same words whatever the reason.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, date, datetime, time
from typing import Annotated, Any
from zoneinfo import ZoneInfo

from fastapi import APIRouter, Form, Path, Request, Response
from fastapi.responses import HTMLResponse, RedirectResponse
from sqlalchemy.orm import Session

from confide.accounts.deps import Caller, CallerDep
from confide.accounts.principal import require_client
from confide.accounts.private_questions import read_answers
from confide.audit import Actor
from confide.errors import DomainError, InvalidInput, NotFound, Unauthorized
from confide.fields import Day, RecordId, WrittenText, parse_field
from confide.intake.pages import INTAKE_COOKIE, keep_key
from confide.models import Client
from confide.program import items, repair, service, therapy, views
from confide.program.errors import JOINT_STEPS_CLOSED
from confide.program.steps import BY_NUMBER, PROMPTS, ROLES, STEPS
from confide.screening.safety_questions import (
    DOMESTIC_VIOLENCE_HOTLINE,
    EMERGENCY,
    PARTNER_VIOLENCE_QUESTIONS,
)
from confide.web.errors import status_for
from confide.web.templating import templates
from confide.web.unit_of_work import UnitOfWorkDep

router = APIRouter(include_in_schema=False)
Csrf = Annotated[str, Form(max_length=200)]
Id = Annotated[RecordId, Path()]
StepNumber = Annotated[int, Path(ge=1, le=8)]
Text = Annotated[str, Form(max_length=4000)]
Choice = Annotated[str, Form(max_length=40)]
SIGN_IN = "/signin?next=/program"
PAGE = Callable[[Session, Client, datetime, Actor], dict[str, Any]]


@dataclass(frozen=True)
class Shown:
    template: str
    context: dict[str, Any]


def _render(request: Request, name: str, context: dict[str, Any], status: int = 200) -> Response:
    base = {
        "steps": STEPS,
        "roles": ROLES,
        "closed_note": JOINT_STEPS_CLOSED,
        "hotline": DOMESTIC_VIOLENCE_HOTLINE,
        "emergency": EMERGENCY,
    }
    return templates.TemplateResponse(
        request, f"program/{name}", {**base, **context}, status_code=status
    )


def _see(location: str) -> Response:
    return RedirectResponse(location, status_code=303)


def _message(error: DomainError) -> str:
    return f"{error.field}: {error.message}" if isinstance(error, InvalidInput) else error.message


async def _problem(request: Request, uow: Any, caller: Caller, error: DomainError) -> Response:
    """The refusal in words, on a page of its own (nothing was kept)."""

    def look(session: Session) -> str | None:
        principal = caller.viewer(session)
        return None if principal is None else principal.csrf_token

    csrf = await uow.read(look)
    context = {"message": _message(error), "csrf_token": csrf}
    return _render(request, "problem.html", context, status_for(error))


async def _show(request: Request, uow: Any, caller: Caller, name: str, act: PAGE) -> Response:
    def work(session: Session) -> dict[str, Any]:
        principal = caller.principal(session)
        client = require_client(session, principal, "profile")
        actor = caller.actor(client)
        assert principal is not None
        return {"csrf_token": principal.csrf_token, **act(session, client, caller.now, actor)}

    try:
        context = await uow.write(work)
    except Unauthorized:
        return _see(SIGN_IN)
    except DomainError as error:
        return await _problem(request, uow, caller, error)
    return _render(request, name, context)


Act = Callable[[Session, Client, datetime, Actor], "str | Shown | None"]


async def _post(
    request: Request, uow: Any, caller: Caller, csrf: str, back: str, act: Act
) -> Response:
    """Run `act` for the client (CSRF checked); then go `back` (or where `act` says), or show
    the page `act` gives."""

    def work(session: Session) -> tuple[str | Shown | None, str | None]:
        principal = caller.principal(session, csrf=csrf)
        client = require_client(session, principal, "profile")
        assert principal is not None
        return act(session, client, caller.now, caller.actor(client)), principal.csrf_token

    try:
        done, token = await uow.write(work)
    except Unauthorized:
        return _see(SIGN_IN)
    except DomainError as error:
        return await _problem(request, uow, caller, error)
    if isinstance(done, Shown):
        return _render(request, done.template, {"csrf_token": token, **done.context})
    return _see(done or back)


# --- the space ----------------------------------------------------------------------------


def _overview(session: Session, client: Client, now: datetime, actor: Actor) -> dict[str, Any]:
    space = views.space(session, client, now, actor)
    context: dict[str, Any] = {"space": space, "questions": PARTNER_VIOLENCE_QUESTIONS}
    if space.status in ("waiting", "active"):
        context["progress"] = {s.number: s for s in views.steps(session, client, now, actor)}
    context["has_partner"] = client.partner_id is not None
    return context


@router.get("/program", response_class=HTMLResponse)
async def overview(request: Request, uow: UnitOfWorkDep, caller: CallerDep) -> Response:
    """The program: start or join it, the safety questions, the eight steps."""
    return await _show(request, uow, caller, "overview.html", _overview)


def _role(role: str) -> str:
    if role not in ROLES:
        raise InvalidInput("role", "choose the role you take", allowed=list(ROLES))
    return role


@router.post("/program/start", response_class=HTMLResponse)
async def start(
    request: Request, uow: UnitOfWorkDep, caller: CallerDep, csrf_token: Csrf, role: Choice = ""
) -> Response:
    """Start the program with your linked partner."""

    def act(session: Session, client: Client, now: datetime, actor: Actor) -> None:
        service.start(session, client, _role(role), now, actor)

    return await _post(request, uow, caller, csrf_token, "/program", act)


@router.post("/program/join", response_class=HTMLResponse)
async def join(
    request: Request, uow: UnitOfWorkDep, caller: CallerDep, csrf_token: Csrf, role: Choice = ""
) -> Response:
    """Join the program your partner started."""

    def act(session: Session, client: Client, now: datetime, actor: Actor) -> None:
        service.join(session, client, _role(role), now, actor)

    return await _post(request, uow, caller, csrf_token, "/program", act)


@router.post("/program/leave", response_class=HTMLResponse)
async def leave(
    request: Request, uow: UnitOfWorkDep, caller: CallerDep, csrf_token: Csrf
) -> Response:
    """Leave the program (or decline to join): you keep what you wrote."""

    def act(session: Session, client: Client, now: datetime, actor: Actor) -> None:
        service.leave(session, client, now, actor)

    return await _post(request, uow, caller, csrf_token, "/program", act)


@router.post("/program/safety", response_class=HTMLResponse)
async def safety(request: Request, uow: UnitOfWorkDep, caller: CallerDep) -> Response:
    """Your private answers to the partner-violence questions."""
    form = await request.form(max_fields=20)
    csrf = form.get("csrf_token")
    answers, errors = read_answers([service.QUESTIONS], dict(form))
    if errors:
        code = sorted(errors)[0]
        return await _problem(request, uow, caller, InvalidInput(code, errors[code]))

    def act(session: Session, client: Client, now: datetime, actor: Actor) -> Shown | None:
        found = service.answer_safety(session, client, answers, now, actor)
        return Shown("support.html", {"support": found}) if found else None

    return await _post(request, uow, caller, csrf if isinstance(csrf, str) else "", "/program", act)


@router.post("/program/unsafe", response_class=HTMLResponse)
async def unsafe(
    request: Request, uow: UnitOfWorkDep, caller: CallerDep, csrf_token: Csrf
) -> Response:
    """ "I don't feel safe": joint steps close at once; help for you alone."""

    def act(session: Session, client: Client, now: datetime, actor: Actor) -> Shown:
        return Shown("support.html", {"support": service.not_safe(session, client, now, actor)})

    return await _post(request, uow, caller, csrf_token, "/program", act)


@router.post("/program/support", response_class=HTMLResponse)
async def individual_support(
    request: Request, uow: UnitOfWorkDep, caller: CallerDep, csrf_token: Csrf
) -> Response:
    """Into the intake for individual care, with what the program knows of you."""
    return await _intake(request, uow, caller, csrf_token, couples=False)


@router.post("/program/therapy", response_class=HTMLResponse)
async def couples_therapy(
    request: Request, uow: UnitOfWorkDep, caller: CallerDep, csrf_token: Csrf
) -> Response:
    """Step 7: into the intake for couples therapy, the couple's details filled in."""
    return await _intake(request, uow, caller, csrf_token, couples=True)


async def _intake(
    request: Request, uow: Any, caller: Caller, csrf: str, *, couples: bool
) -> Response:
    fresh: list[str | None] = [None]

    def act(session: Session, client: Client, now: datetime, actor: Actor) -> str:
        key = request.cookies.get(INTAKE_COOKIE)
        fresh[0] = therapy.begin_intake(session, client, key, couples=couples, now=now, actor=actor)
        return "/start"

    response = await _post(request, uow, caller, csrf, "/start", act)
    if response.status_code == 303 and response.headers.get("location") == "/start":
        keep_key(request, response, fresh[0])
    return response


# --- a step -------------------------------------------------------------------------------


def _step_page(step: int) -> PAGE:
    def act(session: Session, client: Client, now: datetime, actor: Actor) -> dict[str, Any]:
        space = views.space(session, client, now, actor)
        if space.status not in ("waiting", "active"):
            raise NotFound(service.NOT_IN_PROGRAM)
        listed = views.steps(session, client, now, actor)
        context: dict[str, Any] = {
            "space": space,
            "step": BY_NUMBER[step],
            "shown": listed[step - 1],
            "prompts": PROMPTS,
            "today": now.date(),
        }
        own = [views.item(i, client) for i in items.visible(session, client, now, actor)]
        context["items"] = [i for i in own if i.step == step]
        if not space.joint_steps_open:
            return context
        at = service.seat(session, client, now)
        if step == 3:
            found = repair.apologies(session, client, now, actor)
            context["apologies"] = [views.apology(a, client) for a in found]
        if step == 5:
            found_turns = [views.turn(t, client) for t in repair.turns(session, client, now, actor)]
            context["turns"] = found_turns
        if step == 6:
            rows = repair.commitments(session, client, now, actor)
            context["commitments"] = views.commitments(rows, client, at.partner_id)
        if step == 8:
            found_agreements = repair.agreements(session, client, now, actor)
            context["agreements"] = [views.agreement(a, client, now) for a in found_agreements]
        return context

    return act


@router.get("/program/steps/{step}", response_class=HTMLResponse)
async def step_page(
    request: Request, uow: UnitOfWorkDep, caller: CallerDep, step: StepNumber
) -> Response:
    """One step: its guidance, its exercise, and what each of you has done."""
    return await _show(request, uow, caller, "step.html", _step_page(step))


@router.post("/program/steps/{step}/done", response_class=HTMLResponse)
async def step_done(
    request: Request, uow: UnitOfWorkDep, caller: CallerDep, step: StepNumber, csrf_token: Csrf
) -> Response:
    """Mark this step done for yourself."""

    def act(session: Session, client: Client, now: datetime, actor: Actor) -> None:
        service.mark_done(session, client, step, now, actor)

    return await _post(request, uow, caller, csrf_token, f"/program/steps/{step}", act)


def _text(value: str, field: str) -> str:
    found: str = parse_field(WrittenText, value, field)
    return found


@router.post("/program/items", response_class=HTMLResponse)
async def write_item(
    request: Request,
    uow: UnitOfWorkDep,
    caller: CallerDep,
    csrf_token: Csrf,
    step: Annotated[int, Form(ge=1, le=8)],
    kind: Choice,
    body: Text = "",
    visibility: Choice = "private",
) -> Response:
    """Write at a step: private unless you choose to share it."""

    def act(session: Session, client: Client, now: datetime, actor: Actor) -> None:
        items.write(
            session,
            client,
            step=step,
            kind=kind,
            body=_text(body, "body"),
            visibility=visibility,
            now=now,
            actor=actor,
        )

    return await _post(request, uow, caller, csrf_token, f"/program/steps/{step}", act)


@router.get("/program/items/{item_id}", response_class=HTMLResponse)
async def item_page(
    request: Request, uow: UnitOfWorkDep, caller: CallerDep, item_id: Id
) -> Response:
    """One item: yours, or one your partner shared with you."""

    def act(session: Session, client: Client, now: datetime, actor: Actor) -> dict[str, Any]:
        return {"item": views.item(items.read(session, client, item_id, now, actor), client)}

    return await _show(request, uow, caller, "item.html", act)


@router.post("/program/items/{item_id}", response_class=HTMLResponse)
async def change_item(
    request: Request,
    uow: UnitOfWorkDep,
    caller: CallerDep,
    item_id: Id,
    csrf_token: Csrf,
    visibility: Choice,
) -> Response:
    """Share your item, or make it private again."""

    def act(session: Session, client: Client, now: datetime, actor: Actor) -> str:
        found = items.change(
            session, client, item_id, body=None, visibility=visibility, now=now, actor=actor
        )
        return f"/program/steps/{found.step}"

    return await _post(request, uow, caller, csrf_token, "/program", act)


@router.post("/program/apologies", response_class=HTMLResponse)
async def write_apology(
    request: Request,
    uow: UnitOfWorkDep,
    caller: CallerDep,
    csrf_token: Csrf,
    harm: Text = "",
    responsibility: Text = "",
    new_actions: Text = "",
    signs: Text = "",
) -> Response:
    """Write a four-part apology (a draft until you offer it)."""

    def act(session: Session, client: Client, now: datetime, actor: Actor) -> None:
        parts = {
            "harm": _text(harm, "harm"),
            "responsibility": _text(responsibility, "responsibility"),
            "new_actions": _text(new_actions, "new_actions"),
            "signs": _text(signs, "signs"),
        }
        repair.write_apology(session, client, parts, now, actor)

    return await _post(request, uow, caller, csrf_token, "/program/steps/3", act)


@router.post("/program/apologies/{apology_id}/status", response_class=HTMLResponse)
async def move_apology(
    request: Request,
    uow: UnitOfWorkDep,
    caller: CallerDep,
    apology_id: Id,
    csrf_token: Csrf,
    status: Choice,
) -> Response:
    """Offer your apology, or accept, decline or defer one offered to you."""
    if status not in ("offered", "accepted", "declined", "deferred"):
        allowed = ["offered", "accepted", "declined", "deferred"]
        error = InvalidInput("status", f"{status!r} is not an answer", allowed=allowed)
        return await _problem(request, uow, caller, error)

    def act(session: Session, client: Client, now: datetime, actor: Actor) -> None:
        repair.move_apology(session, client, apology_id, status, now, actor)

    return await _post(request, uow, caller, csrf_token, "/program/steps/3", act)


@router.post("/program/commitments", response_class=HTMLResponse)
async def promise(
    request: Request,
    uow: UnitOfWorkDep,
    caller: CallerDep,
    csrf_token: Csrf,
    promise: Text = "",
    due_on: Annotated[str, Form(max_length=40)] = "",
) -> Response:
    """Make a promise, due by the end of the day you choose (your time)."""

    def act(session: Session, client: Client, now: datetime, actor: Actor) -> None:
        day: date = parse_field(Day, due_on, "due_on")
        due = datetime.combine(day, time(23, 59), ZoneInfo(client.timezone)).astimezone(UTC)
        repair.promise(session, client, _text(promise, "promise"), due, now, actor)

    return await _post(request, uow, caller, csrf_token, "/program/steps/6", act)


@router.post("/program/commitments/{commitment_id}/status", response_class=HTMLResponse)
async def mark_commitment(
    request: Request,
    uow: UnitOfWorkDep,
    caller: CallerDep,
    commitment_id: Id,
    csrf_token: Csrf,
    status: Choice,
) -> Response:
    """Mark your partner's promise kept or missed."""
    if status not in ("kept", "missed"):
        error = InvalidInput("status", f"{status!r} is not a mark", allowed=["kept", "missed"])
        return await _problem(request, uow, caller, error)

    def act(session: Session, client: Client, now: datetime, actor: Actor) -> None:
        repair.mark(session, client, commitment_id, status, now, actor)

    return await _post(request, uow, caller, csrf_token, "/program/steps/6", act)


@router.post("/program/agreements", response_class=HTMLResponse)
async def propose(
    request: Request,
    uow: UnitOfWorkDep,
    caller: CallerDep,
    csrf_token: Csrf,
    need: Text = "",
    review_on: Annotated[str, Form(max_length=40)] = "",
    revises: Annotated[str, Form(max_length=20)] = "",
) -> Response:
    """Propose what would help (the partner who was hurt), with a date to review it."""

    def act(session: Session, client: Client, now: datetime, actor: Actor) -> None:
        day: date = parse_field(Day, review_on, "review_on")
        earlier = parse_field(RecordId, revises, "revises") if revises else None
        repair.propose(session, client, _text(need, "need"), day, earlier, now, actor)

    return await _post(request, uow, caller, csrf_token, "/program/steps/8", act)


@router.post("/program/agreements/{agreement_id}/status", response_class=HTMLResponse)
async def move_agreement(
    request: Request,
    uow: UnitOfWorkDep,
    caller: CallerDep,
    agreement_id: Id,
    csrf_token: Csrf,
    status: Choice,
) -> Response:
    """Accept or decline a proposal, withdraw your own, or end one in force."""
    allowed = ["accepted", "declined", "withdrawn", "ended"]
    if status not in allowed:
        error = InvalidInput("status", f"{status!r} is not an answer", allowed=allowed)
        return await _problem(request, uow, caller, error)

    def act(session: Session, client: Client, now: datetime, actor: Actor) -> None:
        repair.move_agreement(session, client, agreement_id, status, now, actor)

    return await _post(request, uow, caller, csrf_token, "/program/steps/8", act)


@router.post("/program/turns", response_class=HTMLResponse)
async def take_turn(
    request: Request,
    uow: UnitOfWorkDep,
    caller: CallerDep,
    csrf_token: Csrf,
    kind: Choice,
    body: Text = "",
    answers: Annotated[str, Form(max_length=20)] = "",
    prompt: Annotated[str, Form(max_length=200)] = "",
) -> Response:
    """Speak, reflect back what you heard, or reply once you have."""

    def act(session: Session, client: Client, now: datetime, actor: Actor) -> None:
        if kind not in ("speak", "reflect", "reply"):
            raise InvalidInput("kind", "choose a turn", allowed=["speak", "reflect", "reply"])
        if prompt and prompt not in PROMPTS:
            raise InvalidInput("prompt", "choose one of the questions shown")
        spoken = parse_field(RecordId, answers, "answers") if answers else None
        repair.take_turn(
            session,
            client,
            kind=kind,
            body=_text(body, "body"),
            answers=spoken,
            prompt=prompt or None,
            now=now,
            actor=actor,
        )

    return await _post(request, uow, caller, csrf_token, "/program/steps/5", act)
