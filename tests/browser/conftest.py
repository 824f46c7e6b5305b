"""The browser: Debian's Chromium driven by Playwright, one per test module; each walk has a
context of its own (its own cookies and storage). The sites' servers are processes forked from
one with Confide imported (tests/serving.py); the one that reads free text serves the network
tests of every module that needs it."""

from __future__ import annotations

import os
import shutil
import warnings
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest

from confide.network.generator import generate_network
from confide.network.seeding import write_network
from confide.vocab import get_vocabulary
from tests.browser.walk import AXE_SCRIPT, FAILING_IMPACTS, WIDE, Walk, axe_violations, describe
from tests.conftest import IN_CI, migrated
from tests.serving import running_servers, warm_fork_server

CHROMIUM = os.environ.get("CONFIDE_CHROMIUM", "/usr/bin/chromium")


# One Chromium per module, not per session: while Playwright's sync API is open it leaves its
# event loop marked running on the main thread, so a later test of another module on the same
# worker that calls asyncio.run() would fail ("cannot be called from a running event loop").
@pytest.fixture(scope="module")
def browser() -> Iterator[object]:
    if not Path(CHROMIUM).exists() or shutil.which(CHROMIUM) is None:
        message = f"Chromium not found at {CHROMIUM}"
        if IN_CI:
            pytest.fail(message + "; under CI=true the browser tests are required")
        pytest.skip(message + "; browser tests skipped (make test installs it when run as root)")
    # the sites' servers are forked from it: its imports run while Chromium starts
    warm_fork_server()
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        launched = playwright.chromium.launch(
            executable_path=CHROMIUM,
            args=[
                "--no-sandbox",
                "--disable-gpu",
                "--disable-dev-shm-usage",
                "--disable-background-networking",
                "--disable-component-update",
                "--no-first-run",
                "--disable-sync",
            ],
        )
        yield launched
        launched.close()


@pytest.fixture(scope="session")
def axe_source() -> str | None:
    """axe-core's script from the npm registry (`make browser` installs it into var/node)."""
    if AXE_SCRIPT.exists():
        return AXE_SCRIPT.read_text()
    message = f"axe-core not found at {AXE_SCRIPT} (`make browser` installs it from npm)"
    if IN_CI:
        pytest.fail(message + "; under CI=true the accessibility checks are required")
    warnings.warn(message + "; pages are not checked for accessibility", stacklevel=1)
    return None


@pytest.fixture
def axe(axe_source: str | None) -> Callable[[object], None]:
    """axe(page): fail on serious or critical accessibility violations, listed readably."""

    def check(page: object) -> None:
        if axe_source is None:
            pytest.skip("axe-core is not installed (`make browser`)")
        serious = [v for v in axe_violations(page, axe_source) if v["impact"] in FAILING_IMPACTS]
        if serious:
            pytest.fail("axe-core: serious or critical violations:\n" + describe(serious))

    return check


@dataclass(frozen=True)
class NetworkSite:
    base: str
    outbox: Path  # the mail the server sends, as .eml files
    database_url: str


@pytest.fixture(scope="session")
def network_site(tmp_path_factory: pytest.TempPathFactory) -> Iterator[NetworkSite]:
    """One server on a small generated network (300 therapists, made today) that reads free
    text: the sentence model and the danger reader load before /readyz, about 15 s of a core,
    so it serves every module whose people go through the intake. Tests on it make accounts of
    their own and leave the network to the others (a time taken is offered no more)."""
    folder = tmp_path_factory.mktemp("network")
    url = f"sqlite:///{folder / 'network.db'}"
    database = migrated(url)
    with database.session(write=True) as session:
        today = datetime.now(UTC).date()
        write_network(session, generate_network(300, 11, get_vocabulary(), today))
    database.dispose()
    outbox = folder / "outbox"
    env = {"CONFIDE_OUTBOX_DIR": str(outbox), "CONFIDE_WARM_UP_TEXT": "true"}
    with running_servers(url, count=1, env=env, preloaded=True) as (base,):
        yield NetworkSite(base, outbox, url)


WALKS: list[str] = []


@pytest.fixture(scope="module")
def checked_pages() -> set[tuple[object, ...]]:
    """The page states a module's walks have checked and photographed: each once."""
    return set()


@pytest.fixture
def walk(
    browser: Any,
    axe_source: str | None,
    checked_pages: set[tuple[object, ...]],
    request: pytest.FixtureRequest,
) -> Iterator[Callable[..., Walk]]:
    """walk(width=1280, javascript=True): a fresh browser context (its own cookies) and page,
    whose clicks and fields are counted and whose every page is checked and photographed."""
    opened: list[tuple[Any, Walk]] = []

    def start(width: int = WIDE, *, javascript: bool = True, name: str = "") -> Walk:
        context = browser.new_context(
            viewport={"width": width, "height": 900},
            java_script_enabled=javascript,
            accept_downloads=True,
        )
        page = context.new_page()
        page.set_default_timeout(10_000)
        label = request.node.name + (f"-{name}" if name else "")
        # axe-core is a script: in a page without script it cannot run (and evaluate() would
        # wait for ever); the same pages are checked in the walks with script
        walker = Walk(page, label, axe_source if javascript else None, seen=checked_pages)
        opened.append((context, walker))
        return walker

    yield start
    for context, walker in opened:
        summary = walker.report()
        print(summary)
        WALKS.append(summary)
        context.close()


def pytest_terminal_summary(terminalreporter: Any) -> None:
    if WALKS:
        terminalreporter.write_sep("-", "browser walks (interactions from start to booking)")
        for line in WALKS:
            terminalreporter.write_line(line)
