from __future__ import annotations

import pytest

from tests.portal.conftest import Portal

PAGES = (
    "/portal",
    "/portal/supply",
    "/portal/hours",
    "/portal/time-off",
    "/portal/rates",
    "/portal/panels",
    "/portal/profile",
    "/portal/calendar",
    "/portal/openings",
)


@pytest.mark.parametrize("database", ["sqlite"], indirect=True)
@pytest.mark.parametrize("path", PAGES)
def test_page(portal: Portal, path: str) -> None:
    page = portal.browser.get(path)
    assert page.status_code == 200, page.text
    print(page.text[page.text.find("<main") :][:3000])
