"""The intake's pages against a small generated network, with the clock frozen."""

from __future__ import annotations

import re
from collections.abc import Iterator
from datetime import UTC, date, datetime
from typing import Any

import pytest
import time_machine
from fastapi.testclient import TestClient

from confide.db import Database
from confide.network.generator import generate_network
from confide.network.seeding import write_network
from confide.vocab import get_vocabulary
from tests.web.test_readiness import wait_ready

NETWORK_DAY = date(2026, 11, 25)
# just after midnight UTC, and noon: the two instants where a day boundary could go wrong
AFTER_MIDNIGHT = datetime(2026, 11, 26, 0, 5, tzinfo=UTC)
NOON = datetime(2026, 11, 26, 12, 0, tzinfo=UTC)
_CSRF = re.compile(r'name="csrf_token" value="([^"]+)"')
STEP_PATHS = {
    "/start",
    "/start/concerns",
    "/start/feeling",
    "/start/payment",
    "/start/preferences",
    "/start/times",
    "/start/results",
    "/",
}


@pytest.fixture
def frozen() -> Iterator[time_machine.Coordinates]:
    with time_machine.travel(AFTER_MIDNIGHT, tick=False) as traveller:
        yield traveller


@pytest.fixture
def network(database: Database) -> Database:
    with database.session(write=True) as session:
        write_network(session, generate_network(400, 11, get_vocabulary(), NETWORK_DAY))
    return database


@pytest.fixture
def site(client: TestClient, network: Database, frozen: time_machine.Coordinates) -> TestClient:
    """The app with the small network in its matching index as of the frozen instant."""
    wait_ready(client)
    client.app.state.matching.warm_up(AFTER_MIDNIGHT)  # type: ignore[attr-defined]
    return client


class Person:
    """A browser going through the intake, recording every redirect it is sent."""

    def __init__(self, api: TestClient) -> None:
        self.api = api
        self.redirects: list[str] = []
        self._token: str | None = None

    @property
    def token(self) -> str:
        if self._token is None:
            page = self.api.get("/start")
            found = _CSRF.search(page.text)
            assert found is not None
            self._token = found.group(1)
        return self._token

    def post(self, path: str, **fields: Any) -> Any:
        response = self.api.post(
            path, data={"csrf_token": self.token, **fields}, follow_redirects=False
        )
        if response.status_code in (302, 303):
            self.redirects.append(response.headers["location"])
        return response

    def get(self, path: str) -> Any:
        response = self.api.get(path, follow_redirects=False)
        if response.status_code in (302, 303):
            self.redirects.append(response.headers["location"])
        return response


@pytest.fixture
def person(site: TestClient) -> Person:
    return Person(site)
