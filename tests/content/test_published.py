"""The interface the program uses: `published(session, slug)` serves approved, published text
only, with who approved it and when."""

from __future__ import annotations

from confide.content import service
from confide.db import Database
from tests.content.factories import NOW, draft, publish_new, staff


def test_nothing_is_served_before_it_is_published(database: Database) -> None:
    with database.session(write=True) as session:
        author, reviewer = staff(session), staff(session)
        made = service.create_item(session, "program-step-1", "guidance", draft(), author, NOW)
        assert service.published(session, "program-step-1") is None
        service.move(session, "program-step-1", made.number, "submit", author, NOW)
        assert service.published(session, "program-step-1") is None
        service.move(
            session, "program-step-1", made.number, "approve", reviewer, NOW, reviewer_name="Rae"
        )
        assert service.published(session, "program-step-1") is None
        service.move(session, "program-step-1", made.number, "publish", reviewer, NOW)
        found = service.published(session, "program-step-1")
    assert found is not None
    assert (found.title, found.version, found.approved_by) == ("What trust issues are", 1, "Rae")
    assert found.approved_at == NOW
    assert found.body_html == "<p>Trust is <strong>built</strong> slowly.</p>\n"


def test_an_unknown_slug_is_none(database: Database) -> None:
    with database.session(write=True) as session:
        assert service.published(session, "no-such-thing") is None


def test_a_published_version_stays_served_until_a_newer_one_is_published(
    database: Database,
) -> None:
    with database.session(write=True) as session:
        author, reviewer = staff(session), staff(session)
        publish_new(
            session, "when-to-see-a-therapist", author=author, reviewer=reviewer, body="One."
        )
        second = service.edit(session, "when-to-see-a-therapist", draft(body="Two."), author, NOW)
        service.move(session, "when-to-see-a-therapist", second.number, "submit", author, NOW)
        service.move(
            session,
            "when-to-see-a-therapist",
            second.number,
            "approve",
            reviewer,
            NOW,
            reviewer_name="Rae",
        )
        served = service.published(session, "when-to-see-a-therapist")
        assert served is not None
        assert (served.version, served.body_html) == (1, "<p>One.</p>\n")
        service.move(session, "when-to-see-a-therapist", second.number, "publish", reviewer, NOW)
        served = service.published(session, "when-to-see-a-therapist")
        assert served is not None
        assert (served.version, served.body_html) == (2, "<p>Two.</p>\n")
