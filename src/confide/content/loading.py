"""The texts that come with Confide (content/data/*.md) loaded as draft versions, and the demo's
publishing of them under a demo reviewer account that says what it is.

A file is Markdown after a front matter block (`title`, `summary`, and `kind: guidance` for the
program's texts; articles by default). Loading is idempotent: a file whose text is already one
of its item's versions adds nothing; a changed file adds a new draft, which goes through review
like any other edit.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

import yaml
from pydantic import ValidationError
from sqlalchemy import select
from sqlalchemy.orm import Session

from confide.accounts.users import email_key
from confide.audit import SYSTEM, Actor
from confide.content import service
from confide.content.schemas import SLUG_PATTERN, ContentDraft, ContentKind
from confide.models import ContentItem, ContentVersion, User

DATA = Path(__file__).resolve().parent / "data"
DEMO_REVIEWER_EMAIL = "demo-reviewer@example.org"
# shown beside every text the demo publishes: honest about who approved it
DEMO_REVIEWER_NAME = "the demo reviewer (a sample account; not yet checked by a clinician)"


class ContentFileError(ValueError):
    """A content file that cannot be read as front matter and Markdown."""


@dataclass(frozen=True, slots=True)
class ContentFile:
    slug: str
    kind: ContentKind
    draft: ContentDraft


@dataclass(frozen=True, slots=True)
class LoadReport:
    items_added: int
    versions_added: int
    unchanged: int


def read_file(path: Path) -> ContentFile:
    """One file: its name is the slug; front matter between `---` lines, then Markdown."""
    slug = path.stem
    if not re.fullmatch(SLUG_PATTERN, slug):
        raise ContentFileError(f"{path.name}: the name must be a slug ({SLUG_PATTERN})")
    text = path.read_text(encoding="utf-8")
    parts = text.split("---\n", 2)
    if len(parts) != 3 or parts[0].strip():
        raise ContentFileError(f"{path.name}: start with front matter between '---' lines")
    meta = yaml.safe_load(parts[1]) or {}
    if not isinstance(meta, dict):
        raise ContentFileError(f"{path.name}: the front matter must be key: value lines")
    kind = meta.get("kind", "article")
    if kind not in ("article", "guidance"):
        raise ContentFileError(f"{path.name}: kind must be article or guidance")
    try:
        draft = ContentDraft(
            title=meta.get("title", ""), summary=meta.get("summary", ""), markdown=parts[2].strip()
        )
    except ValidationError as error:
        first = error.errors()[0]
        field = ".".join(str(part) for part in first["loc"])
        raise ContentFileError(f"{path.name}: {field}: {first['msg']}") from None
    return ContentFile(slug=slug, kind=kind, draft=draft)


def content_files(directory: Path = DATA) -> list[ContentFile]:
    return [read_file(path) for path in sorted(directory.glob("*.md"))]


def _same(version: ContentVersion, draft: ContentDraft) -> bool:
    return (version.title, version.summary, version.body_markdown) == (
        draft.title,
        draft.summary,
        draft.markdown,
    )


def load(
    session: Session, now: datetime, files: list[ContentFile] | None = None, actor: Actor = SYSTEM
) -> LoadReport:
    """Each file as a draft version of its item, unless its text is already a version."""
    items = versions = unchanged = 0
    for found in content_files() if files is None else files:
        item = session.scalars(select(ContentItem).where(ContentItem.slug == found.slug)).first()
        if item is None:
            service.create_item(session, found.slug, found.kind, found.draft, actor, now)
            items += 1
            continue
        kept = session.scalars(select(ContentVersion).where(ContentVersion.item_id == item.id))
        if any(_same(version, found.draft) for version in kept):
            unchanged += 1
            continue
        service.edit(session, found.slug, found.draft, actor, now)
        versions += 1
    return LoadReport(items, versions, unchanged)


def demo_reviewer(session: Session, now: datetime) -> Actor:
    """The demo's reviewer account (made once; it has no password, so nobody signs in as it)."""
    user = session.scalars(
        select(User).where(User.email_key == email_key(DEMO_REVIEWER_EMAIL))
    ).first()
    if user is None:
        user = User(
            email=DEMO_REVIEWER_EMAIL,
            email_key=email_key(DEMO_REVIEWER_EMAIL),
            password_hash=None,
            role="reviewer",
            email_verified_at=now,
            created_at=now,
        )
        session.add(user)
        session.flush()
    return Actor(user_id=user.id, role="reviewer")


def publish_demo(
    session: Session, now: datetime, files: list[ContentFile] | None = None
) -> tuple[LoadReport, int]:
    """Load the files, then take each one's loaded version through review and publish it,
    approved by the demo reviewer under a name that says so. Versions written by people are
    left alone. Returns the load's report and how many versions were published."""
    files = content_files() if files is None else files
    report = load(session, now, files)
    reviewer = demo_reviewer(session, now)
    published = 0
    for found in files:
        history = service.item_history(session, found.slug, SYSTEM)
        latest = history.versions[-1]
        if latest.author_user_id is not None:
            continue
        steps = {"draft": ("submit", "approve", "publish"), "in_review": ("approve", "publish")}
        for action in steps.get(latest.state, ("publish",) if latest.state == "approved" else ()):
            by = SYSTEM if action == "submit" else reviewer
            service.move(
                session, found.slug, latest.number, action, by, now,
                reviewer_name=DEMO_REVIEWER_NAME,
            )  # fmt: skip
            published += action == "publish"
    return report, published
