"""One shape for every 422: an unknown code or a broken rule names the field and lists what is
allowed, whether a request model refused it or a service did, on every JSON route taking codes."""

from __future__ import annotations

from typing import Any

import pytest
from fastapi.testclient import TestClient

from confide.db import Database
from confide.matching.schemas import PREFERENCE_NAMES
from confide.scheduling.schemas import CANCEL_REASONS
from confide.vocab import get_vocabulary
from confide.vocab.registry import FORMATS, POPULATIONS, SETTINGS
from tests.scheduling.factories import make_client, make_therapist

VOCAB = get_vocabulary()
START = "2026-12-07T14:00:00+00:00"
INTAKE: dict[str, Any] = {
    "state": "CA",
    "concerns": ["infidelity"],
    "payment": {"method": "self_pay", "max_rate": 250},
    "timezone": "America/Los_Angeles",
}


def _matches(**change: Any) -> tuple[str, str, dict[str, Any]]:
    return "POST", "/api/v1/matches", {"json": {**INTAKE, **change}}


# (method, path, request, field, allowed): `allowed` is the whole list the answer must give
CASES: dict[str, tuple[str, str, dict[str, Any], str, list[str]]] = {
    "directory state": (
        "GET",
        "/api/v1/therapists",
        {"params": {"state": "ZZ"}},
        "state",
        sorted(VOCAB.states),
    ),
    "directory population": (
        "GET",
        "/api/v1/therapists",
        {"params": {"population": "teens"}},
        "population",
        sorted(POPULATIONS),
    ),
    "directory plan of another payer": (
        "GET",
        "/api/v1/therapists",
        {"params": {"payer": "cigna", "plan": "aetna-ppo"}},
        "plan",
        [p.code for p in VOCAB.payers["cigna"].plans],
    ),
    "slots session type": (
        "GET",
        "/api/v1/therapists/1/slots",
        {"params": {"session_type": "massage"}},
        "session_type",
        sorted(VOCAB.session_types),
    ),
    "FHIR slots service type": (
        "GET",
        "/fhir/Slot",
        {"params": {"schedule": "Schedule/therapist-1", "service-type": "massage"}},
        "service-type",
        sorted(VOCAB.session_types),
    ),
    "new client state": (
        "POST",
        "/api/v1/auth/register",
        {
            "json": {
                "email": "sam@example.org",
                "password": "a long enough password",
                "name": "Sam",
                "state": "ZZ",
                "timezone": "America/New_York",
            }
        },
        "state",
        sorted(VOCAB.states),
    ),
    "hold session type": (
        "POST",
        "/api/v1/holds",
        {"json": {"therapist_id": 1, "session_type": "massage", "start": START}},
        "session_type",
        sorted(VOCAB.session_types),
    ),
    "cancel reason": (
        "POST",
        "/api/v1/appointments/1/cancel",
        {"json": {"reason": "bored"}},
        "reason",
        sorted(CANCEL_REASONS),
    ),
    "match plan of another payer": (
        *_matches(payment={"method": "insurance", "payer": "aetna", "plan": "cigna-ppo"}),
        "payment.plan",
        [p.code for p in VOCAB.payers["aetna"].plans],
    ),
    "match plan not sold in the state": (
        *_matches(
            state="TX", payment={"method": "insurance", "payer": "anthem", "plan": "anthem-ppo"}
        ),
        "payment.plan",
        [p.code for p in VOCAB.payers["anthem"].plans_in("TX")],
    ),
    "match payer": (
        *_matches(payment={"method": "insurance", "payer": "nobody", "plan": "aetna-ppo"}),
        "payment.insurance.payer",
        sorted(VOCAB.payers),
    ),
    "match payment method": (
        *_matches(payment={"method": "barter"}),
        "payment.method",
        ["insurance", "self_pay"],
    ),
    "match format": (*_matches(format="group"), "format", sorted(FORMATS)),
    "match setting": (*_matches(setting="phone"), "setting", sorted(SETTINGS)),
    "match partner state": (
        *_matches(format="couples"),
        "partner_state",
        sorted(VOCAB.states),
    ),
    "match gender": (
        *_matches(preferences={"therapist_gender": "robot"}),
        "preferences.therapist_gender",
        sorted(VOCAB.genders),
    ),
    "match required preference": (
        *_matches(preferences={"required": ["height"]}),
        "preferences.required.0",
        sorted(PREFERENCE_NAMES),
    ),
    "match required preference not given": (
        *_matches(preferences={"languages": ["es"], "required": ["faith"]}),
        "preferences.required",
        ["languages"],
    ),
}


@pytest.mark.parametrize("case", list(CASES))
def test_422_names_the_field_and_lists_what_is_allowed(client: TestClient, case: str) -> None:
    method, path, request, field, allowed = CASES[case]
    response = client.request(method, path, headers=make_client(client), **request)
    assert response.status_code == 422, response.text
    body = response.json()
    assert body["error"] == "validation_error"
    [entry] = body["fields"]
    assert entry["field"] == field
    assert entry["allowed"] == allowed
    assert entry["msg"]
    assert body["detail"] == f"{field}: {entry['msg']}"


def test_a_rule_checked_by_a_service_answers_in_the_same_shape(
    client: TestClient, database: Database
) -> None:
    with database.session(write=True) as session:
        therapist = make_therapist(session, durations={"intake": 60}).id
    me = make_client(client)
    refused = client.post(
        "/api/v1/holds",
        json={"therapist_id": therapist, "session_type": "couples", "start": START},
        headers=me,
    )
    schema = client.post(
        "/api/v1/holds",
        json={"therapist_id": therapist, "session_type": "massage", "start": START},
        headers=me,
    )
    assert refused.status_code == schema.status_code == 422
    by_service, by_schema = refused.json(), schema.json()
    assert by_service.keys() == by_schema.keys()
    assert by_service["fields"][0].keys() == by_schema["fields"][0].keys()
    assert by_service["fields"][0]["field"] == "session_type"
    assert by_service["fields"][0]["allowed"] == ["intake"]
