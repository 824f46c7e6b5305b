"""Clinician-reviewed content: articles and the program's guidance, in Markdown, in versions.

An item is a slug; every edit adds a version. A version moves draft → in_review → approved →
published; a newer edit leaves the older unpublished versions superseded. The version served is
the published one with the highest number, so a published text stays up until a newer one is
published. Who wrote a version, who approved it (and the name they approved under) and when
are kept on the version itself.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import CheckConstraint, ForeignKey, Index, Integer, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from confide.models.base import Base

CONTENT_STATES = ("draft", "in_review", "approved", "published", "superseded")
# an article has a public page under /learn; guidance is the program's, shown on its pages
CONTENT_KINDS = ("article", "guidance")
_states = ", ".join(f"'{state}'" for state in CONTENT_STATES)


class ContentItem(Base):
    __tablename__ = "content_items"
    __table_args__ = (CheckConstraint("kind IN ('article', 'guidance')", name="kind"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    slug: Mapped[str] = mapped_column(String(80), unique=True)
    kind: Mapped[str] = mapped_column(String(16))
    created_at: Mapped[datetime]


class ContentVersion(Base):
    __tablename__ = "content_versions"
    __table_args__ = (
        UniqueConstraint("item_id", "number"),
        CheckConstraint(f"state IN ({_states})", name="state"),
        CheckConstraint("number >= 1", name="number"),
        CheckConstraint(
            "state NOT IN ('approved', 'published') OR approved_at IS NOT NULL", name="approval"
        ),
        CheckConstraint(
            "approved_by_user_id IS NULL OR author_user_id IS NULL "
            "OR approved_by_user_id <> author_user_id",
            name="not_self_approved",
        ),
        Index("ix_content_versions_state", "state"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    item_id: Mapped[int] = mapped_column(ForeignKey("content_items.id", ondelete="CASCADE"))
    number: Mapped[int] = mapped_column(Integer)
    state: Mapped[str] = mapped_column(String(16))
    title: Mapped[str] = mapped_column(String(200))
    summary: Mapped[str] = mapped_column(String(400))
    body_markdown: Mapped[str] = mapped_column(Text)
    # None when written by Confide itself (`confide content load` from the files in the package)
    author_user_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    created_at: Mapped[datetime]
    submitted_at: Mapped[datetime | None]
    approved_by_user_id: Mapped[int | None] = mapped_column(
        ForeignKey("users.id", ondelete="SET NULL")
    )
    # the name the reviewer approved under, as shown on the page (kept if the account goes)
    approved_by_name: Mapped[str | None] = mapped_column(String(120))
    approved_at: Mapped[datetime | None]
    published_at: Mapped[datetime | None]
