"""The reading pages in a real browser: from the home page's footer to an article, at 1280 and
375 pixels wide, and a reviewer's way to an item in review. Every page is checked with axe-core
and photographed (var/screenshots/)."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime

import pytest

from confide.accounts import users
from confide.accounts.passwords import PASSWORDS
from confide.content.loading import publish_demo
from confide.models import User
from tests.browser.walk import NARROW
from tests.conftest import PASSWORD, migrated
from tests.serving import running_servers

REVIEWER = "rae.lin@example.org"

# the tests of the module share one site: on one worker, it is built once
pytestmark = [pytest.mark.slow, pytest.mark.xdist_group("browser-learn")]


@pytest.fixture(scope="module")
def site(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """One server on a fresh database holding the demo's published texts and a reviewer."""
    folder = tmp_path_factory.mktemp("learn")
    url = f"sqlite:///{folder / 'browser.db'}"
    database = migrated(url)
    now = datetime.now(UTC)
    with database.session(write=True) as session:
        publish_demo(session, now)
        session.add(
            User(
                email=REVIEWER,
                email_key=users.email_key(REVIEWER),
                password_hash=PASSWORDS.hash(PASSWORD),
                role="reviewer",
                email_verified_at=now,
                created_at=now,
            )
        )
    database.dispose()
    with running_servers(url, count=1, preloaded=True) as (base,):
        yield base


def test_a_visitor_reads_an_article_from_the_footer(walk, site: str) -> None:  # type: ignore[no-untyped-def]
    for width in (1280, NARROW):
        w = walk(width, name=str(width))
        page = w.page
        w.arrive(site + "/")
        w.click(page.get_by_role("navigation", name="More from Confide").get_by_role("link"))
        assert page.get_by_role("heading", level=1).inner_text() == "Reading on trust and repair"
        w.click(page.get_by_role("link", name="Eight ways couples rebuild trust"))
        assert page.url == site + "/learn/eight-ways-to-rebuild-trust"
        assert page.get_by_role("heading", name="3. Offer a real apology").is_visible()
        assert page.get_by_text("not yet checked by a clinician").is_visible()
        assert page.get_by_role("complementary", name="Crisis help").is_visible()
        wide = page.evaluate("document.documentElement.scrollWidth")
        assert wide <= width, f"{wide} px wide at {width}"
        assert w.too_wide == []
        assert w.errors == []


def test_a_reviewer_opens_an_item_and_sees_its_versions(walk, site: str) -> None:  # type: ignore[no-untyped-def]
    w = walk(NARROW)
    page = w.page
    w.arrive(site + "/review/content")
    assert "/signin" in page.url
    w.fill(page.get_by_label("Email"), REVIEWER)
    w.fill(page.get_by_label("Password"), PASSWORD)
    w.click(page.get_by_role("button", name="Sign in"))
    assert page.get_by_role("heading", level=1).inner_text() == "Content review"
    w.click(page.get_by_role("link", name="Step 3: Offer a real apology"))
    assert page.get_by_role("heading", name="Version 1: Published").is_visible()
    assert page.get_by_label("Text, in Markdown").input_value().startswith("## What this step")
    assert w.too_wide == []
    assert w.errors == []
