"""The admin routes on the trail, as the app serves them: an admin's API token reads it and
exports it; a client, a therapist or nobody does not."""

from __future__ import annotations

import csv
import io
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import func, select

from confide.accounts import tokens
from confide.accounts.users import create_admin
from confide.audit import SYSTEM, Actor, record
from confide.audit.chain import ChainRow, verify
from confide.db import Database
from confide.main import create_app
from confide.models import AuditEvent
from tests.conftest import PASSWORD, settings_for, verified_client

NOW = datetime(2026, 11, 29, 12, 0, tzinfo=UTC)


@dataclass
class Trail:
    api: TestClient
    admin: dict[str, str]
    client: dict[str, str]
    base: int  # the rows written before the six below (making the tokens is on the trail too)

    def ids(self, *numbers: int) -> list[int]:
        return [self.base + n for n in numbers]


@pytest.fixture
def trail(database: Database) -> Iterator[Trail]:
    app = create_app(settings_for(str(database.engine.url)), database=database)
    api = TestClient(app)
    with database.session(write=True) as session:
        admin = create_admin(session, "admin@example.org", PASSWORD, NOW)
        _, secret = tokens.create_token(session, admin, ["profile"], 30, NOW)
    client = verified_client(api)
    with database.session() as session:
        base = session.scalar(select(func.count()).select_from(AuditEvent)) or 0
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
    with api:
        yield Trail(api, {"Authorization": f"Bearer {secret}"}, client, base)


@pytest.fixture
def admin_client(trail: Trail) -> TestClient:
    """The app, asked as the admin."""
    trail.api.headers.update(trail.admin)
    return trail.api


def test_admins_page_through_events_newest_first(admin_client: TestClient, trail: Trail) -> None:
    response = admin_client.get("/api/v1/audit/events", params={"per_page": 4})
    assert response.status_code == 200
    body = response.json()
    assert body["total"] == trail.base + 6
    assert [item["id"] for item in body["items"]] == trail.ids(6, 5, 4, 3)
    # pending rows are sealed before an admin reads: every row shown has its place in the chain
    assert [item["seq"] for item in body["items"]] == trail.ids(6, 5, 4, 3)
    assert all(len(item["row_hash"]) == 64 for item in body["items"])
    # each read of the log is itself on it, so by the second page the log has grown by one
    second = admin_client.get("/api/v1/audit/events", params={"per_page": 4, "page": 2}).json()
    assert second["total"] == trail.base + 7
    assert [item["id"] for item in second["items"]] == trail.ids(3, 2, 1, 0)
    first_again = admin_client.get("/api/v1/audit/events", params={"per_page": 1}).json()
    assert first_again["items"][0]["object_type"] == "audit_log"  # the second page's read
    assert first_again["items"][0]["seq"] == trail.base + 8  # sealed before this read


def test_filters_by_actor_object_and_time(admin_client: TestClient, trail: Trail) -> None:
    by_actor = admin_client.get("/api/v1/audit/events", params={"actor_user_id": 7}).json()
    assert {i["actor_user_id"] for i in by_actor["items"]} == {7}
    assert by_actor["total"] == 3
    by_object = admin_client.get(
        "/api/v1/audit/events", params={"object_type": "appointment", "object_id": "31"}
    ).json()
    assert [i["id"] for i in by_object["items"]] == trail.ids(5, 2)
    window = admin_client.get(
        "/api/v1/audit/events",
        params={
            "since": (NOW + timedelta(minutes=1)).isoformat(),
            "until": (NOW + timedelta(minutes=3)).isoformat(),
            "actor_role": "system",
        },
    ).json()
    assert [i["id"] for i in window["items"]] == trail.ids(3)


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


def test_only_admins_read_it(trail: Trail) -> None:
    for path in ("/api/v1/audit/events", "/api/v1/audit/events.csv"):
        refused = trail.api.get(path, headers=trail.client)
        assert refused.status_code == 403, refused.text
        assert refused.json()["error"] == "forbidden"
        assert trail.api.get(path).status_code == 401
        assert trail.api.get(path, headers={"Authorization": "Bearer nope"}).status_code == 401
    assert trail.api.get("/api/v1/audit/events", headers=trail.admin).status_code == 200


def test_the_csv_export_can_be_verified_offline(admin_client: TestClient, trail: Trail) -> None:
    response = admin_client.get("/api/v1/audit/events.csv")
    assert response.status_code == 200
    assert response.headers["content-type"].startswith("text/csv")
    assert response.headers["cache-control"] == "no-store"
    rows = list(csv.DictReader(io.StringIO(response.text)))
    assert [int(r["id"]) for r in rows] == list(range(1, trail.base + 7))
    assert [int(r["seq"]) for r in rows] == list(range(1, trail.base + 7))  # sealed before export
    chain = [
        ChainRow(
            seq=int(r["seq"]),
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


def test_an_export_of_a_slice_keeps_its_filters(admin_client: TestClient, trail: Trail) -> None:
    response = admin_client.get("/api/v1/audit/events.csv", params={"actor_user_id": 7})
    rows = list(csv.DictReader(io.StringIO(response.text)))
    assert [int(r["id"]) for r in rows] == trail.ids(2, 4, 6)
