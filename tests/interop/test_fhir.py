"""FHIR R4 output, read back with the fhir.resources R4B models."""

from __future__ import annotations

import json
import re
from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from fhir.resources.R4B.appointment import Appointment
from fhir.resources.R4B.bundle import Bundle
from fhir.resources.R4B.location import Location
from fhir.resources.R4B.practitionerrole import PractitionerRole
from fhir.resources.R4B.schedule import Schedule
from fhir.resources.R4B.slot import Slot

from confide.errors import InvalidInput
from confide.interop.fhir import (
    CPT_SYSTEM,
    NPI_SYSTEM,
    NUCC_SYSTEM,
    SESSION_TYPE_SYSTEM,
    fhir_appointment,
    fhir_bundle,
    fhir_locations,
    fhir_practitioner_role,
    fhir_schedule,
    fhir_slot,
)
from confide.models.scheduling import APPOINTMENT_STATUSES
from tests.scheduling import sample_records as rec

FHIR_ID = re.compile(r"^[A-Za-z0-9\-.]{1,64}$")
FHIR_APPOINTMENT_STATUSES = {
    "proposed", "pending", "booked", "arrived", "fulfilled", "cancelled", "noshow",
    "entered-in-error", "checked-in", "waitlist",
}  # fmt: skip


def codes(concept: dict, system: str) -> list[str]:
    return [c["code"] for c in concept["coding"] if c["system"] == system]


def test_individual_appointment() -> None:
    client = rec.client(11, "Sam Lee", "sam@example.org")
    result = fhir_appointment(rec.appointment([client]), rec.therapist(), [client])

    parsed = Appointment.model_validate(result)
    assert parsed.id == "5"
    assert result["resourceType"] == "Appointment"
    assert result["status"] == "booked"
    assert result["start"] == "2026-03-02T17:00:00Z"
    assert result["end"] == "2026-03-02T18:00:00Z"
    assert result["minutesDuration"] == 60
    [service] = result["serviceType"]
    assert codes(service, CPT_SYSTEM) == ["90791"]
    assert codes(service, SESSION_TYPE_SYSTEM) == ["intake"]
    actors = [p["actor"]["reference"] for p in result["participant"]]
    assert actors == ["PractitionerRole/7", "Patient/11"]
    assert {p["status"] for p in result["participant"]} == {"accepted"}
    json.dumps(result)  # plain JSON, nothing left to convert


def test_couples_session_is_one_appointment_with_two_patients() -> None:
    partners = [rec.client(12, "Jo Park"), rec.client(11, "Sam Lee")]
    appointment = rec.appointment(partners, session_type="couples", minutes=80)
    result = fhir_appointment(appointment, rec.therapist(), partners)

    parsed = Appointment.model_validate(result)
    patients = [
        p.actor.reference
        for p in parsed.participant
        if p.actor is not None and p.actor.reference.startswith("Patient/")
    ]
    assert patients == ["Patient/11", "Patient/12"]
    assert len(parsed.participant) == 3
    assert codes(result["serviceType"][0], CPT_SYSTEM) == ["90847"]
    assert result["minutesDuration"] == 80


def test_no_client_names_or_contact_details_leave_in_the_appointment() -> None:
    partners = [rec.client(11, "Sam Lee", "sam@example.org"), rec.client(12, "Jo Park")]
    text = json.dumps(fhir_appointment(rec.appointment(partners), rec.therapist(), partners))
    for detail in ("Sam Lee", "Jo Park", "sam@example.org"):
        assert detail not in text


@pytest.mark.parametrize(
    ("ours", "fhir", "client_status"),
    [
        ("held", "pending", "tentative"),
        ("expired", "cancelled", "accepted"),
        ("booked", "booked", "accepted"),
        ("cancelled", "cancelled", "accepted"),
        ("fulfilled", "fulfilled", "accepted"),
        ("noshow", "noshow", "accepted"),
    ],
)
def test_status_mapping(ours: str, fhir: str, client_status: str) -> None:
    client = rec.client(11, "Sam Lee")
    result = fhir_appointment(rec.appointment([client], status=ours), rec.therapist(), [client])
    assert result["status"] == fhir
    assert result["participant"][1]["status"] == client_status


@pytest.mark.parametrize("status", APPOINTMENT_STATUSES)
def test_every_status_maps_to_a_fhir_status(status: str) -> None:
    client = rec.client(11, "Sam Lee")
    result = fhir_appointment(rec.appointment([client], status=status), rec.therapist(), [client])
    assert result["status"] in FHIR_APPOINTMENT_STATUSES
    Appointment.model_validate(result)


def test_appointment_times_are_utc_and_point_at_their_slot() -> None:
    client = rec.client(11, "Sam Lee")
    start = datetime(2026, 7, 1, 9, 0, tzinfo=ZoneInfo("America/New_York"))
    result = fhir_appointment(rec.appointment([client], start=start), rec.therapist(), [client])
    assert result["start"] == "2026-07-01T13:00:00Z"
    slot = fhir_slot(7, "intake", start, start + timedelta(hours=1))
    assert result["slot"] == [{"reference": f"Slot/{slot['id']}"}]


def test_practitioner_role() -> None:
    result = fhir_practitioner_role(rec.therapist(offers_in_person=True), rec.START)
    parsed = PractitionerRole.model_validate(result)

    assert parsed.id == "7"
    assert result["identifier"] == [{"system": NPI_SYSTEM, "value": "1234567893"}]
    assert codes(result["code"][0], NUCC_SYSTEM) == ["106H00000X"]
    assert [s["text"] for s in result["specialty"]] == [
        "Infidelity and affairs",
        "Anxiety and worry",
    ]
    states = [e["valueCoding"]["code"] for e in result["extension"]]
    assert states == ["CA", "NV"]  # the expired Oregon licence is left out
    locations = [loc["reference"] for loc in result["location"]]
    assert locations == [
        "Location/therapist-7-office",
        "Location/therapist-7-telehealth-ca",
        "Location/therapist-7-telehealth-nv",
    ]
    assert "availabilityExceptions" not in result


def test_practitioner_role_settings_and_new_client_status() -> None:
    office_only = fhir_practitioner_role(
        rec.therapist(offers_telehealth=False, offers_in_person=True, accepting_new_clients=False),
        rec.START,
    )
    PractitionerRole.model_validate(office_only)
    assert [loc["reference"] for loc in office_only["location"]] == ["Location/therapist-7-office"]
    assert "new clients" in office_only["availabilityExceptions"]

    remote_only = fhir_practitioner_role(rec.therapist(), rec.START)
    assert all("telehealth" in loc["reference"] for loc in remote_only["location"])


def test_locations() -> None:
    locations = fhir_locations(rec.therapist(offers_in_person=True), rec.START)
    for location in locations:
        Location.model_validate(location)
        assert FHIR_ID.match(location["id"])
    office, *virtual = locations
    assert office["address"] == {
        "city": "Oakland", "state": "CA", "postalCode": "94612", "country": "US",
    }  # fmt: skip
    assert office["position"] == {"latitude": 37.8044, "longitude": -122.2712}
    assert [v["address"]["state"] for v in virtual] == ["CA", "NV"]
    assert {v["physicalType"]["coding"][0]["code"] for v in virtual} == {"vi"}


def test_a_licence_whose_verification_aged_out_lists_no_state() -> None:
    # listed as matching and booking list it: active, and verified within 90 days of now
    verified = rec.VERIFIED
    now = verified + timedelta(days=90)
    therapist = rec.therapist(offers_in_person=True, verified_at=verified)
    therapist.licences[1].verified_at = verified - timedelta(microseconds=1)  # NV, just too old
    role = fhir_practitioner_role(therapist, now)
    assert [e["valueCoding"]["code"] for e in role["extension"]] == ["CA"]
    assert [loc["reference"] for loc in role["location"]] == [
        "Location/therapist-7-office",
        "Location/therapist-7-telehealth-ca",
    ]
    later = fhir_locations(therapist, now + timedelta(microseconds=1))
    assert [loc["id"] for loc in later] == ["therapist-7-office"]  # the office stays
    schedule = fhir_schedule(therapist, now, now + timedelta(days=7))
    assert [a["reference"] for a in schedule["actor"][1:]] == [
        "Location/therapist-7-office",
        "Location/therapist-7-telehealth-ca",
    ]


def test_schedule() -> None:
    start = datetime(2026, 3, 1, tzinfo=UTC)
    result = fhir_schedule(rec.therapist(), start, start + timedelta(days=30))
    parsed = Schedule.model_validate(result)

    assert parsed.id == "therapist-7"
    assert result["actor"][0]["reference"] == "PractitionerRole/7"
    assert result["planningHorizon"] == {
        "start": "2026-03-01T00:00:00Z",
        "end": "2026-03-31T00:00:00Z",
    }
    offered = [codes(c, SESSION_TYPE_SYSTEM)[0] for c in result["serviceType"]]
    assert offered == ["intake", "couples_intake", "couples"]  # vocabulary order
    with pytest.raises(InvalidInput):
        fhir_schedule(rec.therapist(), start, start)


def test_slot() -> None:
    start = datetime(2026, 3, 2, 17, tzinfo=UTC)
    result = fhir_slot(7, "couples_intake", start, start + timedelta(minutes=80))
    parsed = Slot.model_validate(result)

    assert parsed.status == "free"
    assert result["schedule"] == {"reference": "Schedule/therapist-7"}
    assert result["start"] == "2026-03-02T17:00:00Z"
    assert result["end"] == "2026-03-02T18:20:00Z"
    [service] = result["serviceType"]
    assert codes(service, SESSION_TYPE_SYSTEM) == ["couples_intake"]
    assert codes(service, CPT_SYSTEM) == ["90847"]
    assert FHIR_ID.match(result["id"])


def test_slot_id_is_deterministic_and_distinct() -> None:
    start = datetime(2026, 3, 2, 17, tzinfo=UTC)
    end = start + timedelta(hours=1)
    same_instant = start.astimezone(ZoneInfo("Australia/Adelaide"))
    ids = {
        fhir_slot(7, "intake", start, end)["id"],
        fhir_slot(7, "individual", start, end)["id"],
        fhir_slot(8, "intake", start, end)["id"],
        fhir_slot(7, "intake", start + timedelta(minutes=15), end)["id"],
    }
    assert len(ids) == 4
    assert (
        fhir_slot(7, "intake", start, end)["id"] == fhir_slot(7, "intake", same_instant, end)["id"]
    )
    assert fhir_slot(7, "intake", start, end, status="busy")["status"] == "busy"


def test_slot_refuses_unknown_values() -> None:
    start = datetime(2026, 3, 2, 17, tzinfo=UTC)
    with pytest.raises(InvalidInput) as session_type:
        fhir_slot(7, "group", start, start + timedelta(hours=1))
    assert session_type.value.field == "session_type"
    assert "intake" in session_type.value.extra["allowed"]
    with pytest.raises(InvalidInput) as status:
        fhir_slot(7, "intake", start, start + timedelta(hours=1), status="open")
    assert status.value.field == "status"
    with pytest.raises(InvalidInput):
        fhir_slot(7, "intake", start, start)


def test_search_bundle() -> None:
    start = datetime(2026, 3, 2, 17, tzinfo=UTC)
    slots = [
        fhir_slot(7, "intake", start + timedelta(hours=h), start + timedelta(hours=h + 1))
        for h in range(3)
    ]
    result = fhir_bundle(slots, base_url="https://confide.example/fhir/")
    parsed = Bundle.model_validate(result)

    assert parsed.type == "searchset"
    assert parsed.total == 3
    assert [type(e.resource).__name__ for e in parsed.entry] == ["Slot"] * 3
    assert [e["resource"] for e in result["entry"]] == slots
    assert result["entry"][0]["fullUrl"] == f"https://confide.example/fhir/Slot/{slots[0]['id']}"
    assert result["entry"][0]["search"] == {"mode": "match"}


def test_empty_and_collection_bundles() -> None:
    empty = fhir_bundle([])
    Bundle.model_validate(empty)
    assert empty["total"] == 0
    role = fhir_practitioner_role(rec.therapist(), rec.START)
    collection = fhir_bundle([role], type="collection")
    Bundle.model_validate(collection)
    assert "total" not in collection
    assert "fullUrl" not in collection["entry"][0]
