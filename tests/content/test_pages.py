"""/learn for everyone (published articles only) and /review/content for reviewers, through
the pages' own forms."""

from __future__ import annotations

import re

from fastapi.testclient import TestClient

from confide.content import service
from confide.content.loading import publish_demo
from confide.db import Database
from tests.conftest import signed_in_client
from tests.content.factories import NOW, draft, staff, staff_browser

_CSRF = re.compile(r'name="csrf_token" value="([^"]+)"')


def _csrf(browser: TestClient, path: str) -> str:
    page = browser.get(path)
    assert page.status_code == 200, page.text
    found = _CSRF.search(page.text)
    assert found is not None
    return found.group(1)


def _demo(client: TestClient) -> None:
    database: Database = client.app.state.database  # type: ignore[attr-defined]
    with database.session(write=True) as session:
        publish_demo(session, NOW)


def test_learn_lists_the_published_articles_only(client: TestClient) -> None:
    empty = client.get("/learn")
    assert empty.status_code == 200
    assert "Nothing is published yet" in empty.text
    _demo(client)
    page = client.get("/learn")
    assert page.status_code == 200
    for slug in ("what-are-trust-issues", "eight-ways-to-rebuild-trust"):
        assert f'href="/learn/{slug}"' in page.text
    assert "program-step-1" not in page.text


def test_an_article_shows_who_approved_it_and_when(client: TestClient) -> None:
    _demo(client)
    page = client.get("/learn/eight-ways-to-rebuild-trust")
    assert page.status_code == 200
    assert "<h1>Eight ways couples rebuild trust</h1>" in page.text
    assert "<h2>3. Offer a real apology</h2>" in page.text
    assert "Approved by the demo reviewer (a sample account; not yet checked by a clinician)" in (
        page.text
    )
    assert '<time datetime="2026-12-01T00:05:00+00:00">1 December 2026</time>' in page.text
    assert "988" in page.text  # crisis help, from base.html


def test_anything_not_a_published_article_is_not_found(client: TestClient) -> None:
    database: Database = client.app.state.database  # type: ignore[attr-defined]
    _demo(client)
    with database.session(write=True) as session:
        author = staff(session)
        service.create_item(session, "a-draft", "article", draft(), author, NOW)
        made = service.create_item(session, "in-review", "article", draft(), author, NOW)
        service.move(session, "in-review", made.number, "submit", author, NOW)
    for path in (
        "/learn/a-draft",
        "/learn/in-review",
        "/learn/program-step-1",  # guidance is the program's, not a public page
        "/learn/no-such-article",
        "/learn/%3Cscript%3E",
        "/learn/" + "x" * 150,
    ):
        page = client.get(path)
        assert page.status_code == 404, path
        assert "We could not find that page" in page.text
    assert client.get("/api/v1/content/a-draft").status_code == 404
    assert client.get("/api/v1/content/in-review").status_code == 404


def test_a_script_in_the_markdown_never_reaches_the_page(client: TestClient) -> None:
    database: Database = client.app.state.database  # type: ignore[attr-defined]
    body = (
        "Hello.\n\n<script>alert('gotcha')</script>\n\n"
        "<img src=x onerror=alert(1)>\n\n[click](javascript:alert(2))"
    )
    with database.session(write=True) as session:
        author, reviewer = staff(session), staff(session)
        made = service.create_item(session, "risky", "article", draft(body=body), author, NOW)
        service.move(session, "risky", made.number, "submit", author, NOW)
        service.move(session, "risky", made.number, "approve", reviewer, NOW, reviewer_name="R")
        service.move(session, "risky", made.number, "publish", reviewer, NOW)
    page = client.get("/learn/risky")
    assert page.status_code == 200
    assert "<script>alert" not in page.text
    assert "<img" not in page.text
    assert 'href="javascript:' not in page.text
    assert "<p>&lt;script&gt;alert('gotcha')&lt;/script&gt;</p>" in page.text  # shown as text
    assert "<script" not in client.get("/api/v1/content/risky").json()["body_html"]


def test_the_home_page_and_footer_link_to_learn(client: TestClient) -> None:
    assert client.get("/").text.count('href="/learn"') == 2


def test_reviewers_take_an_item_through_review_on_the_pages(client: TestClient) -> None:
    author, reviewer = staff_browser(client), staff_browser(client)
    created = author.post(
        "/review/content/new",
        data={
            "csrf_token": _csrf(author, "/review/content/new"),
            "slug": "trust-after-addiction",
            "kind": "article",
            "title": "Trust after addiction",
            "summary": "Recovery and repair.",
            "markdown": "Recovery takes **time**.",
        },
    )
    assert created.status_code == 303
    assert created.headers["location"] == "/review/content/trust-after-addiction"
    here = "/review/content/trust-after-addiction"
    listed = author.get("/review/content")
    assert "Trust after addiction" in listed.text
    assert "1: Draft" in listed.text

    def act(browser: TestClient, action: str, **extra: str) -> int:
        token = _csrf(browser, here)
        response = browser.post(f"{here}/versions/1/{action}", data={"csrf_token": token, **extra})
        return response.status_code

    assert act(author, "submit") == 303
    own = author.post(
        f"{here}/versions/1/approve",
        data={"csrf_token": _csrf(author, here), "reviewer_name": "Me"},
    )
    assert own.status_code == 403
    assert "another clinical reviewer has to approve it" in own.text
    assert act(reviewer, "publish") == 409  # not approved yet
    assert act(reviewer, "approve", reviewer_name="Dr. Sam Ortiz, PhD") == 303
    assert client.get("/learn/trust-after-addiction").status_code == 404
    assert act(reviewer, "publish") == 303
    article = client.get("/learn/trust-after-addiction")
    assert article.status_code == 200
    assert "Approved by Dr. Sam Ortiz, PhD" in article.text

    # an edit is a new draft; the page shows what changes against the published text
    edited = author.post(
        f"{here}/edit",
        data={
            "csrf_token": _csrf(author, here),
            "title": "Trust after addiction",
            "summary": "Recovery and repair.",
            "markdown": "Recovery takes **time** and honesty.",
        },
    )
    assert edited.status_code == 303
    page = reviewer.get(here)
    assert "Version 2: Draft" in page.text
    assert "Changes from the published version 1" in page.text
    assert '<span class="diff-removed">- Recovery takes **time**.</span>' in page.text
    assert '<span class="diff-added">+ Recovery takes **time** and honesty.</span>' in page.text
    assert (
        "Recovery takes <strong>time</strong>." in client.get("/learn/trust-after-addiction").text
    )


def test_a_bad_form_names_the_field(client: TestClient) -> None:
    author = staff_browser(client)
    response = author.post(
        "/review/content/new",
        data={
            "csrf_token": _csrf(author, "/review/content/new"),
            "slug": "Not a slug",
            "title": "T",
            "summary": "S",
            "markdown": "M",
        },
    )
    assert response.status_code == 422
    assert "slug: " in response.text
    assert 'value="Not a slug"' in response.text  # kept for the author to fix


def test_the_review_pages_are_for_reviewers_and_admins(client: TestClient) -> None:
    anonymous = TestClient(client.app, follow_redirects=False)
    assert anonymous.get("/review/content").headers["location"] == "/signin?next=/review/content"
    signed_in_client(client)
    refused = client.get("/review/content")
    assert refused.status_code == 403
    assert "for clinical reviewers and admins" in refused.text
    assert staff_browser(client, role="admin").get("/review/content").status_code == 200
    assert staff_browser(client, role="therapist").get("/review/content").status_code == 403
