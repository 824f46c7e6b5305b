"""The intake in a real browser (Debian's Chromium via Playwright): from the home page to
results in a few clicks, with the script's enhancements (time zone detected, checks that
expand in place), at phone width."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from tests.browser.conftest import NetworkSite

# with the other tests on the network site (tests/browser/conftest.py), on one worker
pytestmark = [pytest.mark.slow, pytest.mark.xdist_group("browser-network")]


def test_a_person_in_a_hurry_reaches_results_in_a_few_clicks(  # type: ignore[no-untyped-def]
    browser, network_site: NetworkSite
) -> None:
    # the network site: a small generated network, served by a process that reads free text
    base = network_site.base
    context = browser.new_context(
        viewport={"width": 375, "height": 800}, timezone_id="America/Chicago"
    )
    page = context.new_page()
    errors: list[str] = []
    # any script error, or a refused script or style (the CSP); the missing favicon aside
    page.on(
        "console",
        lambda m: (
            errors.append(m.text)
            if m.type == "error" and "favicon" not in m.location.get("url", "")
            else None
        ),
    )
    page.goto(base)
    clicks = 0
    page.get_by_role("link", name="Start", exact=True).click()
    clicks += 1
    expect(page.get_by_text("Step 1 of 7")).to_be_visible()
    assert page.get_by_role("complementary", name="Crisis help").is_visible()
    # the partner's state shows only for couples (script), and is there without it
    # (expect waits for the deferred script, which hides it after the page has loaded)
    expect(page.get_by_label("Where will your partner be")).to_be_hidden()
    page.get_by_label("Where will you be during sessions?").select_option("TX")
    page.get_by_role("button", name="Continue").click()
    clicks += 2
    page.get_by_label("Infidelity and affairs").check()
    page.get_by_role("button", name="Continue").click()
    clicks += 2
    expect(page.get_by_text("Step 3 of 7")).to_be_visible()
    # a positive two-question check opens the longer one in place
    first = page.locator("fieldset.intake-question").nth(0)
    second = page.locator("fieldset.intake-question").nth(1)
    expansion = page.locator("[data-expansion-of]").first
    expect(expansion).to_be_hidden()
    first.get_by_label("Nearly every day").check()
    second.get_by_label("Nearly every day").check()
    expect(expansion).to_be_visible()
    page.get_by_role("button", name="Skip this step").click()
    page.get_by_role("button", name="Skip this step").click()  # payment
    page.get_by_role("button", name="Skip this step").click()  # preferences
    clicks += 3
    expect(page.get_by_text("Step 6 of 7")).to_be_visible()
    # the browser's zone, detected by the script
    assert page.get_by_label("Your time zone").input_value() == "America/Chicago"
    page.get_by_role("button", name="See therapists").click()
    clicks += 1
    # a click returns once the next page is asked for: wait for it (results are the slowest)
    expect(page.get_by_role("heading", name="Therapists who can see you soon")).to_be_visible(
        timeout=30_000
    )
    choose = page.get_by_role("link", name="Choose this time")
    assert choose.count() >= 3
    assert "/book?therapist=" in (choose.first.get_attribute("href") or "")
    assert "America/Chicago" in page.content()
    assert clicks <= 15
    # nothing is wider than the phone's screen
    width = page.evaluate("document.documentElement.scrollWidth")
    assert width <= 375
    assert errors == []
    context.close()
