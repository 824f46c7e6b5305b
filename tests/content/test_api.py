"""/api/v1/content through the app: the workflow as reviewers use it, and only published text
served to everyone."""

from __future__ import annotations

from typing import Any

import pytest
from fastapi.testclient import TestClient

from tests.content.factories import staff_account

REVIEW = "/api/v1/content/review"
ARTICLE = {
    "slug": "five-signs-trust-is-returning",
    "kind": "article",
    "title": "Five signs",
    "summary": "How to tell.",
    "markdown": "You feel **safe**.\n\n<script>alert('x')</script>",
}


def _ok(response: Any, status: int = 200) -> dict[str, Any]:
    assert response.status_code == status, response.text
    body: dict[str, Any] = response.json()
    return body


def test_drafted_reviewed_approved_published_then_served(client: TestClient) -> None:
    _, author = staff_account(client)
    _, reviewer = staff_account(client)
    slug = ARTICLE["slug"]
    made = _ok(client.post(REVIEW, json=ARTICLE, headers=author), 201)
    assert (made["number"], made["state"], made["actions"]) == (1, "draft", ["submit"])
    assert client.get(f"/api/v1/content/{slug}").status_code == 404
    _ok(client.post(f"{REVIEW}/{slug}/versions/1/submit", headers=author))
    assert client.get(f"/api/v1/content/{slug}").status_code == 404
    refused = client.post(
        f"{REVIEW}/{slug}/versions/1/approve", json={"reviewer_name": "Me"}, headers=author
    )
    assert refused.status_code == 403
    assert refused.json()["error"] == "own_version"
    _ok(
        client.post(
            f"{REVIEW}/{slug}/versions/1/approve",
            json={"reviewer_name": "Dr. Rae Lin, LMFT"},
            headers=reviewer,
        )
    )
    assert client.get(f"/api/v1/content/{slug}").status_code == 404
    assert _ok(client.get("/api/v1/content/"))["items"] == []
    _ok(client.post(f"{REVIEW}/{slug}/versions/1/publish", headers=reviewer))
    served = _ok(client.get(f"/api/v1/content/{slug}"))
    assert served["approved_by"] == "Dr. Rae Lin, LMFT"
    assert served["version"] == 1
    assert "<strong>safe</strong>" in served["body_html"]
    assert "<script" not in served["body_html"]
    listed = _ok(client.get("/api/v1/content/"))["items"]
    assert [(i["slug"], i["kind"]) for i in listed] == [(slug, "article")]
    assert "body_html" not in listed[0]


def test_a_bad_move_is_a_409_naming_the_state(client: TestClient) -> None:
    _, author = staff_account(client)
    _ok(client.post(REVIEW, json=ARTICLE, headers=author), 201)
    response = client.post(f"{REVIEW}/{ARTICLE['slug']}/versions/1/publish", headers=author)
    assert response.status_code == 409
    body = response.json()
    assert body["error"] == "content_state"
    assert (body["state"], body["needs"]) == ("draft", "approved")
    assert "only an approved version can be published" in body["detail"]


def test_an_edit_is_a_new_version_and_the_published_one_stays(client: TestClient) -> None:
    _, author = staff_account(client)
    _, reviewer = staff_account(client)
    slug = ARTICLE["slug"]
    _ok(client.post(REVIEW, json=ARTICLE, headers=author), 201)
    for action, who in (("submit", author), ("approve", reviewer), ("publish", reviewer)):
        client.post(
            f"{REVIEW}/{slug}/versions/1/{action}", json={"reviewer_name": "R"}, headers=who
        )
    edit = {"title": "Five signs, again", "summary": "Newer.", "markdown": "Second text."}
    made = _ok(client.post(f"{REVIEW}/{slug}/versions", json=edit, headers=author), 201)
    assert made["number"] == 2
    assert _ok(client.get(f"/api/v1/content/{slug}"))["title"] == "Five signs"
    history = _ok(client.get(f"{REVIEW}/{slug}", headers=reviewer))
    assert history["served_version"] == 1
    assert [v["state"] for v in history["versions"]] == ["published", "draft"]
    listed = _ok(client.get(REVIEW, headers=reviewer))["items"]
    assert listed[0]["latest_state"] == "draft"
    assert listed[0]["served_version"] == 1


@pytest.mark.parametrize(
    ("change", "field"),
    [
        ({"slug": "Not A Slug"}, "slug"),
        ({"slug": "x" * 81}, "slug"),
        ({"slug": "review"}, "slug"),
        ({"kind": "poem"}, "kind"),
        ({"title": ""}, "title"),
        ({"title": "t" * 201}, "title"),
        ({"summary": "line\u202ebreak"}, "summary"),
        ({"markdown": ""}, "markdown"),
        ({"markdown": "x\u0000y"}, "markdown"),
        ({"extra": 1}, "extra"),
    ],
)
def test_bad_input_names_the_field(client: TestClient, change: dict[str, Any], field: str) -> None:
    _, author = staff_account(client)
    response = client.post(REVIEW, json={**ARTICLE, **change}, headers=author)
    assert response.status_code == 422, response.text
    assert [f["field"] for f in response.json()["fields"]] == [field]


def test_approval_needs_a_name(client: TestClient) -> None:
    _, author = staff_account(client)
    _, reviewer = staff_account(client)
    _ok(client.post(REVIEW, json=ARTICLE, headers=author), 201)
    _ok(client.post(f"{REVIEW}/{ARTICLE['slug']}/versions/1/submit", headers=author))
    response = client.post(
        f"{REVIEW}/{ARTICLE['slug']}/versions/1/approve", json={}, headers=reviewer
    )
    assert response.status_code == 422
    assert response.json()["fields"][0]["field"] == "reviewer_name"


def test_clients_and_nobody_are_refused(client: TestClient, client_headers: dict[str, str]) -> None:
    assert client.get(REVIEW).status_code == 401
    assert client.post(REVIEW, json=ARTICLE).status_code == 401
    assert client.get(REVIEW, headers=client_headers).status_code == 403
    assert client.post(REVIEW, json=ARTICLE, headers=client_headers).status_code == 403
    _, therapist = staff_account(client, role="therapist")
    assert client.post(REVIEW, json=ARTICLE, headers=therapist).status_code == 403
