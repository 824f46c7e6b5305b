"""Password reset: the same answer for any address, a link that works once and for an hour,
across midnight UTC; clocks frozen."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
import time_machine
from fastapi.testclient import TestClient
from sqlalchemy import select

from confide.db import Database
from confide.models import BrowserSession
from tests.accounts.conftest import outbox_links
from tests.conftest import PASSWORD, make_user, sign_in

NEW_PASSWORD = "a brand new pass phrase"
JUST_BEFORE_MIDNIGHT = datetime(2026, 12, 31, 23, 59, 30, tzinfo=UTC)


@pytest.fixture
def frozen():  # type: ignore[no-untyped-def]
    with time_machine.travel(JUST_BEFORE_MIDNIGHT, tick=False) as traveller:
        yield traveller


def test_reset_answers_alike_and_its_link_works_once(
    outboxed: TestClient, database: Database, tmp_path: Path, frozen
) -> None:
    email = make_user(outboxed)
    sign_in(outboxed, email)
    known = outboxed.post("/api/v1/auth/password-reset", json={"email": email})
    unknown = outboxed.post("/api/v1/auth/password-reset", json={"email": "nobody@example.org"})
    assert known.status_code == unknown.status_code == 202
    assert known.json() == unknown.json()
    (token,) = outbox_links(tmp_path / "outbox")  # one message: nothing sent for nobody
    frozen.shift(timedelta(minutes=30))  # past midnight: 2027-01-01 00:29:30
    confirm = {"token": token, "password": NEW_PASSWORD}
    done = outboxed.post("/api/v1/auth/password-reset/confirm", json=confirm)
    assert done.status_code == 200, done.text
    again = outboxed.post(
        "/api/v1/auth/password-reset/confirm", json={**confirm, "password": "yet another one!!"}
    )
    assert again.status_code == 422
    assert again.json()["fields"][0]["field"] == "token"
    login = {"email": email, "password": NEW_PASSWORD}
    assert outboxed.post("/api/v1/auth/tokens", json=login).status_code == 201
    old = {"email": email, "password": PASSWORD}
    assert outboxed.post("/api/v1/auth/tokens", json=old).status_code == 401
    # a new password ends every browser session of the account
    with database.session() as session:
        assert session.scalars(select(BrowserSession.ended_at)).all() != [None]
    assert outboxed.get("/account", follow_redirects=False).status_code == 303


def test_a_reset_link_expires_after_an_hour(outboxed: TestClient, tmp_path: Path, frozen) -> None:
    email = make_user(outboxed)
    outboxed.post("/api/v1/auth/password-reset", json={"email": email})
    outboxed.post("/api/v1/auth/password-reset", json={"email": email})
    early, late = outbox_links(tmp_path / "outbox")
    frozen.shift(timedelta(minutes=59, seconds=59))
    fine = {"token": early, "password": NEW_PASSWORD}
    assert outboxed.post("/api/v1/auth/password-reset/confirm", json=fine).status_code == 200
    frozen.shift(timedelta(seconds=1))
    expired = outboxed.post(
        "/api/v1/auth/password-reset/confirm", json={"token": late, "password": NEW_PASSWORD}
    )
    assert expired.status_code == 422
    assert "expired" in expired.json()["fields"][0]["msg"]


def test_a_weak_new_password_keeps_the_link(outboxed: TestClient, tmp_path: Path, frozen) -> None:
    email = make_user(outboxed)
    outboxed.post("/api/v1/auth/password-reset", json={"email": email})
    (token,) = outbox_links(tmp_path / "outbox")
    weak = outboxed.post(
        "/api/v1/auth/password-reset/confirm", json={"token": token, "password": email}
    )
    assert weak.status_code == 422
    assert weak.json()["fields"][0]["field"] == "password"
    good = {"token": token, "password": NEW_PASSWORD}
    assert outboxed.post("/api/v1/auth/password-reset/confirm", json=good).status_code == 200


def test_the_reset_pages_take_the_link_to_a_button(
    outboxed: TestClient, tmp_path: Path, frozen
) -> None:
    email = make_user(outboxed)
    asked = outboxed.get("/reset")
    assert 'action="/reset"' in asked.text
    outboxed.post("/api/v1/auth/password-reset", json={"email": email})
    (token,) = outbox_links(tmp_path / "outbox")
    landing = outboxed.get(f"/reset?token={token}")
    assert landing.status_code == 200
    assert 'action="/reset/confirm"' in landing.text
    # opening the link uses nothing: the button does
    csrf = landing.text.split('name="csrf_token" value="')[1].split('"')[0]
    done = outboxed.post(
        "/reset/confirm", data={"csrf_token": csrf, "token": token, "password": NEW_PASSWORD}
    )
    assert "Your new password is set" in done.text
