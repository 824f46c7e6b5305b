"""Content items through review: drafting versions, submitting, approving, publishing, and
serving the published text. Services take a session and never commit; every write is audited.

Who may do what: reviewers and admins write versions and move them on; only a reviewer
approves, and never a version they wrote themselves. Only the published version with the
highest number is served.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import Select, func, select
from sqlalchemy.orm import Session

from confide.audit import Actor, record
from confide.content import workflow
from confide.content.rendering import render
from confide.content.schemas import ContentDraft, ItemOverview, ItemRead, VersionRead
from confide.errors import Conflict, Forbidden, InvalidInput, NotFound
from confide.models import ContentItem, ContentVersion

# "system": Confide itself, loading the texts that come with it (content/loading.py); no
# account has that role, so no request acts as it
EDITOR_ROLES = frozenset({"reviewer", "admin", "system"})
APPROVER_ROLES = frozenset({"reviewer"})
OBJECT_TYPE = "content_version"
# /api/v1/content/review is the reviewers' list: no item may take its name
RESERVED_SLUGS = frozenset({"review"})


@dataclass(frozen=True, slots=True)
class Published:
    """The text of an item as it is served: its published version with the highest number."""

    slug: str
    kind: str
    title: str
    summary: str
    body_html: str
    version: int
    approved_by: str
    approved_at: datetime
    published_at: datetime


class OwnVersion(Forbidden):
    """A reviewer asked to approve a version they wrote."""

    code = "own_version"


def _served(slug: str | None = None) -> Select[ContentItem, ContentVersion]:
    """The served version of each item (or of one): published, highest number."""
    newest = (
        select(ContentVersion.item_id, func.max(ContentVersion.number).label("number"))
        .where(ContentVersion.state == "published")
        .group_by(ContentVersion.item_id)
        .subquery()
    )
    query = (
        select(ContentItem, ContentVersion)
        .join(ContentVersion, ContentVersion.item_id == ContentItem.id)
        .join(
            newest,
            (newest.c.item_id == ContentVersion.item_id)
            & (newest.c.number == ContentVersion.number),
        )
    )
    if slug is not None:
        query = query.where(ContentItem.slug == slug)
    return query


def _published(item: ContentItem, version: ContentVersion) -> Published:
    assert version.approved_by_name is not None
    assert version.approved_at is not None
    assert version.published_at is not None
    return Published(
        slug=item.slug,
        kind=item.kind,
        title=version.title,
        summary=version.summary,
        body_html=render(version.body_markdown),
        version=version.number,
        approved_by=version.approved_by_name,
        approved_at=version.approved_at,
        published_at=version.published_at,
    )


def published(session: Session, slug: str) -> Published | None:
    """The published text of `slug`, rendered and sanitised; None when nothing is published."""
    row = session.execute(_served(slug)).first()
    if row is None:
        return None
    return _published(row[0], row[1])


def published_all(session: Session, kind: str | None = None) -> list[Published]:
    """Every item's published text (of one kind, if given), articles first, then by slug."""
    rows = session.execute(_served()).all()
    found = [_published(item, version) for item, version in rows]
    return sorted(
        (p for p in found if kind is None or p.kind == kind), key=lambda p: (p.kind, p.slug)
    )


# --- the reviewers' side -----------------------------------------------------------------


def _require_editor(actor: Actor) -> None:
    if actor.role not in EDITOR_ROLES:
        raise Forbidden("content is written and reviewed by clinical reviewers and admins")


def _item(session: Session, slug: str) -> ContentItem:
    item = session.scalars(select(ContentItem).where(ContentItem.slug == slug)).first()
    if item is None:
        raise NotFound(f"there is no content item {slug!r}")
    return item


def _versions(session: Session, item: ContentItem) -> list[ContentVersion]:
    return list(
        session.scalars(
            select(ContentVersion)
            .where(ContentVersion.item_id == item.id)
            .order_by(ContentVersion.number)
        )
    )


def _version(session: Session, item: ContentItem, number: int) -> ContentVersion:
    version = session.scalars(
        select(ContentVersion).where(
            ContentVersion.item_id == item.id, ContentVersion.number == number
        )
    ).first()
    if version is None:
        raise NotFound(f"{item.slug!r} has no version {number}")
    return version


def _served_number(versions: list[ContentVersion]) -> int | None:
    numbers = [v.number for v in versions if v.state == "published"]
    return max(numbers) if numbers else None


def _add_version(
    session: Session, item: ContentItem, draft: ContentDraft, author: Actor, now: datetime
) -> ContentVersion:
    versions = _versions(session, item)
    for older in versions:
        if older.state in workflow.OPEN_STATES:
            older.state = "superseded"
    version = ContentVersion(
        item_id=item.id,
        number=(versions[-1].number + 1) if versions else 1,
        state="draft",
        title=draft.title,
        summary=draft.summary,
        body_markdown=draft.markdown,
        author_user_id=author.user_id,
        created_at=now,
    )
    session.add(version)
    session.flush()
    record(session, author, "create", OBJECT_TYPE, version.id, "ok", now)
    return version


def create_item(
    session: Session, slug: str, kind: str, draft: ContentDraft, author: Actor, now: datetime
) -> VersionRead:
    """A new item with its first version, a draft; Conflict if the slug is taken."""
    _require_editor(author)
    if slug in RESERVED_SLUGS:
        raise InvalidInput("slug", f"{slug!r} is the name of a page of its own; choose another")
    if session.scalars(select(ContentItem.id).where(ContentItem.slug == slug)).first():
        raise Conflict(f"there is already an item {slug!r}: edit it instead", slug=slug)
    item = ContentItem(slug=slug, kind=kind, created_at=now)
    session.add(item)
    session.flush()
    return _read(item, _add_version(session, item, draft, author, now))


def edit(
    session: Session, slug: str, draft: ContentDraft, author: Actor, now: datetime
) -> VersionRead:
    """A new draft version of `slug` with the whole text given. Unpublished older versions are
    superseded; the published one stays served until a newer one is published."""
    _require_editor(author)
    item = _item(session, slug)
    return _read(item, _add_version(session, item, draft, author, now))


def move(
    session: Session,
    slug: str,
    number: int,
    action: str,
    actor: Actor,
    now: datetime,
    *,
    reviewer_name: str | None = None,
) -> VersionRead:
    """Move version `number` of `slug` on by `action` (submit, return, approve, publish)."""
    _require_editor(actor)
    item = _item(session, slug)
    version = _version(session, item, number)
    reached = workflow.next_state(version.state, action)
    if action == "approve":
        if actor.role not in APPROVER_ROLES:
            raise Forbidden("only a clinical reviewer can approve content")
        if version.author_user_id is not None and version.author_user_id == actor.user_id:
            raise OwnVersion("you wrote this version: another clinical reviewer has to approve it")
        assert reviewer_name is not None, "approve takes the reviewer's name"
        version.approved_by_user_id = actor.user_id
        version.approved_by_name = reviewer_name
        version.approved_at = now
    elif action == "publish":
        served = _served_number(_versions(session, item))
        if served is not None and served > version.number:
            raise workflow.ContentStateConflict(
                f"version {served} is already published; an older version cannot replace it",
                state=version.state,
                action=action,
                served_version=served,
            )
        version.published_at = now
    elif action == "submit":
        version.submitted_at = now
    elif action == "return":
        version.submitted_at = None
    version.state = reached
    session.flush()
    record(session, actor, "update", OBJECT_TYPE, version.id, "ok", now)
    return _read(item, version)


def _read(item: ContentItem, version: ContentVersion) -> VersionRead:
    return VersionRead(
        slug=item.slug,
        number=version.number,
        state=version.state,
        title=version.title,
        summary=version.summary,
        markdown=version.body_markdown,
        author_user_id=version.author_user_id,
        created_at=version.created_at,
        submitted_at=version.submitted_at,
        approved_by=version.approved_by_name,
        approved_by_user_id=version.approved_by_user_id,
        approved_at=version.approved_at,
        published_at=version.published_at,
        actions=workflow.actions_from(version.state),
    )


def item_history(session: Session, slug: str, actor: Actor) -> ItemRead:
    """Every version of `slug`, oldest first, for reviewers."""
    _require_editor(actor)
    item = _item(session, slug)
    versions = _versions(session, item)
    return ItemRead(
        slug=item.slug,
        kind=item.kind,
        served_version=_served_number(versions),
        versions=[_read(item, v) for v in versions],
    )


def overview(session: Session, actor: Actor) -> list[ItemOverview]:
    """Every item with its latest version's state and the version served, by slug."""
    _require_editor(actor)
    items = session.scalars(select(ContentItem).order_by(ContentItem.slug)).all()
    versions: dict[int, list[ContentVersion]] = {}
    for version in session.scalars(select(ContentVersion).order_by(ContentVersion.number)):
        versions.setdefault(version.item_id, []).append(version)
    found = []
    for item in items:
        mine = versions.get(item.id, [])
        if not mine:
            continue
        found.append(
            ItemOverview(
                slug=item.slug,
                kind=item.kind,
                title=mine[-1].title,
                latest_version=mine[-1].number,
                latest_state=mine[-1].state,
                served_version=_served_number(mine),
            )
        )
    return found


def last_signature(session: Session, actor: Actor) -> str | None:
    """The name this reviewer last approved under, to offer it again."""
    return session.scalars(
        select(ContentVersion.approved_by_name)
        .where(ContentVersion.approved_by_user_id == actor.user_id)
        .order_by(ContentVersion.approved_at.desc())
    ).first()
