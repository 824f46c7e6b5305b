"""Security headers on pages, JSON, FHIR, calendar files, errors and the API docs."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime

import httpx2
import pytest
import time_machine
from fastapi.testclient import TestClient

from confide.db import Database
from confide.main import create_app
from confide.web.security import CONTENT_SECURITY_POLICY, is_sensitive
from tests.conftest import settings_for
from tests.scheduling.factories import make_client, make_therapist

NOW = datetime(2026, 12, 2, 15, 0, tzinfo=UTC)


@pytest.fixture
def frozen() -> Iterator[time_machine.Coordinates]:
    with time_machine.travel(NOW, tick=False) as traveller:
        yield traveller


def assert_baseline(response: httpx2.Response) -> None:
    headers = response.headers
    csp = headers["content-security-policy"]
    assert csp == CONTENT_SECURITY_POLICY
    for directive in (
        "default-src 'self'",
        "script-src 'self'",
        "style-src 'self'",
        "img-src 'self' data:",
        "form-action 'self'",
        "base-uri 'none'",
        "object-src 'none'",
        "frame-ancestors 'none'",
    ):
        assert directive in csp.split("; ")
    assert "unsafe-inline" not in csp
    assert headers["x-content-type-options"] == "nosniff"
    assert headers["referrer-policy"] == "same-origin"
    assert "camera=()" in headers["permissions-policy"]
    assert headers["x-frame-options"] == "DENY"
    # plain http in tests: no HSTS
    assert "strict-transport-security" not in headers


def assert_no_store(response: httpx2.Response) -> None:
    assert_baseline(response)
    assert response.headers["cache-control"] == "no-store"


def test_headers_on_every_kind_of_answer_through_a_booking(
    client: TestClient, database: Database, frozen: time_machine.Coordinates
) -> None:
    with database.session(write=True) as session:
        therapist_id = make_therapist(session).id
    me = make_client(client)

    listed = client.get(f"/api/v1/therapists/{therapist_id}/slots", params={"tz": "UTC"})
    assert_no_store(listed)
    start = listed.json()["slots"][0]["start"]

    held = client.post(
        "/api/v1/holds",
        json={"therapist_id": therapist_id, "session_type": "intake", "start": start},
        headers=me,
    )
    assert held.status_code == 201, held.text
    assert_no_store(held)
    appointment_id = held.json()["hold_id"]
    booked = client.post("/api/v1/appointments", json={"hold_id": appointment_id}, headers=me)
    assert booked.status_code == 201
    assert_no_store(booked)

    for path in (
        f"/api/v1/appointments/{appointment_id}",
        f"/api/v1/appointments/{appointment_id}/calendar.ics",
        f"/fhir/Appointment/{appointment_id}",
    ):
        response = client.get(path, headers=me)
        assert response.status_code == 200, path
        assert_no_store(response)

    page = client.get(
        "/book", params={"therapist": therapist_id, "session_type": "intake", "start": start}
    )
    assert page.status_code == 200
    assert_no_store(page)

    for path in ("/", "/healthz", "/api/v1/vocab", f"/fhir/PractitionerRole/{therapist_id}"):
        response = client.get(path)
        assert response.status_code == 200, path
        assert_no_store(response)


@pytest.mark.parametrize("database", ["sqlite"], indirect=True)
def test_headers_on_errors(client: TestClient) -> None:
    me = make_client(client)
    for response, status in (
        (client.get("/no/such/page"), 404),
        (client.get("/api/v1/appointments/999", headers=me), 404),
        (client.get("/fhir/Appointment/999", headers=me), 404),
        (client.get("/api/v1/appointments/1"), 401),
        (client.get("/api/v1/appointments/not-a-number", headers=me), 422),
        (client.post("/api/v1/holds", json={"therapist_id": "x"}, headers=me), 422),
        (client.get("/book", params={"therapist": 5, "session_type": "nope"}), 422),
        (client.post("/book/calendar", data={"appointment": 1, "token": "wrong"}), 401),
    ):
        assert response.status_code == status, response.request.url
        assert_no_store(response)


@pytest.mark.parametrize("database", ["sqlite"], indirect=True)
def test_an_unexpected_error_answers_500_with_the_headers(database: Database) -> None:
    app = create_app(settings_for(str(database.engine.url)), database=database)

    @app.get("/api/v1/appointments/explode/now")
    def explode() -> None:
        raise RuntimeError("boom")

    with TestClient(app, raise_server_exceptions=False) as client:
        response = client.get("/api/v1/appointments/explode/now")
    assert response.status_code == 500
    assert response.json()["error"] == "internal_error"
    assert_no_store(response)


@pytest.mark.parametrize("database", ["sqlite"], indirect=True)
def test_static_files_may_be_cached_and_still_carry_the_headers(client: TestClient) -> None:
    css = client.get("/static/confide.css")
    assert css.status_code == 200
    assert_baseline(css)
    assert "cache-control" not in css.headers
    assert css.headers["etag"]


@pytest.mark.parametrize("database", ["sqlite"], indirect=True)
def test_hsts_only_under_tls(database: Database) -> None:
    url = str(database.engine.url)
    with TestClient(create_app(settings_for(url), database=database)) as plain:
        assert "strict-transport-security" not in plain.get("/healthz").headers
    with TestClient(
        create_app(settings_for(url), database=database), base_url="https://testserver"
    ) as tls:
        assert (
            tls.get("/healthz").headers["strict-transport-security"].startswith("max-age=63072000")
        )
    proxied = settings_for(url).model_copy(update={"behind_tls_proxy": True})
    with TestClient(create_app(proxied, database=database)) as behind_proxy:
        response = behind_proxy.get("/no/such/page")
    assert response.status_code == 404
    assert response.headers["strict-transport-security"].startswith("max-age=63072000")


@pytest.mark.parametrize("database", ["sqlite"], indirect=True)
def test_docs_are_served_locally_without_inline_script(client: TestClient) -> None:
    page = client.get("/docs")
    assert page.status_code == 200
    assert_no_store(page)
    html = page.text
    assert "<script>" not in html
    assert "cdn" not in html.lower()
    assert "/docs/assets/swagger-ui-bundle.js" in html
    assert "/static/docs.js" in html
    for asset in ("/docs/assets/swagger-ui-bundle.js", "/docs/assets/swagger-ui.css"):
        response = client.get(asset)
        assert response.status_code == 200, asset
        assert_baseline(response)
    assert client.get("/redoc").status_code == 404


def test_sensitive_paths_are_matched_by_whole_segments() -> None:
    assert is_sensitive("/book")
    assert is_sensitive("/book/calendar")
    assert is_sensitive("/api/v1/appointments/3/calendar.ics")
    assert is_sensitive("/fhir/Appointment/3")
    assert not is_sensitive("/bookmarks")
    assert not is_sensitive("/fhir/PractitionerRole/3")
