"""POST /api/v1/matches: bad intakes answer 422 naming the field and what is allowed; a good one
returns explained results whose first openings can be held."""

from __future__ import annotations

from typing import Any

import pytest
import time_machine
from fastapi.testclient import TestClient

from confide.matching import live as matching_live
from confide.matching.api import router
from confide.web.readiness import Readiness
from tests.conftest import verified_client
from tests.matching.conftest import NOW, SmallNetwork
from tests.web.test_readiness import wait_ready

GOOD: dict[str, Any] = {
    "state": "CA",
    "concerns": ["infidelity"],
    "payment": {"method": "self_pay", "max_rate": 250},
    "timezone": "America/Los_Angeles",
}


@pytest.fixture
def api(client: TestClient) -> TestClient:
    app = client.app
    if not any(getattr(r, "path", "") == "/api/v1/matches" for r in app.routes):  # type: ignore[attr-defined]
        app.include_router(router)  # type: ignore[attr-defined]
    return client


@pytest.fixture
def network_api(api: TestClient, small_network: SmallNetwork) -> TestClient:
    """The app's matching index as of NOW, holding the small network.

    The app built its index at start-up, on its own thread, before or while the network was
    written; index refreshes then come at most every two seconds. Wait for that build, then
    build again at NOW, so what the tests ask about is in the index whichever came first.
    """
    wait_ready(api)
    api.app.state.matching.warm_up(NOW)  # type: ignore[attr-defined]
    return api


def field_error(response: Any) -> dict[str, Any]:
    assert response.status_code == 422, response.text
    body = response.json()
    assert body["error"] == "validation_error"
    return body["fields"][0]  # type: ignore[no-any-return]


@pytest.mark.parametrize(
    ("change", "field", "allowed_has", "message_has"),
    [
        ({"state": "ZZ"}, "state", "CA", "not a known state"),
        ({"concerns": ["sadness"]}, "concerns.0", "infidelity", "not a known concern"),
        (
            {"payment": {"method": "insurance", "payer": "aetna", "plan": "anthem-ppo"}},
            "payment.plan",
            "aetna-ppo",
            "not a aetna plan",
        ),
        (
            {"payment": {"method": "insurance", "payer": "nobody", "plan": "aetna-ppo"}},
            "payment.insurance.payer",
            "aetna",
            "not a known payer",
        ),
        (
            {
                "state": "TX",
                "payment": {"method": "insurance", "payer": "anthem", "plan": "anthem-ppo"},
            },
            "payment.plan",
            None,
            "not sold in TX",
        ),
        ({"format": "couples"}, "partner_state", "NV", "partner"),
        ({"setting": "in_person"}, "postal_code", None, "postal code"),
        (
            {"setting": "in_person", "postal_code": "00000", "max_distance_km": 20},
            "postal_code",
            None,
            "not a known",
        ),
        ({"setting": "in_person", "postal_code": "94110"}, "max_distance_km", None, "km"),
        (
            {"availability": [{"weekday": 1, "start": "09:15", "end": "11:00"}]},
            "availability.0.start",
            "HH:30",
            "HH:00 or HH:30",
        ),
        (
            {"availability": [{"weekday": 1, "start": "11:00", "end": "10:00"}]},
            "availability.0",
            None,
            "before end",
        ),
        ({"timezone": "Mars/Olympus_Mons"}, "timezone", None, "IANA"),
        (
            {"preferences": {"required": ["languages"]}},
            "preferences.required",
            None,
            "no languages",
        ),
        ({"preferences": {"languages": ["xx"]}}, "preferences.languages.0", "es", "language"),
    ],
)
def test_bad_intakes_say_what_is_allowed(
    api: TestClient, change: dict[str, Any], field: str, allowed_has: str | None, message_has: str
) -> None:
    error = field_error(api.post("/api/v1/matches", json={**GOOD, **change}))
    assert error["field"] == field
    assert message_has in error["msg"]
    if allowed_has is not None:
        assert allowed_has in error["allowed"]


def test_the_plans_of_the_payer_are_listed(api: TestClient) -> None:
    error = field_error(
        api.post(
            "/api/v1/matches",
            json={
                **GOOD,
                "payment": {"method": "insurance", "payer": "aetna", "plan": "cigna-ppo"},
            },
        )
    )
    assert error["allowed"]
    assert all(code.startswith("aetna-") for code in error["allowed"])


def test_matches_can_be_held(network_api: TestClient) -> None:
    api = network_api
    with time_machine.travel(NOW, tick=False):
        response = api.post("/api/v1/matches", json={**GOOD, "limit": 5})
        assert response.status_code == 200, response.text
        body = response.json()
        assert body["results"]
        assert body["total_eligible"] >= len(body["results"])
        me = verified_client(api, name="Sam", state="CA", zone="America/Los_Angeles")
        for result in body["results"]:
            hold = api.post(
                "/api/v1/holds",
                headers=me,
                json={
                    "therapist_id": result["therapist"]["id"],
                    "session_type": result["session_type"],
                    "start": result["first_opening"],
                },
            )
            assert hold.status_code == 201, hold.text
            # one person cannot hold two sessions at once; release before the next
            api.post(
                f"/api/v1/appointments/{hold.json()['hold_id']}/cancel",
                headers=me,
                json={},
            )


def test_a_held_start_is_no_longer_offered(network_api: TestClient) -> None:
    api = network_api
    with time_machine.travel(NOW, tick=False):
        first = api.post("/api/v1/matches", json={**GOOD, "limit": 3}).json()["results"][0]
        api.app.state.matching.refresh_seconds = 0  # type: ignore[attr-defined]
        me = verified_client(api, name="Ana", state="CA", zone="America/Denver")
        hold = api.post(
            "/api/v1/holds",
            headers=me,
            json={
                "therapist_id": first["therapist"]["id"],
                "session_type": first["session_type"],
                "start": first["first_opening"],
            },
        )
        assert hold.status_code == 201, hold.text
        again = api.post("/api/v1/matches", json={**GOOD, "limit": 50}).json()["results"]
    offered = {(r["therapist"]["id"], r["first_opening"]) for r in again}
    assert (first["therapist"]["id"], first["first_opening"]) not in offered


def test_the_first_match_after_ready_builds_nothing(
    api: TestClient, small_network: SmallNetwork, monkeypatch: pytest.MonkeyPatch
) -> None:
    # the network was written after start-up: build again, as a restarted process would
    state = api.app.state  # type: ignore[attr-defined]
    state.readiness = Readiness(state.matching.warm_up)
    state.readiness.start()
    wait_ready(api)

    def no_cold_build(*args: object) -> None:
        raise AssertionError("a request built the matching index from scratch")

    monkeypatch.setattr(matching_live, "build_index", no_cold_build)
    response = api.post("/api/v1/matches", json=GOOD)
    assert response.status_code == 200, response.text
    assert response.json()["results"]
