"""Each step's guidance: clinician-reviewed content (content.service.published), or, until a
reviewed version is published, a plain note that the guidance is awaiting clinical review.

The content capability sits below this one; it is looked up by name so that this branch runs
before the content branch is merged (the integrator can make the import a plain one).
"""

from __future__ import annotations

import importlib
from dataclasses import dataclass
from datetime import datetime

from markupsafe import Markup, escape
from sqlalchemy.orm import Session

AWAITING = "The guidance for this step is awaiting clinical review. The exercise below is ready."


@dataclass(frozen=True, slots=True)
class Guidance:
    title: str | None
    # sanitised HTML from content, or the escaped note
    body_html: str
    reviewed: bool
    approved_by: str | None = None
    approved_at: datetime | None = None


def guidance(session: Session, slug: str) -> Guidance:
    """The published guidance for `slug`, or the note that it awaits review."""
    try:
        content = importlib.import_module("confide.content.service")
    except ModuleNotFoundError:
        content = None
    found = None if content is None else content.published(session, slug)
    if found is None:
        return Guidance(None, str(Markup("<p>{}</p>").format(escape(AWAITING))), reviewed=False)
    return Guidance(
        title=found.title,
        body_html=found.body_html,
        reviewed=True,
        approved_by=found.approved_by,
        approved_at=found.approved_at,
    )
