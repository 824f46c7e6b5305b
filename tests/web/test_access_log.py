"""`confide serve` logs each request without its query string, headers or body."""

from __future__ import annotations

import logging
from datetime import UTC, datetime, timedelta
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
    "partner": "Odalys Fenwick-Traore",
    "query": "planted-query-4c1f9e",
}


@pytest.mark.slow
def test_no_query_string_header_or_body_reaches_the_log(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'log.db'}"
    database = migrated(url)
    with database.session(write=True) as session:
        therapist_id = make_therapist(session, licensed=("NY", "NJ")).id
    database.dispose()
    start = f"{datetime.now(UTC) + timedelta(days=3):%Y-%m-%dT17:00:00Z}"
    log_path = tmp_path / "serve.log"
    with confide_serve(url, log_path) as base, httpx2.Client(base_url=base) as http:
        book = {"therapist": therapist_id, "session_type": PLANTED["session_type"], "start": start}
        assert http.get("/book", params=book).status_code in (200, 409)
        assert (
            http.get(
                f"/api/v1/therapists/{therapist_id}/slots",
                params={"session_type": PLANTED["session_type"], "tz": PLANTED["tz"]},
            ).status_code
            == 200
        )
        created = http.post(
            "/api/v1/clients",
            json={"name": PLANTED["name"], "state": "NY", "timezone": PLANTED["tz"]},
        )
        assert created.status_code == 201
        token = created.json()["token"]
        me = http.get("/api/v1/clients/me", headers={"Authorization": f"Bearer {token}"})
        assert me.status_code == 200
        http.post(
            "/book",
            data={
                **book,
                "name": PLANTED["name"],
                "state": "NY",
                "timezone": PLANTED["tz"],
                "partner_name": PLANTED["partner"],
                "partner_state": "NJ",
            },
        )
        assert http.get("/no/such/page", params={"q": PLANTED["query"]}).status_code == 404
    log = log_path.read_text()
    # the requests were logged, by path
    assert '"GET /book HTTP/1.1" 200' in log or '"GET /book HTTP/1.1" 409' in log
    assert '"GET /api/v1/clients/me HTTP/1.1" 200' in log
    assert '"GET /no/such/page HTTP/1.1" 404' in log
    assert "?" not in "".join(line for line in log.splitlines() if "HTTP/1.1" in line)
    for value in [*PLANTED.values(), token, "Bearer"]:
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
