"""Sign-in and token creation are limited per address and per account (the address named)."""

from __future__ import annotations

import pytest
from fastapi.testclient import TestClient

from confide.db import Database
from tests.conftest import PASSWORD, form_csrf, make_user
from tests.web.test_rate_limits import limited_app

sqlite_only = pytest.mark.parametrize("database", ["sqlite"], indirect=True)


@sqlite_only
def test_token_creation_is_limited_per_account_across_addresses(database: Database) -> None:
    app = limited_app(database, {"tokens": "3/hour"})
    login = {"email": "", "password": "not the password at all"}
    statuses = []
    with TestClient(app) as api:
        login["email"] = make_user(api)
    for number in range(5):
        with TestClient(app, client=(f"198.51.100.{number}", 5000)) as api:
            statuses.append(api.post("/api/v1/auth/tokens", json=login).status_code)
    assert statuses == [401, 401, 401, 429, 429]
    # another account from a fresh address is not held back
    with TestClient(app, client=("198.51.100.99", 5000)) as api:
        other = make_user(api)
        made = api.post("/api/v1/auth/tokens", json={"email": other, "password": PASSWORD})
    assert made.status_code == 201


@sqlite_only
def test_sign_in_forms_are_limited_per_address(database: Database) -> None:
    app = limited_app(database, {"signin": "2/minute"})
    with TestClient(app) as api:
        email = make_user(api)
        token = form_csrf(api, "/signin")
        statuses = [
            api.post(
                "/signin",
                data={"email": f"{n}{email}", "password": PASSWORD, "csrf_token": token},
                follow_redirects=False,
            ).status_code
            for n in range(3)
        ]
    assert statuses == [401, 401, 429]
