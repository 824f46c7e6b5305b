"""FHIR routes and the SMART Scheduling Links files, read back with fhir.resources."""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta

import pytest
import time_machine
from fastapi.testclient import TestClient
from fhir.resources.R4B.appointment import Appointment
from fhir.resources.R4B.bundle import Bundle
from fhir.resources.R4B.practitionerrole import PractitionerRole
from fhir.resources.R4B.schedule import Schedule
from fhir.resources.R4B.slot import Slot

from confide.db import Database
from tests.conftest import signed_in_client
from tests.scheduling.factories import link_partners, make_client, make_therapist

NOW = datetime(2026, 12, 2, 15, 0, tzinfo=UTC)
MONDAY_9_NY = datetime(2026, 12, 7, 14, 0, tzinfo=UTC)


@pytest.fixture
def therapist_id(database: Database) -> int:
    with database.session(write=True) as session:
        return make_therapist(session, licensed=("NY", "NJ")).id


@pytest.fixture
def frozen():  # type: ignore[no-untyped-def]
    with time_machine.travel(NOW, tick=False) as traveller:
        yield traveller


def test_a_couples_appointment_is_one_fhir_appointment_for_its_participants(
    client: TestClient, therapist_id: int, frozen
) -> None:
    me, partner = make_client(client), make_client(client, state="NJ", name="Kai")
    stranger = make_client(client, name="Lee")
    link_partners(client, me, partner)
    held = client.post(
        "/api/v1/holds",
        headers=me,
        json={
            "therapist_id": therapist_id,
            "session_type": "couples_intake",
            "start": MONDAY_9_NY.isoformat(),
        },
    ).json()
    for who in (me, partner):
        response = client.get(f"/fhir/Appointment/{held['hold_id']}", headers=who)
        assert response.status_code == 200
        assert response.headers["content-type"].startswith("application/fhir+json")
        appointment = Appointment.model_validate(response.json())
        patients = [
            p.actor.reference
            for p in appointment.participant
            if p.actor.reference.startswith("Patient/")
        ]
        assert len(patients) == 2
        assert appointment.status == "pending"  # a hold, not yet booked
    assert client.get(f"/fhir/Appointment/{held['hold_id']}", headers=stranger).status_code == 404
    assert client.get(f"/fhir/Appointment/{held['hold_id']}").status_code == 401


def test_practitioner_role_schedule_and_slots(
    client: TestClient, therapist_id: int, frozen
) -> None:
    role = PractitionerRole.model_validate(
        client.get(f"/fhir/PractitionerRole/{therapist_id}").json()
    )
    assert role.id == str(therapist_id)
    schedule = Schedule.model_validate(
        client.get(f"/fhir/Schedule/therapist-{therapist_id}").json()
    )
    assert schedule.actor[0].reference == f"PractitionerRole/{therapist_id}"
    bundle = Bundle.model_validate(
        client.get("/fhir/Slot", params={"schedule": f"Schedule/therapist-{therapist_id}"}).json()
    )
    fhir_starts = [entry.resource.start for entry in bundle.entry]
    listed = client.get(
        f"/api/v1/therapists/{therapist_id}/slots",
        params={"days": 14, "start": NOW.date().isoformat(), "tz": "UTC"},
    ).json()
    listed_starts = [datetime.fromisoformat(s["start"]) for s in listed["slots"]]
    # the FHIR search covers the next 14 days from now, the list 14 calendar days from today
    assert fhir_starts == [s for s in listed_starts if s < NOW + timedelta(days=14)]
    assert client.get("/fhir/Slot", params={"schedule": "Practitioner/1"}).status_code == 422
    assert client.get("/fhir/PractitionerRole/999999").status_code == 404


def test_bulk_publish_files_are_valid_and_their_slots_can_be_held(
    client: TestClient, therapist_id: int, frozen
) -> None:
    manifest = client.get("/fhir/$bulk-publish").json()
    assert [o["type"] for o in manifest["output"]] == ["Location", "Schedule", "Slot"]
    files = {}
    for output in manifest["output"]:
        path = output["url"].removeprefix("http://testserver")
        response = client.get(path)
        assert response.status_code == 200
        files[output["type"]] = [json.loads(line) for line in response.text.splitlines()]
    assert files["Location"]
    assert files["Schedule"]
    slots = [Slot.model_validate(s) for s in files["Slot"]]
    assert slots
    assert all(s.schedule.reference == f"Schedule/therapist-{therapist_id}" for s in slots)
    me = make_client(client)
    kinds = {s.serviceType[0].coding[0].code for s in slots}
    assert kinds == {"intake", "couples_intake"}
    first = min(
        (s for s in slots if s.serviceType[0].coding[0].code == "intake"), key=lambda s: s.start
    )
    # the deep link opens our booking page for exactly that opening
    deep_link = first.extension[0].valueUrl.removeprefix("http://testserver")
    page = client.get(deep_link)
    assert page.status_code == 200
    assert "Sign in" in page.text  # nobody is signed in: the page offers that first
    signed_in_client(client)
    assert "Hold this time" in client.get(deep_link).text
    held = client.post(
        "/api/v1/holds",
        headers=me,
        json={
            "therapist_id": therapist_id,
            "session_type": "intake",
            "start": first.start.isoformat(),
        },
    )
    assert held.status_code == 201, held.text


def test_bulk_files_are_made_once_per_period(
    client: TestClient, therapist_id: int, frozen, monkeypatch: pytest.MonkeyPatch
) -> None:
    from confide.interop import fhir_api

    reads: list[str] = []
    directory, openings = fhir_api._directory, fhir_api.published_openings

    def counting_directory(database):  # type: ignore[no-untyped-def]
        reads.append("directory")
        return directory(database)

    def counting_openings(session, index, now):  # type: ignore[no-untyped-def]
        reads.append("openings")
        return openings(session, index, now)

    monkeypatch.setattr(fhir_api, "_directory", counting_directory)
    monkeypatch.setattr(fhir_api, "published_openings", counting_openings)
    first = client.get("/fhir/schedules.ndjson").text
    assert client.get("/fhir/schedules.ndjson").text == first
    assert reads == ["directory"]
    published = client.app.state.published  # type: ignore[attr-defined]
    # just before its five minutes are over the file is served again; once they are, remade
    published.directory.expire(published.directory.timer() + fhir_api.DIRECTORY_SECONDS - 5)
    client.get("/fhir/schedules.ndjson")
    assert reads == ["directory"]
    published.directory.expire(published.directory.timer() + fhir_api.DIRECTORY_SECONDS + 1)
    client.get("/fhir/schedules.ndjson")
    assert reads == ["directory", "directory"]
    # the slots file keeps for a minute
    slots = client.get("/fhir/slots.ndjson").text
    assert client.get("/fhir/slots.ndjson").text == slots
    assert reads.count("openings") == 1
    published.slots.expire(published.slots.timer() + fhir_api.SLOT_SECONDS - 5)
    client.get("/fhir/slots.ndjson")
    assert reads.count("openings") == 1
    published.slots.expire(published.slots.timer() + fhir_api.SLOT_SECONDS + 1)
    client.get("/fhir/slots.ndjson")
    assert reads.count("openings") == 2
