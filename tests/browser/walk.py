"""A person's walk through the pages: every click and field counted, every page checked.

`Walk` wraps a Playwright page. Each click, fill, choice and key press counts as one interaction
(what the issue limits: a typical individual reaches a booking in at most 25). Each page the walk
lands on is checked with axe-core (no serious or critical violation) and photographed at 1280 and
375 pixels wide into var/screenshots/<test>/.
"""

from __future__ import annotations

import email
import os
import re
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from email.policy import default as default_policy
from pathlib import Path
from typing import Any

import pytest

ROOT = Path(__file__).resolve().parents[2]
AXE_SCRIPT = ROOT / "var" / "node" / "node_modules" / "axe-core" / "axe.min.js"
SCREENSHOTS = ROOT / "var" / "screenshots"
WIDE, NARROW = 1280, 375
FAILING_IMPACTS = ("serious", "critical")


# The first h1's text, the title, and the texts of the main part's buttons, then of its alerts
# (evaluate() works in a page without script too: only the page's own scripts are off)
PAGE_STATE = """() => {
    const texts = (selector) => Array.from(document.querySelectorAll(selector), (e) => e.innerText);
    const h1 = document.querySelector("h1");
    return [
        h1 ? h1.innerText : "",
        document.title,
        texts("main button").join("|") + texts("main [role=alert]").join("|"),
    ];
}"""


def mailed_link(outbox: Path, to: str, wait_seconds: float = 30) -> str:
    """The path of the latest link mailed to `to` (the mail goes to `outbox` as .eml files). The
    server sends account mail just after its answer (a background task), so on a busy machine the
    message may arrive a moment after the page: it is waited for."""
    deadline = time.monotonic() + wait_seconds
    while True:
        found = _latest_link(outbox, to)
        if found is not None:
            return found
        if time.monotonic() > deadline:
            break
        time.sleep(0.1)
    raise AssertionError(f"no mail to {to} in {outbox} within {wait_seconds} s")


def _latest_link(outbox: Path, to: str) -> str | None:
    mails = sorted(outbox.glob("*.eml"), key=lambda p: p.stat().st_mtime, reverse=True)
    for path in mails:
        message = email.message_from_bytes(path.read_bytes(), policy=default_policy)
        if message["To"] == to:
            body = message.get_body(preferencelist=("plain",))
            assert body is not None
            found = re.search(r"https?://[^/\s]+(/\S+)", body.get_content())
            assert found is not None
            return found.group(1)
    return None


def axe_violations(page: Any, source: str) -> list[dict[str, Any]]:
    """axe-core's violations on the page as it is now (all impacts)."""
    # evaluate() goes through the DevTools protocol, which the page's CSP does not govern:
    # an injected <script> tag would be refused by script-src 'self'
    if not page.evaluate("() => typeof window.axe === 'object'"):
        page.evaluate(source)
    results = page.evaluate("async () => await axe.run(document, {resultTypes: ['violations']})")
    violations: list[dict[str, Any]] = results["violations"]
    return violations


def describe(violations: list[dict[str, Any]]) -> str:
    lines = []
    for v in violations:
        lines.append(f"- {v['impact']}: {v['id']}: {v['help']} ({v['helpUrl']})")
        for node in v["nodes"][:5]:
            lines.append(f"    at {' '.join(node['target'])}: {node['failureSummary']}")
    return "\n".join(lines)


@dataclass
class Walk:
    """One person's walk, in one browser page."""

    page: Any
    name: str
    axe_source: str | None
    screenshots: bool = field(default_factory=lambda: os.environ.get("CONFIDE_SCREENSHOTS") != "0")
    interactions: int = 0
    to_booking: int | None = None  # the count when the booking was confirmed
    pages_checked: list[str] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)  # script errors and CSP refusals
    too_wide: list[str] = field(default_factory=list)  # pages wider than a 375-pixel screen
    # page states already checked: shared by the walks of a module, so each is checked once
    seen: set[tuple[object, ...]] = field(default_factory=set)
    _navigations: int = 0

    def __post_init__(self) -> None:
        self.page.on("framenavigated", self._navigated)
        self.page.on("pageerror", lambda error: self.errors.append(str(error)))
        self.page.on(
            "console",
            lambda message: (
                self.errors.append(message.text)
                if "Content Security Policy" in message.text
                else None
            ),
        )
        self.directory = SCREENSHOTS / re.sub(r"[^A-Za-z0-9_.-]+", "_", self.name)

    def _navigated(self, frame: Any) -> None:
        if frame == self.page.main_frame:
            self._navigations += 1

    # what a person does: each counts once
    def goto(self, url: str) -> None:
        """Open an address (a link from outside, e.g. in an email; counted as one click)."""
        self.interactions += 1
        self.page.goto(url)
        self.look()

    def click(self, target: Any) -> None:
        self._act(lambda: target.click())

    def fill(self, target: Any, value: str) -> None:
        self._act(lambda: target.fill(value))

    def choose(self, target: Any, value: str) -> None:
        self._act(lambda: target.select_option(value))

    def check(self, target: Any) -> None:
        self._act(lambda: target.check())

    def press(self, key: str) -> None:
        self._act(lambda: self.page.keyboard.press(key))

    def press_to_go(self, key: str = "Enter") -> None:
        """A key that follows a link or sends a form: wait for the page it leads to."""

        def go() -> None:
            with self.page.expect_navigation():
                self.page.keyboard.press(key)

        self._act(go)

    def type(self, text: str) -> None:
        """Type into the focused field (one field filled, whatever its length)."""
        self._act(lambda: self.page.keyboard.type(text))

    def _act(self, action: Callable[[], object]) -> None:
        before = self._navigations
        self.interactions += 1
        action()
        self.page.wait_for_load_state()
        if self._navigations != before:
            self.look()

    def look(self, force: bool = False) -> None:
        """Check the page now shown with axe-core and photograph it, once per page state."""
        self.page.wait_for_load_state()
        # one round trip for what names the page's state (five took 0.1 s a page under load);
        # the same page for someone else (signed in, say) offers other buttons
        h1, title, buttons = self.page.evaluate(PAGE_STATE)
        path = re.sub(r"\?.*", "", self.page.url.split("//", 1)[-1].split("/", 1)[-1])
        size = self.page.viewport_size or {"width": WIDE}
        key = (path, title, h1 + buttons, size["width"], self.axe_source is None)
        if key in self.seen and not force:
            return
        self.seen.add(key)
        label = f"{len(self.pages_checked) + 1:02d}-{re.sub(r'[^a-z0-9]+', '-', h1.lower())[:40]}"
        self.pages_checked.append(f"/{path} ({h1})")
        if self.axe_source is not None:
            serious = [
                v
                for v in axe_violations(self.page, self.axe_source)
                if v["impact"] in FAILING_IMPACTS
            ]
            if serious:
                pytest.fail(
                    f"axe-core: serious or critical violations on /{path} ({h1}):\n"
                    + describe(serious),
                    pytrace=False,
                )
        if self.screenshots:
            self.photograph(label)
        elif size := self.page.viewport_size:
            self._measure(size["width"], f"/{path} ({h1})")

    def photograph(self, label: str) -> None:
        self.directory.mkdir(parents=True, exist_ok=True)
        size = self.page.viewport_size or {"width": WIDE, "height": 800}
        # at the width the page is shown at first, then the other: one resize fewer
        for width in sorted((WIDE, NARROW), key=lambda width: width != size["width"]):
            if width != (self.page.viewport_size or size)["width"]:
                self.page.set_viewport_size({"width": width, "height": size["height"]})
            self.page.screenshot(path=str(self.directory / f"{label}-{width}.png"), full_page=True)
            self._measure(width, label)
        if self.page.viewport_size != size:
            self.page.set_viewport_size(size)

    def _measure(self, width: int, label: str) -> None:
        if width <= NARROW:
            wide = int(self.page.evaluate("document.documentElement.scrollWidth"))
            if wide > width:
                self.too_wide.append(f"{label}: {wide} px")

    def arrive(self, url: str) -> None:
        """Open an address without counting it (where a test starts)."""
        self.page.goto(url)
        self.look()

    def booked(self) -> int:
        """Note the count now, when the session is booked; returns it."""
        self.to_booking = self.interactions
        return self.interactions

    def report(self) -> str:
        counted = (
            f"{self.to_booking} interactions to booking ({self.interactions} in all)"
            if self.to_booking is not None
            else f"{self.interactions} interactions"
        )
        checked = "checked with axe" if self.axe_source else "(not checked with axe)"
        return f"{self.name}: {counted}, {len(self.pages_checked)} pages {checked}"
