"""Check-ins through the JSON API and the pages, on SQLite and PostgreSQL, the clock frozen at
five past midnight and moved a week: the weekly rule, the full form after a positive short
check, crisis help first and a flag after PHQ-9 item 9, therapy suggested after a positive
screen, what each partner sees of the other, and the therapist who sees the trends only while
both partners consent."""

from __future__ import annotations

import re
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta

import pytest
import time_machine
from fastapi.testclient import TestClient
from sqlalchemy import select

from confide.db import Database
from confide.main import create_app
from confide.models import Appointment, AuditEvent, ProgramTherapistConsent, SafetyFlag
from tests.conftest import make_user, settings_for
from tests.program.checkin_world import (
    CALM,
    WEEK,
    Couple,
    browser_of,
    check_in,
    make_couple,
    therapist_browser,
)

NOW = datetime(2026, 3, 2, 0, 5, tzinfo=UTC)  # a Monday, five past midnight
POSITIVE_PHQ9 = [2, 2, 2, 2, 1, 1, 1, 1, 0]  # 12
ITEM_9 = [2, 1, 0, 0, 0, 0, 0, 0, 1]


@pytest.fixture
def clock() -> Iterator[time_machine.Coordinates]:
    with time_machine.travel(NOW, tick=False) as traveller:
        yield traveller


@pytest.fixture
def api(
    database: Database, clock: time_machine.Coordinates, quick_passwords: None
) -> Iterator[TestClient]:
    app = create_app(settings_for(str(database.engine.url)), database=database)
    with TestClient(app, raise_server_exceptions=False) as client:
        yield client


@pytest.fixture
def couple(api: TestClient) -> Couple:
    return make_couple(api)


def test_one_check_in_a_week_a_second_is_refused_and_next_week_opens(
    api: TestClient, couple: Couple, clock: time_machine.Coordinates
) -> None:
    first = check_in(api, couple.a, signs={**CALM, "listened": 1})
    assert first["week"] == 1
    assert first["suggest_therapy"] is False
    again = api.post(
        "/api/v1/program/check-ins",
        json={"signs": CALM, "mood": [0, 0], "worry": [0, 0]},
        headers=couple.a,
    )
    assert again.status_code == 409, again.text
    assert again.json()["error"] == "check_in_done"
    assert again.json()["next_opens_at"] == (NOW + WEEK).isoformat()
    clock.move_to(NOW + WEEK - timedelta(minutes=5))  # midnight on day 8: still week 1
    assert (
        api.post(
            "/api/v1/program/check-ins",
            json={"signs": CALM, "mood": [0, 0], "worry": [0, 0]},
            headers=couple.a,
        ).status_code
        == 409
    )
    clock.move_to(NOW + WEEK)
    second = check_in(api, couple.a, signs={**CALM, "listened": 3})
    assert second["week"] == 2
    listed = api.get("/api/v1/program/check-ins", headers=couple.a).json()["check_ins"]
    assert [c["week"] for c in listed] == [1, 2]
    # the partner's own list is theirs alone
    assert api.get("/api/v1/program/check-ins", headers=couple.p).json()["check_ins"] == []
    progress = api.get("/api/v1/program/progress", headers=couple.a).json()["mine"]
    listened = next(s for s in progress["signs"] if s["code"] == "listened")
    assert listened["points"] == [{"week": 1, "value": 1}, {"week": 2, "value": 3}]
    assert progress["summary"][0]["text"] == (
        "Feeling listened to has risen over the last 2 check-ins."
    )


def test_the_last_minute_of_a_week_still_counts_for_that_week(
    api: TestClient, couple: Couple, clock: time_machine.Coordinates
) -> None:
    clock.move_to(NOW + WEEK - timedelta(seconds=1))
    assert check_in(api, couple.a)["week"] == 1
    clock.move_to(NOW + WEEK)
    assert check_in(api, couple.a)["week"] == 2


def test_a_positive_short_check_needs_the_full_form_named_in_the_422(
    api: TestClient, couple: Couple
) -> None:
    response = api.post(
        "/api/v1/program/check-ins",
        json={"signs": CALM, "mood": [2, 2], "worry": [0, 0]},
        headers=couple.a,
    )
    assert response.status_code == 422, response.text
    assert response.json()["fields"][0]["field"] == "mood"
    bad = api.post(
        "/api/v1/program/check-ins",
        json={"signs": {**CALM, "safety": 7}, "mood": [0, 0], "worry": [0, 0]},
        headers=couple.a,
    )
    assert bad.status_code == 422
    assert "safety" in bad.text
    assert api.get("/api/v1/program/check-ins", headers=couple.a).json()["check_ins"] == []


def test_a_positive_screen_suggests_therapy_and_links_to_the_intake(
    api: TestClient, couple: Couple
) -> None:
    taken = check_in(api, couple.a, mood=POSITIVE_PHQ9)
    assert taken["mood"] == {"instrument": "phq9", "total": 12, "positive": True}
    assert taken["suggest_therapy"] is True
    assert taken["intake"] == "/start"
    page = browser_of(api, couple.a_email).get("/program/progress")
    assert page.status_code == 200
    assert 'href="/start"' in page.text
    assert "Talking with a therapist could help" in page.text


def test_item_9_shows_crisis_help_first_and_raises_a_flag(
    api: TestClient, couple: Couple, database: Database
) -> None:
    browser, partner_browser = browser_of(api, couple.a_email), browser_of(api, couple.p_email)
    page = browser.get("/program/check-in")
    assert page.status_code == 200, page.text
    token = re.search(r'name="csrf_token" value="([^"]+)"', page.text)
    assert token is not None
    form = {"csrf_token": token.group(1), "mood_form": "phq2", "worry_form": "gad2"}
    form |= {f"sign_{code}": "2" for code in CALM}
    form |= {"mood_1": "2", "mood_2": "1", "worry_1": "0", "worry_2": "1"}
    more = browser.post("/program/check-in", data=form)
    # PHQ-2 at 3: the same page asks PHQ-9's other questions, nothing kept yet
    assert more.status_code == 200
    assert 'name="mood_9"' in more.text
    assert 'value="phq9"' in more.text
    form |= {"mood_form": "phq9"} | {f"mood_{n}": "0" for n in range(3, 9)} | {"mood_9": "1"}
    done = browser.post("/program/check-in", data=form)
    assert done.status_code == 303
    assert done.headers["location"] == "/program/check-in"
    after = browser.get("/program/check-in").text
    main = after[after.index("<main") :]
    assert main.index("You do not have to carry this alone") < main.index("<h1>")
    assert "tel:988" in main[: main.index("<h1>")]
    with database.session() as session:
        flags = session.scalars(select(SafetyFlag).where(SafetyFlag.client_id == couple.a_id))
        assert [(f.kind, f.source) for f in flags] == [("self_harm_risk", "screening:phq9_9")]
    # the partner's pages say nothing of it
    assert "carry this alone" not in partner_browser.get("/program/check-in").text
    assert "carry this alone" not in partner_browser.get("/program/progress").text


def test_partners_never_see_each_others_unshared_check_ins(
    api: TestClient, couple: Couple, clock: time_machine.Coordinates
) -> None:
    before_json = api.get("/api/v1/program/progress", headers=couple.p).content
    taken = check_in(api, couple.a, mood=POSITIVE_PHQ9)
    own = api.get(f"/api/v1/program/check-ins/{taken['id']}", headers=couple.a)
    assert own.status_code == 200
    theirs = api.get(f"/api/v1/program/check-ins/{taken['id']}", headers=couple.p)
    missing = api.get("/api/v1/program/check-ins/2147483000", headers=couple.p)
    assert theirs.status_code == missing.status_code == 404
    assert theirs.content == missing.content
    # nothing shared reads exactly as nothing there
    assert api.get("/api/v1/program/progress", headers=couple.p).content == before_json
    # the partner turns sharing on: the five signs only, never mood or worry
    on = api.post("/api/v1/program/consent", json={"to": "partner"}, headers=couple.a)
    assert on.status_code == 200
    assert on.json()["sharing_with_partner"] is True
    seen = api.get("/api/v1/program/progress", headers=couple.p).json()["partner"]
    assert [s["code"] for s in seen["signs"]] == list(CALM)
    assert "screenings" not in seen
    assert "phq9" not in str(seen)
    page = browser_of(api, couple.p_email).get("/program/progress")
    assert page.status_code == 200, page.text
    assert "Your partner&#39;s five signs, week by week" in page.text
    assert "Low mood" not in page.text.split("partner-title")[1]
    off = api.delete("/api/v1/program/consent", params={"to": "partner"}, headers=couple.a)
    assert off.status_code == 200
    assert api.get("/api/v1/program/progress", headers=couple.p).content == before_json


def test_the_therapist_sees_trends_only_while_both_consent(
    api: TestClient, couple: Couple, database: Database, clock: time_machine.Coordinates
) -> None:
    path = f"/portal/couples/{couple.space_id}"
    check_in(api, couple.a, signs={**CALM, "listened": 1})
    check_in(api, couple.p)
    clock.move_to(NOW + WEEK)
    check_in(api, couple.a, signs={**CALM, "listened": 3})
    check_in(api, couple.p)
    therapist = therapist_browser(api, couple.therapist_id)
    other = therapist_browser(api, _another_therapist(database))
    nowhere = therapist.get("/portal/couples/2147483000")
    assert therapist.get(path).status_code == 404
    assert therapist.get(path).content == nowhere.content
    given = api.post("/api/v1/program/consent", json={"to": "therapist"}, headers=couple.a)
    assert given.status_code == 200, given.text
    assert given.json()["therapist_consent"] is True
    assert given.json()["therapist_sees_check_ins"] is False
    assert therapist.get(path).status_code == 404  # one partner is not enough
    api.post("/api/v1/program/consent", json={"to": "therapist"}, headers=couple.p)
    page = therapist.get(path)
    assert page.status_code == 200, page.text
    assert "Alex" in page.text
    assert "Pat" in page.text
    assert "Feeling listened to has risen over the last 2 check-ins." in page.text
    assert page.text.count("<svg viewBox") >= 2
    assert "<table>" in page.text
    assert other.get(path).status_code == 404  # not their couple
    # the therapist finds it from the couple's joint appointment
    with database.session() as session:
        joint = session.scalars(
            select(Appointment.id)
            .where(Appointment.therapist_id == couple.therapist_id)
            .order_by(Appointment.id)
        ).first()
    visit = f"/portal/appointments/{joint}"
    assert f'href="{path}"' in therapist.get(visit).text
    client_browser = browser_of(api, make_user(api))
    assert client_browser.get(path).status_code == 403
    # either partner withdraws: the very next request shows nothing
    withdrawn = api.delete("/api/v1/program/consent", params={"to": "therapist"}, headers=couple.p)
    assert withdrawn.json()["therapist_sees_check_ins"] is False
    assert therapist.get(path).content == nowhere.content
    assert f'href="{path}"' not in therapist.get(visit).text
    with database.session() as session:
        rows = session.scalars(
            select(ProgramTherapistConsent)
            .where(ProgramTherapistConsent.client_id == couple.p_id)
            .order_by(ProgramTherapistConsent.id)
        ).all()
        assert [(r.given_at, r.withdrawn_at) for r in rows] == [(NOW + WEEK, NOW + WEEK)]
        reads = session.scalars(
            select(AuditEvent).where(
                AuditEvent.actor_role == "therapist", AuditEvent.action == "read"
            )
        ).all()
        assert {(e.object_type, e.outcome) for e in reads} >= {
            ("program_check_in", "ok"),
            ("program_space", "ok"),
            ("program_space", "not_found"),
        }
        assert {e.object_id for e in reads if e.object_type == "program_check_in"} == {
            str(couple.a_id),
            str(couple.p_id),
        }


def _another_therapist(database: Database) -> int:
    from tests.scheduling.factories import make_therapist

    with database.session(write=True) as session:
        return make_therapist(session, licensed=("NY",)).id


def test_consent_needs_a_joint_session_with_a_therapist(api: TestClient) -> None:
    couple = make_couple(api, therapist=False)
    refused = api.post("/api/v1/program/consent", json={"to": "therapist"}, headers=couple.a)
    assert refused.status_code == 409
    state = api.get("/api/v1/program/consent", headers=couple.a).json()
    assert state["therapist_id"] is None
    assert state["sharing_with_partner"] is False


def test_outside_the_program_check_ins_are_not_found(api: TestClient) -> None:
    from tests.scheduling.factories import make_client

    alone = make_client(api)
    response = api.post(
        "/api/v1/program/check-ins",
        json={"signs": CALM, "mood": [0, 0], "worry": [0, 0]},
        headers=alone,
    )
    assert response.status_code == 404
    assert (
        api.get("/api/v1/program/progress", headers=alone).json()["mine"]["signs"][0]["points"]
        == []
    )
