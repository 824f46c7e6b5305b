"""From a chosen time to a booked session in a real browser (Debian's Chromium via Playwright):
a new person creates an account and comes back to the time, a returning one signs in; the hold
counts down; the confirmation gives a calendar file and a way to cancel that frees the time.
Every page is checked with axe-core and photographed (var/screenshots/)."""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path

import httpx2
import icalendar
import pytest

from confide.accounts import users
from confide.accounts.schemas import Registration
from tests.browser.walk import mailed_link
from tests.conftest import PASSWORD, migrated
from tests.scheduling.factories import make_therapist
from tests.serving import running_servers

ALL_WEEK = tuple((d, 0, 24 * 60) for d in range(7))
RETURNING = "sam.rivera@example.org"
MY_PART = 8  # clicks and fields from a chosen time to a booked session, for a new person

# the tests of the module share one site: on one worker, it is built once
pytestmark = [pytest.mark.slow, pytest.mark.xdist_group("browser-booking")]


@dataclass(frozen=True)
class Site:
    base: str
    therapist_id: int
    starts: list[datetime]
    outbox: Path

    def opening(self, index: int, session_type: str = "intake") -> str:
        start = self.starts[index]
        return (
            f"{self.base}/book?therapist={self.therapist_id}&session_type={session_type}"
            f"&start={start:%Y-%m-%dT%H:%M:%SZ}"
        )

    def mailed_link(self, to: str) -> str:
        return mailed_link(self.outbox, to)


@pytest.fixture(scope="module")
def site(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Site]:
    """One server for the module, on a fresh database: one therapist licensed in NJ only."""
    folder = tmp_path_factory.mktemp("booking")
    url = f"sqlite:///{folder / 'browser.db'}"
    database = migrated(url)
    with database.session(write=True) as session:
        therapist_id = make_therapist(
            session, hours=ALL_WEEK, minimum_notice_hours=2, licensed=("NJ",)
        ).id
        person = Registration(
            email=RETURNING,
            password=PASSWORD,
            name="Sam Rivera",
            state="NJ",
            timezone="America/New_York",
        )
        users.register(session, person, "http://127.0.0.1", datetime.now(UTC))
        user = users.find_user(session, RETURNING)
        assert user is not None
        user.email_verified_at = datetime.now(UTC)
    database.dispose()
    outbox = folder / "outbox"
    env = {"CONFIDE_OUTBOX_DIR": str(outbox)}
    with running_servers(url, count=1, env=env, preloaded=True) as (base,):
        listed = httpx2.get(
            f"{base}/api/v1/therapists/{therapist_id}/slots", params={"days": 4, "tz": "UTC"}
        ).json()["slots"]
        # more than a day ahead: free to cancel
        later = datetime.now(UTC) + timedelta(hours=26)
        starts = [s for s in (datetime.fromisoformat(x["start"]) for x in listed) if s > later]
        starts = starts[::4]
        yield Site(base, therapist_id, starts, outbox)


def test_a_new_person_creates_an_account_and_books_the_time_they_chose(walk, site: Site) -> None:  # type: ignore[no-untyped-def]
    w = walk()
    page = w.page
    w.arrive(site.opening(0))
    assert page.get_by_role("complementary", name="Crisis help").is_visible()
    policy = "cancel or move the session for free until 24 hours before it starts"
    assert page.get_by_text(policy).is_visible()
    # the account form is on the page, with what is known filled in: the one state the
    # therapist works in, and its time zone
    assert page.get_by_label("The state you will be in").input_value() == "NJ"
    assert page.get_by_label("Your time zone").input_value() == "America/New_York"
    w.fill(page.get_by_label("Your name"), "Ana Lima")
    w.fill(page.get_by_label("Email"), "ana.lima@example.org")
    w.fill(page.get_by_label("Password"), PASSWORD)
    w.click(page.get_by_role("button", name="Create an account"))
    assert page.get_by_role("heading", name="Check your email").is_visible()
    w.goto(site.base + site.mailed_link("ana.lima@example.org"))
    w.click(page.get_by_role("button", name="Confirm my address"))
    # signed in, and back at the time chosen
    w.click(page.get_by_role("button", name="Hold this time"))
    assert page.get_by_role("heading", name="This time is held for you").is_visible()
    assert re.search(r"\d+:\d\d left", page.locator(".countdown").inner_text())
    w.click(page.get_by_role("button", name="Book this session"))
    assert page.get_by_role("heading", name="You are booked").is_visible()
    booked_in = w.booked()
    assert booked_in <= MY_PART
    assert page.get_by_text("a first session for you on your own").first.is_visible()
    assert page.locator("code").count() == 0  # no credential is ever shown
    with page.expect_download() as download_info:
        page.get_by_role("button", name="Add to my calendar (.ics)").click()
    calendar = icalendar.Calendar.from_ical(Path(download_info.value.path()).read_bytes())
    assert calendar.walk("VEVENT")[0].decoded("DTSTART") == site.starts[0]
    # cancelling asks first, then frees the time for anyone
    w.click(page.get_by_role("link", name="Cancel this session"))
    assert page.get_by_text("Cancelling now is free").is_visible()
    w.click(page.get_by_role("button", name="Yes, cancel this session"))
    assert page.get_by_role("heading", name="This session is cancelled").is_visible()
    w.click(page.get_by_role("link", name=re.compile("if it is still free")))
    assert page.get_by_role("button", name="Hold this time").is_visible()
    assert w.errors == []


def test_a_returning_person_signs_in_and_the_hold_counts_down(walk, site: Site) -> None:  # type: ignore[no-untyped-def]
    w = walk()
    page = w.page
    w.arrive(site.opening(1))
    w.click(page.get_by_role("link", name="Sign in"))
    w.fill(page.get_by_label("Email"), RETURNING)
    w.fill(page.get_by_label("Password"), PASSWORD)
    w.click(page.get_by_role("button", name="Sign in"))
    assert page.get_by_text("Booking as Sam Rivera").is_visible()
    page.clock.install()
    w.click(page.get_by_role("button", name="Hold this time"))
    status = page.get_by_role("status")
    assert status.inner_text() == ""  # nothing said at once, nothing every second
    page.clock.fast_forward(60_000)
    assert status.inner_text() == "9 minutes left to book this time."
    page.clock.fast_forward("09:10")
    alert = page.get_by_text("Your hold on this time has ended")
    assert alert.is_visible()
    assert page.get_by_role("button", name="Book this session").is_disabled()
    w.look(force=True)  # the lapsed state is checked and photographed too
    # the server still holds it (its clock has not moved): a fresh page books it
    page.reload()
    w.click(page.get_by_role("button", name="Book this session"))
    assert page.get_by_role("heading", name="You are booked").is_visible()
    assert w.booked() <= 6
    # the same opening, opened again, is now taken and other times are offered
    page.goto(site.opening(1))
    assert page.get_by_text("This time can no longer be booked").is_visible()
    assert w.errors == []
