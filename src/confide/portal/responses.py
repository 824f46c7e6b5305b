"""How every portal page answers: shown for the signed-in therapist, changed by a form then
redirected (303), refused with each problem beside its field and nothing changed."""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from datetime import UTC, datetime
from typing import Any
from urllib.parse import urlencode

from fastapi import Request, Response
from fastapi.responses import RedirectResponse
from sqlalchemy.orm import Session

from confide.errors import DomainError, Forbidden, InvalidInput, Unauthorized
from confide.portal.acting import Acting
from confide.portal.deps import TherapistCaller
from confide.portal.forms import WEEKDAYS, money
from confide.vocab import get_vocabulary
from confide.web.errors import status_for
from confide.web.templating import templates
from confide.web.unit_of_work import UnitOfWork

Read = Callable[[Session, Acting], dict[str, Any]]
Act = Callable[[Session, Acting], object]
SAVED = "Saved. Matching and booking show the change now."


def now() -> datetime:
    return datetime.now(UTC)


def see(location: str) -> Response:
    return RedirectResponse(location, status_code=303)


def signin_first(path: str) -> Response:
    return see("/signin?" + urlencode({"next": path}))


def render(request: Request, name: str, context: dict[str, Any], status: int = 200) -> Response:
    return templates.TemplateResponse(
        request,
        f"portal/{name}",
        {"vocab": get_vocabulary(), "weekdays": WEEKDAYS, "money": money, **context},
        status_code=status,
    )


def refused(request: Request, error: DomainError) -> Response:
    """The page for a request the portal will not answer (another role, a stale form)."""
    context = {"message": error.message, "signed_in": not isinstance(error, Unauthorized)}
    return render(request, "problem.html", context, status_for(error))


async def show(
    request: Request,
    uow: UnitOfWork,
    who: TherapistCaller,
    name: str,
    read: Read,
    extra: Mapping[str, Any] | None = None,
    status: int = 200,
    *,
    after_failed_write: bool = False,
) -> Response:
    """The page `name` with what `read` finds for the signed-in therapist (in a reading unit
    of work after a failed write: a request has only a read left then)."""
    path = request.url.path

    def work(session: Session) -> tuple[Acting, dict[str, Any]]:
        acting = who.viewing(session)
        return acting, read(session, acting)

    try:
        # a write: reading the browser session moves its last activity on
        run = uow.read if after_failed_write else uow.write
        acting, context = await run(work)
    except Unauthorized:
        return signin_first(path)
    except DomainError as error:
        return refused(request, error)
    notice = SAVED if request.query_params.get("saved") == "1" and status == 200 else None
    context = {"csrf_token": acting.csrf_token, "here": path, "notice": notice, **context}
    return render(request, name, {**context, **(extra or {})}, status)


def sent_fields(form: Any) -> dict[str, list[str]]:
    """A posted form as name -> its text values (files left out)."""
    return {
        name: [v for v in form.getlist(name) if isinstance(v, str)] for name in set(form.keys())
    }


async def change(
    request: Request,
    uow: UnitOfWork,
    who: TherapistCaller,
    name: str,
    read: Read,
    csrf: str,
    act: Act,
    problems: Mapping[str, str],
    sent: Mapping[str, Sequence[str]],
    back: str | None = None,
) -> Response:
    """Run `act` for the signed-in therapist and come back to the page (303); with problems
    (the form's, or the rule's that refused it) the page again, each beside its field (422).
    `back`: the page to return to, when it is not this form's own address."""
    path = back or request.url.path
    if problems:
        return await show(request, uow, who, name, read, {"errors": problems, "sent": sent}, 422)

    def work(session: Session) -> None:
        act(session, who.acting(session, csrf=csrf))

    try:
        await uow.write(work)
    except Unauthorized:
        return signin_first(path)
    except InvalidInput as wrong:
        refusal: dict[str, Any] = {"errors": {wrong.field: wrong.message}, "sent": sent}
        return await show(request, uow, who, name, read, refusal, 422, after_failed_write=True)
    except Forbidden as error:
        # another role (the page says so), or this form's CSRF token is stale (the page anew)
        stale = {"problem": error.message}
        return await show(request, uow, who, name, read, stale, 403, after_failed_write=True)
    except DomainError as error:
        refusal = {"problem": error.message, "sent": sent}
        status = status_for(error)
        return await show(request, uow, who, name, read, refusal, status, after_failed_write=True)
    # this process's indexes catch up before the next match or slot list
    request.app.state.openings.mark_stale()
    return see(f"{path}?saved=1")
