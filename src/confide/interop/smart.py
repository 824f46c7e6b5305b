"""Open slots in the SMART Scheduling Links format, so outside directories can list them.

A `$bulk-publish` manifest points at three NDJSON files: Locations (a therapist's office and a
telehealth location per state they may serve), Schedules (one per therapist) and Slots (one per
opening, each with a deep link into Confide's booking page). The same FHIR builders as the /fhir
API make every line, so the two never disagree.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Iterator
from datetime import UTC, datetime
from typing import Any
from urllib.parse import parse_qsl, urlencode, urlsplit, urlunsplit

from confide.interop.fhir import (
    fhir_locations,
    fhir_schedule,
    fhir_slot,
    schedule_id,
    slot_id,
)
from confide.models.network import Therapist

BOOKING_DEEP_LINK = "http://fhir-registry.smarthealthit.org/StructureDefinition/booking-deep-link"
MANIFEST_PATH = "$bulk-publish"
LOCATIONS_FILE = "locations.ndjson"
SCHEDULES_FILE = "schedules.ndjson"
SLOTS_FILE = "slots.ndjson"

# therapist_id, session_type, start, end
Opening = tuple[int, str, datetime, datetime]


def manifest(base_url: str, transaction_time: datetime) -> dict[str, Any]:
    """The manifest served at <base_url>/$bulk-publish, naming the three files under base_url."""
    if transaction_time.tzinfo is None:
        raise ValueError("transaction_time must be timezone-aware")
    base = base_url.rstrip("/")
    moment = transaction_time.astimezone(UTC).isoformat(timespec="seconds")
    return {
        "transactionTime": moment.replace("+00:00", "Z"),
        "request": f"{base}/{MANIFEST_PATH}",
        "output": [
            {"type": "Location", "url": f"{base}/{LOCATIONS_FILE}"},
            {"type": "Schedule", "url": f"{base}/{SCHEDULES_FILE}"},
            {"type": "Slot", "url": f"{base}/{SLOTS_FILE}"},
        ],
        "error": [],
    }


def locations_ndjson(therapists: Iterable[Therapist], now: datetime) -> Iterator[str]:
    """One Location per line: each therapist's office and telehealth locations (per state
    listed at `now`)."""
    for therapist in therapists:
        for location in fhir_locations(therapist, now):
            yield _line(location)


def schedules_ndjson(
    therapists: Iterable[Therapist], horizon_start: datetime, horizon_end: datetime
) -> Iterator[str]:
    """One Schedule per line, one per therapist, pointing at the therapist's Locations."""
    for therapist in therapists:
        yield _line(fhir_schedule(therapist, horizon_start, horizon_end))


def slots_ndjson(openings: Iterable[Opening], *, booking_url: str) -> Iterator[str]:
    """One free Slot per line, each with a link that opens booking for that opening.

    The first Slot of each session type goes through the FHIR model; the rest share its
    validated shape with their own id, schedule, times and link, which keeps a network's worth
    of openings quick to publish.
    """
    shapes: dict[str, dict[str, Any]] = {}
    for therapist_id, session_type, start, end in openings:
        link = booking_link(booking_url, therapist_id, session_type, start)
        extension = [{"url": BOOKING_DEEP_LINK, "valueUrl": link}]
        shape = shapes.get(session_type)
        if shape is None or start.tzinfo is None or end <= start:
            resource = fhir_slot(therapist_id, session_type, start, end, extension=extension)
            shapes.setdefault(session_type, resource)
        else:
            resource = {
                **shape,
                "id": slot_id(therapist_id, session_type, start),
                "schedule": {"reference": f"Schedule/{schedule_id(therapist_id)}"},
                "extension": extension,
                "start": _instant(start),
                "end": _instant(end),
            }
        yield _line(resource)


def _instant(moment: datetime) -> str:
    return moment.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def booking_link(booking_url: str, therapist_id: int, session_type: str, start: datetime) -> str:
    """booking_url with the opening added to its query (therapist, session_type, start in UTC)."""
    if start.tzinfo is None:
        raise ValueError("start must be timezone-aware")
    parts = urlsplit(booking_url)
    query = parse_qsl(parts.query, keep_blank_values=True)
    query += [
        ("therapist", str(therapist_id)),
        ("session_type", session_type),
        ("start", _instant(start)),
    ]
    return urlunsplit(parts._replace(query=urlencode(query)))


def _line(resource: dict[str, Any]) -> str:
    return json.dumps(resource, separators=(",", ":"), ensure_ascii=False) + "\n"
