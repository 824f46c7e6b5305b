"""Creating an account from a chosen time: the mailed link keeps where the person was going,
and opened in the browser that registered, it signs them in and takes them back there."""

from __future__ import annotations

import re
from urllib.parse import parse_qs, urlsplit

from fastapi.testclient import TestClient

from confide.db import Database
from tests.accounts.conftest import app_client
from tests.conftest import PASSWORD, Inbox, form_csrf

OPENING = "/book?therapist=7&session_type=intake&start=2026-12-07T14%3A00%3A00Z"
MAILED = re.compile(r"https://confide\.example(/verify\?\S+)")


def register(api: TestClient, email: str, next: str = OPENING) -> None:
    form = {
        "csrf_token": form_csrf(api, "/register"),
        "email": email,
        "password": PASSWORD,
        "name": "Ana Lima",
        "state": "NY",
        "timezone": "America/New_York",
        "next": next,
    }
    sent = api.post("/register", data=form)
    assert sent.status_code == 200, sent.text
    assert "Check your email" in sent.text


def mailed_verify_link(inbox: Inbox, to: str) -> str:
    body = next(
        inbox.message(i).get_content()
        for i in reversed(range(len(inbox.envelopes)))
        if inbox.envelopes[i].rcpt_tos == [to]
    )
    found = MAILED.search(body)
    assert found is not None, body
    return found.group(1)


def confirm(api: TestClient, link: str):  # type: ignore[no-untyped-def]
    query = parse_qs(urlsplit(link).query)
    page = api.get(link)
    assert page.status_code == 200
    form = {
        "csrf_token": form_csrf(api, link),
        "token": query["token"][0],
        "next": query.get("next", [""])[0],
    }
    return api.post("/verify", data=form, follow_redirects=False)


def test_the_link_brings_the_person_back_signed_in(mailing: TestClient, smtp_server: Inbox) -> None:
    prefilled = mailing.get("/register", params={"next": OPENING, "state": "NJ"})
    assert '<option value="NJ" selected' in prefilled.text
    assert '<option value="America/New_York" selected' in prefilled.text
    register(mailing, "ana@example.org")
    link = mailed_verify_link(smtp_server, "ana@example.org")
    assert parse_qs(urlsplit(link).query)["next"] == [OPENING]
    done = confirm(mailing, link)
    assert done.status_code == 303
    assert done.headers["location"] == OPENING
    account = mailing.get("/account")
    assert "Ana Lima" in account.text


def test_in_another_browser_the_link_confirms_but_does_not_sign_in(
    mailing: TestClient, database: Database, smtp_server: Inbox
) -> None:
    register(mailing, "bo@example.org")
    link = mailed_verify_link(smtp_server, "bo@example.org")
    with app_client(database, public_url="https://confide.example") as elsewhere:
        done = confirm(elsewhere, link)
        assert done.status_code == 200
        assert "Please sign in" in done.text
        assert "/signin?next=/book%3Ftherapist%3D7" in done.text
        assert elsewhere.get("/account", follow_redirects=False).status_code == 303


def test_only_a_path_on_this_site_rides_along(mailing: TestClient, smtp_server: Inbox) -> None:
    for n, target in enumerate(("//evil.example/book", "https://evil.example/", "/\\evil.example")):
        register(mailing, f"cy{n}@example.org", next=target)
        link = mailed_verify_link(smtp_server, f"cy{n}@example.org")
        assert "next" not in parse_qs(urlsplit(link).query)
    forged = confirm(mailing, mailed_verify_link(smtp_server, "cy2@example.org") + "&next=//evil")
    # the form's hidden field is checked again: no redirect leaves the site
    assert forged.headers.get("location", "/account").startswith("/")
    assert not forged.headers.get("location", "/").startswith("//")
