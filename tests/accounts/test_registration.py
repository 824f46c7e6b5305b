"""Registering, verifying by the mailed link (real SMTP), and what a taken address reveals."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from fastapi.testclient import TestClient
from sqlalchemy import func, select

from confide.db import Database
from confide.models import AuditEvent, Client, User
from tests.accounts.conftest import api_token, mailed_link, register
from tests.conftest import Inbox
from tests.scheduling.factories import make_therapist

ALL_WEEK = tuple((d, 0, 24 * 60) for d in range(7))


def test_registration_mails_a_link_that_verifies_the_address(
    mailing: TestClient, smtp_server: Inbox, database: Database
) -> None:
    answer = register(mailing, "sam@example.org")
    assert answer.status_code == 202
    path, token = mailed_link(smtp_server, "sam@example.org")
    assert path == "/verify"
    body = smtp_server.message().get_content()
    assert "https://confide.example/verify?token=" in body
    headers = api_token(mailing, "sam@example.org")
    # not verified yet: the account exists, but it cannot act as a client
    unverified = mailing.get("/api/v1/clients/me", headers=headers)
    assert unverified.status_code == 403
    assert "confirm your email address" in unverified.json()["detail"]
    assert mailing.post("/api/v1/auth/verify", json={"token": token}).status_code == 200
    me = mailing.get("/api/v1/clients/me", headers=headers)
    assert me.status_code == 200, me.text
    assert me.json()["name"] == "Sam Rivera"
    assert me.json()["email"] == "sam@example.org"
    # the link works once
    again = mailing.post("/api/v1/auth/verify", json={"token": token})
    assert again.status_code == 422
    assert again.json()["fields"][0]["field"] == "token"


def test_a_taken_address_gets_the_same_answer_and_its_owner_a_note(
    mailing: TestClient, smtp_server: Inbox, database: Database
) -> None:
    first = register(mailing, "sam@example.org")
    second = register(mailing, "SAM@example.org", name="Someone Else", password="another password!")
    assert second.status_code == first.status_code == 202
    assert second.json() == first.json()
    assert len(smtp_server.envelopes) == 2
    note = smtp_server.message()
    assert note["To"] == "sam@example.org"
    assert "tried to create a Confide account" in note["Subject"]
    assert "Someone Else" not in note.get_content()
    with database.session() as session:
        assert session.scalar(select(func.count()).select_from(User)) == 1
        assert session.scalars(select(Client.name)).all() == ["Sam Rivera"]
    # the original password still signs in; the second one does not
    api_token(mailing, "sam@example.org")
    refused = mailing.post(
        "/api/v1/auth/tokens", json={"email": "sam@example.org", "password": "another password!"}
    )
    assert refused.status_code == 401


def test_password_rules_name_the_field(mailing: TestClient, database: Database) -> None:
    for password, words in [
        ("too short", "at least 12"),
        ("x" * 129, "at most 128"),
        ("Sam@Example.org", "must not be your email"),
    ]:
        answer = register(mailing, "sam@example.org", password=password)
        assert answer.status_code == 422, password
        field = answer.json()["fields"][0]
        assert field["field"] == "password"
        assert words in field["msg"]
    with database.session() as session:
        assert session.scalar(select(func.count()).select_from(User)) == 0


def test_an_unverified_client_cannot_hold(
    mailing: TestClient, smtp_server: Inbox, database: Database
) -> None:
    with database.session(write=True) as session:
        therapist_id = make_therapist(session, hours=ALL_WEEK, minimum_notice_hours=2).id
    register(mailing, "sam@example.org")
    headers = api_token(mailing, "sam@example.org")
    start = (datetime.now(UTC) + timedelta(days=2)).replace(minute=0, second=0, microsecond=0)
    hold = {"therapist_id": therapist_id, "session_type": "intake", "start": start.isoformat()}
    refused = mailing.post("/api/v1/holds", json=hold, headers=headers)
    assert refused.status_code == 403
    assert "confirm your email address" in refused.json()["detail"]
    nobody = mailing.post("/api/v1/holds", json=hold)
    assert nobody.status_code == 401
    with database.session() as session:
        # the token's creation is on the trail; no appointment was made
        actions = session.scalars(select(AuditEvent.action)).all()
    assert "create" in actions
