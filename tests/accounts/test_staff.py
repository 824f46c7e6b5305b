"""Staff join by an admin's invitation (mailed through real SMTP); `confide admin create`."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import select
from typer.testing import CliRunner, Result

from confide.accounts.users import create_admin
from confide.cli import app as confide_app
from confide.db import Database
from confide.models import User
from tests.accounts.conftest import api_token, mailed_link
from tests.cli_env import confide_command
from tests.conftest import PASSWORD, Inbox, make_user
from tests.scheduling.factories import make_therapist

ADMIN = "admin@example.org"


def admin_headers(mailing: TestClient, database: Database) -> dict[str, str]:
    with database.session(write=True) as session:
        create_admin(session, ADMIN, PASSWORD, datetime.now(UTC))
    return api_token(mailing, ADMIN, PASSWORD)


def test_an_admin_invites_a_therapist_tied_to_their_record(
    mailing: TestClient, smtp_server: Inbox, database: Database
) -> None:
    with database.session(write=True) as session:
        therapist_id = make_therapist(session).id
    admin = admin_headers(mailing, database)
    invitation = {"email": "robin@example.org", "role": "therapist", "therapist_id": therapist_id}
    sent = mailing.post("/api/v1/auth/invitations", json=invitation, headers=admin)
    assert sent.status_code == 202, sent.text
    path, token = mailed_link(smtp_server, "robin@example.org")
    assert path == "/join"
    assert "as a therapist" in smtp_server.message().get_content()
    joined = mailing.post(
        "/api/v1/auth/invitations/accept", json={"token": token, "password": PASSWORD}
    )
    assert joined.status_code == 201, joined.text
    again = mailing.post(
        "/api/v1/auth/invitations/accept", json={"token": token, "password": PASSWORD}
    )
    assert again.status_code == 422
    with database.session() as session:
        robin = session.scalars(select(User).where(User.email == "robin@example.org")).one()
    assert (robin.role, robin.therapist_id) == ("therapist", therapist_id)
    assert robin.email_verified_at is not None
    # a therapist signs in, but is no client: client routes answer 403
    therapist = api_token(mailing, "robin@example.org", PASSWORD)
    assert mailing.get("/api/v1/clients/me", headers=therapist).status_code == 403
    # one account per therapist record
    taken = mailing.post(
        "/api/v1/auth/invitations",
        json={**invitation, "email": "other@example.org"},
        headers=admin,
    )
    assert taken.status_code == 409


def test_an_admin_invites_a_reviewer_through_the_join_page(
    mailing: TestClient, smtp_server: Inbox, database: Database
) -> None:
    admin = admin_headers(mailing, database)
    invitation = {"email": "rey@example.org", "role": "reviewer"}
    assert (
        mailing.post("/api/v1/auth/invitations", json=invitation, headers=admin).status_code == 202
    )
    _, token = mailed_link(smtp_server, "rey@example.org")
    page = mailing.get(f"/join?token={token}")
    csrf = page.text.split('name="csrf_token" value="')[1].split('"')[0]
    done = mailing.post("/join", data={"csrf_token": csrf, "token": token, "password": PASSWORD})
    assert "Your account is ready" in done.text
    with database.session() as session:
        rey = session.scalars(select(User).where(User.email == "rey@example.org")).one()
    assert (rey.role, rey.therapist_id) == ("reviewer", None)


def test_joining_an_address_that_has_an_account_says_so_on_the_join_page(
    mailing: TestClient, smtp_server: Inbox, database: Database
) -> None:
    admin = admin_headers(mailing, database)
    email = make_user(mailing, email="kim@example.org")
    invitation = {"email": email, "role": "reviewer"}
    assert (
        mailing.post("/api/v1/auth/invitations", json=invitation, headers=admin).status_code == 202
    )
    _, token = mailed_link(smtp_server, email)
    page = mailing.get(f"/join?token={token}")
    csrf = page.text.split('name="csrf_token" value="')[1].split('"')[0]
    refused = mailing.post("/join", data={"csrf_token": csrf, "token": token, "password": PASSWORD})
    # a conflict with what exists, as the API answers it: not a mistake in the form
    assert refused.status_code == 409
    assert "already an account for this address" in refused.text
    with database.session() as session:
        kim = session.scalars(select(User).where(User.email == email)).one()
    assert kim.role == "client"


@pytest.mark.parametrize(
    ("invitation", "status", "field"),
    [
        ({"email": "t@example.org", "role": "therapist"}, 422, "therapist_id"),
        (
            {"email": "t@example.org", "role": "therapist", "therapist_id": 999999},
            422,
            "therapist_id",
        ),
        ({"email": "t@example.org", "role": "reviewer", "therapist_id": 1}, 422, "therapist_id"),
        ({"email": "t@example.org", "role": "client"}, 422, "role"),
    ],
)
def test_invitations_that_make_no_sense_name_the_field(
    mailing: TestClient,
    smtp_server: Inbox,
    database: Database,
    invitation: dict[str, Any],
    status: int,
    field: str,
) -> None:
    admin = admin_headers(mailing, database)
    answer = mailing.post("/api/v1/auth/invitations", json=invitation, headers=admin)
    assert answer.status_code == status, answer.text
    assert answer.json()["fields"][0]["field"] == field
    assert smtp_server.envelopes == []


def test_only_an_admin_invites(mailing: TestClient, smtp_server: Inbox, database: Database) -> None:
    client = api_token(mailing, make_user(mailing))
    invitation = {"email": "rey@example.org", "role": "admin"}
    refused = mailing.post("/api/v1/auth/invitations", json=invitation, headers=client)
    assert refused.status_code == 403
    assert mailing.post("/api/v1/auth/invitations", json=invitation).status_code == 401
    assert smtp_server.envelopes == []


def admin_create(runner: CliRunner, email: str, password: str) -> Result:
    return runner.invoke(
        confide_app, ["admin", "create", email, "--password-stdin"], input=password + "\n"
    )


def test_confide_admin_create_makes_a_verified_admin(
    database: Database, monkeypatch: pytest.MonkeyPatch
) -> None:
    with confide_command(database, monkeypatch) as runner:
        made = admin_create(runner, ADMIN, PASSWORD)
        assert made.exit_code == 0, made.output
        assert f"Administrator {ADMIN} created" in made.output
        twice = admin_create(runner, ADMIN, PASSWORD)
        assert twice.exit_code == 1
        assert "already an account" in twice.output
        short = admin_create(runner, "other@example.org", "short")
        assert short.exit_code == 1
        assert "password: use at least 12 characters" in short.output
    with database.session() as session:
        admin = session.scalars(select(User)).one()
    assert (admin.email, admin.role) == (ADMIN, "admin")
    assert admin.email_verified_at is not None
    assert admin.password_hash is not None
    assert admin.password_hash.startswith("$argon2id$")
