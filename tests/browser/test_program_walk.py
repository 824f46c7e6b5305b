"""Two partners walk the couples program's eight steps in a real browser (Debian's Chromium via
Playwright), each in their own browser: one starts and the other joins, each answers the private
questions, and together they write, share, apologise, promise, talk and agree. Every page is
checked with axe-core and photographed at 1280 and 375 px (var/screenshots/)."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest

from confide.accounts import users
from confide.accounts.schemas import Registration
from confide.models import Client
from confide.screening.safety_questions import PARTNER_VIOLENCE_QUESTIONS
from tests.browser.walk import Walk
from tests.conftest import PASSWORD, migrated
from tests.serving import running_servers

ALEX, PAT = "alex.program@example.org", "pat.program@example.org"
pytestmark = pytest.mark.slow


@pytest.fixture(scope="module")
def site(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """One server on a fresh database with two verified clients, linked as partners."""
    folder = tmp_path_factory.mktemp("program")
    url = f"sqlite:///{folder / 'browser.db'}"
    database = migrated(url)
    now = datetime.now(UTC)
    with database.session(write=True) as session:
        found = []
        for email, name in ((ALEX, "Alex Kim"), (PAT, "Pat Kim")):
            person = Registration(
                email=email, password=PASSWORD, name=name, state="NY", timezone="America/New_York"
            )
            users.register(session, person, "http://127.0.0.1", now)
            user = users.find_user(session, email)
            assert user is not None
            user.email_verified_at = now
            session.flush()
            found.append(session.query(Client).filter(Client.user_id == user.id).one())
        alex, pat = found
        alex.partner_id, pat.partner_id = pat.id, alex.id
    database.dispose()
    with running_servers(
        url, count=1, env={"CONFIDE_OUTBOX_DIR": str(folder / "outbox")}, preloaded=True
    ) as (base,):
        yield base


def sign_in(w: Walk, base: str, email: str) -> None:
    w.arrive(f"{base}/signin?next=/program")
    w.fill(w.page.get_by_label("Email"), email)
    w.fill(w.page.get_by_label("Password"), PASSWORD)
    w.click(w.page.get_by_role("button", name="Sign in"))


def answer_no(w: Walk) -> None:
    for question in PARTNER_VIOLENCE_QUESTIONS:
        w.check(w.page.get_by_role("group", name=question.text).get_by_label("No"))
    w.click(w.page.get_by_role("button", name="Save my answers"))


def step(w: Walk, base: str, number: int) -> Any:
    w.goto(f"{base}/program/steps/{number}")
    return w.page


def done(w: Walk) -> None:
    w.click(w.page.get_by_role("button", name="Done: I have finished this step"))


def test_two_partners_walk_all_eight_steps(walk, site: str) -> None:  # type: ignore[no-untyped-def]
    alex, pat = walk(name="alex"), walk(name="pat")
    sign_in(alex, site, ALEX)
    sign_in(pat, site, PAT)
    a, p = alex.page, pat.page

    # one starts, the other joins; each says where they stand
    alex.check(a.get_by_label("I broke trust"))
    alex.click(a.get_by_role("button", name="Start the program with my partner"))
    assert a.get_by_text("Waiting for your partner to join").is_visible()
    pat.goto(f"{site}/program")
    pat.check(p.get_by_label("I was hurt"))
    pat.click(p.get_by_role("button", name="Join the program"))
    # joint steps wait for both partners' private answers
    assert p.get_by_text("Joint steps are not available right now").is_visible()
    answer_no(pat)
    answer_no(alex)
    assert a.get_by_text("Joint steps are not available").count() == 0

    # 1: written privately, then shared by choice
    step(alex, site, 1)
    alex.fill(a.get_by_label("In your words"), "I hid messages from you for months.")
    alex.click(a.get_by_role("button", name="Save"))
    alex.click(a.get_by_role("button", name="Share with my partner"))
    done(alex)
    step(pat, site, 1)
    pat.fill(p.get_by_label("In your words"), "I stopped sleeping well. I keep checking.")
    pat.click(p.get_by_role("button", name="Save"))
    assert p.get_by_text("I hid messages from you for months.").is_visible()
    done(pat)
    step(alex, site, 1)
    assert a.get_by_text("I stopped sleeping well").count() == 0  # Pat kept theirs private

    # 2: owning it
    step(alex, site, 2)
    alex.fill(a.get_by_label("In your words"), "It was my choice, and I own it.")
    alex.click(a.get_by_role("button", name="Save"))
    done(alex)
    step(pat, site, 2)
    done(pat)

    # 3: a four-part apology, answered later, then accepted
    step(alex, site, 3)
    alex.fill(a.get_by_label("1. The harm I caused"), "I made you doubt what you saw.")
    alex.fill(a.get_by_label("2. What I take responsibility for"), "Lying, and hiding it.")
    alex.fill(a.get_by_label("3. What I will do differently"), "Tell you the truth first.")
    alex.fill(a.get_by_label("4. Signs you will be able to see"), "My phone stays on the table.")
    alex.click(a.get_by_role("button", name="Save as a draft"))
    alex.click(a.get_by_role("button", name="Offer it to my partner"))
    done(alex)
    step(pat, site, 3)
    pat.click(p.get_by_role("button", name="I need more time"))
    assert p.get_by_text("Your partner's apology (deferred)").is_visible()
    pat.click(p.get_by_role("button", name="I accept it"))
    assert p.get_by_text("Your partner's apology (accepted)").is_visible()
    done(pat)

    # 4: growth, shared
    step(alex, site, 4)
    alex.choose(a.get_by_label("What is it?"), "time_together")
    alex.fill(a.get_by_label("In your words"), "A walk together every Sunday morning.")
    alex.click(a.get_by_role("button", name="Save"))
    done(alex)
    step(pat, site, 4)
    assert p.get_by_text("A walk together every Sunday morning.").is_visible()
    done(pat)

    # 5: Pat speaks; Alex reflects before replying
    step(pat, site, 5)
    pat.fill(p.get_by_label("Your answer"), "Being lied to made me feel foolish.")
    pat.click(p.get_by_role("button", name="Share my turn"))
    done(pat)
    step(alex, site, 5)
    assert a.get_by_role("button", name="Reply").count() == 0
    alex.fill(a.get_by_label("Say back what you heard"), "You felt foolish because I lied.")
    alex.click(a.get_by_role("button", name="Share what I heard"))
    alex.fill(a.get_by_label("Your reply"), "You were never foolish. I am sorry.")
    alex.click(a.get_by_role("button", name="Reply"))
    done(alex)

    # 6: a promise, marked kept by the other partner
    step(alex, site, 6)
    alex.fill(a.get_by_label("I promise to"), "Call you at lunch on Wednesday.")
    tomorrow = (datetime.now(UTC) + timedelta(days=1)).date().isoformat()
    alex.fill(a.get_by_label("By (day)"), tomorrow)
    alex.click(a.get_by_role("button", name="Make this promise"))
    assert a.get_by_role("button", name="Kept").count() == 0  # not Alex's to mark
    done(alex)
    step(pat, site, 6)
    pat.click(p.get_by_role("button", name="Kept"))
    assert p.get_by_text("Your partner's promises: 1 kept, 0 missed (100% kept)").is_visible()
    done(pat)

    # 8: the hurt partner names a need; the other agrees
    step(pat, site, 8)
    pat.fill(p.get_by_label("What would help me for now"), "A short call every night at ten.")
    review = (datetime.now(UTC) + timedelta(days=21)).date().isoformat()
    pat.fill(p.get_by_label("Let's look at it again on"), review)
    pat.click(p.get_by_role("button", name="Propose it"))
    done(pat)
    step(alex, site, 8)
    alex.click(a.get_by_role("button", name="Agree"))
    assert a.get_by_text("(accepted; review on").is_visible()
    done(alex)

    # 7: mark done, then straight into the intake for a couples therapist
    step(alex, site, 7)
    done(alex)
    step(pat, site, 7)
    done(pat)
    pat.click(p.get_by_role("button", name="Find a couples therapist"))
    assert "/start" in p.url

    alex.goto(f"{site}/program")
    assert a.locator("ol.program-steps").inner_text().count("you: done; your partner: done") == 8
    alex.look(force=True)
    for w in (alex, pat):
        assert w.errors == []
        assert w.too_wide == []
