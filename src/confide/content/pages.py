"""The content pages: /learn for everyone (published articles only), and /review/content for
clinical reviewers and admins (write versions, send them through review, publish them).

Pages work without script: forms POST and redirect back (303); a refused form shows the page
again with the problem and the status the API would answer.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import Annotated, Any, TypeVar

from fastapi import APIRouter, Form, Path, Request, Response
from fastapi.responses import HTMLResponse, RedirectResponse
from pydantic import BaseModel, ValidationError
from sqlalchemy.orm import Session

from confide.accounts.deps import Caller, CallerDep
from confide.audit import Actor
from confide.content import service
from confide.content.differences import line_changes
from confide.content.rendering import render
from confide.content.schemas import SLUG_PATTERN, Approval, ContentDraft, NewItem
from confide.content.workflow import ACTIONS
from confide.errors import DomainError, Forbidden, InvalidInput, NotFound, Unauthorized
from confide.fields import RecordId
from confide.web.errors import status_for
from confide.web.templating import templates
from confide.web.unit_of_work import UnitOfWorkDep

router = APIRouter(include_in_schema=False)
Csrf = Annotated[str, Form(max_length=200)]
Text = Annotated[str, Form(max_length=50_000)]
Line = Annotated[str, Form(max_length=500)]
SlugText = Annotated[str, Path(max_length=200)]
Number = Annotated[RecordId, Path()]
_SLUG = re.compile(SLUG_PATTERN)
M = TypeVar("M", bound=BaseModel)

ACTION_LABELS = {
    "submit": "Submit for review",
    "return": "Return to draft",
    "approve": "Approve",
    "publish": "Publish",
}
STATE_LABELS = {
    "draft": "Draft",
    "in_review": "In review",
    "approved": "Approved, not yet published",
    "published": "Published",
    "superseded": "Superseded",
}


def _page(request: Request, name: str, context: dict[str, Any], status: int = 200) -> Response:
    return templates.TemplateResponse(
        request,
        f"content/{name}",
        {"state_labels": STATE_LABELS, "action_labels": ACTION_LABELS, **context},
        status_code=status,
    )


def _see(location: str) -> Response:
    return RedirectResponse(location, status_code=303)


def _problem(error: DomainError) -> str:
    return f"{error.field}: {error.message}" if isinstance(error, InvalidInput) else error.message


def _parse(model: type[M], values: dict[str, Any]) -> M:
    """`values` as `model`; InvalidInput naming the first field refused."""
    try:
        return model.model_validate(values)
    except ValidationError as error:
        first = error.errors()[0]
        field = ".".join(str(part) for part in first["loc"]) or "form"
        raise InvalidInput(field, first["msg"]) from None


# --- everyone: published articles ---------------------------------------------------------


@router.get("/learn", response_class=HTMLResponse)
async def learn(request: Request, uow: UnitOfWorkDep) -> Response:
    """The published articles."""
    articles = await uow.read(lambda s: service.published_all(s, "article"))
    return _page(request, "learn.html", {"articles": articles})


@router.get("/learn/{slug}", response_class=HTMLResponse)
async def article(request: Request, slug: SlugText, uow: UnitOfWorkDep) -> Response:
    """One published article, with who approved it and when; anything else is not found."""
    found = None
    if _SLUG.fullmatch(slug):
        found = await uow.read(lambda s: service.published(s, slug))
    if found is None or found.kind != "article":
        return _page(request, "missing.html", {}, 404)
    return _page(request, "article.html", {"article": found})


# --- reviewers and admins -----------------------------------------------------------------

T = TypeVar("T")


def _editor(session: Session, caller: Caller, csrf: str | None) -> tuple[Actor, str | None]:
    """The signed-in reviewer or admin and their CSRF token; Unauthorized or Forbidden."""
    principal = caller.signed_in(session, csrf=csrf) if csrf is not None else None
    if principal is None:
        principal = caller.viewer(session)
        if principal is None:
            raise Unauthorized("sign in first")
    if principal.role not in ("reviewer", "admin"):
        raise Forbidden("these pages are for clinical reviewers and admins")
    actor = Actor(user_id=principal.user_id, role=principal.role, address=caller.address)
    return actor, principal.csrf_token


async def _show(
    request: Request,
    uow: UnitOfWorkDep,
    caller: Caller,
    here: str,
    look: Callable[[Session, Actor], dict[str, Any]],
    name: str,
    *,
    write: bool = True,
    status: int = 200,
    extra: dict[str, Any] | None = None,
) -> Response:
    """Show a reviewers' page: `look` gathers its context for the signed-in editor."""

    def work(session: Session) -> dict[str, Any]:
        actor, csrf = _editor(session, caller, None)
        return {"csrf_token": csrf, "actor": actor, **look(session, actor)}

    try:
        # a write when first asked: resuming the browser session moves its last activity on
        context = await (uow.write(work) if write else uow.read(work))
    except Unauthorized:
        return _see(f"/signin?next={here}")
    except NotFound:
        return _page(request, "missing.html", {}, 404)
    except Forbidden as refused:
        return _page(request, "refused.html", {"message": refused.message}, 403)
    return _page(request, name, {**context, **(extra or {})}, status)


async def _act(
    request: Request,
    uow: UnitOfWorkDep,
    caller: Caller,
    csrf: str,
    here: str,
    act: Callable[[Session, Actor], str],
    on_failure: Callable[[DomainError], Any],
) -> Response:
    """Run `act` for the signed-in editor and go where it says; on a refusal, `on_failure`."""

    def work(session: Session) -> str:
        actor, _ = _editor(session, caller, csrf)
        return act(session, actor)

    try:
        return _see(await uow.write(work))
    except Unauthorized:
        return _see(f"/signin?next={here}")
    except DomainError as error:
        # the page again, for the editor, with the problem (or the refusal, for anyone else)
        result: Response = await on_failure(error)
        return result


def _overview(session: Session, actor: Actor) -> dict[str, Any]:
    return {"items": service.overview(session, actor)}


@router.get("/review/content", response_class=HTMLResponse)
async def review_list(request: Request, uow: UnitOfWorkDep, caller: CallerDep) -> Response:
    """Every content item with its state."""
    return await _show(request, uow, caller, "/review/content", _overview, "review_list.html")


def _nothing(session: Session, actor: Actor) -> dict[str, Any]:
    return {}


@router.get("/review/content/new", response_class=HTMLResponse)
async def review_new(request: Request, uow: UnitOfWorkDep, caller: CallerDep) -> Response:
    """The form for a new item."""
    return await _show(
        request, uow, caller, "/review/content/new", _nothing, "review_new.html", extra={"form": {}}
    )


@router.post("/review/content/new", response_class=HTMLResponse)
async def review_create(
    request: Request,
    uow: UnitOfWorkDep,
    caller: CallerDep,
    csrf_token: Csrf,
    slug: Line = "",
    kind: Line = "article",
    title: Line = "",
    summary: Line = "",
    markdown: Text = "",
) -> Response:
    """Add an item with its first version, a draft; then show it."""
    form = {"slug": slug, "kind": kind, "title": title, "summary": summary, "markdown": markdown}

    def act(session: Session, actor: Actor) -> str:
        item = _parse(NewItem, form)
        draft = ContentDraft(title=item.title, summary=item.summary, markdown=item.markdown)
        service.create_item(session, item.slug, item.kind, draft, actor, caller.now)
        return f"/review/content/{item.slug}"

    async def again(error: DomainError) -> Response:
        return await _show(
            request,
            uow,
            caller,
            "/review/content/new",
            _nothing,
            "review_new.html",
            write=False,
            status=status_for(error),
            extra={"form": form, "problem": _problem(error)},
        )

    return await _act(request, uow, caller, csrf_token, "/review/content/new", act, again)


def _item(slug: str) -> Callable[[Session, Actor], dict[str, Any]]:
    def look(session: Session, actor: Actor) -> dict[str, Any]:
        if not _SLUG.fullmatch(slug):
            raise NotFound("no such item")
        item = service.item_history(session, slug, actor)
        latest = item.versions[-1]
        served = next((v for v in item.versions if v.number == item.served_version), None)
        return {
            "item": item,
            "latest": latest,
            "served": served,
            "preview": render(latest.markdown),
            "changes": line_changes(served.markdown if served else "", latest.markdown),
            "signature": service.last_signature(session, actor) or "",
        }

    return look


async def _item_page(
    request: Request,
    uow: UnitOfWorkDep,
    caller: Caller,
    slug: str,
    *,
    write: bool = True,
    status: int = 200,
    extra: dict[str, Any] | None = None,
) -> Response:
    here = f"/review/content/{slug}" if _SLUG.fullmatch(slug) else "/review/content"
    return await _show(
        request, uow, caller, here, _item(slug), "review_item.html",
        write=write, status=status, extra=extra,
    )  # fmt: skip


@router.get("/review/content/{slug}", response_class=HTMLResponse)
async def review_item(
    request: Request, slug: SlugText, uow: UnitOfWorkDep, caller: CallerDep
) -> Response:
    """One item: its versions, the text in review beside the published one, and the actions."""
    return await _item_page(request, uow, caller, slug)


@router.post("/review/content/{slug}/edit", response_class=HTMLResponse)
async def review_edit(
    request: Request,
    slug: SlugText,
    uow: UnitOfWorkDep,
    caller: CallerDep,
    csrf_token: Csrf,
    title: Line = "",
    summary: Line = "",
    markdown: Text = "",
) -> Response:
    """Save the text as a new draft version."""
    form = {"title": title, "summary": summary, "markdown": markdown}

    def act(session: Session, actor: Actor) -> str:
        if not _SLUG.fullmatch(slug):
            raise NotFound("no such item")
        service.edit(session, slug, _parse(ContentDraft, form), actor, caller.now)
        return f"/review/content/{slug}"

    async def again(error: DomainError) -> Response:
        return await _item_page(
            request, uow, caller, slug, write=False, status=status_for(error),
            extra={"problem": _problem(error), "form": form},
        )  # fmt: skip

    return await _act(request, uow, caller, csrf_token, f"/review/content/{slug}", act, again)


@router.post("/review/content/{slug}/versions/{number}/{action}", response_class=HTMLResponse)
async def review_move(
    request: Request,
    slug: SlugText,
    number: Number,
    action: Annotated[str, Path(max_length=20)],
    uow: UnitOfWorkDep,
    caller: CallerDep,
    csrf_token: Csrf,
    reviewer_name: Line = "",
) -> Response:
    """Move a version on: submit, return, approve (signed with a name) or publish."""

    def act(session: Session, actor: Actor) -> str:
        if not _SLUG.fullmatch(slug) or action not in ACTIONS:
            raise NotFound("no such item or action")
        name = None
        if action == "approve":
            name = _parse(Approval, {"reviewer_name": reviewer_name}).reviewer_name
        service.move(session, slug, number, action, actor, caller.now, reviewer_name=name)
        return f"/review/content/{slug}"

    async def again(error: DomainError) -> Response:
        if isinstance(error, NotFound):
            return _page(request, "missing.html", {}, 404)
        return await _item_page(
            request, uow, caller, slug, write=False, status=status_for(error),
            extra={"problem": _problem(error)},
        )  # fmt: skip

    return await _act(request, uow, caller, csrf_token, f"/review/content/{slug}", act, again)
