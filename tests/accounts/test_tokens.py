"""API tokens: made with a password, hashed at rest, listed, revoked, expired; the trail."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
import time_machine
from argon2 import PasswordHasher
from fastapi.testclient import TestClient
from sqlalchemy import select

from confide.accounts.credentials import digest
from confide.db import Database
from confide.models import ApiToken, AuditEvent, User
from tests.conftest import PASSWORD, make_user

NOW = datetime(2026, 12, 31, 23, 50, tzinfo=UTC)  # the new year comes during the test


@pytest.fixture
def frozen():  # type: ignore[no-untyped-def]
    with time_machine.travel(NOW, tick=False) as traveller:
        yield traveller


def create(api: TestClient, email: str, password: str = PASSWORD, **extra: object):  # type: ignore[no-untyped-def]
    return api.post("/api/v1/auth/tokens", json={"email": email, "password": password, **extra})


def test_a_token_is_shown_once_kept_hashed_listed_and_revoked(
    client: TestClient, database: Database, frozen
) -> None:
    email = make_user(client)
    made = create(client, email)
    assert made.status_code == 201, made.text
    body = made.json()
    assert set(body) == {"id", "token", "expires_at", "scopes"}
    assert body["scopes"] == ["booking", "profile"]
    assert datetime.fromisoformat(body["expires_at"]) == NOW + timedelta(days=30)
    with database.session() as session:
        stored = session.get_one(ApiToken, body["id"])
        assert stored.token_hash == digest(body["token"])
        assert body["token"] not in (stored.token_hash, stored.scopes)
    headers = {"Authorization": f"Bearer {body['token']}"}
    listed = client.get("/api/v1/auth/tokens", headers=headers).json()["tokens"]
    assert [t["id"] for t in listed] == [body["id"]]
    assert "token" not in listed[0]
    assert client.delete(f"/api/v1/auth/tokens/{body['id']}", headers=headers).status_code == 204
    after = client.get("/api/v1/clients/me", headers=headers)
    assert after.status_code == 401
    with database.session() as session:
        events = session.execute(
            select(AuditEvent.action, AuditEvent.object_type, AuditEvent.outcome).order_by(
                AuditEvent.id
            )
        ).all()
    assert events == [("create", "api_token", "ok"), ("revoke", "api_token", "ok")]


def test_another_accounts_token_id_answers_404_and_stays_live(
    client: TestClient, database: Database, frozen
) -> None:
    mine = {"Authorization": f"Bearer {create(client, make_user(client)).json()['token']}"}
    theirs = create(client, make_user(client, name="Lee Park")).json()
    refused = client.delete(f"/api/v1/auth/tokens/{theirs['id']}", headers=mine)
    assert refused.status_code == 404
    unknown = client.delete("/api/v1/auth/tokens/999999", headers=mine)
    assert unknown.status_code == 404
    assert refused.json()["detail"].replace(str(theirs["id"]), "N") == unknown.json()[
        "detail"
    ].replace("999999", "N")
    still = client.get("/api/v1/clients/me", headers={"Authorization": f"Bearer {theirs['token']}"})
    assert still.status_code == 200


def test_tokens_expire(client: TestClient, database: Database, frozen) -> None:
    made = create(client, make_user(client), expires_in_days=1).json()
    headers = {"Authorization": f"Bearer {made['token']}"}
    frozen.shift(timedelta(hours=23, minutes=59))
    assert client.get("/api/v1/clients/me", headers=headers).status_code == 200
    frozen.shift(timedelta(minutes=1))
    expired = client.get("/api/v1/clients/me", headers=headers)
    assert expired.status_code == 401
    assert "expired" in expired.json()["detail"]
    too_long = create(client, make_user(client), expires_in_days=366)
    assert too_long.status_code == 422
    assert too_long.json()["fields"][0]["field"] == "expires_in_days"


def test_a_token_acts_only_within_its_scopes(client: TestClient, frozen) -> None:
    made = create(client, make_user(client), scopes=["booking"]).json()
    headers = {"Authorization": f"Bearer {made['token']}"}
    refused = client.get("/api/v1/clients/me", headers=headers)
    assert refused.status_code == 403
    assert "profile" in refused.json()["detail"]


def test_a_failed_sign_in_is_refused_and_on_the_trail(
    client: TestClient, database: Database, frozen
) -> None:
    email = make_user(client)
    wrong = create(client, email, "not the password at all")
    unknown = create(client, "nobody@example.org", "not the password at all")
    assert wrong.status_code == unknown.status_code == 401
    assert wrong.json() == unknown.json()
    with database.session() as session:
        user_id = session.scalars(select(User.id)).one()
        events = session.execute(
            select(
                AuditEvent.action, AuditEvent.actor_role, AuditEvent.object_id, AuditEvent.outcome
            ).order_by(AuditEvent.id)  # a sealed row moves in PostgreSQL's heap: ask for order
        ).all()
    assert events == [
        ("sign_in", "anonymous", str(user_id), "denied"),
        ("sign_in", "anonymous", None, "denied"),
    ]


@pytest.mark.real_password_cost
@pytest.mark.parametrize("database", ["sqlite"], indirect=True)
def test_signing_in_does_the_same_work_for_an_unknown_address(
    client: TestClient, monkeypatch: pytest.MonkeyPatch
) -> None:
    """No timing here (timings belong in benchmarks): the same argon2 work is counted instead, so
    an unknown address cannot be told from a wrong password by how long the answer takes."""
    email = make_user(client)
    verified: list[str] = []
    real_verify = PasswordHasher.verify

    def counting(self: PasswordHasher, hash: str, password: str) -> bool:
        verified.append(hash.rsplit("$", 2)[0])  # the scheme and parameters, not the salt
        return real_verify(self, hash, password)

    monkeypatch.setattr(PasswordHasher, "verify", counting)
    assert create(client, email, "not the password at all").status_code == 401
    known = list(verified)
    verified.clear()
    unknown_answer = create(client, "nobody@example.org", "not the password at all")
    assert unknown_answer.status_code == 401
    assert len(known) == 1
    assert verified == known
    assert known[0].startswith("$argon2id$v=19$m=19456,t=2,p=1")


@pytest.mark.real_password_cost
def test_a_hash_made_with_older_parameters_is_renewed_at_sign_in(
    client: TestClient, database: Database
) -> None:
    email = make_user(client)
    weaker = PasswordHasher(time_cost=1, memory_cost=8 * 1024, parallelism=1)
    with database.session(write=True) as session:
        user = session.scalars(select(User)).one()
        user.password_hash = weaker.hash(PASSWORD)
    assert create(client, email).status_code == 201
    with database.session() as session:
        renewed = session.scalars(select(User.password_hash)).one()
    assert renewed is not None
    assert renewed.startswith("$argon2id$v=19$m=19456,t=2,p=1$")
    assert create(client, email).status_code == 201
