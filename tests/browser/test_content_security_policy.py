"""The pages and the API docs work in a real browser under the Content-Security-Policy."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from tests.conftest import migrated
from tests.scheduling.factories import make_therapist
from tests.serving import running_servers

pytestmark = pytest.mark.slow


def test_no_page_breaks_the_policy(browser, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    url = f"sqlite:///{tmp_path / 'csp.db'}"
    database = migrated(url)
    with database.session(write=True) as session:
        therapist_id = make_therapist(session, minimum_notice_hours=2).id
    database.dispose()
    start = (datetime.now(UTC) + timedelta(days=3)).replace(minute=0, second=0, microsecond=0)
    violations: list[str] = []
    with running_servers(url, count=1, preloaded=True) as (base,):
        page = browser.new_page()
        page.on(
            "console",
            lambda message: (
                violations.append(message.text)
                if "Content Security Policy" in message.text
                else None
            ),
        )
        page.on("pageerror", lambda error: violations.append(str(error)))
        for path in ("/", f"/book?therapist={therapist_id}&start={start:%Y-%m-%dT%H:%M:%SZ}"):
            page.goto(base + path)
            assert page.get_by_role("complementary", name="Crisis help").is_visible()
        page.goto(f"{base}/docs")
        # Swagger UI came up from local files and read the schema
        page.get_by_text("/api/v1/holds").first.wait_for(timeout=15_000)
        page.close()
        _leaving_takes_the_page_out_of_history(browser, base, violations)
    assert violations == []


def _leaving_takes_the_page_out_of_history(browser, base: str, violations: list[str]) -> None:  # type: ignore[no-untyped-def]
    """ "Leave this site" goes to a neutral page and Back does not return to the page left."""
    page = browser.new_page()
    page.on("pageerror", lambda error: violations.append(str(error)))
    # the neutral site is out of reach here: the browser is given a stand-in for it
    page.route(
        "https://weather.gov/**",
        lambda route: route.fulfill(status=200, content_type="text/html", body="<p>Forecast</p>"),
    )
    page.goto(f"{base}/")
    page.goto(f"{base}/start")
    page.get_by_role("link", name="Leave this site").click()
    page.wait_for_url("https://weather.gov/**")
    page.go_back()
    assert page.url.rstrip("/") == base  # the home page, before /start; /start is gone
    page.close()
