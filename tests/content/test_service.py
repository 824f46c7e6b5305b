"""The review workflow against the database: who may do what, every refused move, versions
kept, and each write on the audit trail."""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from confide.content import service
from confide.content.workflow import ContentStateConflict
from confide.db import Database
from confide.errors import Conflict, Forbidden, NotFound
from confide.models import AuditEvent, ContentVersion
from tests.content.factories import NOW, draft, publish_new, staff

SLUG = "eight-ways-to-rebuild-trust"


def _new(session: Session, author: object) -> int:
    return service.create_item(session, SLUG, "article", draft(), author, NOW).number  # type: ignore[arg-type]


def test_an_author_drafts_a_different_reviewer_approves_then_it_is_published(
    database: Database,
) -> None:
    with database.session(write=True) as session:
        author, reviewer = staff(session), staff(session)
        number = _new(session, author)
        submitted = service.move(session, SLUG, number, "submit", author, NOW)
        assert (submitted.state, submitted.submitted_at) == ("in_review", NOW)
        later = NOW + timedelta(hours=3)
        approved = service.move(
            session, SLUG, number, "approve", reviewer, later, reviewer_name="Dr. Rae Lin, LMFT"
        )
        assert approved.state == "approved"
        assert (approved.approved_by, approved.approved_by_user_id) == (
            "Dr. Rae Lin, LMFT",
            reviewer.user_id,
        )
        published = service.move(session, SLUG, number, "publish", reviewer, later)
        assert (published.state, published.published_at) == ("published", later)
        served = service.published(session, SLUG)
        assert served is not None
        assert (served.approved_by, served.approved_at) == ("Dr. Rae Lin, LMFT", later)


def test_a_reviewer_cannot_approve_their_own_version(database: Database) -> None:
    with database.session(write=True) as session:
        author = staff(session)
        number = _new(session, author)
        service.move(session, SLUG, number, "submit", author, NOW)
        with pytest.raises(service.OwnVersion, match="another clinical reviewer"):
            service.move(session, SLUG, number, "approve", author, NOW, reviewer_name="Me")
        assert service.item_history(session, SLUG, author).versions[0].state == "in_review"


def test_the_database_refuses_a_self_approval_too(database: Database) -> None:
    with database.session(write=True) as session:
        author = staff(session)
        number = _new(session, author)
        version = session.scalars(select(ContentVersion)).one()
        assert version.number == number
        version.state, version.approved_at = "approved", NOW
        version.approved_by_user_id = author.user_id
        with pytest.raises(IntegrityError, match="not_self_approved"):
            session.flush()
        session.rollback()


def test_an_edit_of_someone_elses_draft_is_theirs_to_have_approved(database: Database) -> None:
    """The author of a version is whoever wrote that version: a reviewer who edits a draft
    cannot then approve the edit."""
    with database.session(write=True) as session:
        first, second = staff(session), staff(session)
        _new(session, first)
        edited = service.edit(session, SLUG, draft(body="Edited."), second, NOW)
        service.move(session, SLUG, edited.number, "submit", second, NOW)
        with pytest.raises(service.OwnVersion):
            service.move(session, SLUG, edited.number, "approve", second, NOW, reviewer_name="S")
        approved = service.move(
            session, SLUG, edited.number, "approve", first, NOW, reviewer_name="F"
        )
        assert approved.state == "approved"


def test_only_a_reviewer_approves_and_only_staff_write(database: Database) -> None:
    with database.session(write=True) as session:
        admin, reviewer = staff(session, role="admin"), staff(session)
        number = _new(session, admin)  # admins may write
        service.move(session, SLUG, number, "submit", admin, NOW)
        with pytest.raises(Forbidden, match="only a clinical reviewer"):
            service.move(session, SLUG, number, "approve", admin, NOW, reviewer_name="Admin")
        for role in ("client", "therapist"):
            someone = staff(session, role=role)
            with pytest.raises(Forbidden):
                service.edit(session, SLUG, draft(), someone, NOW)
            with pytest.raises(Forbidden):
                service.move(session, SLUG, number, "approve", someone, NOW, reviewer_name="X")
            with pytest.raises(Forbidden):
                service.overview(session, someone)
        service.move(session, SLUG, number, "approve", reviewer, NOW, reviewer_name="R")


@pytest.mark.parametrize(
    ("reached", "refused"),
    [
        ("draft", ("return", "approve", "publish")),
        ("in_review", ("submit", "publish")),
        ("approved", ("submit", "return", "approve")),
        ("published", ("submit", "return", "approve", "publish")),
    ],
)
def test_every_bad_move_is_refused_and_changes_nothing(
    database: Database, reached: str, refused: tuple[str, ...]
) -> None:
    path = {"draft": [], "in_review": ["submit"], "approved": ["submit", "approve"]}
    path["published"] = [*path["approved"], "publish"]
    with database.session(write=True) as session:
        author, reviewer = staff(session), staff(session)
        number = _new(session, author)
        for action in path[reached]:
            by = author if action == "submit" else reviewer
            service.move(session, SLUG, number, action, by, NOW, reviewer_name="R")
        for action in refused:
            with pytest.raises(ContentStateConflict) as conflict:
                service.move(session, SLUG, number, action, reviewer, NOW, reviewer_name="R")
            assert conflict.value.extra["state"] == reached
        assert service.item_history(session, SLUG, reviewer).versions[0].state == reached


def test_an_edit_supersedes_unpublished_versions_and_keeps_them(database: Database) -> None:
    with database.session(write=True) as session:
        author, reviewer = staff(session), staff(session)
        publish_new(session, SLUG, author=author, reviewer=reviewer, body="First.")
        second = service.edit(session, SLUG, draft(body="Second."), author, NOW)
        service.move(session, SLUG, second.number, "submit", author, NOW)
        third = service.edit(session, SLUG, draft(body="Third."), author, NOW)
        history = service.item_history(session, SLUG, reviewer)
        assert [(v.number, v.state, v.markdown) for v in history.versions] == [
            (1, "published", "First."),
            (2, "superseded", "Second."),
            (3, "draft", "Third."),
        ]
        assert history.served_version == 1
        with pytest.raises(ContentStateConflict, match="superseded"):
            service.move(session, SLUG, second.number, "approve", reviewer, NOW, reviewer_name="R")
        assert third.actions == ["submit"]


def test_an_older_version_cannot_replace_a_newer_published_one(database: Database) -> None:
    with database.session(write=True) as session:
        author, reviewer = staff(session), staff(session)
        publish_new(session, SLUG, author=author, reviewer=reviewer)
        version = session.scalars(select(ContentVersion)).one()
        # an approved version 2 published, then version 1 put back to approved by hand: the
        # service refuses to serve the older one over the newer
        second = service.edit(session, SLUG, draft(body="Two."), author, NOW)
        for action in ("submit", "approve", "publish"):
            by = author if action == "submit" else reviewer
            service.move(session, SLUG, second.number, action, by, NOW, reviewer_name="R")
        version.state, version.published_at = "approved", None
        session.flush()
        with pytest.raises(ContentStateConflict, match="version 2 is already published"):
            service.move(session, SLUG, 1, "publish", reviewer, NOW)


def test_unknown_items_and_versions_are_not_found(database: Database) -> None:
    with database.session(write=True) as session:
        reviewer = staff(session)
        with pytest.raises(NotFound):
            service.edit(session, "no-such-item", draft(), reviewer, NOW)
        _new(session, reviewer)
        with pytest.raises(NotFound):
            service.move(session, SLUG, 2, "submit", reviewer, NOW)


def test_a_slug_is_taken_once(database: Database) -> None:
    with database.session(write=True) as session:
        reviewer = staff(session)
        _new(session, reviewer)
        with pytest.raises(Conflict, match="already an item"):
            _new(session, reviewer)


def test_every_write_is_on_the_audit_trail(database: Database) -> None:
    with database.session(write=True) as session:
        author, reviewer = staff(session), staff(session)
        publish_new(session, SLUG, author=author, reviewer=reviewer)
        events = session.execute(
            select(AuditEvent.actor_user_id, AuditEvent.action, AuditEvent.object_type).order_by(
                AuditEvent.id
            )
        ).all()
    assert [tuple(e) for e in events] == [
        (author.user_id, "create", "content_version"),
        (author.user_id, "update", "content_version"),
        (reviewer.user_id, "update", "content_version"),
        (reviewer.user_id, "update", "content_version"),
    ]
