"""A change on the portal reaches matching and booking at once, in the same app: the app's
indexes refresh on their own only once an hour here, so only the portal's own signal (the
same one a booking sends) can bring the change in before the next request."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from confide.models import ExternalBusy
from tests.portal.conftest import Portal
from tests.scheduling.factories import make_client

NEW_YORK = ZoneInfo("America/New_York")
INTAKE = {
    "state": "NY",
    "concerns": ["infidelity"],
    "payment": {"method": "self_pay", "max_rate": 250},
    "timezone": "America/New_York",
    "limit": 50,
}
SUPPLY = {
    "status": "accepting",
    "paused_until": "",
    "weekly_new_client_limit": "5",
    "caseload_limit": "25",
    "minimum_notice_hours": "2",
    "booking_horizon_days": "30",
    "buffer_minutes": "10",
}


def match_of(portal: Portal, intake: dict[str, Any] = INTAKE) -> dict[str, Any] | None:
    response = portal.app.post("/api/v1/matches", json=intake)
    assert response.status_code == 200, response.text
    found = [m for m in response.json()["results"] if m["therapist"]["id"] == portal.therapist_id]
    return found[0] if found else None


def slots(portal: Portal, session_type: str = "intake", days: int = 8) -> list[datetime]:
    response = portal.app.get(
        f"/api/v1/therapists/{portal.therapist_id}/slots",
        params={"session_type": session_type, "days": days, "tz": "America/New_York"},
    )
    assert response.status_code == 200, response.text
    return [datetime.fromisoformat(s["start"]) for s in response.json()["slots"]]


def only_wednesday_mornings(portal: Portal) -> None:
    form = {f"day_{d}": "" for d in range(7)} | {"day_2": "09:00-10:00"}
    assert portal.post("/portal/hours", form).status_code == 303


def test_new_hours_change_matching_and_booking_at_once(portal: Portal) -> None:
    before = match_of(portal)
    assert before is not None
    assert any(s.weekday() != 2 for s in slots(portal))
    only_wednesday_mornings(portal)
    after = match_of(portal)
    assert after is not None
    first = datetime.fromisoformat(after["first_opening"]).astimezone(NEW_YORK)
    assert (first.weekday(), first.hour, first.minute) == (2, 9, 0)
    listed = slots(portal)
    assert listed, "a Wednesday is within eight days"
    assert {(s.weekday(), s.hour, s.minute) for s in listed} == {(2, 9, 0)}
    # what the portal shows clients see is the same opening
    page = portal.browser.get("/portal/openings").text
    assert f'datetime="{first.isoformat()}"' in page
    assert f'datetime="{listed[0].isoformat()}"' in page


def test_a_pause_takes_the_therapist_out_of_matching_and_first_sessions_at_once(
    portal: Portal,
) -> None:
    assert match_of(portal) is not None
    back = (datetime.now(UTC) + timedelta(days=20)).date()
    paused = SUPPLY | {"status": "paused", "paused_until": back.isoformat()}
    assert portal.post("/portal/supply", paused).status_code == 303
    assert match_of(portal) is None
    assert slots(portal, "intake") == []
    assert slots(portal, "individual") != []  # clients already seen still book
    client = make_client(portal.app)
    start = datetime.now(UTC) + timedelta(days=2)
    held = portal.app.post(
        "/api/v1/holds",
        json={
            "therapist_id": portal.therapist_id,
            "session_type": "intake",
            "start": start.replace(minute=0, second=0, microsecond=0).isoformat(),
        },
        headers=client,
    )
    assert held.status_code == 409
    assert "not shown in search results" in portal.browser.get("/portal/openings").text
    assert portal.post("/portal/supply", SUPPLY).status_code == 303
    assert match_of(portal) is not None


def test_limits_reach_the_slot_engine_at_once(portal: Portal) -> None:
    first = slots(portal)[0]
    notice = SUPPLY | {"minimum_notice_hours": "72"}
    assert portal.post("/portal/supply", notice).status_code == 303
    assert slots(portal)[0] >= datetime.now(UTC) + timedelta(hours=72) > first
    found = match_of(portal)
    assert found is not None
    assert datetime.fromisoformat(found["first_opening"]) >= datetime.now(UTC) + timedelta(hours=72)


def test_rates_and_panels_change_matching_at_once(portal: Portal) -> None:
    kinds = ("intake", "individual", "couples_intake", "couples")
    dear = {f"rate_{k}": "400" for k in kinds} | {f"sliding_{k}": "" for k in kinds}
    assert portal.post("/portal/rates", dear).status_code == 303
    assert match_of(portal) is None  # above the 250 the person can pay
    insured = INTAKE | {"payment": {"method": "insurance", "payer": "aetna", "plan": "aetna-ppo"}}
    assert match_of(portal, insured) is None
    assert portal.post("/portal/panels", {"plan": "aetna-ppo", "state": "NY"}).status_code == 303
    assert match_of(portal, insured) is not None


def test_a_calendar_upload_blocks_its_busy_times_at_once(portal: Portal) -> None:
    only_wednesday_mornings(portal)
    wednesday = slots(portal)[0]
    busy = (
        "BEGIN:VCALENDAR\r\nVERSION:2.0\r\nPRODID:-//test//EN\r\nBEGIN:VEVENT\r\n"
        "UID:dentist@example.org\r\nDTSTAMP:20260101T000000Z\r\n"
        f"DTSTART;TZID=America/New_York:{wednesday:%Y%m%dT%H%M%S}\r\n"
        f"DTEND;TZID=America/New_York:{wednesday + timedelta(hours=1):%Y%m%dT%H%M%S}\r\n"
        "SUMMARY:Dentist\r\nEND:VEVENT\r\nEND:VCALENDAR\r\n"
    )
    token = portal.csrf("/portal/calendar")
    response = portal.browser.post(
        "/portal/calendar",
        data={"csrf_token": token},
        files={"calendar": ("mine.ics", busy.encode(), "text/calendar")},
    )
    assert response.status_code == 303, response.text
    assert wednesday not in slots(portal)
    page = portal.browser.get("/portal/calendar").text
    assert f'datetime="{wednesday.isoformat()}"' in page
    assert "Dentist" not in page  # what the event is stays the therapist's own
    with portal.database.session() as session:
        assert session.query(ExternalBusy).count() == 1
    # a file that is not a calendar: named beside the field, the busy times kept
    wrong = portal.browser.post(
        "/portal/calendar",
        data={"csrf_token": token},
        files={"calendar": ("notes.ics", b"hello", "text/calendar")},
    )
    assert wrong.status_code == 422
    assert 'id="calendar-error">Calendar file: ' in wrong.text
    missing = portal.browser.post("/portal/calendar", data={"csrf_token": token})
    assert missing.status_code == 422
    with portal.database.session() as session:
        assert session.query(ExternalBusy).count() == 1
