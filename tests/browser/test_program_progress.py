"""Two partners check in for two weeks in a real browser (Debian's Chromium via Playwright),
and the progress page shows both partners' trends. The second week is served by a server whose
clock is set a week ahead (tests/serving.py: time_machine in the server process), on the same
database. Every page is checked with axe-core and photographed; the progress page's photograph
is also kept as var/screenshots/program-progress.png."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from sqlalchemy import select

from confide.accounts import users
from confide.accounts.schemas import Registration
from confide.crypto import Keyring, install_keyring
from confide.models import Client
from tests.browser.walk import SCREENSHOTS, Walk
from tests.conftest import PASSWORD, migrated
from tests.program.checkin_world import make_space
from tests.scheduling.factories import answer_safety_questions
from tests.serving import TEST_ENCRYPTION_KEYS, server_processes

pytestmark = pytest.mark.slow
ALEX, PAT = "alex.doe@example.org", "pat.roe@example.org"
# a little over a week: the second server's clock is in the couple space's second week
AHEAD = timedelta(days=7, hours=1)


@dataclass(frozen=True)
class Couple:
    url: str  # the database


@pytest.fixture(scope="module")
def couple(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Couple]:
    """Two linked partners who have answered the private questions, in one couple space."""
    folder = tmp_path_factory.mktemp("program")
    url = f"sqlite:///{folder / 'browser.db'}"
    database = migrated(url)
    now = datetime.now(UTC)
    # the private answers are encrypted: under the servers' keys, not the test process's
    install_keyring(Keyring.parse(TEST_ENCRYPTION_KEYS))
    with database.session(write=True) as session:
        ids = []
        for email, name in ((ALEX, "Alex Doe"), (PAT, "Pat Roe")):
            person = Registration(
                email=email, password=PASSWORD, name=name, state="NY", timezone="America/New_York"
            )
            users.register(session, person, "http://127.0.0.1", now)
            user = users.find_user(session, email)
            assert user is not None
            user.email_verified_at = now
            client = session.scalar(select(Client).where(Client.user_id == user.id))
            assert client is not None
            ids.append(client.id)
        first, second = (session.get_one(Client, i) for i in ids)
        first.partner_id, second.partner_id = second.id, first.id
        session.flush()
        for client_id in ids:
            answer_safety_questions(session, client_id, now=now)
    make_space(database, ids[0], ids[1], now - timedelta(minutes=30))
    database.dispose()
    return Couple(url)


def sign_in(w: Walk, base: str, email: str, then: str) -> None:
    w.arrive(f"{base}/signin?next={then}")
    w.fill(w.page.get_by_label("Email"), email)
    w.fill(w.page.get_by_label("Password"), PASSWORD)
    w.click(w.page.get_by_role("button", name="Sign in"))


def check_in(w: Walk, base: str, signs: dict[str, int], mood: list[int], worry: list[int]) -> None:
    page = w.page
    w.goto(f"{base}/program/check-in")
    assert page.get_by_role("heading", name="Weekly check-in").is_visible()
    for code, value in signs.items():
        w.check(page.locator(f'input[name="sign_{code}"][value="{value}"]'))
    for kind, answers in (("mood", mood), ("worry", worry)):
        for n, value in enumerate(answers[:2], start=1):
            w.check(page.locator(f'input[name="{kind}_{n}"][value="{value}"]'))
    w.click(page.get_by_role("button", name="Send my check-in"))
    if len(mood) > 2 or len(worry) > 2:
        # a short check at its cut-off: the same page asks the rest of the full form
        assert page.get_by_text("A few more questions below").is_visible()
        for kind, answers in (("mood", mood), ("worry", worry)):
            for n, value in enumerate(answers[2:], start=3):
                w.check(page.locator(f'input[name="{kind}_{n}"][value="{value}"]'))
        w.click(page.get_by_role("button", name="Send my check-in"))
    assert page.get_by_text("You have checked in for week").is_visible()


def share_with_partner(w: Walk, base: str) -> None:
    page = w.page
    w.goto(f"{base}/program/sharing")
    w.click(page.get_by_role("button", name="Share my trends with my partner"))
    assert page.get_by_role("button", name="Stop sharing with my partner").is_visible()


def test_two_partners_check_in_two_weeks_and_see_both_trends(walk, couple: Couple) -> None:  # type: ignore[no-untyped-def]
    calm = {"safety": 2, "openness": 1, "listened": 1, "commitment": 2, "decisions": 2}
    better = {"safety": 3, "openness": 2, "listened": 3, "commitment": 3, "decisions": 2}
    with server_processes(couple.url, count=1, preloaded=True) as (server,):
        alex, pat = walk(name="alex"), walk(name="pat")
        sign_in(alex, server.url, ALEX, "/program/check-in")
        check_in(alex, server.url, calm, [1, 1], [1, 1])
        share_with_partner(alex, server.url)
        sign_in(pat, server.url, PAT, "/program/check-in")
        check_in(pat, server.url, {**calm, "safety": 1}, [1, 1], [1, 0])
        share_with_partner(pat, server.url)
    # a week later, on a server whose clock says so
    with server_processes(couple.url, count=1, clock_ahead=AHEAD, preloaded=True) as (server,):
        alex, pat = walk(name="alex-week-2"), walk(name="pat-week-2")
        sign_in(pat, server.url, PAT, "/program/check-in")
        check_in(pat, server.url, {**better, "safety": 2}, [1, 0], [0, 0])
        sign_in(alex, server.url, ALEX, "/program/check-in")
        # Alex's low mood reaches PHQ-2's cut-off this week: PHQ-9 is asked in full
        check_in(alex, server.url, better, [2, 1, 2, 1, 1, 1, 1, 1, 0], [1, 1])
        page = alex.page
        answer = page.request.get(f"{server.url}/program/progress")
        assert answer.status == 200, answer.text()[:2000] + server.log_tail()
        alex.goto(f"{server.url}/program/progress")
        assert page.get_by_role("heading", name="Your progress").is_visible()
        assert page.get_by_text(
            "Feeling listened to has risen over the last 2 check-ins."
        ).first.is_visible()
        assert page.get_by_role("img", name="Your five signs, week by week").is_visible()
        assert page.get_by_role("img", name="Your partner's five signs, week by week").is_visible()
        partner_table = page.locator("table", has_text="Your partner's five signs")
        assert partner_table.locator("tbody tr").count() == 2
        # a positive screen this week: therapy is suggested, with the way into the intake
        assert page.get_by_role("link", name="Find a therapist").is_visible()
        # the partner's mood and worry are never shown to Alex
        assert page.get_by_text("Your partner's Low mood").count() == 0
        page.set_viewport_size({"width": 1280, "height": 900})
        SCREENSHOTS.mkdir(parents=True, exist_ok=True)
        shot = SCREENSHOTS / "program-progress.png"
        page.screenshot(path=str(shot), full_page=True)
        assert Path(shot).stat().st_size > 10_000
        assert alex.errors == []
        assert pat.errors == []
        assert alex.too_wide == []
        assert pat.too_wide == []
