"""The intake pages, /start to /start/results, and a therapist's profile page.

Every answer is POSTed and kept server-side in the browser's encrypted draft (service.py); each
POST answers with a 303 to the next page's path, which carries no answer. Each form carries the
double-submit CSRF token that forms before sign-in use (accounts/forms.py).
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from datetime import UTC, datetime
from typing import Annotated, Any, Literal
from urllib.parse import urlencode
from zoneinfo import ZoneInfo

from fastapi import APIRouter, Path, Request, Response
from fastapi.responses import HTMLResponse
from pydantic import BaseModel, ValidationError
from sqlalchemy import select
from sqlalchemy.orm import Session

from confide.accounts.deps import Caller, CallerDep
from confide.accounts.forms import (
    AnonymousCsrf,
    csrf_refusal,
    secure_cookie,
    see_other,
)
from confide.errors import DomainError
from confide.fields import RecordId
from confide.intake import questions, service, steps
from confide.intake.schemas import (
    PARTS_OF_DAY,
    WEEKDAYS,
    AdjustForm,
    ConcernsForm,
    IntakeAnswers,
    PaymentForm,
    PreferencesForm,
    TimesForm,
    WhereForm,
    form_errors,
    plans_in,
)
from confide.matching.live import LiveMatching, LiveMatchingDep
from confide.matching.schemas import MatchIntake, MatchResponse, MatchResult
from confide.models import Therapist, User
from confide.network import service as network
from confide.network.supply_rules import listed_states
from confide.scheduling import bookable
from confide.vocab import get_vocabulary
from confide.web.templating import templates
from confide.web.unit_of_work import UnitOfWork, UnitOfWorkDep

router = APIRouter(include_in_schema=False)
INTAKE_COOKIE = "confide_intake"
StepName = Literal["concerns", "feeling", "payment", "preferences", "times"]
FEW = 3  # fewer results than this: say what to relax
MAX_FORM_FIELDS = 200


# --- plumbing -------------------------------------------------------------------------------


def _render(request: Request, name: str, context: dict[str, Any], status: int = 200) -> Response:
    csrf = AnonymousCsrf(request)
    response = templates.TemplateResponse(
        request,
        f"intake/{name}",
        {"csrf_token": csrf.token, "vocab": get_vocabulary(), "steps": steps, **context},
        status_code=status,
    )
    return csrf.keep(request, response)


def _key(request: Request) -> str | None:
    return request.cookies.get(INTAKE_COOKIE)


def keep_key(request: Request, response: Response, key: str | None) -> Response:
    if key is not None:
        # no max-age: the browser forgets it when its session ends; the server after a week
        response.set_cookie(
            INTAKE_COOKIE,
            key,
            httponly=True,
            samesite="lax",
            secure=secure_cookie(request),
            path="/",
        )
    return response


async def _form(request: Request) -> dict[str, list[str]]:
    found: dict[str, list[str]] = {}
    form = await request.form(max_fields=MAX_FORM_FIELDS)
    for name, value in form.multi_items():
        if isinstance(value, str):
            found.setdefault(name, []).append(value[:4000])
    return found


def _one(form: Mapping[str, Sequence[str]], name: str, default: str = "") -> str:
    values = form.get(name)
    return values[-1] if values else default


def _user(session: Session, caller: Caller) -> User | None:
    principal = caller.viewer(session)
    return session.get(User, principal.user_id) if principal else None


async def _load(uow: UnitOfWork, request: Request, caller: Caller, now: datetime) -> IntakeAnswers:
    key = _key(request)

    def work(session: Session) -> IntakeAnswers:
        user = _user(session, caller)
        return service.load_answers(session, key, user.id if user else None, now)

    # signed in, reading the session moves its last activity on: a write
    if caller.credentials.cookie:
        return await uow.write(work)
    return await uow.read(work)


async def _save(
    uow: UnitOfWork,
    request: Request,
    caller: Caller,
    now: datetime,
    change: Callable[[IntakeAnswers], dict[str, str]],
    refused: Callable[[Session, IntakeAnswers], Any] | None = None,
) -> tuple[IntakeAnswers, dict[str, Any], str | None]:
    """Load, change (returns errors: then nothing is kept) and keep the answers, in one write;
    on errors, `refused` reads what the page shows again (under "_shown")."""
    key = _key(request)

    def work(session: Session) -> tuple[IntakeAnswers, dict[str, Any], str | None]:
        user = _user(session, caller)
        answers = service.load_answers(session, key, user.id if user else None, now)
        before = answers.model_copy(deep=True)
        errors: dict[str, Any] = dict(change(answers))
        if errors:
            if refused is not None and before.state is not None:
                errors["_shown"] = refused(session, before)
            return before, errors, None
        return answers, {}, service.save_answers(session, key, answers, now, user)

    answers, errors, fresh = await uow.write(work)
    return answers, errors, fresh


def _validate(model: type[BaseModel], data: dict[str, Any]) -> tuple[Any, dict[str, str]]:
    try:
        return model.model_validate(data), {}
    except ValidationError as error:
        return None, form_errors(error)


def _step_context(name: str, answers: IntakeAnswers) -> dict[str, Any]:
    return {
        "step": steps.BY_NAME[name],
        "number": steps.number(name),
        "total": len(steps.STEPS),
        "previous": steps.previous_step(name),
        "answers": answers,
        "help": answers.pending_help,
        "errors": {},
        "form": {},
        "retired_plan": service.retired_plan(answers),
    }


def told_in_intake(session: Session, request: Request) -> dict[str, str]:
    """For the account forms (a known-person hook): the state and time zone this browser gave
    the intake, and nothing else of it."""
    answers = service.load_answers(session, _key(request), None, datetime.now(UTC))
    told = {"state": answers.state, "timezone": answers.timezone}
    return {name: value for name, value in told.items() if value}


def claim_on_sign_in(session: Session, request: Request, user: User, now: datetime) -> None:
    """The sign-in form's hook: this browser's intake becomes the account's."""
    service.claim_draft(session, _key(request), user, now)


# --- start: where you are and who is coming -----------------------------------------------------


@router.get("/start", response_class=HTMLResponse)
async def where_form(request: Request, uow: UnitOfWorkDep, caller: CallerDep) -> Response:
    """Step 1: the person's state, and whether a partner is coming."""
    answers = await _load(uow, request, caller, datetime.now(UTC))
    return _render(request, "where.html", _step_context("where", answers))


@router.post("/start", response_class=HTMLResponse)
async def where_submit(request: Request, uow: UnitOfWorkDep, caller: CallerDep) -> Response:
    """Keep step 1 and go on."""
    form = await _form(request)
    if (refused := csrf_refusal(request, _one(form, "csrf_token"))) is not None:
        return refused
    data: dict[str, Any] = {
        k: _one(form, k) for k in ("state", "format", "partner_state") if k in form
    }

    def change(answers: IntakeAnswers) -> dict[str, str]:
        if answers.partner_violence:
            data["format"] = "individual"  # the couples choice is gone, quietly
        parsed, errors = _validate(WhereForm, data)
        if errors:
            return errors
        answers.pending_help = []
        answers.state, answers.format = parsed.state, parsed.format
        detected = _one(form, "timezone")  # the browser's own zone, set by the page's script
        if answers.timezone is None and _validate(TimesForm, {"timezone": detected})[0]:
            answers.timezone = detected
        answers.partner_state = parsed.partner_state if parsed.format == "couples" else None
        if answers.plan and not service.plan_sold(answers.plan, answers.state):
            answers.plan = None
        _visit(answers, "where")
        return {}

    answers, errors, fresh = await _save(uow, request, caller, datetime.now(UTC), change)
    if errors:
        context = {**_step_context("where", answers), "errors": errors, "form": data}
        return _render(request, "where.html", context, 422)
    return keep_key(request, see_other(steps.next_step("where").path), fresh)


def _visit(answers: IntakeAnswers, name: str) -> None:
    if name not in answers.visited:
        answers.visited.append(name)


# --- the middle steps ---------------------------------------------------------------------------


def _feeling_context(answers: IntakeAnswers, errors: dict[str, str]) -> dict[str, Any]:
    page = service.feeling_page(answers)
    # the private answers are never shown again: on a shared device, the next person to open
    # this page must not see them (what they disclosed stays disclosed in the draft)
    chosen = _chosen_screening(answers)
    return {
        "page": page,
        "chosen": chosen,
        "positive_at": {b.code: _positive_at(b.code) for b in page.blocks if b.expansion},
        "errors": errors,
    }


def _chosen_screening(answers: IntakeAnswers) -> dict[str, int]:
    found: dict[str, int] = {}
    for code, given in answers.screening.items():
        for item, value in zip(questions.INSTRUMENTS[code].items, given, strict=False):
            found[item.code] = value
    # PHQ-9 and GAD-7 begin with the two-question checks' items: show those answers there too
    for short, full in steps.EXPANDS.items():
        if full in answers.screening:
            extra = questions.INSTRUMENTS[full].items[len(questions.INSTRUMENTS[short].items) :]
            rest = answers.screening[full][len(questions.INSTRUMENTS[short].items) :]
            found.update({i.code: v for i, v in zip(extra, rest, strict=False)})
    return found


def _positive_at(code: str) -> int:
    """The smallest total at which a short check is positive (for the page's script)."""
    instrument = questions.INSTRUMENTS[code]
    top = int(max(o.value for o in instrument.items[0].options))
    n = len(instrument.items)
    for total in range(n * top + 1):
        given = [min(top, max(0, total - top * i)) for i in range(n)]
        if questions.score(code, given).positive:
            return total
    return n * top + 1


def _middle_context(name: str, answers: IntakeAnswers) -> dict[str, Any]:
    context = _step_context(name, answers)
    if name == "feeling":
        context.update(_feeling_context(answers, {}))
    elif name == "payment":
        context["plans"] = plans_in(answers.state)
        context["couples"] = answers.care_format == "couples"
    elif name == "times":
        context.update(_times_context(answers))
    return context


def _times_context(answers: IntakeAnswers) -> dict[str, Any]:
    vocab = get_vocabulary()
    default = vocab.states[answers.state].time_zones[0] if answers.state else "America/New_York"
    zone = answers.timezone or default
    zones = list(dict.fromkeys([zone, *(z for s in vocab.states.values() for z in s.time_zones)]))
    ticked = {
        f"{w['weekday']}-{part}"
        for w in answers.availability
        for part, (start, end, _) in PARTS_OF_DAY.items()
        if (w["start"], w["end"]) == (start, end)
    }
    return {
        "zone": zone,
        "zones": sorted(zones),
        "weekdays": WEEKDAYS,
        "parts": PARTS_OF_DAY,
        "ticked": ticked,
    }


async def step_form(
    request: Request, uow: UnitOfWorkDep, caller: CallerDep, step: StepName
) -> Response:
    """Steps 2 to 6: what brings you, feelings, payment, preferences, times."""
    answers = await _load(uow, request, caller, datetime.now(UTC))
    if answers.state is None:
        return see_other("/start")
    return _render(request, f"{step}.html", _middle_context(step, answers))


async def step_submit(
    request: Request, uow: UnitOfWorkDep, caller: CallerDep, step: StepName
) -> Response:
    """Keep a step's answers (or skip it), then go on, or back."""
    form = await _form(request)
    if (refused := csrf_refusal(request, _one(form, "csrf_token"))) is not None:
        return refused
    action = _one(form, "action", "continue")
    now = datetime.now(UTC)

    def change(answers: IntakeAnswers) -> dict[str, str]:
        if answers.state is None:
            return {}
        if action == "skip":
            answers.pending_help = []
            if step == "feeling":
                answers.more_to_ask = []
            _visit(answers, step)
            return {}
        errors = STEP_CHANGES[step](answers, form)
        if errors and action == "back":
            return {"_back": ""}  # going back: keep what was kept, drop this page's slip
        if not errors:
            _visit(answers, step)
        return errors

    answers, errors, fresh = await _save(uow, request, caller, now, change)
    if answers.state is None:
        return see_other("/start")
    if action == "back" and (not errors or "_back" in errors):
        previous = steps.previous_step(step)
        return keep_key(request, see_other(previous.path if previous else "/start"), fresh)
    if errors:
        context = _middle_context(step, answers)
        if step == "feeling":
            context.update(_feeling_context(answers, errors))
            context["chosen"] = {
                k: int(v) for k in form if (v := _one(form, k)).isascii() and v.isdigit()
            }
        context.update({"errors": errors, "form": form})
        return _render(request, f"{step}.html", context, 422)
    if step == "feeling" and answers.more_to_ask:
        return keep_key(request, see_other("/start/feeling"), fresh)
    return keep_key(request, see_other(steps.next_step(step).path), fresh)


def _concerns(answers: IntakeAnswers, form: Mapping[str, Sequence[str]]) -> dict[str, str]:
    data = {"concerns": list(form.get("concerns", [])), "concern_text": _one(form, "concern_text")}
    parsed, errors = _validate(ConcernsForm, data)
    if errors:
        return errors
    answers.pending_help = []
    service.apply_concerns(answers, parsed.concerns, parsed.concern_text)
    return {}


def _feeling(answers: IntakeAnswers, form: Mapping[str, Sequence[str]]) -> dict[str, str]:
    pending = list(answers.pending_help)
    answers.pending_help = []
    errors = service.apply_feeling(answers, form)
    if errors:
        answers.pending_help = pending
    return errors


def _payment(answers: IntakeAnswers, form: Mapping[str, Sequence[str]]) -> dict[str, str]:
    data = {"plan": _one(form, "plan"), "max_rate": _one(form, "max_rate").strip().lstrip("$")}
    parsed, errors = _validate(PaymentForm, data)
    if errors:
        return errors
    if parsed.plan and not service.plan_sold(parsed.plan, answers.state):
        return {"plan": "That plan is not sold in your state; choose another, or self-pay."}
    answers.pending_help = []
    answers.plan, answers.max_rate = parsed.plan, parsed.max_rate
    return {}


def _preferences(answers: IntakeAnswers, form: Mapping[str, Sequence[str]]) -> dict[str, str]:
    data: dict[str, Any] = {
        "therapist_gender": _one(form, "therapist_gender"),
        "faith": _one(form, "faith"),
        **{k: list(form.get(k, [])) for k in ("languages", "modalities", "identities")},
        "required": list(dict.fromkeys(form.get("required", []))),
    }
    parsed, errors = _validate(PreferencesForm, data)
    if errors:
        return errors
    answers.pending_help = []
    for name in ("therapist_gender", "faith", "languages", "modalities", "identities"):
        setattr(answers, name, getattr(parsed, name))
    answers.required = list(parsed.required)
    return {}


def _times(answers: IntakeAnswers, form: Mapping[str, Sequence[str]]) -> dict[str, str]:
    data = {"timezone": _one(form, "timezone"), "times": list(form.get("times", []))}
    parsed, errors = _validate(TimesForm, data)
    if errors:
        return errors
    answers.pending_help = []
    answers.timezone, answers.availability = parsed.timezone, parsed.windows()
    return {}


STEP_CHANGES: dict[str, Callable[[IntakeAnswers, Mapping[str, Sequence[str]]], dict[str, str]]] = {
    "concerns": _concerns,
    "feeling": _feeling,
    "payment": _payment,
    "preferences": _preferences,
    "times": _times,
}


# --- results ----------------------------------------------------------------------------------


def _when(moment: datetime, zone: str) -> str:
    here = moment.astimezone(ZoneInfo(zone))
    return f"{here:%A %d %B, %I:%M %p} {here.tzname()}".replace(" 0", " ")


def _book_link(therapist_id: int, session_type: str, start: datetime) -> str:
    when = f"{start.astimezone(UTC):%Y-%m-%dT%H:%M:%SZ}"
    query = {"therapist": therapist_id, "session_type": session_type, "start": when}
    return "/book?" + urlencode(query)


def _cost(result: MatchResult, answers: IntakeAnswers, couples: bool) -> str:
    """What the first session may cost, never claiming a plan pays (and never for couples)."""
    rate = result.rate
    own = f"${rate.self_pay_rate:,.0f} per session if you pay for yourself"
    if rate.sliding_scale_min:
        own += f" (sliding scale from ${rate.sliding_scale_min:,.0f})"
    if rate.plan and not couples:
        name = get_vocabulary().plans[rate.plan].name
        return (
            f"In network with {name}. What you pay depends on your plan; your insurer can "
            f"tell you your copay. Otherwise {own}."
        )
    if couples and answers.plan:
        return (
            f"Insurance often does not pay for couples sessions, so plan on {own}; ask your "
            "insurer what they cover."
        )
    return own[0].upper() + own[1:] + "."


def _cards(
    response: MatchResponse, answers: IntakeAnswers, zone: str, licences: Mapping[int, str]
) -> list[dict[str, Any]]:
    vocab = get_vocabulary()
    couples = answers.care_format == "couples"
    cards = []
    for result in response.results:
        card = result.therapist
        kind = vocab.licence_types.get(licences.get(card.id, ""))
        cards.append(
            {
                "id": card.id,
                "name": card.name,
                "credential": card.credential,
                "licence": kind.label if kind else None,
                "pronouns": card.pronouns,
                # the first opening has a line of its own, in the person's zone
                "reasons": [r for r in result.reasons if not r.startswith("First opening")],
                "opening": _when(result.first_opening, zone),
                "cost": _cost(result, answers, couples),
                "book": _book_link(card.id, result.session_type, result.first_opening),
                "profile": f"/therapists/{card.id}",
                "where": "Online"
                + (
                    f" or in person in {card.office_city}"
                    if card.in_person and card.office_city
                    else ""
                ),
            }
        )
    return cards


def _read_once(answers: IntakeAnswers, action: str, response: MatchResponse) -> MatchIntake:
    """The loosened intake, with the concerns already read from the free text (read once)."""
    intake = service.match_intake(service.loosened(answers, action))
    return intake.model_copy(update={"concerns": response.concerns_used, "concern_text": None})


def _licence_types(session: Session, response: MatchResponse) -> dict[int, str]:
    ids = [r.therapist.id for r in response.results]
    if not ids:
        return {}
    rows = session.execute(
        select(Therapist.id, Therapist.licence_type).where(Therapist.id.in_(ids))
    ).all()
    return {row.id: row.licence_type for row in rows}


def _results(
    session: Session, live: LiveMatching, answers: IntakeAnswers, now: datetime
) -> dict[str, Any]:
    """The shortlist, and when it is short, what relaxing each constraint would add."""
    intake = service.match_intake(answers)
    response = live.matches(session, intake, now)
    loosenings = []
    if len(response.results) < FEW:
        for action in service.constraints_in_force(answers):
            # a probe of what relaxing would add, not an answer shown: not in the health figures
            wider = live.matches(session, _read_once(answers, action, response), now, counted=False)
            more = wider.total_eligible - response.total_eligible
            if more > 0:
                label = service.loosening_label(answers, action)
                loosenings.append(service.Loosening(action, label, more))
        if not loosenings:
            # one at a time adds nothing: the matcher's pairs (e.g. preferences+availability)
            for pair in response.relax:
                parts = pair.constraint.split("+")
                if len(parts) > 1 and all(p in service.RELAXABLE for p in parts):
                    label = service.loosening_label(answers, pair.constraint)
                    loosenings.append(service.Loosening(pair.constraint, label, pair.would_match))
        loosenings.sort(key=lambda x: -x.more)
    # the matcher's "nothing matches" names constraints by code; the buttons say it plainly
    notices = [n for n in response.notices if not (loosenings and n.code == "no_matches")]
    return {
        "response": response,
        "notices": notices,
        "cards": _cards(response, answers, intake.zone, _licence_types(session, response)),
        "zone": intake.zone,
        "loosenings": loosenings,
        "couples": answers.care_format == "couples",
        "language_names": " or ".join(
            get_vocabulary().languages[c].name for c in answers.languages
        ),
    }


@router.get("/start/results", response_class=HTMLResponse)
async def results_page(
    request: Request, uow: UnitOfWorkDep, caller: CallerDep, live: LiveMatchingDep
) -> Response:
    """Step 7: therapists who can see this person soon, with what to change in place."""
    now = datetime.now(UTC)
    key = _key(request)

    def work(session: Session) -> tuple[IntakeAnswers, dict[str, Any]]:
        user = _user(session, caller)
        answers = service.load_answers(session, key, user.id if user else None, now)
        if answers.state is None:
            return answers, {}
        return answers, _results(session, live, answers, now)

    answers, found = await (uow.write(work) if caller.credentials.cookie else uow.read(work))
    if answers.state is None:
        return see_other("/start")
    return _render(request, "results.html", {**_step_context("results", answers), **found})


@router.post("/start/results", response_class=HTMLResponse)
async def results_adjust(
    request: Request, uow: UnitOfWorkDep, caller: CallerDep, live: LiveMatchingDep
) -> Response:
    """Change a constraint in place (or relax one), then show the results again."""
    form = await _form(request)
    if (refused := csrf_refusal(request, _one(form, "csrf_token"))) is not None:
        return refused
    action = _one(form, "action", "adjust")
    now = datetime.now(UTC)

    def change(answers: IntakeAnswers) -> dict[str, str]:
        if answers.state is None:
            return {}
        if action.startswith("relax-"):
            relaxed = service.loosened(answers, action.removeprefix("relax-"))
            for name, value in relaxed:
                setattr(answers, name, value)
            answers.pending_help = []
            return {}
        data: dict[str, Any] = {
            k: _one(form, k)
            for k in ("setting", "postal_code", "max_distance_km", "max_rate")
            if k in form
        }
        for flag in ("gender_required", "language_required", "any_time"):
            data[flag] = flag in form
        parsed, errors = _validate(AdjustForm, data)
        if errors:
            return errors
        answers.pending_help = []
        answers.setting = parsed.setting
        answers.postal_code, answers.max_distance_km = parsed.postal_code, parsed.max_distance_km
        if not answers.plan:
            answers.max_rate = parsed.max_rate
        required = [r for r in answers.required if r not in ("therapist_gender", "languages")]
        if parsed.gender_required and answers.therapist_gender:
            required.append("therapist_gender")
        if parsed.language_required and answers.languages:
            required.append("languages")
        answers.required = required
        if parsed.any_time:
            answers.availability = []
        return {}

    answers, errors, fresh = await _save(
        uow, request, caller, now, change, lambda s, a: _results(s, live, a, now)
    )
    if answers.state is None:
        return see_other("/start")
    if errors:
        found = errors.pop("_shown")
        context = {**_step_context("results", answers), **found, "errors": errors, "form": form}
        return _render(request, "results.html", context, 422)
    return keep_key(request, see_other("/start/results"), fresh)


@router.post("/start/forget", response_class=HTMLResponse)
async def forget(request: Request, uow: UnitOfWorkDep, caller: CallerDep) -> Response:
    """Delete this browser's answers now and start again."""
    form = await _form(request)
    if (refused := csrf_refusal(request, _one(form, "csrf_token"))) is not None:
        return refused
    key = _key(request)

    def work(session: Session) -> None:
        user = _user(session, caller)
        service.forget_draft(session, key, user.id if user else None)

    await uow.write(work)
    response = see_other("/")
    response.delete_cookie(
        INTAKE_COOKIE, httponly=True, samesite="lax", secure=secure_cookie(request), path="/"
    )
    return response


# --- a therapist's profile --------------------------------------------------------------------


@router.get("/therapists/{therapist_id}", response_class=HTMLResponse)
async def profile(
    request: Request,
    uow: UnitOfWorkDep,
    caller: CallerDep,
    therapist_id: Annotated[RecordId, Path()],
) -> Response:
    """What we know of a therapist, and their next first-session openings."""
    now = datetime.now(UTC)
    key = _key(request)

    def work(session: Session) -> dict[str, Any]:
        user = _user(session, caller)
        answers = service.load_answers(session, key, user.id if user else None, now)
        therapist = network.get_therapist(session, therapist_id)
        zone = answers.timezone or therapist.timezone
        vocab = get_vocabulary()
        served = {p.population for p in therapist.populations}
        kinds = ["intake"]
        # couples openings only for who may be offered them
        if "couples" in served and not answers.partner_violence:
            kinds.append("couples_intake")
        openings = []
        for kind in kinds:
            try:
                _, slots = bookable.list_slots(session, therapist_id, kind, None, 14, zone, now)
            except DomainError:
                continue
            openings.append(
                {
                    "label": vocab.session_types[kind].label,
                    "slots": [
                        {"when": _when(start, zone), "book": _book_link(therapist_id, kind, start)}
                        for start, _ in slots[:6]
                    ],
                }
            )
        facts = [
            (label, ", ".join(names))
            for label, names in (
                ("Works with", [vocab.concerns[s.concern].label for s in therapist.specialties]),
                (
                    "Ways of working",
                    [vocab.modalities[x.modality].label for x in therapist.modalities],
                ),
                ("Languages", [vocab.languages[x.language].name for x in therapist.languages]),
            )
            if names
        ]
        return {
            "therapist": therapist,
            "listed_in": listed_states(therapist.licences, now),
            "openings": openings,
            "zone": zone,
            "answers": answers,
            "facts": facts,
        }

    try:
        found = await (uow.write(work) if caller.credentials.cookie else uow.read(work))
    except DomainError as error:
        context = {"message": error.message, "title": "No such therapist"}
        return _render(request, "missing.html", context, 404)
    return _render(request, "profile.html", found)


# after /start/results and /start/forget, which the step's pattern would otherwise take
router.add_api_route("/start/{step}", step_form, methods=["GET"], response_class=HTMLResponse)
router.add_api_route("/start/{step}", step_submit, methods=["POST"], response_class=HTMLResponse)
