"""The admin routes on the trail, behind a stand-in for the accounts' admin dependency."""

from __future__ import annotations

import csv
import io
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta

import pytest
from fastapi import Header
from fastapi.testclient import TestClient

from confide.audit import SYSTEM, Actor, record
from confide.audit.api import audit_router
from confide.audit.chain import ChainRow, verify
from confide.db import Database
from confide.main import create_app
from tests.conftest import settings_for

NOW = datetime(2026, 11, 29, 12, 0, tzinfo=UTC)


async def stand_in_admin(x_test_role: str = Header("admin")) -> Actor:
    """Tests only: the accounts work supplies the real dependency."""
    return Actor(user_id=1, role=x_test_role, address="192.0.2.1")


@pytest.fixture
def admin_client(database: Database) -> Iterator[TestClient]:
    app = create_app(settings_for(str(database.engine.url)), database=database)
    app.include_router(audit_router(stand_in_admin))
    with database.session(write=True) as session:
        for number in range(6):
            actor = Actor(7, "client", "203.0.113.9") if number % 2 else SYSTEM
            record(
                session,
                actor,
                "read",
                "appointment",
                30 + number % 3,
                "ok",
                NOW + timedelta(minutes=number),
            )
    with TestClient(app) as client:
        yield client


def test_admins_page_through_events_newest_first(admin_client: TestClient) -> None:
    response = admin_client.get("/api/v1/audit/events", params={"per_page": 4})
    assert response.status_code == 200
    body = response.json()
    assert body["total"] == 6
    assert [item["id"] for item in body["items"]] == [6, 5, 4, 3]
    # each read of the log is itself on it, so by the second page the log has grown by one
    second = admin_client.get("/api/v1/audit/events", params={"per_page": 4, "page": 2}).json()
    assert second["total"] == 7
    assert [item["id"] for item in second["items"]] == [3, 2, 1]


def test_filters_by_actor_object_and_time(admin_client: TestClient) -> None:
    by_actor = admin_client.get("/api/v1/audit/events", params={"actor_user_id": 7}).json()
    assert {i["actor_user_id"] for i in by_actor["items"]} == {7}
    assert by_actor["total"] == 3
    by_object = admin_client.get(
        "/api/v1/audit/events", params={"object_type": "appointment", "object_id": "31"}
    ).json()
    assert [i["id"] for i in by_object["items"]] == [5, 2]
    window = admin_client.get(
        "/api/v1/audit/events",
        params={
            "since": (NOW + timedelta(minutes=1)).isoformat(),
            "until": (NOW + timedelta(minutes=3)).isoformat(),
            "actor_role": "system",
        },
    ).json()
    assert [i["id"] for i in window["items"]] == [3]


@pytest.mark.parametrize(
    "params",
    [
        {"per_page": 0},
        {"page": 0},
        {"actor_role": "root"},
        {"since": "2026-11-29T12:00:00"},
        {"since": "2026-11-30T00:00:00Z", "until": "2026-11-29T00:00:00Z"},
        {"colour": "red"},
    ],
)
def test_bad_filters_are_422(admin_client: TestClient, params: dict[str, object]) -> None:
    assert admin_client.get("/api/v1/audit/events", params=params).status_code == 422


def test_only_admins_read_it(admin_client: TestClient) -> None:
    response = admin_client.get("/api/v1/audit/events", headers={"X-Test-Role": "therapist"})
    assert response.status_code == 403
    export = admin_client.get("/api/v1/audit/events.csv", headers={"X-Test-Role": "client"})
    assert export.status_code == 403


def test_the_csv_export_can_be_verified_offline(admin_client: TestClient) -> None:
    response = admin_client.get("/api/v1/audit/events.csv")
    assert response.status_code == 200
    assert response.headers["content-type"].startswith("text/csv")
    assert response.headers["cache-control"] == "no-store"
    rows = list(csv.DictReader(io.StringIO(response.text)))
    assert [int(r["id"]) for r in rows] == [1, 2, 3, 4, 5, 6]
    chain = [
        ChainRow(
            id=int(r["id"]),
            occurred_at=datetime.fromisoformat(r["occurred_at"]),
            actor_user_id=int(r["actor_user_id"]) if r["actor_user_id"] else None,
            actor_role=r["actor_role"],
            action=r["action"],
            object_type=r["object_type"],
            object_id=r["object_id"] or None,
            address=r["address"] or None,
            outcome=r["outcome"],
            prev_hash=r["prev_hash"],
            row_hash=r["row_hash"],
        )
        for r in rows
    ]
    assert verify(chain).intact
    # the export itself is recorded
    last = admin_client.get("/api/v1/audit/events", params={"per_page": 1}).json()["items"]
    after = admin_client.get("/api/v1/audit/events", params={"action": "export"}).json()
    assert after["total"] == 1
    assert after["items"][0]["actor_role"] == "admin"
    assert last[0]["object_type"] == "audit_log"


def test_an_export_of_a_slice_keeps_its_filters(admin_client: TestClient) -> None:
    response = admin_client.get("/api/v1/audit/events.csv", params={"actor_user_id": 7})
    rows = list(csv.DictReader(io.StringIO(response.text)))
    assert [int(r["id"]) for r in rows] == [2, 4, 6]
