"""/api/v1/content: published texts for everyone, and the review workflow for reviewers.

The reviewers' routes live under /api/v1/content/review (a slug may not be "review"): list
every item with its state, add one, read one's versions, write a new version, and move a
version on (submit, return, approve, publish). Every write is audited.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Annotated, TypeVar

from fastapi import APIRouter, Path
from sqlalchemy.orm import Session

from confide.accounts.deps import Caller, CallerDep
from confide.audit import Actor
from confide.content import service
from confide.content.schemas import (
    Approval,
    ContentDraft,
    ItemList,
    ItemRead,
    NewItem,
    PublishedList,
    PublishedRead,
    PublishedSummary,
    Slug,
    VersionRead,
)
from confide.errors import NotFound
from confide.fields import RecordId
from confide.web.responses import error_responses
from confide.web.unit_of_work import UnitOfWorkDep

router = APIRouter(prefix="/api/v1/content", tags=["content"])
SlugPath = Annotated[Slug, Path()]
Number = Annotated[RecordId, Path(description="the version's number within its item")]
T = TypeVar("T")


def _summary(found: service.Published) -> PublishedSummary:
    return PublishedSummary(
        slug=found.slug,
        kind=found.kind,
        title=found.title,
        summary=found.summary,
        version=found.version,
        approved_by=found.approved_by,
        approved_at=found.approved_at,
        published_at=found.published_at,
    )


def _as(caller: Caller, work: Callable[[Session, Actor], T]) -> Callable[[Session], T]:
    """`work` for the signed-in caller, named as the audit trail names them."""

    def run(session: Session) -> T:
        principal = caller.signed_in(session)
        actor = Actor(user_id=principal.user_id, role=principal.role, address=caller.address)
        return work(session, actor)

    return run


_REVIEW = error_responses(401, 403, 404)


@router.get("/review", response_model=ItemList, responses=error_responses(401, 403))
async def list_content_items(uow: UnitOfWorkDep, caller: CallerDep) -> ItemList:
    """Every item with its latest version's state and the version served (reviewers, admins)."""
    items = await uow.read(_as(caller, service.overview))
    return ItemList(items=items)


@router.post(
    "/review",
    response_model=VersionRead,
    status_code=201,
    responses=error_responses(401, 403, 409),
)
async def create_content_item(body: NewItem, uow: UnitOfWorkDep, caller: CallerDep) -> VersionRead:
    """A new item and its first version, a draft."""
    draft = ContentDraft(title=body.title, summary=body.summary, markdown=body.markdown)
    return await uow.write(
        _as(caller, lambda s, a: service.create_item(s, body.slug, body.kind, draft, a, caller.now))
    )


@router.get("/review/{slug}", response_model=ItemRead, responses=_REVIEW)
async def read_content_item(slug: SlugPath, uow: UnitOfWorkDep, caller: CallerDep) -> ItemRead:
    """Every version of an item, oldest first, with the actions each allows."""
    return await uow.read(_as(caller, lambda s, a: service.item_history(s, slug, a)))


@router.post(
    "/review/{slug}/versions", response_model=VersionRead, status_code=201, responses=_REVIEW
)
async def create_content_version(
    slug: SlugPath, body: ContentDraft, uow: UnitOfWorkDep, caller: CallerDep
) -> VersionRead:
    """A new draft version with the whole text; older unpublished versions are superseded."""
    return await uow.write(_as(caller, lambda s, a: service.edit(s, slug, body, a, caller.now)))


_MOVE = error_responses(401, 403, 404, 409)


async def _move(
    uow: UnitOfWorkDep,
    caller: Caller,
    slug: str,
    number: int,
    action: str,
    reviewer_name: str | None = None,
) -> VersionRead:
    return await uow.write(
        _as(
            caller,
            lambda s, a: service.move(
                s, slug, number, action, a, caller.now, reviewer_name=reviewer_name
            ),
        )
    )


@router.post("/review/{slug}/versions/{number}/submit", response_model=VersionRead, responses=_MOVE)
async def submit_content_version(
    slug: SlugPath, number: Number, uow: UnitOfWorkDep, caller: CallerDep
) -> VersionRead:
    """Send a draft for review."""
    return await _move(uow, caller, slug, number, "submit")


@router.post("/review/{slug}/versions/{number}/return", response_model=VersionRead, responses=_MOVE)
async def return_content_version(
    slug: SlugPath, number: Number, uow: UnitOfWorkDep, caller: CallerDep
) -> VersionRead:
    """Send a version in review back to draft."""
    return await _move(uow, caller, slug, number, "return")


@router.post(
    "/review/{slug}/versions/{number}/approve", response_model=VersionRead, responses=_MOVE
)
async def approve_content_version(
    slug: SlugPath, number: Number, body: Approval, uow: UnitOfWorkDep, caller: CallerDep
) -> VersionRead:
    """Approve a version in review (a clinical reviewer who did not write it), signed with the
    name shown beside the published text."""
    return await _move(uow, caller, slug, number, "approve", body.reviewer_name)


@router.post(
    "/review/{slug}/versions/{number}/publish", response_model=VersionRead, responses=_MOVE
)
async def publish_content_version(
    slug: SlugPath, number: Number, uow: UnitOfWorkDep, caller: CallerDep
) -> VersionRead:
    """Publish an approved version: it is served from now on, in place of any older one."""
    return await _move(uow, caller, slug, number, "publish")


@router.get("/", response_model=PublishedList)
async def list_published_content(uow: UnitOfWorkDep) -> PublishedList:
    """Every published text: articles and the program's guidance, without their bodies."""
    found = await uow.read(service.published_all)
    return PublishedList(items=[_summary(p) for p in found])


@router.get("/{slug}", response_model=PublishedRead, responses=error_responses(404))
async def read_published_content(slug: SlugPath, uow: UnitOfWorkDep) -> PublishedRead:
    """One published text, its body as sanitised HTML, with who approved it and when."""
    found = await uow.read(lambda s: service.published(s, slug))
    if found is None:
        raise NotFound(f"nothing is published as {slug!r}")
    return PublishedRead(**_summary(found).model_dump(), body_html=found.body_html)
