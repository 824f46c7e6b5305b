"""A person books a published opening in a real browser (Debian's Chromium via Playwright)."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from pathlib import Path

import httpx2
import icalendar
import pytest

from confide.accounts import users
from confide.accounts.schemas import Registration
from tests.conftest import PASSWORD, migrated
from tests.scheduling.factories import make_therapist
from tests.serving import running_servers

ALL_WEEK = tuple((d, 0, 24 * 60) for d in range(7))
EMAIL = "sam.rivera@example.org"

pytestmark = pytest.mark.slow


def test_a_person_books_a_published_opening(browser, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    url = f"sqlite:///{tmp_path / 'browser.db'}"
    database = migrated(url)
    with database.session(write=True) as session:
        therapist_id = make_therapist(
            session, hours=ALL_WEEK, minimum_notice_hours=2, licensed=("NY", "NJ")
        ).id
        person = Registration(
            email=EMAIL,
            password=PASSWORD,
            name="Sam Rivera",
            state="NJ",
            timezone="America/New_York",
        )
        users.register(session, person, "http://127.0.0.1", datetime.now(UTC))
        user = users.find_user(session, EMAIL)
        assert user is not None
        user.email_verified_at = datetime.now(UTC)
    database.dispose()
    with running_servers(url, count=1) as (base,):
        listed = httpx2.get(
            f"{base}/api/v1/therapists/{therapist_id}/slots", params={"days": 2, "tz": "UTC"}
        ).json()["slots"]
        start = datetime.fromisoformat(listed[0]["start"])
        assert start > datetime.now(UTC) + timedelta(hours=2)
        page = browser.new_page(accept_downloads=True)
        page.goto(
            f"{base}/book?therapist={therapist_id}&session_type=intake"
            f"&start={start:%Y-%m-%dT%H:%M:%SZ}"
        )
        assert page.get_by_role("complementary", name="Crisis help").is_visible()
        assert page.get_by_role("link", name="Leave this site").is_visible()
        # nobody is signed in: sign in, and come back to the same opening
        assert page.get_by_role("button", name="Book this session").count() == 0
        page.get_by_role("link", name="Sign in").click()
        page.get_by_label("Email").fill(EMAIL)
        page.get_by_label("Password").fill(PASSWORD)
        page.get_by_role("button", name="Sign in").click()
        page.wait_for_load_state()
        assert page.get_by_text("Booking as Sam Rivera").is_visible()
        page.get_by_role("button", name="Book this session").click()
        page.wait_for_load_state()
        assert page.get_by_role("heading", name="You are booked").is_visible()
        assert page.locator("code").count() == 0  # no credential is ever shown
        with page.expect_download() as download_info:
            page.get_by_role("button", name="Add to my calendar (.ics)").click()
        calendar = icalendar.Calendar.from_ical(Path(download_info.value.path()).read_bytes())
        assert calendar.walk("VEVENT")[0].decoded("DTSTART") == start
        # the same opening, opened again, is now taken and other times are offered
        page.goto(
            f"{base}/book?therapist={therapist_id}&session_type=intake"
            f"&start={start:%Y-%m-%dT%H:%M:%SZ}"
        )
        assert page.get_by_text("This time can no longer be booked").is_visible()
        page.locator("main ul li a").first.click()
        assert page.get_by_role("button", name="Book this session").is_visible()
        page.close()
