"""The program's pages refuse bad input by naming the field (422) and a move the status does
not allow with 409, change nothing when they do, and put every read on the audit trail."""

from __future__ import annotations

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import select

from confide.db import Database
from confide.models import AuditEvent
from tests.conftest import PASSWORD, form_csrf, make_user, sign_in
from tests.program.helpers import answer, item
from tests.scheduling.factories import link_partners

pytestmark = pytest.mark.usefixtures("quick_passwords")


def _pair(client: TestClient) -> tuple[TestClient, dict[str, str], dict[str, str]]:
    """A signed in in a browser of their own; A's and P's tokens; both in the program."""
    browser = TestClient(client.app, follow_redirects=False)
    bearers = []
    for name in ("Alex", "Pat"):
        email = make_user(client, name=name)
        if name == "Alex":
            sign_in(browser, email)
        token = client.post("/api/v1/auth/tokens", json={"email": email, "password": PASSWORD})
        bearers.append({"Authorization": f"Bearer {token.json()['token']}"})
    a, p = bearers
    link_partners(client, a, p, answered=False)
    client.post("/api/v1/program/space", json={"role": "broke_trust"}, headers=a)
    client.post("/api/v1/program/space/join", json={"role": "hurt"}, headers=p)
    answer(client, a)
    answer(client, p)
    return browser, a, p


def test_a_page_names_the_field_and_keeps_nothing(client: TestClient) -> None:
    browser, a, _ = _pair(client)
    csrf = form_csrf(browser, "/program")
    empty = browser.post(
        "/program/items",
        data={"csrf_token": csrf, "step": "1", "kind": "acknowledgement", "body": ""},
    )
    assert empty.status_code == 422
    assert "body:" in empty.text
    late = browser.post(
        "/program/agreements", data={"csrf_token": csrf, "need": "x", "review_on": "2001-01-01"}
    )
    assert late.status_code == 403  # A broke trust: needs are proposed by the one who was hurt
    promise = browser.post(
        "/program/commitments", data={"csrf_token": csrf, "promise": "x", "due_on": "tomorrow"}
    )
    assert promise.status_code == 422
    assert "due_on:" in promise.text
    assert client.get("/api/v1/program/items", headers=a).json() == []


def test_a_page_refuses_a_move_its_status_does_not_allow(client: TestClient) -> None:
    browser, a, _ = _pair(client)
    parts = {"harm": "h", "responsibility": "r", "new_actions": "n", "signs": "s"}
    made = client.post("/api/v1/program/apologies", json={"parts": parts}, headers=a).json()
    csrf = form_csrf(browser, "/program")
    refused = browser.post(
        f"/program/apologies/{made['id']}/status", data={"csrf_token": csrf, "status": "accepted"}
    )
    assert refused.status_code == 409
    assert "allowed from draft: offered" in refused.text


def test_reads_are_audited(client: TestClient, database: Database) -> None:
    browser, a, _ = _pair(client)
    mine = item(client, a)
    assert browser.get(f"/program/items/{mine}").status_code == 200
    with database.session() as session:
        found = session.scalars(
            select(AuditEvent.action).where(
                AuditEvent.object_type == "program_item", AuditEvent.object_id == str(mine)
            )
        ).all()
    assert sorted(found) == ["create", "read"]
