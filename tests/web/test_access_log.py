"""`confide serve` logs each request without its query string, headers or body."""

from __future__ import annotations

import email
import logging
import re
import time
from datetime import UTC, datetime, timedelta
from email.message import EmailMessage
from email.policy import default as default_policy
from pathlib import Path

import httpx2
import pytest

from confide.web.access_log import WithoutQueryString
from tests.conftest import migrated
from tests.scheduling.factories import make_therapist
from tests.serving import confide_serve

PLANTED = {
    "session_type": "couples_intake",
    "tz": "America/Denver",
    "name": "Quillon Vasquez-Marr",
    "email": "odalys.fenwick-traore@example.org",
    "password": "planted password 7d2e61",
    "query": "planted-query-4c1f9e",
}


def mailed_token(outbox: Path) -> str:
    """The token of the one link mailed so far (the message is sent after the answer)."""
    for _ in range(100):
        mails = list(outbox.glob("*.eml"))
        if mails:
            message = email.message_from_bytes(mails[0].read_bytes(), policy=default_policy)
            assert isinstance(message, EmailMessage)
            found = re.search(r"token=([\w-]+)", message.get_content())
            assert found is not None
            return found.group(1)
        time.sleep(0.05)
    raise AssertionError("no mail in the outbox")


def csrf_field(page: str) -> str:
    found = re.search(r'name="csrf_token" value="([^"]+)"', page)
    assert found is not None
    return found.group(1)


@pytest.mark.slow
def test_no_query_string_header_or_body_reaches_the_log(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'log.db'}"
    database = migrated(url)
    with database.session(write=True) as session:
        therapist_id = make_therapist(session, licensed=("NY", "NJ")).id
    database.dispose()
    start = f"{datetime.now(UTC) + timedelta(days=3):%Y-%m-%dT17:00:00Z}"
    log_path = tmp_path / "serve.log"
    outbox = tmp_path / "outbox"
    with (
        confide_serve(url, log_path, outbox_dir=str(outbox)) as base,
        httpx2.Client(base_url=base) as http,
    ):
        book = {"therapist": therapist_id, "session_type": PLANTED["session_type"], "start": start}
        assert http.get("/book", params=book).status_code in (200, 409)
        assert (
            http.get(
                f"/api/v1/therapists/{therapist_id}/slots",
                params={"session_type": PLANTED["session_type"], "tz": PLANTED["tz"]},
            ).status_code
            == 200
        )
        person = {"email": PLANTED["email"], "password": PLANTED["password"]}
        registered = http.post(
            "/api/v1/auth/register",
            json={**person, "name": PLANTED["name"], "state": "NY", "timezone": PLANTED["tz"]},
        )
        assert registered.status_code == 202
        http.post("/api/v1/auth/verify", json={"token": mailed_token(outbox)})
        created = http.post("/api/v1/auth/tokens", json=person)
        assert created.status_code == 201
        token = created.json()["token"]
        me = http.get("/api/v1/clients/me", headers={"Authorization": f"Bearer {token}"})
        assert me.status_code == 200
        signin = http.get("/signin", params={"next": "/account"}).text
        http.post("/signin", data={**person, "csrf_token": csrf_field(signin)})
        account = http.get("/account")
        assert PLANTED["name"] in account.text
        http.post("/book", data={**book, "csrf_token": csrf_field(account.text)})
        assert http.get("/no/such/page", params={"q": PLANTED["query"]}).status_code == 404
    log = log_path.read_text()
    # the requests were logged, by path
    assert '"GET /book HTTP/1.1" 200' in log or '"GET /book HTTP/1.1" 409' in log
    assert '"GET /api/v1/clients/me HTTP/1.1" 200' in log
    assert '"GET /no/such/page HTTP/1.1" 404' in log
    assert "?" not in "".join(line for line in log.splitlines() if "HTTP/1.1" in line)
    for value in [*PLANTED.values(), token, "Bearer", mailed_token(outbox)]:
        assert value not in log, value


def test_the_filter_cuts_only_the_query_string() -> None:
    record = logging.LogRecord(
        "uvicorn.access",
        logging.INFO,
        __file__,
        1,
        '%s - "%s %s HTTP/%s" %d',
        ("127.0.0.1:5000", "GET", "/book?therapist=3&session_type=couples_intake", "1.1", 200),
        None,
    )
    assert WithoutQueryString().filter(record)
    assert record.getMessage() == '127.0.0.1:5000 - "GET /book HTTP/1.1" 200'
