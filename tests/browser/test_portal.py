"""A therapist keeps their supply true in a real browser (Debian's Chromium via Playwright):
they sign in, change their weekly hours and matching shows the change at once; they pause and
drop out of the results at once. The server's indexes refresh on their own only once an hour
here, so "at once" is the portal's doing. Every page is checked with axe-core and photographed
at 1280 and 375 pixels (var/screenshots/)."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

import httpx2
import pytest

from confide.accounts import users
from confide.accounts.passwords import PASSWORDS
from confide.models import TherapistLanguage, TherapistPopulation, TherapistSpecialty, User
from tests.conftest import PASSWORD, migrated
from tests.scheduling.factories import make_therapist
from tests.serving import running_servers

ALL_WEEK = tuple((d, 0, 24 * 60) for d in range(7))
THERAPIST = "robin.hale@example.org"
NEW_YORK = ZoneInfo("America/New_York")
INTAKE = {
    "state": "NY",
    "concerns": ["infidelity"],
    "payment": {"method": "self_pay", "max_rate": 250},
    "timezone": "America/New_York",
    "limit": 50,
}

pytestmark = pytest.mark.slow


@dataclass(frozen=True)
class Site:
    base: str
    therapist_id: int

    def first_opening(self) -> datetime | None:
        """This therapist's first opening in the matches of a person in New York, if listed."""
        response = httpx2.post(f"{self.base}/api/v1/matches", json=INTAKE)
        assert response.status_code == 200, response.text
        found = [r for r in response.json()["results"] if r["therapist"]["id"] == self.therapist_id]
        return datetime.fromisoformat(found[0]["first_opening"]) if found else None


@pytest.fixture(scope="module")
def site(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Site]:
    folder = tmp_path_factory.mktemp("portal")
    url = f"sqlite:///{folder / 'browser.db'}"
    database = migrated(url)
    now = datetime.now(UTC)
    with database.session(write=True) as session:
        therapist = make_therapist(
            session, hours=ALL_WEEK, minimum_notice_hours=2, licensed=("NY",)
        )
        therapist.populations = [TherapistPopulation(population="individuals")]
        therapist.specialties = [TherapistSpecialty(concern="infidelity", strength="primary")]
        therapist.languages = [TherapistLanguage(language="en")]
        therapist.licences[0].verified_at = now
        session.add(
            User(
                email=THERAPIST,
                email_key=users.email_key(THERAPIST),
                password_hash=PASSWORDS.hash(PASSWORD),
                role="therapist",
                therapist_id=therapist.id,
                email_verified_at=now,
                created_at=now,
            )
        )
        session.flush()
        therapist_id = therapist.id
    database.dispose()
    env = {"CONFIDE_INDEX_REFRESH_SECONDS": "3600"}
    with running_servers(url, count=1, env=env, preloaded=True) as (base,):
        yield Site(base, therapist_id)


def test_a_therapist_changes_hours_and_pauses_and_matching_follows_at_once(
    walk: Any, site: Site
) -> None:
    before = site.first_opening()
    assert before is not None
    w = walk()
    page = w.page
    w.arrive(f"{site.base}/portal")
    # nobody signed in: sent to sign in, and back here after
    assert page.get_by_role("button", name="Sign in").is_visible()
    w.fill(page.get_by_label("Email"), THERAPIST)
    w.fill(page.get_by_label("Password"), PASSWORD)
    w.click(page.get_by_role("button", name="Sign in"))
    assert page.get_by_role("heading", name="Your practice", exact=True).is_visible()
    assert page.get_by_text("Accepting new clients").is_visible()

    # hours: only Wednesday mornings, 09:00 to 10:00 in the therapist's zone
    w.click(page.get_by_role("link", name="Hours", exact=True))
    assert page.get_by_text("America/New_York").first.is_visible()
    for day in ("Monday", "Tuesday", "Thursday", "Friday", "Saturday", "Sunday"):
        w.fill(page.get_by_label(day, exact=True), "")
    w.fill(page.get_by_label("Wednesday", exact=True), "09:00-10:00")
    w.click(page.get_by_role("button", name="Save hours"))
    assert page.get_by_role("status").inner_text().startswith("Saved.")
    after = site.first_opening()
    assert after is not None
    assert after != before
    local = after.astimezone(NEW_YORK)
    assert (local.weekday(), local.hour, local.minute) == (2, 9, 0)

    # a mistake is named beside its field, and nothing changes
    w.fill(page.get_by_label("Wednesday", exact=True), "9 to 10")
    w.click(page.get_by_role("button", name="Save hours"))
    assert page.get_by_text("Wednesday: write each time as 09:00-17:00").is_visible()
    assert site.first_opening() == after

    # what clients see: the same opening
    w.click(page.get_by_role("link", name="What clients see"))
    assert page.locator(f'time[datetime="{local.isoformat()}"]').first.is_visible()

    # pause for three weeks: out of the results at once
    w.click(page.get_by_role("link", name="Supply", exact=True))
    w.check(page.get_by_label("Paused: not until the day below"))
    back = (datetime.now(UTC) + timedelta(days=21)).date()
    w.fill(page.get_by_label("First day you take new clients again"), back.isoformat())
    w.click(page.get_by_role("button", name="Save"))
    assert page.get_by_role("status").inner_text().startswith("Saved.")
    assert site.first_opening() is None
    w.click(page.get_by_role("link", name="Overview"))
    assert page.get_by_text(f"Paused until {back:%d %B %Y}").first.is_visible()
    w.click(page.get_by_role("link", name="What clients see"))
    assert page.get_by_text("You are not shown in search results now").is_visible()
    # the other pages, each checked and photographed
    for link, heading in (
        ("Time off", "Time off"),
        ("Rates", "Self-pay rates"),
        ("Panels", "Insurance panels"),
        ("Profile", "What you work on"),
        ("Calendar", "Your own calendar"),
    ):
        w.click(page.get_by_role("link", name=link, exact=True))
        assert page.get_by_role("heading", name=heading, exact=True).is_visible()
    assert w.errors == []
    assert w.too_wide == []
