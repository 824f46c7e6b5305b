"""The couple's space: one starts, the other joins; either leaves; unlinking ends it."""

from __future__ import annotations

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import text

from confide.db import Database
from confide.program import gate, service
from tests.conftest import verified_client
from tests.program.helpers import couple, item

pytestmark = pytest.mark.usefixtures("quick_passwords")


def space(api: TestClient, who: dict[str, str]) -> dict[str, object]:
    response = api.get("/api/v1/program/space", headers=who)
    assert response.status_code == 200, response.text
    found: dict[str, object] = response.json()
    return found


def test_one_starts_the_other_joins_and_it_opens(client: TestClient) -> None:
    pair = couple(client, joined=False, answered=False)
    assert space(client, pair.a)["status"] == "waiting"
    assert space(client, pair.p)["status"] == "invited"
    # nothing joint before the partner agrees
    assert client.get("/api/v1/program/apologies", headers=pair.a).status_code == 409
    joined = client.post("/api/v1/program/space/join", json={"role": "hurt"}, headers=pair.p)
    assert joined.status_code == 200
    seen = space(client, pair.p)
    assert seen["status"] == "active"
    assert seen["my_role"] == "hurt"
    assert seen["questions_due"] is True
    assert seen["joint_steps_open"] is False


def test_start_needs_a_linked_partner_and_a_role(client: TestClient) -> None:
    alone = verified_client(client)
    refused = client.post("/api/v1/program/space", json={"role": "hurt"}, headers=alone)
    assert refused.status_code == 409
    bad = client.post("/api/v1/program/space", json={"role": "victim"}, headers=alone)
    assert bad.status_code == 422
    assert bad.json()["fields"][0]["field"] == "role"
    pair = couple(client)
    again = client.post("/api/v1/program/space", json={"role": "hurt"}, headers=pair.p)
    assert again.status_code == 409


def test_leaving_ends_it_for_both_and_each_keeps_their_own(client: TestClient) -> None:
    pair = couple(client)
    mine = item(client, pair.a)
    shared = item(client, pair.a, "shared")
    theirs = item(client, pair.p)
    left = client.post("/api/v1/program/space/leave", headers=pair.a)
    assert left.status_code == 200
    assert left.json()["status"] == "ended"
    # the other learns only that the program was left
    assert space(client, pair.p) == {
        "id": None,
        "status": "ended",
        "my_role": None,
        "partner_joined": False,
        "joint_steps_open": False,
        "joint_steps_note": None,
        "questions_due": False,
        "support": [],
    }
    # each keeps what they wrote; the other's shared item is no longer theirs to read
    a_items = {i["id"] for i in client.get("/api/v1/program/items", headers=pair.a).json()}
    p_items = {i["id"] for i in client.get("/api/v1/program/items", headers=pair.p).json()}
    assert a_items == {mine, shared}
    assert p_items == {theirs}
    assert client.get(f"/api/v1/program/items/{shared}", headers=pair.p).status_code == 404
    # and either may start again
    assert (
        client.post("/api/v1/program/space", json={"role": "hurt"}, headers=pair.p).status_code
        == 201
    )


def test_unlinking_partners_ends_the_space(client: TestClient, database: Database) -> None:
    pair = couple(client)
    assert client.delete("/api/v1/clients/me/partner", headers=pair.p).status_code == 200
    # at once, for what builds on the space (check-ins), before any program page is asked
    with database.session() as session:
        ids = session.execute(text("SELECT client_id FROM program_members")).scalars().all()
        assert all(service.current_space(session, i) is None for i in ids)
    assert space(client, pair.a)["status"] == "ended"
    assert client.get("/api/v1/program/steps", headers=pair.a).status_code == 404
    with database.session() as session:
        ids = session.execute(text("SELECT client_id FROM program_members")).scalars().all()
        assert all(service.current_space(session, i) is None for i in ids)


def test_the_interfaces_checkins_uses(client: TestClient, database: Database) -> None:
    from datetime import UTC, datetime

    pair = couple(client)
    me = client.get("/api/v1/clients/me", headers=pair.a).json()["id"]
    with database.session(write=True) as session:
        found = service.current_space(session, me)
        assert found is not None
        assert found.status == "active"
        assert gate.joint_steps_open(session, found, datetime.now(UTC)) is True


def test_the_invited_partner_may_decline(client: TestClient) -> None:
    pair = couple(client, joined=False, answered=False)
    declined = client.post("/api/v1/program/space/leave", headers=pair.p)
    assert declined.status_code == 200
    assert space(client, pair.a)["status"] == "ended"
    assert (
        client.post("/api/v1/program/space/join", json={"role": "hurt"}, headers=pair.p).status_code
        == 404
    )
