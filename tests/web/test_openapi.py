"""The OpenAPI schema's refusals are the ones the app sends (web/openapi.py, web/responses.py)."""

from __future__ import annotations

from typing import Any

import pytest
from fastapi.testclient import TestClient

from confide.vocab import get_vocabulary
from confide.web.openapi import COMPONENTS, codes_by_status
from confide.web.responses import Conflict, Problem, ValidationProblem, error_responses
from tests.scheduling.factories import make_client

# the schema is the same on both databases
sqlite_only = pytest.mark.parametrize("database", ["sqlite"], indirect=True)


def _operations(schema: dict[str, Any]) -> list[tuple[str, dict[str, Any]]]:
    return [
        (f"{method.upper()} {path}", operation)
        for path, methods in schema["paths"].items()
        for method, operation in methods.items()
    ]


@sqlite_only
def test_fastapis_own_422_shape_is_gone(client: TestClient) -> None:
    text = client.get("/openapi.json").text
    assert "HTTPValidationError" not in text
    schema = client.get("/openapi.json").json()
    documented = [name for name, op in _operations(schema) if "422" in op["responses"]]
    assert "POST /api/v1/holds" in documented
    for name, operation in _operations(schema):
        if "422" in operation["responses"]:
            body = operation["responses"]["422"]["content"]["application/json"]["schema"]
            assert body == {"$ref": "#/components/schemas/ValidationProblem"}, name


@sqlite_only
def test_every_error_answer_has_its_body(client: TestClient) -> None:
    schema = client.get("/openapi.json").json()
    for name, operation in _operations(schema):
        for status, response in operation["responses"].items():
            if int(status) < 400:
                continue
            body = response["content"]["application/json"]["schema"]
            assert body["$ref"].rsplit("/", 1)[1] in {*COMPONENTS.values(), "NotReady"}, name


@sqlite_only
def test_statuses_follow_from_a_routes_dependencies(client: TestClient) -> None:
    operations = dict(_operations(client.get("/openapi.json").json()))
    # these take an email and password in the body; a wrong pair is a 401 too
    credentials_in_body = {"POST /api/v1/auth/tokens"}
    for name, operation in operations.items():
        # a bearer token or session can be missing or wrong
        expected = bool(operation.get("security")) or name in credentials_in_body
        assert ("401" in operation["responses"]) == expected, name
    assert "429" in operations["POST /api/v1/holds"]["responses"]
    assert "429" not in operations["GET /api/v1/therapists"]["responses"]
    assert "503" in operations["GET /api/v1/therapists"]["responses"]
    # the manifest is made without the database
    assert "503" not in operations["GET /fhir/$bulk-publish"]["responses"]


@sqlite_only
def test_each_status_lists_the_codes_it_can_carry(client: TestClient) -> None:
    schemas = client.get("/openapi.json").json()["components"]["schemas"]
    codes = codes_by_status()
    assert {"slot_unavailable", "hold_expired", "idempotency_in_progress"} <= set(codes[409])
    assert codes[422] == ["validation_error"]
    assert schemas["Conflict"]["properties"]["error"]["enum"] == codes[409]
    assert schemas["NotFound"]["properties"]["error"]["enum"] == ["http_error", "not_found"]


@sqlite_only
def test_vocabulary_codes_are_enums(client: TestClient) -> None:
    schemas = client.get("/openapi.json").json()["components"]["schemas"]
    vocab = get_vocabulary()
    hold = schemas["HoldCreate"]["properties"]
    assert hold["session_type"]["enum"] == sorted(vocab.session_types)
    intake = schemas["MatchIntake"]["properties"]
    assert intake["state"]["enum"] == sorted(vocab.states)
    assert schemas["InsurancePayment"]["properties"]["plan"]["enum"] == sorted(vocab.plans)


@sqlite_only
def test_the_bodies_sent_fit_the_models(client: TestClient) -> None:
    me = make_client(client)
    refused = client.post("/api/v1/holds", json={"therapist_id": 0}, headers=me)
    assert refused.status_code == 422
    problem = ValidationProblem.model_validate(refused.json())
    assert "therapist_id" in {f.field for f in problem.fields}
    missing = client.get("/api/v1/appointments/123", headers=me)
    assert missing.status_code == 404
    assert Problem.model_validate(missing.json()).error == "not_found"
    unauthorized = client.get("/api/v1/clients/me")
    assert unauthorized.status_code == 401
    assert Problem.model_validate(unauthorized.json()).error == "unauthorized"


@sqlite_only
def test_an_unreadable_body_is_a_422_naming_the_body(client: TestClient) -> None:
    response = client.post(
        "/api/v1/auth/register",
        content=b'{"name": "\xa2"}',
        headers={"Content-Type": "application/json"},
    )
    assert response.status_code == 422, response.text
    assert response.json()["fields"][0]["field"] == "body"


def test_error_responses_refuses_a_status_without_a_body() -> None:
    assert error_responses(404, 409)[409]["model"] is Conflict
    with pytest.raises(ValueError, match="418"):
        error_responses(418)


def test_a_wrong_method_lists_every_method_of_the_path(client: TestClient) -> None:
    # POST and DELETE on one path are two routes; the 405 names both
    answer = client.options("/api/v1/clients/me/partner")
    assert answer.status_code == 405
    assert answer.headers["Allow"] == "DELETE, POST"
    assert answer.json()["error"] == "http_error"
    assert client.put("/api/v1/holds").headers["Allow"] == "POST"
