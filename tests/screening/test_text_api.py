"""POST /api/v1/intake/text: concerns and safety signals for what a person wrote; nothing kept."""

from __future__ import annotations

import logging

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import func, select

from confide.db import Database
from confide.models import Base
from tests.web.test_rate_limits import limited_app

URL = "/api/v1/intake/text"
pytestmark = pytest.mark.parametrize("database", ["sqlite"], indirect=True)


def row_counts(database: Database) -> dict[str, int]:
    with database.session() as session:
        return {
            name: session.scalar(select(func.count()).select_from(table)) or 0
            for name, table in Base.metadata.tables.items()
        }


def test_it_answers_concerns_and_signals(client: TestClient) -> None:
    text = "my boyfriend decides who I can see and takes my paycheck"
    response = client.post(URL, json={"text": text})
    assert response.status_code == 200, response.text
    body = response.json()
    assert set(body) == {"concerns", "safety_signals"}
    assert body["safety_signals"] == ["partner_violence"]
    assert "relationship_abuse" in body["concerns"]
    assert response.headers["cache-control"] == "no-store"


def test_ordinary_distress_has_no_signal(client: TestClient) -> None:
    response = client.post(URL, json={"text": "we fight about money and he cheated"})
    assert response.status_code == 200
    assert response.json()["safety_signals"] == []
    assert response.json()["concerns"]


def test_several_lines_are_one_text(client: TestClient) -> None:
    response = client.post(URL, json={"text": "we argue a lot.\nI want to die.\r\n\tThat's it."})
    assert response.status_code == 200, response.text
    assert response.json()["safety_signals"] == ["self_harm"]


@pytest.mark.parametrize(
    ("body", "allowed"),
    [
        ({}, "required"),
        ({"text": ""}, "at least 1 character"),
        ({"text": "x" * 2001}, "at most 2000 characters"),
        ({"text": 12}, "valid string"),
        ({"text": "I want\u202e to die"}, "invisible character"),
        ({"text": "nul\x00here"}, "invisible character"),
    ],
)
def test_bad_text_is_refused_naming_the_field_and_what_is_allowed(
    client: TestClient, body: dict[str, object], allowed: str
) -> None:
    response = client.post(URL, json=body)
    assert response.status_code == 422, response.text
    fields = response.json()["fields"]
    assert [f["field"] for f in fields] == ["text"]
    assert allowed in fields[0]["msg"]


def test_an_unknown_field_is_refused(client: TestClient) -> None:
    response = client.post(URL, json={"text": "hello", "client_id": 3})
    assert response.status_code == 422
    assert response.json()["fields"][0]["field"] == "client_id"


def test_nothing_is_stored_and_the_text_is_not_logged(
    client: TestClient, database: Database, caplog: pytest.LogCaptureFixture
) -> None:
    before = row_counts(database)
    secret = "he choked me and I want to end it all zqxj-marker"
    with caplog.at_level(logging.DEBUG):
        for text in (secret, "x" * 2001 + secret):
            client.post(URL, json={"text": text})
    assert row_counts(database) == before
    assert "zqxj-marker" not in caplog.text
    refused = client.post(URL, json={"text": "x" * 2001 + secret})
    assert "zqxj-marker" not in refused.text  # the 422 does not echo the text either


def test_it_is_rate_limited_per_address(database: Database) -> None:
    app = limited_app(database, {"intake_text": "3/minute"})
    with TestClient(app) as api:
        statuses = [api.post(URL, json={"text": "we argue"}).status_code for _ in range(4)]
    assert statuses == [200, 200, 200, 429]


def test_the_schema_documents_the_route(client: TestClient) -> None:
    schema = client.app.openapi()  # type: ignore[attr-defined]
    operation = schema["paths"][URL]["post"]
    assert {"200", "422", "429"} <= set(operation["responses"])
    body = schema["components"]["schemas"]["IntakeText"]["properties"]["text"]
    assert (body["minLength"], body["maxLength"]) == (1, 2000)
