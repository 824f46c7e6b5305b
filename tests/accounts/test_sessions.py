"""Browser sessions: cookie flags, a new id at sign-in, idle and absolute timeouts, sign-out
on the server, and CSRF on every form; clocks frozen."""

from __future__ import annotations

import re
from datetime import UTC, datetime, timedelta

import pytest
import time_machine
from fastapi.testclient import TestClient
from sqlalchemy import func, select

from confide.accounts import users
from confide.accounts.credentials import digest
from confide.db import Database
from confide.models import ApiToken, AuditEvent, BrowserSession, User
from tests.accounts.conftest import app_client
from tests.conftest import PASSWORD, form_csrf, make_user, sign_in

NOW = datetime(2026, 12, 31, 23, 40, tzinfo=UTC)


@pytest.fixture
def frozen():  # type: ignore[no-untyped-def]
    with time_machine.travel(NOW, tick=False) as traveller:
        yield traveller


def signed_in(api: TestClient) -> bool:
    return api.get("/account", follow_redirects=False).status_code == 200


def session_cookie(api: TestClient) -> str:
    value = api.cookies.get("confide_session")
    assert value
    return value


def test_the_cookie_is_http_only_lax_and_secure_behind_tls(
    client: TestClient, database: Database
) -> None:
    email = make_user(client)
    token = form_csrf(client, "/signin")
    answer = client.post(
        "/signin",
        data={"email": email, "password": PASSWORD, "csrf_token": token},
        follow_redirects=False,
    )
    cookie = answer.headers["set-cookie"]
    assert cookie.startswith("confide_session=")
    assert "HttpOnly" in cookie
    assert "SameSite=lax" in cookie
    assert "Secure" not in cookie
    assert "Max-Age" not in cookie  # the server decides when it ends
    assert answer.headers["location"] == "/account"
    with app_client(database, "https://testserver", behind_tls_proxy=True) as behind_tls:
        token = form_csrf(behind_tls, "/signin")
        answer = behind_tls.post(
            "/signin",
            data={"email": email, "password": PASSWORD, "csrf_token": token},
            follow_redirects=False,
        )
    assert "Secure" in answer.headers["set-cookie"]
    # only the digest of the id is stored
    value = re.match(r"confide_session=([^;]+)", cookie)
    assert value is not None
    with database.session() as session:
        hashes = session.scalars(select(BrowserSession.id_hash)).all()
    assert digest(value.group(1)) in hashes
    assert value.group(1) not in hashes


def test_every_sign_in_gets_a_new_id(client: TestClient, frozen) -> None:
    email = make_user(client)
    sign_in(client, email)
    first = session_cookie(client)
    sign_in(client, email)
    assert session_cookie(client) != first


def test_a_client_session_ends_after_30_idle_minutes(client: TestClient, frozen) -> None:
    sign_in(client, make_user(client))
    frozen.shift(timedelta(minutes=29, seconds=59))
    assert signed_in(client)  # and the clock of idleness starts again here
    frozen.shift(timedelta(minutes=29, seconds=59))
    assert signed_in(client)
    frozen.shift(timedelta(minutes=30))
    assert not signed_in(client)
    assert client.get("/account", follow_redirects=False).headers["location"] == (
        "/signin?next=/account"
    )


def test_a_staff_session_ends_after_15_idle_minutes(
    client: TestClient, database: Database, frozen
) -> None:
    with database.session(write=True) as session:
        users.create_admin(session, "admin@example.org", PASSWORD, NOW)
    sign_in(client, "admin@example.org")
    frozen.shift(timedelta(minutes=14, seconds=59))
    assert signed_in(client)
    frozen.shift(timedelta(minutes=15))
    assert not signed_in(client)


def test_a_session_ends_12_hours_after_it_began_however_busy(client: TestClient, frozen) -> None:
    sign_in(client, make_user(client))
    for _ in range(35):  # every 20 minutes, up to 11 h 40
        frozen.shift(timedelta(minutes=20))
        assert signed_in(client)
    frozen.shift(timedelta(minutes=19, seconds=59))
    assert signed_in(client)
    frozen.shift(timedelta(seconds=1))
    assert not signed_in(client)


def test_signing_out_ends_the_session_on_the_server(
    client: TestClient, database: Database, frozen
) -> None:
    sign_in(client, make_user(client))
    cookie = session_cookie(client)
    token = form_csrf(client, "/signout")
    done = client.post("/signout", data={"csrf_token": token}, follow_redirects=False)
    assert done.status_code == 303
    assert 'confide_session=""' in done.headers["set-cookie"]
    with database.session() as session:
        ended = session.scalars(select(BrowserSession.ended_at)).one()
        trail = session.execute(
            select(AuditEvent.action, AuditEvent.object_type, AuditEvent.outcome).order_by(
                AuditEvent.id
            )
        ).all()
    assert ended == NOW
    assert trail == [("sign_in", "session", "ok"), ("sign_out", "session", "ok")]
    # the old cookie, sent again by hand, no longer signs anyone in
    client.cookies.set("confide_session", cookie)
    assert not signed_in(client)


def test_forms_without_the_right_csrf_token_are_refused_and_change_nothing(
    client: TestClient, database: Database, frozen
) -> None:
    email = make_user(client)
    # anonymous forms: the signed double submit
    for token in (None, "wrong", form_csrf(TestClient(client.app), "/signin")):
        data = {"email": email, "password": PASSWORD}
        if token is not None:
            data["csrf_token"] = token
        refused = client.post("/signin", data=data, follow_redirects=False)
        assert refused.status_code in (403, 422), refused.text
    registered = client.post(
        "/register",
        data={
            "email": "new@example.org",
            "password": PASSWORD,
            "name": "New Person",
            "state": "NY",
            "timezone": "America/New_York",
            "csrf_token": "wrong",
        },
    )
    assert registered.status_code == 403
    assert "did not come from Confide" in registered.text
    assert registered.headers["content-type"].startswith("text/html")
    with database.session() as session:
        assert session.scalar(select(func.count()).select_from(BrowserSession)) == 0
        assert session.scalar(select(func.count()).select_from(User)) == 1
    # signed-in forms: the session's own token
    sign_in(client, email)
    made = client.post("/api/v1/auth/tokens", json={"email": email, "password": PASSWORD})
    token_id = made.json()["id"]
    for data in ({}, {"csrf_token": "wrong"}):
        refused = client.post(f"/account/tokens/{token_id}/revoke", data=data)
        assert refused.status_code in (403, 422)
        assert client.post("/signout", data=data, follow_redirects=False).status_code in (
            403,
            422,
        )
    with database.session() as session:
        assert session.get_one(ApiToken, token_id).revoked_at is None
        assert session.scalars(select(BrowserSession.ended_at)).all() == [None]
    assert signed_in(client)
    # a cookie-borne API write needs the token in a header
    refused = client.delete(f"/api/v1/auth/tokens/{token_id}")
    assert refused.status_code == 403


def test_the_account_page_lists_sessions_and_tokens_and_revokes_them(
    client: TestClient, database: Database, frozen
) -> None:
    email = make_user(client)
    sign_in(client, email)
    other = TestClient(client.app)
    sign_in(other, email)
    made = client.post("/api/v1/auth/tokens", json={"email": email, "password": PASSWORD}).json()
    page = client.get("/account").text
    assert "(this one)" in page
    revoke_paths = re.findall(r'action="(/account/(?:sessions|tokens)/\d+/revoke)"', page)
    assert len(revoke_paths) == 3
    token = form_csrf(client, "/account")
    with database.session() as session:
        other_id = session.scalars(
            select(BrowserSession.id).where(BrowserSession.id_hash == digest(session_cookie(other)))
        ).one()
    ended = client.post(f"/account/sessions/{other_id}/revoke", data={"csrf_token": token})
    assert "That session has ended" in ended.text
    assert not signed_in(other)
    revoked = client.post(f"/account/tokens/{made['id']}/revoke", data={"csrf_token": token})
    assert "That token no longer works" in revoked.text
    bearer = {"Authorization": f"Bearer {made['token']}"}
    assert client.get("/api/v1/auth/tokens", headers=bearer).status_code == 401
    assert signed_in(client)
