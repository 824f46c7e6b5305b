"""What the content routes take in and give out."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated, Literal

from pydantic import BaseModel, ConfigDict, Field, StringConstraints

from confide.fields import WRITTEN_TEXT_PATTERN, PersonName, PlainText

SLUG_PATTERN = r"^[a-z0-9]+(-[a-z0-9]+)*$"
Slug = Annotated[str, StringConstraints(min_length=1, max_length=80, pattern=SLUG_PATTERN)]
MAX_BODY = 40_000
# an author's Markdown: line breaks and tabs allowed, other control characters not
Body = Annotated[
    str, StringConstraints(min_length=1, max_length=MAX_BODY, pattern=WRITTEN_TEXT_PATTERN)
]
ContentKind = Literal["article", "guidance"]
ContentState = Literal["draft", "in_review", "approved", "published", "superseded"]


class ContentDraft(BaseModel):
    """A new version of an item: its whole text, in Markdown."""

    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True)

    title: Annotated[PlainText, Field(min_length=1, max_length=200)]
    summary: Annotated[PlainText, Field(min_length=1, max_length=400)]
    markdown: Body


class NewItem(ContentDraft):
    slug: Slug
    kind: ContentKind = "article"


class Approval(BaseModel):
    """The name the approving reviewer signs with, shown beside the published text."""

    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True)

    reviewer_name: PersonName


class PublishedSummary(BaseModel):
    slug: str
    kind: ContentKind
    title: str
    summary: str
    version: int
    approved_by: str
    approved_at: datetime
    published_at: datetime


class PublishedRead(PublishedSummary):
    body_html: str


class PublishedList(BaseModel):
    items: list[PublishedSummary]


class VersionRead(BaseModel):
    slug: str
    number: int
    state: ContentState
    title: str
    summary: str
    markdown: str
    author_user_id: int | None
    created_at: datetime
    submitted_at: datetime | None
    approved_by: str | None
    approved_by_user_id: int | None
    approved_at: datetime | None
    published_at: datetime | None
    actions: list[str]


class ItemRead(BaseModel):
    slug: str
    kind: ContentKind
    served_version: int | None
    versions: list[VersionRead]


class ItemOverview(BaseModel):
    slug: str
    kind: ContentKind
    title: str
    latest_version: int
    latest_state: ContentState
    served_version: int | None


class ItemList(BaseModel):
    items: list[ItemOverview]
