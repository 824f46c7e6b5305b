"""Each step's guidance: the clinician-reviewed text once content publishes it, and until then a
plain note that it awaits review (content is looked up by name: see program/guidance.py)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime
from types import SimpleNamespace
from typing import Any

import pytest

from confide.program import guidance
from confide.program.steps import STEPS


@dataclass(frozen=True)
class Published:
    title: str
    body_html: str
    version: int
    approved_by: str
    approved_at: datetime


def test_until_content_is_published_the_guidance_says_it_awaits_review(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    none = SimpleNamespace(published=lambda session, slug: None)
    monkeypatch.setattr(guidance.importlib, "import_module", lambda name: none)
    found = guidance.guidance(object(), "program-step-1")  # type: ignore[arg-type]
    assert not found.reviewed
    assert "awaiting clinical review" in found.body_html


def test_published_guidance_is_served_with_who_approved_it(monkeypatch: pytest.MonkeyPatch) -> None:
    asked: list[str] = []
    when = datetime(2026, 12, 1, 12, 0, tzinfo=UTC)

    def published(session: Any, slug: str) -> Published:
        asked.append(slug)
        return Published("Naming it", "<p>Say it plainly.</p>", 2, "Dr Rivera", when)

    monkeypatch.setattr(
        guidance.importlib, "import_module", lambda name: SimpleNamespace(published=published)
    )
    found = guidance.guidance(object(), STEPS[0].slug)  # type: ignore[arg-type]
    assert (found.reviewed, found.approved_by, found.approved_at) == (True, "Dr Rivera", when)
    assert found.body_html == "<p>Say it plainly.</p>"
    assert asked == ["program-step-1"]
    assert [s.slug for s in STEPS] == [f"program-step-{n}" for n in range(1, 9)]
