"""Partners never read each other's private items: through the API and the pages, a private
item of the partner answers exactly as an id that does not exist."""

from __future__ import annotations

import pytest
from fastapi.testclient import TestClient

from confide.db import Database
from tests.conftest import make_user, sign_in
from tests.program.helpers import answer, item
from tests.scheduling.factories import link_partners

pytestmark = pytest.mark.usefixtures("quick_passwords")
MISSING = 999_999


def test_a_private_item_is_the_same_404_as_no_item_at_all(client: TestClient) -> None:
    from tests.program.helpers import couple

    pair = couple(client)
    private = item(client, pair.a)
    shared = item(client, pair.a, "shared")
    hidden = client.get(f"/api/v1/program/items/{private}", headers=pair.p)
    missing = client.get(f"/api/v1/program/items/{MISSING}", headers=pair.p)
    assert hidden.status_code == missing.status_code == 404
    assert hidden.content == missing.content
    assert client.get(f"/api/v1/program/items/{shared}", headers=pair.p).status_code == 200
    listed = {i["id"] for i in client.get("/api/v1/program/items", headers=pair.p).json()}
    assert listed == {shared}
    # nor can the partner share, edit or unshare it
    changed = client.patch(
        f"/api/v1/program/items/{private}", json={"visibility": "shared"}, headers=pair.p
    )
    assert changed.status_code == 404
    assert (
        changed.content
        == client.patch(
            f"/api/v1/program/items/{MISSING}", json={"visibility": "shared"}, headers=pair.p
        ).content
    )
    # made private again, it is gone for the partner
    back = client.patch(
        f"/api/v1/program/items/{shared}", json={"visibility": "private"}, headers=pair.a
    )
    assert back.status_code == 200
    again = client.get(f"/api/v1/program/items/{shared}", headers=pair.p)
    assert again.content == missing.content


def test_private_text_is_encrypted_at_rest(client: TestClient, database: Database) -> None:
    from sqlalchemy import text

    from tests.program.helpers import couple

    pair = couple(client)
    item(client, pair.a)
    with database.session() as session:
        stored = session.execute(text("SELECT body FROM program_items")).scalar_one()
    assert "hurt" not in stored


def _browser(client: TestClient, name: str) -> tuple[TestClient, str]:
    own = TestClient(client.app, follow_redirects=False)
    email = make_user(client, name=name)
    sign_in(own, email)
    return own, email


def test_pages_answer_a_private_item_as_a_missing_one(client: TestClient) -> None:
    a, a_email = _browser(client, "Alex")
    p, p_email = _browser(client, "Pat")
    a_bearer = _bearer(client, a_email)
    p_bearer = _bearer(client, p_email)
    link_partners(client, a_bearer, p_bearer, answered=False)
    assert (
        client.post("/api/v1/program/space", json={"role": "both"}, headers=a_bearer).status_code
        == 201
    )
    assert (
        client.post(
            "/api/v1/program/space/join", json={"role": "both"}, headers=p_bearer
        ).status_code
        == 200
    )
    for who in (a_bearer, p_bearer):
        answer(client, who)
    private = item(client, a_bearer)
    own = a.get(f"/program/items/{private}")
    assert own.status_code == 200
    assert "What happened hurt us." in own.text
    hidden = p.get(f"/program/items/{private}")
    missing = p.get(f"/program/items/{MISSING}")
    assert hidden.status_code == missing.status_code == 404
    assert hidden.content == missing.content
    step = p.get("/program/steps/1")
    assert step.status_code == 200
    assert "What happened hurt us." not in step.text


def _bearer(client: TestClient, email: str) -> dict[str, str]:
    from tests.conftest import PASSWORD

    response = client.post("/api/v1/auth/tokens", json={"email": email, "password": PASSWORD})
    assert response.status_code == 201, response.text
    return {"Authorization": f"Bearer {response.json()['token']}"}
