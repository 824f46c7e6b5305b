"""The safety gate: joint steps wait for both partners' private answers (asked again after 30
days), close at once on any disclosure, and tell the other partner nothing of why: their pages
and answers are the same bytes whether the reason is a disclosure, answers not given yet, or
answers too old."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import select, update

from confide.db import Database
from confide.models import Client, SafetyRecord
from tests.conftest import PASSWORD, form_csrf, make_user, sign_in
from tests.program.helpers import ALL_NO, CLOSED, answer, couple
from tests.scheduling.factories import link_partners

pytestmark = pytest.mark.usefixtures("quick_passwords")
HOTLINE = "1-800-799-7233"
JOINT = ("/api/v1/program/apologies", "/api/v1/program/commitments", "/api/v1/program/turns")


def _bearer(client: TestClient, email: str) -> dict[str, str]:
    response = client.post("/api/v1/auth/tokens", json={"email": email, "password": PASSWORD})
    assert response.status_code == 201, response.text
    return {"Authorization": f"Bearer {response.json()['token']}"}


def _pair(client: TestClient) -> tuple[TestClient, TestClient, dict[str, str], dict[str, str]]:
    """A and P signed in in browsers of their own and with tokens; in the program, unanswered."""
    browsers, bearers = [], []
    for name in ("Alex", "Pat"):
        own = TestClient(client.app, follow_redirects=False)
        email = make_user(client, name=name)
        sign_in(own, email)
        browsers.append(own)
        bearers.append(_bearer(client, email))
    a, p = bearers
    link_partners(client, a, p, answered=False)
    assert (
        client.post("/api/v1/program/space", json={"role": "broke_trust"}, headers=a).status_code
        == 201
    )
    assert (
        client.post("/api/v1/program/space/join", json={"role": "hurt"}, headers=p).status_code
        == 200
    )
    return browsers[0], browsers[1], a, p


def _looks(client: TestClient, browser: TestClient, who: dict[str, str]) -> list[bytes]:
    """Everything the partner can see of the gate: pages and API answers, byte for byte."""
    seen = [
        browser.get(path).content for path in ("/program", "/program/steps/3", "/program/steps/6")
    ]
    seen.append(client.get("/api/v1/program/space", headers=who).content)
    seen.append(client.get("/api/v1/program/steps", headers=who).content)
    seen += [client.get(path, headers=who).content for path in JOINT]
    return seen


def test_joint_steps_wait_for_both_and_leak_nothing(client: TestClient, database: Database) -> None:
    a_browser, p_browser, a, p = _pair(client)
    answer(client, p)
    # A has not answered yet: P sees only the neutral words
    not_answered = _looks(client, p_browser, p)
    assert CLOSED in p_browser.get("/program").text
    assert HOTLINE not in p_browser.get("/program").text.split("</aside>", 1)[1]
    for path in JOINT:
        refused = client.get(path, headers=p)
        assert refused.status_code == 409
        assert refused.json() == {"error": "joint_steps_unavailable", "detail": CLOSED}
    # A answers yes to one question: the gate stays closed, P's view does not change by a byte
    answer(client, a, pv_control=1)
    assert _looks(client, p_browser, p) == not_answered
    # A alone is offered individual support and the hotline
    mine = a_browser.get("/program").text
    assert "Find individual support" in mine
    assert HOTLINE in mine.split("</aside>", 1)[1]
    assert "Find individual support" not in p_browser.get("/program").text


def test_answers_too_old_close_the_gate_the_same_way(
    client: TestClient, database: Database
) -> None:
    _, p_browser, a, p = _pair(client)
    answer(client, a)
    answer(client, p)
    assert client.get("/api/v1/program/space", headers=p).json()["joint_steps_open"] is True
    a_id = client.get("/api/v1/clients/me", headers=a).json()["id"]
    with database.session(write=True) as session:
        session.execute(
            update(SafetyRecord)
            .where(SafetyRecord.client_id == a_id)
            .values(recorded_at=datetime.now(UTC) - timedelta(days=31))
        )
    stale = _looks(client, p_browser, p)
    assert client.get("/api/v1/program/space", headers=a).json()["questions_due"] is True
    # then A discloses from the program: P sees exactly what they saw
    assert client.post("/api/v1/program/unsafe", headers=a).status_code == 200
    assert _looks(client, p_browser, p) == stale


def test_i_dont_feel_safe_closes_the_gate_at_once(client: TestClient) -> None:
    a_browser, p_browser, a, p = _pair(client)
    answer(client, a)
    answer(client, p)
    assert client.get("/api/v1/program/apologies", headers=a).status_code == 200
    # the control is on every program page
    for path in ("/program", "/program/steps/1", "/program/steps/8"):
        assert 'action="/program/unsafe"' in p_browser.get(path).text
    shown = p_browser.post("/program/unsafe", data={"csrf_token": form_csrf(p_browser, "/program")})
    assert shown.status_code == 200
    assert HOTLINE in shown.text
    for who in (a, p):
        assert client.get("/api/v1/program/apologies", headers=who).status_code == 409
    # joint writes are refused too; private writing goes on
    offered = client.post(
        "/api/v1/program/items",
        json={"step": 1, "kind": "acknowledgement", "text": "x", "visibility": "shared"},
        headers=a,
    )
    assert offered.status_code == 409
    kept = client.post(
        "/api/v1/program/items",
        json={"step": 1, "kind": "acknowledgement", "text": "x", "visibility": "private"},
        headers=a,
    )
    assert kept.status_code == 201
    assert CLOSED in a_browser.get("/program").text
    # the way to individual care stays open to the one who said it, in the program or out
    assert client.post("/api/v1/program/space/leave", headers=p).status_code == 200
    out = p_browser.post("/program/support", data={"csrf_token": form_csrf(p_browser, "/program")})
    assert out.status_code == 303
    assert out.headers["location"] == "/start"
    begun = p_browser.get("/start").text
    assert '<option value="NY" selected>' in begun
    assert 'value="individual" checked' in begun


def test_safety_answers_are_kept_in_the_safety_record(
    client: TestClient, database: Database
) -> None:
    pair = couple(client, answered=False)
    answer(client, pair.p, pv_fear=1)
    p_id = client.get("/api/v1/clients/me", headers=pair.p).json()["id"]
    with database.session() as session:
        records = session.scalars(select(SafetyRecord).where(SafetyRecord.client_id == p_id)).all()
        assert {r.source for r in records} == {f"program:{code}" for code in ALL_NO}
        assert any(r.partner_violence for r in records)
        assert session.get(Client, p_id) is not None


def test_safety_answers_must_all_be_given(client: TestClient) -> None:
    pair = couple(client, answered=False)
    partial = client.post(
        "/api/v1/program/safety", json={"answers": {"pv_fear": 0}}, headers=pair.a
    )
    assert partial.status_code == 422
    assert partial.json()["fields"][0]["field"].startswith("answers.")
    odd = client.post(
        "/api/v1/program/safety", json={"answers": {**ALL_NO, "pv_fear": 3}}, headers=pair.a
    )
    assert odd.status_code == 422
    assert odd.json()["fields"][0]["field"] == "answers.pv_fear"
