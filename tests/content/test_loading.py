"""The texts that come with Confide: every file reads, loading is idempotent, and the demo's
publishing serves them all with an honest approver."""

from __future__ import annotations

from pathlib import Path

import pytest

from confide.content import service
from confide.content.loading import (
    DEMO_REVIEWER_NAME,
    ContentFileError,
    content_files,
    load,
    publish_demo,
    read_file,
)
from confide.db import Database
from tests.content.factories import NOW, draft, staff

ARTICLES = {
    "what-are-trust-issues",
    "eight-ways-to-rebuild-trust",
    "five-signs-trust-is-returning",
    "when-to-see-a-therapist",
}
GUIDANCE = {f"program-step-{n}" for n in range(1, 9)} | {"program-five-signs"}


def test_every_agreed_text_is_there_with_its_kind() -> None:
    found = {f.slug: f.kind for f in content_files()}
    assert found == {**dict.fromkeys(ARTICLES, "article"), **dict.fromkeys(GUIDANCE, "guidance")}


def test_each_step_says_what_it_is_why_it_helps_and_gives_an_exercise() -> None:
    for found in content_files():
        if found.slug.startswith("program-step-"):
            text = found.draft.markdown
            assert "## What this step is" in text, found.slug
            assert "## Why it helps" in text, found.slug
            assert "## Exercise" in text, found.slug


def test_the_therapy_article_says_when_to_get_urgent_help_and_about_violence() -> None:
    text = next(f for f in content_files() if f.slug == "when-to-see-a-therapist").draft.markdown
    for number in ("988", "741741", "1-800-799-7233", "88788", "911"):
        assert number in text
    assert "Couples therapy is not advised where there is partner violence" in text


def test_a_file_without_front_matter_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "no-front-matter.md"
    path.write_text("Just text.\n")
    with pytest.raises(ContentFileError, match="front matter"):
        read_file(path)
    path.write_text("---\ntitle: T\n---\nText.\n")
    with pytest.raises(ContentFileError, match="summary"):
        read_file(path)


def test_loading_is_idempotent_and_a_changed_file_is_a_new_draft(database: Database) -> None:
    files = content_files()
    with database.session(write=True) as session:
        first = load(session, NOW, files)
        again = load(session, NOW, files)
        assert (first.items_added, first.versions_added) == (13, 0)
        assert (again.items_added, again.versions_added, again.unchanged) == (0, 0, 13)
        reviewer = staff(session)
        assert all(i.latest_state == "draft" for i in service.overview(session, reviewer))
        changed = [*files[:1], *files[1:]]
        changed[0] = type(files[0])(files[0].slug, files[0].kind, draft(body="Changed."))
        third = load(session, NOW, changed)
        assert (third.items_added, third.versions_added, third.unchanged) == (0, 1, 12)
        # nothing loaded is served until it is reviewed
        assert service.published_all(session) == []


def test_the_demo_publishes_every_text_approved_by_the_demo_reviewer(database: Database) -> None:
    with database.session(write=True) as session:
        report, published = publish_demo(session, NOW)
        assert (report.items_added, published) == (13, 13)
        served = service.published_all(session)
        assert {p.slug for p in served} == ARTICLES | GUIDANCE
        assert {p.approved_by for p in served} == {DEMO_REVIEWER_NAME}
        assert "not yet checked by a clinician" in DEMO_REVIEWER_NAME
        step = service.published(session, "program-step-3")
        assert step is not None
        assert "<strong>Name the harm.</strong>" in step.body_html
        # a second run publishes nothing new
        assert publish_demo(session, NOW)[1] == 0


def test_the_demo_leaves_a_version_written_by_a_person_alone(database: Database) -> None:
    with database.session(write=True) as session:
        publish_demo(session, NOW)
        author = staff(session)
        service.edit(session, "program-step-1", draft(body="A person's edit."), author, NOW)
        assert publish_demo(session, NOW)[1] == 0
        history = service.item_history(session, "program-step-1", author)
        assert [v.state for v in history.versions] == ["published", "draft"]
