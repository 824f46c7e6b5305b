"""The three-minute path in a real browser (Debian's Chromium via Playwright), from the home
page through the intake and its results to a booked first session, on a small generated
network served by a real server process (the network site, tests/browser/conftest.py). Every
page on the way is checked with axe-core (no serious or critical violation) and photographed
at 1280 and 375 pixels (var/screenshots/); each path counts its clicks and fields up to the
booking and prints the count."""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from urllib.parse import parse_qs, urlsplit

import pytest
from sqlalchemy import func, select

from confide.db import Database, create_db_engine
from confide.intake import questions
from confide.models import PanelParticipation
from tests.browser.conftest import NetworkSite
from tests.browser.walk import Walk, mailed_link
from tests.conftest import PASSWORD

# with the other tests on the network site (tests/browser/conftest.py), on one worker
pytestmark = [pytest.mark.slow, pytest.mark.xdist_group("browser-network")]

TYPICAL = 25  # the limit for a typical individual, home page to booked session
STATE = "NY"
PHQ2 = [i.code for i in questions.INSTRUMENTS["phq2"].items]
GAD2 = [i.code for i in questions.INSTRUMENTS["gad2"].items]
SELF_HARM = questions.SELF_HARM_QUESTION.code
PV = [i.code for i in questions.PARTNER_VIOLENCE_QUESTIONS]
CALM = dict.fromkeys(PHQ2 + GAD2, 1)  # "several days": not a positive check


@dataclass(frozen=True)
class Site:
    base: str
    outbox: Path
    plan: str  # an insurance plan many of the network's therapists in STATE take

    def mailed_link(self, to: str) -> str:
        return mailed_link(self.outbox, to)


@pytest.fixture(scope="module")
def site(network_site: NetworkSite) -> Site:
    """The network site (tests/browser/conftest.py: a small generated network, free text read)
    and the plan most of its therapists in STATE take."""
    database = Database(create_db_engine(network_site.database_url))
    try:
        with database.session() as session:
            plan = session.scalars(
                select(PanelParticipation.plan_code)
                .where(PanelParticipation.state == STATE)
                .group_by(PanelParticipation.plan_code)
                .order_by(func.count().desc())
                .limit(1)
            ).one()
    finally:
        database.dispose()
    return Site(network_site.base, network_site.outbox, plan)


class Person:
    """One person going through the pages in their own browser: what they click and type."""

    def __init__(self, walk: Walk, site: Site, email_address: str) -> None:
        self.w, self.site, self.page, self.email = walk, site, walk.page, email_address

    def button(self, name: str) -> Any:
        return self.page.get_by_role("button", name=name, exact=True)

    def start(self) -> None:
        self.w.arrive(self.site.base + "/")
        self.w.click(self.page.get_by_role("link", name="Start", exact=True))

    def where(self, couples: bool = False) -> None:
        self.w.choose(self.page.get_by_label("Where will you be during sessions?"), STATE)
        if couples:
            self.w.check(self.page.get_by_label("My partner and me"))
            self.w.choose(self.page.get_by_label("Where will your partner be"), STATE)
        self.w.click(self.button("Continue"))

    def concerns(self, *labels: str, text: str = "") -> None:
        for label in labels:
            self.w.check(self.page.get_by_label(label, exact=True))
        if text:
            self.w.fill(self.page.get_by_label("In your own words"), text)
        self.w.click(self.button("Continue"))

    def answer(self, answers: dict[str, int]) -> None:
        for code, value in answers.items():
            self.w.check(self.page.locator(f'input[name="{code}"][value="{value}"]'))

    def feeling(self, answers: dict[str, int]) -> None:
        self.answer(answers)
        self.w.click(self.button("Continue"))

    def pay_with_insurance(self) -> None:
        self.w.choose(self.page.get_by_label("Insurance plan"), self.site.plan)
        self.w.click(self.button("Continue"))

    def skip(self) -> None:
        self.w.click(self.button("Skip this step"))

    def see_therapists(self) -> None:
        self.w.click(self.button("See therapists"))
        assert self.page.get_by_role("heading", name="Therapists who can see you soon").is_visible()

    def times_offered(self) -> list[dict[str, str]]:
        links = self.page.get_by_role("link", name=re.compile("^Choose this time"))
        return [
            {k: v[0] for k, v in parse_qs(urlsplit(href).query).items()}
            for href in (links.nth(i).get_attribute("href") or "" for i in range(links.count()))
        ]

    def choose_time(self, card: int = 0) -> None:
        """The time on the `card`-th result (the tests of a module share one network); if
        someone took it meanwhile, the booking page offers others: the first of them."""
        self.w.click(self.page.get_by_role("link", name=re.compile("^Choose this time")).nth(card))
        if self.page.get_by_text("This time can no longer be booked").count():
            self.w.click(self.page.locator("ul.times a").first)

    def create_account(self, name: str) -> None:
        """On a booking page: the account form, then the mailed link, opened here."""
        self.w.fill(self.page.get_by_label("Your name"), name)
        self.w.fill(self.page.get_by_label("Email"), self.email)
        self.w.fill(self.page.get_by_label("Password"), PASSWORD)
        self.w.click(self.page.get_by_role("button", name="Create an account"))
        self.confirm_address()

    def confirm_address(self) -> None:
        assert self.page.get_by_role("heading", name="Check your email").is_visible()
        self.w.goto(self.site.base + self.site.mailed_link(self.email))
        self.w.click(self.button("Confirm my address"))

    def hold_and_book(self) -> int:
        self.w.click(self.button("Hold this time"))
        assert self.page.get_by_role("heading", name="This time is held for you").is_visible()
        self.w.click(self.button("Book this session"))
        assert self.page.get_by_role("heading", name="You are booked").is_visible()
        return self.w.booked()


def typical_individual(person: Person, card: int) -> int:
    """Home page to booked: one concern, the short checks answered, insurance, any time."""
    person.start()
    person.where()
    person.concerns("Infidelity and affairs")
    person.feeling({**CALM, SELF_HARM: 0})
    person.pay_with_insurance()
    person.skip()  # preferences
    person.see_therapists()
    person.choose_time(card)
    person.create_account("Ana Lima")
    return person.hold_and_book()


def test_an_individual_with_insurance_books_a_first_session(walk, site: Site) -> None:  # type: ignore[no-untyped-def]
    person = Person(walk(), site, "ana.lima@example.org")
    count = typical_individual(person, 0)
    assert "a first session for you on your own" in person.page.content()
    assert count <= TYPICAL
    assert person.w.errors == []


def test_a_couple_paying_themselves_books_a_couples_session(walk, site: Site) -> None:  # type: ignore[no-untyped-def]
    sam = Person(walk(name="sam"), site, "sam.okafor@example.org")
    sam.start()
    sam.where(couples=True)
    sam.concerns("Trust and betrayal")
    # each partner is asked the private questions: a "no" to each
    sam.feeling({**CALM, SELF_HARM: 0, **dict.fromkeys(PV, 0)})
    sam.skip()  # payment: paying themselves
    sam.skip()  # preferences
    sam.see_therapists()
    offered = sam.times_offered()
    assert offered
    assert {t["session_type"] for t in offered} == {"couples_intake"}
    sam.choose_time()
    opening = sam.page.url
    sam.create_account("Sam Okafor")
    # back at the time, signed in: the partner needs an account of their own, linked
    assert sam.page.get_by_text("your partner needs an account of their own").is_visible()
    sam.w.click(sam.page.get_by_role("link", name="your account page"))
    sam.w.click(sam.button("Make a code for my partner"))
    code = sam.page.locator("code.invitation").inner_text()
    # the partner answers the private questions on their own device, then signs up
    kai = Person(walk(name="kai"), site, "kai.okafor@example.org")
    kai.start()
    kai.where(couples=True)
    kai.concerns("Trust and betrayal")
    kai.feeling({**CALM, SELF_HARM: 0, **dict.fromkeys(PV, 0)})
    kai.w.goto(site.base + "/register?next=/account")
    kai.w.fill(kai.page.get_by_label("Your name"), "Kai Okafor")
    kai.w.fill(kai.page.get_by_label("Email"), kai.email)
    kai.w.fill(kai.page.get_by_label("Password"), PASSWORD)
    kai.w.click(kai.button("Create my account"))
    kai.confirm_address()
    kai.w.fill(kai.page.get_by_label("Your partner's code"), code)
    kai.w.click(kai.button("Link with my partner"))
    assert kai.page.get_by_text("You are linked with your partner").first.is_visible()
    # Sam goes back to the time chosen and books it for both
    sam.w.goto(opening)
    count = sam.hold_and_book()
    assert "for you and your partner together" in sam.page.content()
    assert count <= TYPICAL + 10  # a partner, the private questions, the code: their own steps
    assert sam.w.errors == []
    assert kai.w.errors == []


def test_self_harm_shows_crisis_help_first_and_still_reaches_results(walk, site: Site) -> None:  # type: ignore[no-untyped-def]
    person = Person(walk(), site, "lee.park@example.org")
    person.start()
    person.where()
    person.concerns("Infidelity and affairs")
    person.feeling({**CALM, SELF_HARM: 1})
    help_box = person.page.get_by_role("region", name="You do not have to carry this alone")
    assert help_box.is_visible()
    # the help comes before the page's own heading
    html = person.page.content()
    assert html.index("You do not have to carry this alone") < html.index("<h1")
    assert help_box.get_by_role("link", name="988").is_visible()
    person.skip()  # payment
    person.skip()  # preferences
    person.see_therapists()
    assert person.times_offered()
    assert person.w.errors == []


def test_partner_violence_removes_couples_options_and_leaves_no_trace_for_the_partner(  # type: ignore[no-untyped-def]
    walk, site: Site
) -> None:
    rae = Person(walk(name="rae"), site, "rae.costa@example.org")
    rae.start()
    rae.where(couples=True)
    rae.concerns("Trust and betrayal")
    rae.feeling({**CALM, SELF_HARM: 0, PV[0]: 1, **dict.fromkeys(PV[1:], 0)})
    assert rae.page.get_by_role("region", name="Help is there if you need it").is_visible()
    rae.skip()  # payment
    rae.skip()  # preferences
    rae.see_therapists()
    offered = rae.times_offered()
    assert offered
    assert {t["session_type"] for t in offered} == {"intake"}
    assert "My partner and me" not in rae.page.content()
    rae.choose_time(3)
    rae.create_account("Rae Costa")
    rae.w.click(rae.page.get_by_role("link", name="Your account"))
    rae.w.click(rae.button("Make a code for my partner"))
    code = rae.page.locator("code.invitation").inner_text()
    # the partner links and tries a couples session: refused in words that say nothing of why
    jo = Person(walk(name="jo"), site, "jo.costa@example.org")
    jo.w.arrive(site.base + "/register?next=/account")
    jo.w.fill(jo.page.get_by_label("Your name"), "Jo Costa")
    jo.w.fill(jo.page.get_by_label("Email"), jo.email)
    jo.w.fill(jo.page.get_by_label("Password"), PASSWORD)
    jo.w.choose(jo.page.get_by_label("The state you will be in"), STATE)
    jo.w.click(jo.button("Create my account"))
    jo.confirm_address()
    jo.w.fill(jo.page.get_by_label("Your partner's code"), code)
    jo.w.click(jo.button("Link with my partner"))
    jo.start()
    jo.where(couples=True)
    jo.concerns("Trust and betrayal")
    jo.feeling({**CALM, SELF_HARM: 0, **dict.fromkeys(PV, 0)})
    jo.skip()
    jo.skip()
    jo.see_therapists()
    offered = jo.times_offered()
    assert offered
    assert {t["session_type"] for t in offered} == {"couples_intake"}
    jo.choose_time(1)
    jo.w.click(jo.button("Hold this time"))
    refusal = jo.page.get_by_role("alert").first.inner_text()
    assert "Joint sessions can't be booked for this account right now" in refusal
    for page_text in (jo.page.locator("main").inner_text(), _account_text(jo)):
        for word in ("violence", "afraid", "abuse", "safety", "Rae", "disclos"):
            assert word.lower() not in page_text.lower(), (word, page_text)
    assert rae.w.errors == []
    assert jo.w.errors == []


def _account_text(person: Person) -> str:
    person.w.goto(person.site.base + "/account")
    text: str = person.page.locator("main").inner_text()
    return text


def test_words_about_coercive_control_bring_the_private_questions_forward(  # type: ignore[no-untyped-def]
    walk, site: Site
) -> None:
    person = Person(walk(), site, "ines.vale@example.org")
    person.start()
    person.where()
    words = "He checks my phone, controls all our money and I am afraid of what he will do."
    person.concerns("Trust and betrayal", text=words)
    html = person.page.content()
    assert f'name="{PV[0]}"' in html
    assert html.index(f'name="{PV[0]}"') < html.index(f'name="{PHQ2[0]}"')
    assert "partner_violence" not in html
    assert person.w.errors == []


def test_a_search_with_no_results_explains_what_to_relax(walk, site: Site) -> None:  # type: ignore[no-untyped-def]
    person = Person(walk(), site, "noor.haddad@example.org")
    page = person.page
    person.start()
    person.where()
    person.skip()  # concerns
    person.skip()  # feeling
    person.w.fill(page.get_by_label("Most you can pay per session"), "20")
    person.w.click(person.button("Continue"))
    person.w.choose(page.get_by_label("Therapist's gender"), "nonbinary")
    person.w.check(page.locator('input[name="required"][value="therapist_gender"]'))
    person.w.click(person.button("Continue"))
    person.see_therapists()
    assert person.times_offered() == []
    relax = page.get_by_role("region", name="What would help")
    assert relax.is_visible()
    offers = relax.get_by_role("button")
    assert offers.count() >= 1
    assert re.search(r"to see \d+ more", offers.first.inner_text())
    person.w.click(offers.first)
    assert person.w.errors == []


def test_the_individual_path_without_javascript(walk, site: Site) -> None:  # type: ignore[no-untyped-def]
    person = Person(walk(javascript=False), site, "ola.berg@example.org")
    count = typical_individual(person, 1)
    # without script the hold still says until when it lasts
    assert count <= TYPICAL


def test_a_375_pixel_wide_pass(walk, site: Site) -> None:  # type: ignore[no-untyped-def]
    w = walk(width=375)
    person = Person(w, site, "max.ruiz@example.org")
    count = typical_individual(person, 2)
    assert count <= TYPICAL
    assert w.too_wide == []  # no page is wider than the phone's screen
    assert w.errors == []


def tab_to(person: Person, target: Any, limit: int = 120) -> None:
    """Press Tab until `target` has the focus, which must be visible (each press counted)."""
    page = person.page
    handle = target.element_handle()
    for _ in range(limit):
        person.w.press("Tab")
        if page.evaluate("(el) => document.activeElement === el", handle):
            style, width = page.evaluate(
                "(el) => [getComputedStyle(el).outlineStyle, getComputedStyle(el).outlineWidth]",
                handle,
            )
            assert style != "none", f"no visible focus on {target}"
            assert width != "0px", f"no visible focus on {target}"
            return
    raise AssertionError(f"{target} cannot be reached with Tab")


def test_a_keyboard_only_pass(walk, site: Site) -> None:  # type: ignore[no-untyped-def]
    person = Person(walk(), site, "kit.moreno@example.org")
    page, w = person.page, person.w
    w.arrive(site.base + "/")
    w.press("Tab")
    assert page.evaluate("document.activeElement.textContent") == "Skip to main content"
    tab_to(person, page.get_by_role("link", name="Start", exact=True))
    w.press_to_go()
    tab_to(person, page.get_by_label("Where will you be during sessions?"))
    w.type("New York")
    assert page.get_by_label("Where will you be during sessions?").input_value() == STATE
    tab_to(person, person.button("Continue"))
    w.press_to_go()
    for _ in range(4):  # concerns, feeling, payment, preferences
        tab_to(person, person.button("Skip this step"))
        w.press_to_go()
    tab_to(person, person.button("See therapists"))
    w.press_to_go()
    tab_to(person, page.get_by_role("link", name=re.compile("^Choose this time")).nth(4))
    w.press_to_go()
    for label, value in (("Your name", "Kit Moreno"), ("Email", person.email)):
        tab_to(person, page.get_by_label(label))
        w.type(value)
    tab_to(person, page.get_by_label("Password"))
    w.type(PASSWORD)
    tab_to(person, page.get_by_role("button", name="Create an account"))
    w.press_to_go()
    assert page.get_by_role("heading", name="Check your email").is_visible()
    w.goto(site.base + site.mailed_link(person.email))
    for name in ("Confirm my address", "Hold this time", "Book this session"):
        tab_to(person, person.button(name))
        w.press_to_go()
    assert page.get_by_role("heading", name="You are booked").is_visible()
    print(f"keyboard only: {w.booked()} key presses and typed fields to booking")
    assert w.errors == []
