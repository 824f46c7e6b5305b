"""Every state machine refuses what its status does not allow (409 naming what is allowed);
who may move what is enforced (403); bad input is 422 naming the field."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
import time_machine
from fastapi.testclient import TestClient

from tests.program.helpers import couple

pytestmark = pytest.mark.usefixtures("quick_passwords")
PARTS = {
    "harm": "I lied to you about where I was.",
    "responsibility": "It was my choice and nobody else's.",
    "new_actions": "I will tell you where I am and keep my phone open.",
    "signs": "You will see me come home when I say I will.",
}


def post(api: TestClient, path: str, body: dict[str, Any], who: dict[str, str]) -> Any:
    return api.post(f"/api/v1/program/{path}", json=body, headers=who)


def field(response: Any) -> str:
    assert response.status_code == 422, response.text
    return str(response.json()["fields"][0]["field"])


def test_apology_draft_offered_then_answered_now_later_or_not(client: TestClient) -> None:
    pair = couple(client)
    made = post(client, "apologies", {"parts": PARTS}, pair.a)
    assert made.status_code == 201
    assert made.json()["status"] == "draft"
    aid = made.json()["id"]
    # a draft is its author's alone
    assert client.get("/api/v1/program/apologies", headers=pair.p).json() == []
    answered = post(client, f"apologies/{aid}/status", {"status": "accepted"}, pair.a)
    assert answered.status_code == 409
    assert answered.json()["error"] == "invalid_transition"
    assert answered.json()["allowed"] == ["offered"]
    hidden = post(client, f"apologies/{aid}/status", {"status": "offered"}, pair.p)
    assert hidden.status_code == 404
    assert post(client, f"apologies/{aid}/status", {"status": "offered"}, pair.a).status_code == 200
    # only the hurt partner answers; the author cannot accept their own
    assert (
        post(client, f"apologies/{aid}/status", {"status": "accepted"}, pair.a).status_code == 403
    )
    later = post(client, f"apologies/{aid}/status", {"status": "deferred"}, pair.p)
    assert later.status_code == 200
    assert later.json()["status"] == "deferred"
    twice = post(client, f"apologies/{aid}/status", {"status": "deferred"}, pair.p)
    assert twice.status_code == 409
    assert twice.json()["allowed"] == ["accepted", "declined"]
    assert (
        post(client, f"apologies/{aid}/status", {"status": "accepted"}, pair.p).status_code == 200
    )
    final = post(client, f"apologies/{aid}/status", {"status": "declined"}, pair.p)
    assert final.status_code == 409
    assert final.json()["allowed"] == []
    # the hurt partner writes no apology; bad input names the field
    assert post(client, "apologies", {"parts": PARTS}, pair.p).status_code == 403
    assert (
        field(post(client, "apologies", {"parts": {**PARTS, "signs": ""}}, pair.a)) == "parts.signs"
    )
    assert field(post(client, f"apologies/{aid}/status", {"status": "draft"}, pair.p)) == "status"


def test_apology_declined_is_final(client: TestClient) -> None:
    pair = couple(client)
    aid = post(client, "apologies", {"parts": PARTS}, pair.a).json()["id"]
    post(client, f"apologies/{aid}/status", {"status": "offered"}, pair.a)
    assert (
        post(client, f"apologies/{aid}/status", {"status": "declined"}, pair.p).status_code == 200
    )
    assert post(client, f"apologies/{aid}/status", {"status": "offered"}, pair.a).status_code == 409


def test_commitments_marked_by_the_other_partner_only(client: TestClient) -> None:
    start = datetime(2026, 12, 7, 0, 5, tzinfo=UTC)  # five past midnight, a Monday
    with time_machine.travel(start, tick=False) as clock:
        pair = couple(client)
        due = (start + timedelta(days=2)).isoformat()
        made = post(client, "commitments", {"promise": "Dinner together", "due_at": due}, pair.a)
        assert made.status_code == 201
        cid = made.json()["id"]
        past = post(client, "commitments", {"promise": "x", "due_at": start.isoformat()}, pair.a)
        assert field(past) == "due_at"
        assert (
            field(
                post(
                    client,
                    "commitments",
                    {"promise": "x", "due_at": "9999-12-31T00:00:00Z"},
                    pair.a,
                )
            )
            == "due_at"
        )
        # the one who promised cannot mark it
        assert (
            post(client, f"commitments/{cid}/status", {"status": "kept"}, pair.a).status_code == 403
        )
        # missed only once due
        early = post(client, f"commitments/{cid}/status", {"status": "missed"}, pair.p)
        assert early.status_code == 409
        clock.move_to(start + timedelta(days=3))
        assert (
            post(client, f"commitments/{cid}/status", {"status": "missed"}, pair.p).status_code
            == 200
        )
        again = post(client, f"commitments/{cid}/status", {"status": "kept"}, pair.p)
        assert again.status_code == 409
        assert again.json()["allowed"] == []
        second = post(
            client,
            "commitments",
            {"promise": "Phone call at lunch", "due_at": (start + timedelta(days=4)).isoformat()},
            pair.a,
        ).json()["id"]
        assert (
            post(client, f"commitments/{second}/status", {"status": "kept"}, pair.p).status_code
            == 200
        )
        listed = client.get("/api/v1/program/commitments", headers=pair.p).json()
        partner = next(c for c in listed["consistency"] if c["whose"] == "partner")
        assert (partner["kept"], partner["missed"], partner["figure"]) == (1, 1, 0.5)
        assert [w["week_of"] for w in partner["weeks"]] == ["2026-12-07"]
        assert (
            field(post(client, f"commitments/{second}/status", {"status": "open"}, pair.p))
            == "status"
        )


def test_needs_agreements_proposed_by_the_hurt_partner(client: TestClient) -> None:
    with time_machine.travel(datetime(2026, 12, 2, 12, 0, tzinfo=UTC), tick=False):
        pair = couple(client)
        body = {"need": "A short check-in every night", "review_on": "2026-12-30"}
        assert post(client, "agreements", body, pair.a).status_code == 403
        assert (
            field(post(client, "agreements", {**body, "review_on": "2026-12-02"}, pair.p))
            == "review_on"
        )
        assert field(post(client, "agreements", {**body, "need": ""}, pair.p)) == "need"
        gid = post(client, "agreements", body, pair.p).json()["id"]
        # the proposer cannot accept their own proposal; ending needs it in force
        assert (
            post(client, f"agreements/{gid}/status", {"status": "accepted"}, pair.p).status_code
            == 403
        )
        ended = post(client, f"agreements/{gid}/status", {"status": "ended"}, pair.a)
        assert ended.status_code == 409
        assert "accepted" in ended.json()["allowed"]
        assert (
            post(client, f"agreements/{gid}/status", {"status": "accepted"}, pair.a).status_code
            == 200
        )
        # renegotiable: a revision ends the first once accepted
        revised = post(
            client, "agreements", {**body, "need": "Every other night", "revises": gid}, pair.p
        )
        assert revised.status_code == 201
        rid = revised.json()["id"]
        assert (
            post(client, f"agreements/{rid}/status", {"status": "accepted"}, pair.a).status_code
            == 200
        )
        listed = {
            g["id"]: g["status"]
            for g in client.get("/api/v1/program/agreements", headers=pair.a).json()
        }
        assert listed == {gid: "ended", rid: "accepted"}
        # either can end one in force; an ended one stays ended
        assert (
            post(client, f"agreements/{rid}/status", {"status": "ended"}, pair.p).status_code == 200
        )
        assert (
            post(client, f"agreements/{rid}/status", {"status": "accepted"}, pair.a).status_code
            == 409
        )
        bad = post(client, "agreements", {**body, "revises": rid}, pair.p)
        assert field(bad) == "revises"


def test_a_reply_waits_for_a_reflection(client: TestClient) -> None:
    pair = couple(client)
    spoken = post(client, "turns", {"kind": "speak", "text": "I felt alone."}, pair.p).json()["id"]
    early = post(client, "turns", {"kind": "reply", "text": "But I", "answers": spoken}, pair.a)
    assert early.status_code == 409
    assert early.json()["needs"] == "reflect"
    own = post(client, "turns", {"kind": "reflect", "text": "x", "answers": spoken}, pair.p)
    assert own.status_code == 403
    heard = post(
        client, "turns", {"kind": "reflect", "text": "You felt alone.", "answers": spoken}, pair.a
    )
    assert heard.status_code == 201
    reply = post(
        client, "turns", {"kind": "reply", "text": "I am sorry.", "answers": spoken}, pair.a
    )
    assert reply.status_code == 201
    assert field(post(client, "turns", {"kind": "reply", "text": "x"}, pair.a)) == "answers"
    assert field(post(client, "turns", {"kind": "shout", "text": "x"}, pair.a)) == "kind"
    kinds = [t["kind"] for t in client.get("/api/v1/program/turns", headers=pair.p).json()]
    assert kinds == ["speak", "reflect", "reply"]


def test_items_and_steps_name_the_field(client: TestClient) -> None:
    pair = couple(client)
    base = {"step": 1, "kind": "acknowledgement", "text": "x"}
    assert field(post(client, "items", {**base, "visibility": "public"}, pair.a)) == "visibility"
    assert field(post(client, "items", {**base, "step": 9}, pair.a)) == "step"
    assert field(post(client, "items", {**base, "text": "a\u202eb"}, pair.a)) == "text"
    assert client.post("/api/v1/program/steps/9/done", headers=pair.a).status_code == 422
    done = client.post("/api/v1/program/steps/3/done", headers=pair.a)
    assert done.status_code == 200
    seen = client.get("/api/v1/program/steps", headers=pair.p).json()
    assert seen[2]["done_by_partner"] is not None
    assert seen[2]["done_by_me"] is None
    assert "awaiting clinical review" in seen[0]["guidance_html"]
