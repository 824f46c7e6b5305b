"""The portal's pages for a signed-in therapist: each page, each form's checks (the field named
beside it, nothing changed), the audit trail, and who may use them."""

from __future__ import annotations

import re
from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import select

from confide.models import (
    AuditEvent,
    Licence,
    PanelParticipation,
    Therapist,
    TherapistService,
    TimeOff,
)
from tests.conftest import make_user, sign_in
from tests.portal.conftest import Portal, staff_account

PAGES = {
    "/portal": "Your practice",
    "/portal/supply": "New clients and limits",
    "/portal/hours": "Weekly hours",
    "/portal/time-off": "Time off",
    "/portal/rates": "Self-pay rates",
    "/portal/panels": "Insurance panels",
    "/portal/profile": "What you work on",
    "/portal/calendar": "Your own calendar",
    "/portal/openings": "What clients see",
}
SUPPLY = {
    "status": "accepting",
    "paused_until": "",
    "weekly_new_client_limit": "4",
    "caseload_limit": "20",
    "minimum_notice_hours": "2",
    "booking_horizon_days": "30",
    "buffer_minutes": "10",
}


def therapist(portal: Portal) -> Therapist:
    with portal.database.session() as session:
        found = session.get_one(Therapist, portal.therapist_id)
        session.expunge(found)
        return found


def trail(portal: Portal) -> list[tuple[str, str, str | None, str]]:
    with portal.database.session() as session:
        rows = session.execute(
            select(
                AuditEvent.actor_role,
                AuditEvent.object_type,
                AuditEvent.object_id,
                AuditEvent.action,
            )
            .where(AuditEvent.actor_role == "therapist")
            .order_by(AuditEvent.id)
        ).all()
    return [tuple(r) for r in rows]  # type: ignore[misc]


def hours_of(portal: Portal) -> list[tuple[int, int, int]]:
    with portal.database.session() as session:
        t = session.get_one(Therapist, portal.therapist_id)
        return [(w.weekday, w.start_minute, w.end_minute) for w in t.weekly_hours]


def test_every_page_shows_for_the_therapist(portal: Portal) -> None:
    for path, heading in PAGES.items():
        page = portal.browser.get(path)
        assert page.status_code == 200, (path, page.text)
        assert f"<h1>{heading}</h1>" in page.text, path
        assert 'aria-label="Your practice"' in page.text
        assert "988" in page.text  # crisis help from base.html


def test_overview_says_status_places_openings_and_warnings(portal: Portal) -> None:
    # the New York licence last checked 120 days ago: older than the 90 days listing allows
    with portal.database.session(write=True) as session:
        licence = session.scalars(
            select(Licence).where(
                Licence.therapist_id == portal.therapist_id, Licence.state == "NY"
            )
        ).one()
        licence.verified_at = datetime.now(UTC) - timedelta(days=120)
    page = portal.browser.get("/portal").text
    assert "Accepting new clients" in page
    assert "5 of 5" in page  # places left this week
    assert "America/New_York" in page
    assert "Your licence in New York is unverified" in page
    assert "you are not listed there" in page
    assert re.search(r'<time datetime="[^"]+">', page)


def test_hours_are_replaced_shown_in_the_zone_and_audited(portal: Portal) -> None:
    form = {f"day_{d}": "" for d in range(7)} | {"day_0": "09:00-12:00, 13:00-17:30"}
    response = portal.post("/portal/hours", form)
    assert response.status_code == 303
    assert response.headers["location"] == "/portal/hours?saved=1"
    assert hours_of(portal) == [(0, 540, 720), (0, 780, 1050)]
    page = portal.browser.get("/portal/hours?saved=1").text
    assert 'value="09:00-12:00, 13:00-17:30"' in page
    assert "Saved." in page
    assert "America/New_York" in page
    assert trail(portal)[-1] == ("therapist", "weekly_hours", str(portal.therapist_id), "update")


@pytest.mark.parametrize(
    ("text", "said"),
    [
        ("9 to 5", "write each time as 09:00-17:00"),
        ("09:00-09:10", "quarter hour"),
        ("17:00-09:00", "the start is not before the end"),
        ("09:00-12:00, 11:00-13:00", "overlap"),
        ("25:00-26:00", "not a time of day"),
        ("０９:00-10:00", "write each time as 09:00-17:00"),
    ],
)
def test_a_wrong_day_is_named_beside_its_field_and_nothing_changes(
    portal: Portal, text: str, said: str
) -> None:
    before, audited = hours_of(portal), len(trail(portal))
    form = {f"day_{d}": "10:00-11:00" for d in range(7)} | {"day_2": text}
    response = portal.post("/portal/hours", form)
    assert response.status_code == 422
    assert '<p class="field-problem" id="day_2-error">Wednesday: ' in response.text
    assert said in response.text
    assert 'aria-describedby="day_2-error"' in response.text
    assert "Nothing was changed." in response.text
    assert "Macro" not in response.text
    assert hours_of(portal) == before
    assert len(trail(portal)) == audited


def test_supply_changes_and_its_checks(portal: Portal) -> None:
    assert portal.post("/portal/supply", SUPPLY).status_code == 303
    t = therapist(portal)
    assert (t.weekly_new_client_limit, t.caseload_limit, t.minimum_notice_hours) == (4, 20, 2)
    assert trail(portal)[-1][1] == "therapist_supply"
    audited = len(trail(portal))
    wrong = [
        ({"weekly_new_client_limit": "lots"}, "weekly_new_client_limit", "New clients a week"),
        ({"booking_horizon_days": "0"}, "booking_horizon_days", "Booking horizon"),
        ({"buffer_minutes": "121"}, "buffer_minutes", "Buffer between sessions"),
        ({"status": "paused"}, "paused_until", "First day back"),
        ({"status": "paused", "paused_until": "2020-01-01"}, "paused_until", "First day back"),
        ({"status": "maybe"}, "status", "New clients"),
        ({"status": "paused", "paused_until": "9999-12-31"}, "paused_until", "First day back"),
    ]
    for change, field, label in wrong:
        response = portal.post("/portal/supply", SUPPLY | change)
        assert response.status_code == 422, (change, response.text)
        assert f'id="{field}-error">{label}' in response.text, (change, response.text)
    assert therapist(portal).weekly_new_client_limit == 4
    assert therapist(portal).accepting_new_clients
    assert len(trail(portal)) == audited


def test_pause_until_a_day_and_come_back(portal: Portal) -> None:
    back = (datetime.now(UTC) + timedelta(days=10)).date()
    form = SUPPLY | {"status": "paused", "paused_until": back.isoformat()}
    assert portal.post("/portal/supply", form).status_code == 303
    assert therapist(portal).paused_until == back
    assert f"Paused until {back:%d %B %Y}" in portal.browser.get("/portal").text
    assert portal.post("/portal/supply", SUPPLY | {"status": "closed"}).status_code == 303
    t = therapist(portal)
    assert (t.accepting_new_clients, t.paused_until) == (False, None)
    assert "Not taking new clients" in portal.browser.get("/portal").text


def test_time_off_added_and_removed_only_ones_own(portal: Portal) -> None:
    first = (datetime.now(UTC) + timedelta(days=5)).date()
    form = {"starts_on": first.isoformat(), "ends_on": (first + timedelta(days=2)).isoformat()}
    assert portal.post("/portal/time-off", form).status_code == 303
    with portal.database.session() as session:
        mine = session.scalars(select(TimeOff.id)).one()
    assert f"{first:%a %d %b %Y}" in portal.browser.get("/portal/time-off").text
    wrong = {"starts_on": first.isoformat(), "ends_on": (first - timedelta(days=1)).isoformat()}
    response = portal.post("/portal/time-off", wrong)
    assert response.status_code == 422
    assert 'id="ends_on-error">Last day away: ' in response.text
    # someone else's (here: no such row) is not found, and nothing is removed
    other = portal.post("/portal/time-off/remove", {"time_off": str(mine + 1000)})
    assert other.status_code == 404
    removed = portal.post("/portal/time-off/remove", {"time_off": str(mine)})
    assert removed.status_code == 303
    assert removed.headers["location"] == "/portal/time-off?saved=1"
    with portal.database.session() as session:
        assert session.scalars(select(TimeOff.id)).all() == []
    assert [row[1:] for row in trail(portal)][-2:] == [
        ("time_off", str(portal.therapist_id), "create"),
        ("time_off", str(portal.therapist_id), "delete"),
    ]


def test_rates_with_sliding_scale_and_their_checks(portal: Portal) -> None:
    kinds = ("intake", "individual", "couples_intake", "couples")
    form = {f"rate_{k}": "180" for k in kinds} | {f"sliding_{k}": "" for k in kinds}
    form["sliding_intake"] = "$90.50"
    assert portal.post("/portal/rates", form).status_code == 303
    with portal.database.session() as session:
        intake = session.get_one(TherapistService, (portal.therapist_id, "intake"))
        assert (intake.self_pay_rate_cents, intake.sliding_scale_min_cents) == (18000, 9050)
    response = portal.post("/portal/rates", form | {"sliding_couples": "400"})
    assert response.status_code == 422
    assert 'id="sliding_couples-error">Couples session lowest fee: ' in response.text
    response = portal.post("/portal/rates", form | {"rate_individual": "free"})
    assert 'id="rate_individual-error">Individual session rate: ' in response.text
    assert trail(portal)[-1][1] == "therapist_rates"


def test_panels_joined_in_licensed_states_and_left(portal: Portal) -> None:
    join = {"plan": "aetna-ppo", "state": "NY"}
    assert portal.post("/portal/panels", join).status_code == 303
    assert "Aetna Open Choice PPO" in portal.browser.get("/portal/panels").text
    refused = portal.post("/portal/panels", {"plan": "aetna-ppo", "state": "CA"})
    assert refused.status_code == 422
    assert 'id="state-error">State: choose a state you are licensed in' in refused.text
    unknown = portal.post("/portal/panels", {"plan": "no-such-plan", "state": "NY"})
    assert 'id="plan-error">Plan: ' in unknown.text
    assert portal.post("/portal/panels/leave", join).status_code == 303
    with portal.database.session() as session:
        assert session.scalars(select(PanelParticipation)).all() == []
    assert portal.post("/portal/panels/leave", join).status_code == 404
    assert [r[1] for r in trail(portal)][-2:] == ["panel_participation"] * 2


def test_profile_replaced_and_its_checks(portal: Portal) -> None:
    form = {
        "populations": ["couples"],
        "languages": ["en", "es"],
        "modalities": ["eft", "gottman"],
        "concern_infidelity": "primary",
        "concern_trust_issues": "secondary",
    }
    assert portal.post("/portal/profile", form).status_code == 303
    t = therapist(portal)
    with portal.database.session() as session:
        t = session.get_one(Therapist, portal.therapist_id)
        assert sorted(lang.language for lang in t.languages) == ["en", "es"]
        assert [p.population for p in t.populations] == ["couples"]
        assert {s.concern: s.strength for s in t.specialties} == {
            "infidelity": "primary",
            "trust_issues": "secondary",
        }
    response = portal.post("/portal/profile", form | {"languages": []})
    assert response.status_code == 422
    assert 'id="languages-error">Languages: ' in response.text
    # what was sent stays on the form
    assert 'value="gottman" checked' in response.text
    response = portal.post("/portal/profile", form | {"modalities": ["not-one"]})
    assert 'id="modalities-error">Ways of working: ' in response.text
    response = portal.post("/portal/profile", form | {"concern_infidelity": "tertiary"})
    assert 'id="concern_infidelity-error">Infidelity and affairs: ' in response.text
    assert trail(portal)[-1][1] == "therapist_profile"


def test_a_form_without_its_csrf_token_changes_nothing(portal: Portal) -> None:
    before = hours_of(portal)
    form = {f"day_{d}": "" for d in range(7)} | {"csrf_token": "not-the-token"}
    response = portal.browser.post("/portal/hours", data=form)
    assert response.status_code == 403
    assert hours_of(portal) == before


def test_only_a_therapist_account_may_use_the_portal(portal: Portal) -> None:
    anonymous = portal.app.__class__(portal.app.app, follow_redirects=False)
    for path in PAGES:
        response = anonymous.get(path)
        assert response.status_code == 303
        assert response.headers["location"].startswith("/signin?next=")
    posted = anonymous.post("/portal/hours", data={"csrf_token": "x", "day_0": ""})
    assert posted.status_code == 303
    client = portal.app.__class__(portal.app.app, follow_redirects=False)
    sign_in(client, make_user(portal.app))
    reviewer = portal.app.__class__(portal.app.app, follow_redirects=False)
    sign_in(reviewer, staff_account(portal.database, "reviewer"))
    unlinked = portal.app.__class__(portal.app.app, follow_redirects=False)
    sign_in(unlinked, staff_account(portal.database, "therapist"))  # no therapist record
    for browser in (client, reviewer, unlinked):
        for path in PAGES:
            assert browser.get(path).status_code == 403, path
    assert hours_of(portal) != []
