"""The intake pages through real HTTP: each step refuses bad entries next to the field, keeps its
place back and forth, keeps health data out of every URL, and follows the safety rules."""

from __future__ import annotations

import re
from datetime import UTC, datetime, timedelta
from html.parser import HTMLParser
from urllib.parse import parse_qs, urlsplit

import pytest
import time_machine
from fastapi.testclient import TestClient
from sqlalchemy import func, select

from confide.intake import questions
from confide.models import MatchTally
from tests.intake.conftest import AFTER_MIDNIGHT, NOON, STEP_PATHS, Person
from tests.web.test_bad_input import ODD_VALUES

PHQ2 = [i.code for i in questions.INSTRUMENTS["phq2"].items]
GAD2 = [i.code for i in questions.INSTRUMENTS["gad2"].items]
PHQ9_REST = [i.code for i in questions.INSTRUMENTS["phq9"].items[len(PHQ2) :]]
SELF_HARM = questions.SELF_HARM_QUESTION.code
PV = [i.code for i in questions.PARTNER_VIOLENCE_QUESTIONS]
STEPS = ("concerns", "feeling", "payment", "preferences", "times")


def error_next_to(page: str, field: str) -> str:
    """The message shown next to `field`, which the control names with aria-describedby."""
    found = re.search(
        rf'<p class="intake-error" id="{re.escape(field)}-error">(.*?)</p>', page, re.S
    )
    assert found is not None, f"no message next to {field}"
    assert re.search(rf'aria-describedby="[^"]*\b{re.escape(field)}-error"', page)
    return re.sub(r"<[^>]+>", "", found.group(1))


def quick_path(person: Person, state: str = "CA", **where: str) -> None:
    assert person.post("/start", state=state, **where).status_code == 303
    assert person.post("/start/concerns", concerns="infidelity").status_code == 303
    assert person.post("/start/feeling", action="skip").status_code == 303
    assert person.post("/start/payment", action="skip").status_code == 303
    assert person.post("/start/preferences", action="skip").status_code == 303
    assert person.post("/start/times", timezone="America/Los_Angeles").status_code == 303


def book_links(page: str) -> list[dict[str, str]]:
    links = re.findall(r'href="(/book\?[^"]+)"', page)
    return [
        {k: v[0] for k, v in parse_qs(urlsplit(h.replace("&amp;", "&")).query).items()}
        for h in links
    ]


def test_the_home_page_starts_the_intake(site: TestClient) -> None:
    assert 'href="/start"' in site.get("/").text


@pytest.mark.parametrize("instant", [AFTER_MIDNIGHT, NOON], ids=["after-midnight", "noon"])
def test_a_person_in_a_hurry_reaches_bookable_results(
    person: Person, frozen: time_machine.Coordinates, instant: datetime
) -> None:
    frozen.move_to(instant)
    person.api.app.state.matching.warm_up(instant)  # type: ignore[attr-defined]
    quick_path(person)
    page = person.get("/start/results")
    assert page.status_code == 200
    assert "Step 7 of 7" in page.text
    links = book_links(page.text)
    assert 3 <= len(links) <= 10
    for link in links:
        assert link["session_type"] == "intake"
        start = datetime.strptime(link["start"], "%Y-%m-%dT%H:%M:%SZ").replace(tzinfo=UTC)
        # no same-day first sessions: at least the default day of notice
        assert start >= instant + timedelta(hours=24)
    assert "Choose this time" in page.text
    assert "per session if you pay for yourself" in page.text
    profile = re.search(r'href="(/therapists/\d+)"', page.text)
    assert profile is not None
    shown = person.get(profile.group(1))
    assert shown.status_code == 200
    assert "Next openings" in shown.text
    assert "/book?therapist=" in shown.text


def test_every_step_refuses_bad_entries_next_to_the_field(person: Person) -> None:
    page = person.post("/start", state="", format="individual")
    assert page.status_code == 422
    assert "Choose the state" in error_next_to(page.text, "state")
    assert 'aria-invalid="true"' in page.text
    page = person.post("/start", state="NY", format="couples", partner_state="")
    assert page.status_code == 422
    assert "partner" in error_next_to(page.text, "partner_state")
    assert person.post("/start", state="NY").status_code == 303
    page = person.post("/start/concerns", concerns="sadness")
    assert page.status_code == 422
    assert error_next_to(page.text, "concerns")
    page = person.post("/start/feeling", **{PHQ2[0]: "2"})
    assert page.status_code == 422
    assert "answer this question too" in error_next_to(page.text, PHQ2[1])
    page = person.post("/start/feeling", **{PHQ2[0]: "7", PHQ2[1]: "1"})
    assert "Choose one of the answers" in error_next_to(page.text, PHQ2[0])
    page = person.post("/start/payment", plan="", max_rate="a lot")
    assert page.status_code == 422
    assert "dollars" in error_next_to(page.text, "max_rate")
    page = person.post("/start/payment", plan="no-such-plan")
    assert error_next_to(page.text, "plan")
    page = person.post("/start/preferences", therapist_gender="", required="therapist_gender")
    assert page.status_code == 422
    assert "must-have" in error_next_to(page.text, "therapist_gender")
    page = person.post("/start/times", timezone="Mars/Olympus_Mons")
    assert page.status_code == 422
    assert "time zone" in error_next_to(page.text, "timezone")
    page = person.post("/start/times", timezone="America/New_York", times="8-midnight")
    assert error_next_to(page.text, "times")


def test_going_back_and_forth_loses_nothing(person: Person) -> None:
    person.post("/start", state="TX")
    person.post("/start/concerns", concerns=["infidelity", "trust_issues"])
    # back from the payment step with an answer given there: kept, and the page before shown
    back = person.post("/start/payment", plan="", max_rate="120", action="back")
    assert back.headers["location"] == "/start/feeling"
    assert 'value="TX" selected' in person.get("/start").text
    concerns = person.get("/start/concerns").text
    assert 'value="infidelity" checked' in concerns
    assert 'value="trust_issues" checked' in concerns
    assert 'value="120"' in person.get("/start/payment").text
    # a slip on the way back does not lose what was kept
    person.post("/start/payment", plan="", max_rate="oops", action="back")
    assert 'value="120"' in person.get("/start/payment").text


def test_nothing_health_related_is_ever_in_a_url(person: Person) -> None:
    person.post("/start", state="NY", format="couples", partner_state="NJ")
    person.post(
        "/start/concerns",
        concerns=["addiction", "trauma_ptsd"],
        concern_text="My partner drinks and I feel hopeless",
    )
    person.post(
        "/start/feeling",
        **{PHQ2[0]: "3", PHQ2[1]: "3", GAD2[0]: "0", GAD2[1]: "0", SELF_HARM: "1"},
        **dict.fromkeys(PV, "0"),
    )
    person.post("/start/feeling", **dict.fromkeys(PHQ9_REST, "1"))
    person.post("/start/payment", plan="", max_rate="200")
    person.post("/start/preferences", languages="es")
    person.post("/start/times", timezone="America/New_York", times=["1-evening"])
    person.post("/start/results", action="adjust", setting="either")
    person.get("/start/results")
    person.post("/start/forget")
    assert len(person.redirects) >= 9
    for location in person.redirects:
        assert urlsplit(location).query == "", location
        assert location in STEP_PATHS, location


def test_partner_violence_removes_couples_options_and_shows_the_hotline(person: Person) -> None:
    person.post("/start", state="NY", format="couples", partner_state="NY")
    person.post("/start/concerns", concerns="trust_issues")
    feeling = person.get("/start/feeling").text
    for code in PV:  # asked of each partner of a couple, privately
        assert f'name="{code}"' in feeling
    person.post("/start/feeling", **{PV[0]: "1"}, **dict.fromkeys(PV[1:], "0"))
    after = person.get("/start/payment").text
    hotline = after.index("Help is there if you need it")
    assert hotline < after.index("<h1>")
    assert "1-800-799-7233" in after[hotline:]
    assert "couples sessions" not in after  # the couples payment note is gone too
    where = person.get("/start").text
    assert "My partner and me" not in where
    assert 'name="format" value="individual"' in where
    # going back and choosing couples again changes nothing
    person.post("/start", state="NY", format="couples", partner_state="NY")
    person.post("/start/payment", action="skip")
    results = person.get("/start/results").text
    links = book_links(results)
    assert links
    assert {link["session_type"] for link in links} == {"intake"}
    # the hotline was shown once, on the next page; the results do not repeat the banner
    assert "Help is there if you need it" not in results


def test_self_harm_shows_crisis_help_first_and_the_person_still_reaches_results(
    person: Person,
) -> None:
    person.post("/start", state="CA")
    person.post("/start/concerns", concerns="grief")
    person.post(
        "/start/feeling",
        **{PHQ2[0]: "1", PHQ2[1]: "0", GAD2[0]: "0", GAD2[1]: "0", SELF_HARM: "1"},
    )
    after = person.get("/start/payment").text
    help_at = after.index("You do not have to carry this alone")
    assert help_at < after.index("<h1>")
    for number in ("tel:988", "741741", "tel:911"):
        assert number in after[help_at:]
    assert person.post("/start/payment", action="skip").headers["location"] == "/start/preferences"
    person.post("/start/preferences", action="skip")
    person.post("/start/times", timezone="America/Los_Angeles")
    results = person.get("/start/results")
    assert results.status_code == 200
    assert book_links(results.text)


def test_a_positive_check_asks_the_rest_on_a_page_of_its_own_without_script(
    person: Person,
) -> None:
    person.post("/start", state="CA")
    page = person.get("/start/feeling").text
    # with script the rest opens in place; without it, it is hidden and asked next
    assert "data-expansion-of" in page
    assert " hidden>" in page
    moved = person.post(
        "/start/feeling", **{PHQ2[0]: "2", PHQ2[1]: "2", GAD2[0]: "0", GAD2[1]: "1"}
    )
    assert moved.headers["location"] == "/start/feeling"
    more = person.get("/start/feeling").text
    assert "A few more questions" in more
    for code in PHQ9_REST:
        assert f'name="{code}"' in more
    last = PHQ9_REST[-1]  # PHQ-9 item 9: judged on its own
    answers = dict.fromkeys(PHQ9_REST, "0") | {last: "1"}
    assert person.post("/start/feeling", **answers).headers["location"] == "/start/payment"
    assert "You do not have to carry this alone" in person.get("/start/payment").text


def test_words_about_coercive_control_bring_the_private_questions_forward(
    person: Person,
) -> None:
    person.post("/start", state="CA")
    text = "He checks my phone, controls all our money and I am afraid of what he will do."
    person.post("/start/concerns", concerns="trust_issues", concern_text=text)
    signals = questions.safety_signals(text)
    assert "partner_violence" in signals
    page = person.get("/start/feeling").text
    first_private = page.index(f'name="{PV[0]}"')
    assert first_private < page.index(f'name="{PHQ2[0]}"')
    # a signal is never shown as a label
    assert "partner_violence" not in page
    assert "signal" not in page.lower()
    # the answers decide: a "no" to every question leaves couples and all else as they were
    person.post("/start/feeling", **dict.fromkeys(PV, "0"), **{SELF_HARM: "0"})
    assert "Help is there" not in person.get("/start/payment").text
    assert "My partner and me" in person.get("/start").text


def test_when_results_are_few_the_page_says_what_to_relax(person: Person) -> None:
    person.post("/start", state="CA")
    person.post("/start/concerns", action="skip")
    person.post("/start/feeling", action="skip")
    person.post("/start/payment", plan="", max_rate="90")
    person.post(
        "/start/preferences",
        therapist_gender="nonbinary",
        languages="ko",
        required=["therapist_gender", "languages"],
    )
    person.post("/start/times", timezone="America/Los_Angeles", times=["6-morning"])
    database = person.api.app.state.database  # type: ignore[attr-defined]
    tallies = person.api.app.state.matching.tallies  # type: ignore[attr-defined]
    tallies.flush()
    with database.session() as session:
        before = session.scalar(select(func.coalesce(func.sum(MatchTally.answers), 0)))
    page = person.get("/start/results").text
    offers = re.findall(r'value="relax-([\w+]+)"[^>]*>([^<]+)</button>', page)
    assert offers, page
    # one answer shown, counted once for network health; the probes behind each offer are not
    tallies.flush()
    with database.session() as session:
        after = session.scalar(select(func.coalesce(func.sum(MatchTally.answers), 0)))
    assert after - before == 1
    for _action, label in offers:
        assert re.search(r"to see \d+ more$", label.strip()), label
    assert len(book_links(page)) < 3
    action = offers[0][0]
    assert person.post("/start/results", action=f"relax-{action}").status_code == 303
    wider = person.get("/start/results").text
    assert len(book_links(wider)) > len(book_links(page))


def test_constraints_change_in_place_on_the_results_page(person: Person) -> None:
    quick_path(person)
    page = person.post("/start/results", action="adjust", setting="in_person", postal_code="")
    assert page.status_code == 422
    assert "postal code" in error_next_to(page.text, "postal_code")
    changed = person.post(
        "/start/results",
        action="adjust",
        setting="in_person",
        postal_code="94110",
        max_distance_km="30",
    )
    assert changed.headers["location"] == "/start/results"
    assert 'value="in_person" checked' in person.get("/start/results").text


def test_later_steps_without_a_state_go_back_to_the_start(person: Person) -> None:
    for path in ("/start/concerns", "/start/times", "/start/results"):
        assert person.get(path).headers["location"] == "/start"
    assert person.post("/start/payment", max_rate="100").headers["location"] == "/start"


def test_a_form_from_elsewhere_is_refused(site: TestClient) -> None:
    response = site.post("/start", data={"csrf_token": "forged", "state": "NY"})
    assert response.status_code == 403


def test_an_unknown_therapist_page_is_a_plain_404(site: TestClient) -> None:
    response = site.get("/therapists/999999")
    assert response.status_code == 404
    assert "988" in response.text


@pytest.mark.parametrize(
    ("path", "fields"),
    [
        ("/start", {"state": "NY", "format": "couples", "partner_state": "NJ", "timezone": ""}),
        ("/start/concerns", {"concerns": "infidelity", "concern_text": "x"}),
        ("/start/feeling", {PHQ2[0]: "1", PHQ2[1]: "1", SELF_HARM: "0"}),
        ("/start/payment", {"plan": "", "max_rate": "100"}),
        ("/start/preferences", {"therapist_gender": "woman", "languages": "es", "faith": ""}),
        ("/start/times", {"timezone": "America/New_York", "times": "0-morning"}),
        ("/start/results", {"setting": "telehealth", "max_rate": "100", "postal_code": ""}),
    ],
)
def test_odd_values_in_every_field_never_reach_a_server_error(
    person: Person, path: str, fields: dict[str, str]
) -> None:
    person.post("/start", state="NY")
    api = TestClient(person.api.app, raise_server_exceptions=False, cookies=person.api.cookies)
    for name in fields:
        for kind, odd in ODD_VALUES.items():
            data = {"csrf_token": person.token, **fields, name: str(odd)}
            response = api.post(path, data=data, follow_redirects=False)
            assert response.status_code in (200, 303, 422), f"{path} {name} = {kind}"


def test_private_answers_are_never_shown_again(person: Person) -> None:
    person.post("/start", state="NY", format="couples", partner_state="NY")
    person.post("/start/feeling", **dict.fromkeys(PV, "1"), **{SELF_HARM: "1"})
    again = person.get("/start/feeling").text
    for code in (*PV, SELF_HARM):
        assert not re.search(rf'name="{code}" value="1"[^>]* checked', again)


def test_couples_sessions_are_never_said_to_be_covered(person: Person) -> None:
    person.post("/start", state="CA", format="couples", partner_state="CA")
    person.post("/start/concerns", concerns="infidelity")
    person.post("/start/feeling", action="skip")
    plans = re.findall(r'<option value="([\w-]+)"', person.get("/start/payment").text)
    plan = next(p for p in plans if p not in ("", "AL") and len(p) > 2)
    assert person.post("/start/payment", plan=plan).status_code == 303
    person.post("/start/preferences", action="skip")
    person.post("/start/times", timezone="America/Los_Angeles")
    page = person.get("/start/results").text
    links = book_links(page)
    assert links
    assert {link["session_type"] for link in links} == {"couples_intake"}
    assert "In network" not in page
    assert "Insurance often does not pay for couples sessions" in page


class _Controls(HTMLParser):
    """Form controls and whether each has a label: a <label for=id>, or a wrapping <label>."""

    def __init__(self) -> None:
        super().__init__()
        self.open_labels = 0
        self.label_for: set[str] = set()
        self.controls: list[tuple[str, str | None, bool]] = []
        self.radios_outside_fieldset: list[str] = []
        self.fieldsets = 0

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        found = dict(attrs)
        if tag == "label":
            self.open_labels += 1
            if found.get("for"):
                self.label_for.add(str(found["for"]))
        elif tag == "fieldset":
            self.fieldsets += 1
        elif tag in ("input", "select", "textarea") and found.get("type") != "hidden":
            name = str(found.get("name"))
            self.controls.append((name, found.get("id"), self.open_labels > 0))
            if found.get("type") in ("radio", "checkbox") and self.fieldsets == 0:
                self.radios_outside_fieldset.append(name)

    def handle_endtag(self, tag: str) -> None:
        if tag == "label":
            self.open_labels -= 1
        elif tag == "fieldset":
            self.fieldsets -= 1


@pytest.mark.parametrize("database", ["sqlite"], indirect=True)
def test_every_control_on_every_page_has_a_label(person: Person) -> None:
    person.post("/start", state="CA", format="couples", partner_state="CA")
    person.post("/start/concerns", concerns="trauma_ptsd")
    pages = ["/start", *(f"/start/{s}" for s in STEPS), "/start/results"]
    for path in pages:
        page = person.get(path)
        assert page.status_code == 200, path
        assert "<h1>" in page.text, path
        controls = _Controls()
        controls.feed(page.text)
        for name, control_id, wrapped in controls.controls:
            assert wrapped or (control_id and control_id in controls.label_for), (path, name)
        # radio groups and checkbox lists sit in fieldsets, named by their legend
        allowed_alone = {"required", "gender_required", "language_required", "any_time"}
        assert set(controls.radios_outside_fieldset) <= allowed_alone, path
