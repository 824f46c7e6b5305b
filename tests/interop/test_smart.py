"""SMART Scheduling Links: the $bulk-publish manifest and its NDJSON files."""

from __future__ import annotations

import itertools
import json
from datetime import UTC, datetime, timedelta
from urllib.parse import parse_qs, urlsplit
from zoneinfo import ZoneInfo

import pytest
from fhir.resources.R4B.location import Location
from fhir.resources.R4B.schedule import Schedule
from fhir.resources.R4B.slot import Slot

from confide.errors import InvalidInput
from confide.interop.smart import (
    BOOKING_DEEP_LINK,
    booking_link,
    locations_ndjson,
    manifest,
    schedules_ndjson,
    slots_ndjson,
)
from tests.scheduling import sample_records as rec

HORIZON_START = datetime(2026, 3, 1, tzinfo=UTC)
HORIZON_END = HORIZON_START + timedelta(days=30)
BOOKING_URL = "https://confide.example/book"


def therapists() -> list:
    return [
        rec.therapist(id=7, offers_in_person=True),
        rec.therapist(id=8, licensed=("NY",)),
        rec.therapist(id=9, offers_telehealth=False, offers_in_person=True),
    ]


def openings() -> list[tuple[int, str, datetime, datetime]]:
    start = datetime(2026, 3, 2, 17, tzinfo=UTC)
    return [
        (7, "intake", start, start + timedelta(minutes=60)),
        (7, "couples_intake", start, start + timedelta(minutes=80)),
        (8, "individual", start + timedelta(days=1), start + timedelta(days=1, minutes=53)),
        (9, "intake", start + timedelta(days=2), start + timedelta(days=2, minutes=60)),
    ]


def read_lines(lines: list[str]) -> list[dict]:
    resources = []
    for line in lines:
        assert line.endswith("\n")
        assert "\n" not in line[:-1]  # one minified resource per line
        resources.append(json.loads(line))
    return resources


def test_manifest() -> None:
    published = datetime(2026, 3, 1, 9, 30, 5, 123456, tzinfo=ZoneInfo("America/New_York"))
    result = manifest("https://confide.example/fhir/", published)

    assert result["transactionTime"] == "2026-03-01T14:30:05Z"
    assert result["request"] == "https://confide.example/fhir/$bulk-publish"
    assert [o["type"] for o in result["output"]] == ["Location", "Schedule", "Slot"]
    urls = [o["url"] for o in result["output"]]
    assert all(url.startswith("https://confide.example/fhir/") for url in urls)
    assert all(url.endswith(".ndjson") and "//" not in url.split("://")[1] for url in urls)
    assert len(set(urls)) == 3
    assert result["error"] == []
    assert json.loads(json.dumps(result)) == result
    with pytest.raises(ValueError, match="timezone-aware"):
        manifest("https://confide.example/fhir", datetime(2026, 3, 1))  # noqa: DTZ001


def test_every_location_line_is_a_valid_location() -> None:
    locations = read_lines(list(locations_ndjson(therapists(), HORIZON_START)))
    for location in locations:
        Location.model_validate(location)
        assert location["resourceType"] == "Location"
        assert location["name"]
        assert location["address"]["state"]
    ids = [loc["id"] for loc in locations]
    assert len(ids) == len(set(ids))
    assert ids == [
        "therapist-7-office",
        "therapist-7-telehealth-ca",
        "therapist-7-telehealth-nv",
        "therapist-8-telehealth-ny",
        "therapist-9-office",
    ]
    office = locations[0]
    assert office["address"]["city"] == "Oakland"
    assert office["address"]["postalCode"] == "94612"


def test_schedules_point_at_published_locations() -> None:
    location_ids = {
        loc["id"] for loc in read_lines(list(locations_ndjson(therapists(), HORIZON_START)))
    }
    schedules = read_lines(list(schedules_ndjson(therapists(), HORIZON_START, HORIZON_END)))

    assert [s["id"] for s in schedules] == ["therapist-7", "therapist-8", "therapist-9"]
    for schedule in schedules:
        Schedule.model_validate(schedule)
        references = [actor["reference"] for actor in schedule["actor"]]
        places = [r.removeprefix("Location/") for r in references if r.startswith("Location/")]
        assert places, "a SMART Schedule names the Location where its slots are offered"
        assert set(places) <= location_ids
        assert schedule["serviceType"]


def test_every_slot_line_is_a_valid_slot_with_a_booking_link() -> None:
    schedule_ids = {
        s["id"]
        for s in read_lines(list(schedules_ndjson(therapists(), HORIZON_START, HORIZON_END)))
    }
    slots = read_lines(list(slots_ndjson(openings(), booking_url=BOOKING_URL)))

    assert len(slots) == 4
    assert len({s["id"] for s in slots}) == 4
    for slot, (therapist_id, session_type, start, _) in zip(slots, openings(), strict=True):
        Slot.model_validate(slot)
        assert slot["status"] == "free"
        assert slot["schedule"]["reference"].removeprefix("Schedule/") in schedule_ids
        [link] = [e["valueUrl"] for e in slot["extension"] if e["url"] == BOOKING_DEEP_LINK]
        assert link.startswith(BOOKING_URL + "?")
        query = parse_qs(urlsplit(link).query)
        assert query == {
            "therapist": [str(therapist_id)],
            "session_type": [session_type],
            "start": [start.strftime("%Y-%m-%dT%H:%M:%SZ")],
        }


def test_booking_link_keeps_an_existing_query() -> None:
    start = datetime(2026, 3, 2, 9, tzinfo=ZoneInfo("America/Los_Angeles"))
    link = booking_link("https://confide.example/book?source=directory", 7, "intake", start)
    query = parse_qs(urlsplit(link).query)
    assert query["source"] == ["directory"]
    assert query["start"] == ["2026-03-02T17:00:00Z"]


def test_slots_are_written_lazily_one_opening_at_a_time() -> None:
    start = datetime(2026, 3, 2, 17, tzinfo=UTC)
    endless = (
        (7, "intake", start + timedelta(hours=i), start + timedelta(hours=i, minutes=60))
        for i in itertools.count()
    )
    first_three = list(itertools.islice(slots_ndjson(endless, booking_url=BOOKING_URL), 3))
    assert [json.loads(line)["start"] for line in first_three] == [
        "2026-03-02T17:00:00Z",
        "2026-03-02T18:00:00Z",
        "2026-03-02T19:00:00Z",
    ]


def test_a_bad_opening_is_refused_not_published() -> None:
    start = datetime(2026, 3, 2, 17, tzinfo=UTC)
    with pytest.raises(InvalidInput):
        list(
            slots_ndjson([(7, "group", start, start + timedelta(hours=1))], booking_url=BOOKING_URL)
        )
