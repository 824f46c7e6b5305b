"""GET /readyz: 503 until the indexes are built and the database answers; serve stops in time."""

from __future__ import annotations

import asyncio
import logging
import threading
import time
from typing import Any

import pytest
from fastapi.testclient import TestClient
from sqlalchemy.exc import OperationalError
from typer.testing import CliRunner

from confide import cli
from confide.config import get_settings
from confide.db import Database
from confide.main import create_app
from confide.matching.live import LiveMatching
from confide.web import readiness
from tests.conftest import settings_for


def wait_ready(client: TestClient, timeout: float = 20) -> None:
    deadline = time.monotonic() + timeout
    while client.get("/readyz").status_code != 200:
        assert time.monotonic() < deadline, client.get("/readyz").text
        time.sleep(0.01)


def test_not_ready_until_the_indexes_are_built(database: Database) -> None:
    app = create_app(settings_for(str(database.engine.url)), database=database)
    release = threading.Event()
    live = app.state.matching

    def slow_build() -> object:
        release.wait(10)
        return live.warm_up()

    app.state.readiness = readiness.Readiness(slow_build)
    with TestClient(app) as client:
        waiting = client.get("/readyz")
        assert waiting.status_code == 503
        assert waiting.json()["status"] == "starting"
        assert waiting.headers["Retry-After"] == "1"
        # alive all the while
        assert client.get("/healthz").status_code == 200
        release.set()
        wait_ready(client)
        assert client.get("/readyz").json() == {"status": "ready"}
        assert live.index is not None
        assert app.state.openings.grid is not None


def test_a_failed_build_is_tried_again(database: Database, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(readiness, "FIRST_RETRY_SECONDS", 0.01)
    app = create_app(settings_for(str(database.engine.url)), database=database)
    live, tries = app.state.matching, []

    def flaky_build() -> object:
        tries.append(1)
        if len(tries) < 3:
            raise OperationalError("SELECT 1", {}, Exception("the database is starting up"))
        return live.warm_up()

    app.state.readiness = readiness.Readiness(flaky_build)
    with TestClient(app) as client:
        wait_ready(client)
    assert len(tries) == 3


def test_not_ready_while_the_database_cannot_be_reached(
    database: Database, monkeypatch: pytest.MonkeyPatch
) -> None:
    app = create_app(settings_for(str(database.engine.url)), database=database)
    with TestClient(app) as client:
        wait_ready(client)

        def unreachable(_session: object) -> None:
            raise OperationalError("SELECT 1", {}, Exception("connection refused"))

        monkeypatch.setattr(readiness, "_reach", unreachable)
        down = client.get("/readyz")
        assert down.status_code == 503
        assert down.json()["status"] == "unavailable"
        assert client.get("/healthz").status_code == 200
        monkeypatch.undo()
        assert client.get("/readyz").status_code == 200


def test_serve_stops_within_the_shutdown_time(monkeypatch: pytest.MonkeyPatch) -> None:
    calls: list[dict[str, object]] = []
    monkeypatch.setenv("CONFIDE_SHUTDOWN_SECONDS", "3")
    get_settings.cache_clear()
    monkeypatch.setattr("uvicorn.run", lambda *args, **kwargs: calls.append(kwargs))
    try:
        result = CliRunner().invoke(cli.app, ["serve", "--port", "8123"])
    finally:
        get_settings.cache_clear()
    assert result.exit_code == 0, result.output
    assert calls[0]["timeout_graceful_shutdown"] == 3
    assert calls[0]["port"] == 8123


def test_not_ready_until_the_warm_up_request_is_answered(database: Database) -> None:
    app = create_app(settings_for(str(database.engine.url)), database=database)
    live = app.state.matching
    release = threading.Event()

    async def slow_warm_up() -> None:
        while not release.is_set():
            await asyncio.sleep(0.01)

    app.state.readiness = readiness.Readiness(live.warm_up, warm_up=slow_warm_up)
    with TestClient(app) as client:
        # the indexes get built; the process still waits for its warm-up request
        deadline = time.monotonic() + 20
        while live.index is None:
            assert time.monotonic() < deadline
            time.sleep(0.01)
        assert client.get("/readyz").status_code == 503
        release.set()
        wait_ready(client)


def test_the_warm_up_sends_a_match_through_the_app(
    database: Database, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Routing, validation and the matching queries have all run once before /readyz is 200."""
    seen: list[tuple[str, str | None]] = []
    matches = LiveMatching.matches

    def counting(self: LiveMatching, session: Any, intake: Any, now: Any, **kw: Any) -> Any:
        seen.append((intake.state, intake.timezone))
        return matches(self, session, intake, now, **kw)

    monkeypatch.setattr(LiveMatching, "matches", counting)
    app = create_app(settings_for(str(database.engine.url)), database=database)
    with TestClient(app) as client:
        wait_ready(client)
        assert seen == [("CA", "America/Los_Angeles")]


def test_a_failed_warm_up_request_does_not_keep_the_process_unready(
    database: Database, caplog: pytest.LogCaptureFixture
) -> None:
    app = create_app(settings_for(str(database.engine.url)), database=database)

    async def broken() -> None:
        raise RuntimeError("no route")

    app.state.readiness = readiness.Readiness(app.state.matching.warm_up, warm_up=broken)
    with caplog.at_level(logging.WARNING, logger="confide.readiness"), TestClient(app) as client:
        wait_ready(client)
    assert "the warm-up request failed (RuntimeError: no route)" in caplog.text
