"""Accounts tests: the app with mail going to a real local SMTP server, and the links in it."""

from __future__ import annotations

import email
import re
from collections.abc import Iterator
from email.message import EmailMessage
from email.policy import default as default_policy
from pathlib import Path
from typing import Any

import pytest
from fastapi.testclient import TestClient

from confide.db import Database
from confide.main import create_app
from tests.conftest import PASSWORD, Inbox, settings_for

LINK = re.compile(r"(/verify|/reset|/join)\?token=([\w-]+)")


def app_client(
    database: Database, base_url: str = "http://testserver", **overrides: Any
) -> TestClient:
    settings = settings_for(str(database.engine.url)).model_copy(update=overrides)
    return TestClient(create_app(settings, database=database), base_url=base_url)


@pytest.fixture
def mailing(database: Database, smtp_server: Inbox) -> Iterator[TestClient]:
    """The app, its mail sent through the SMTP server the test reads."""
    with app_client(
        database,
        smtp_host="127.0.0.1",
        smtp_port=smtp_server.port,
        smtp_starttls=False,
        public_url="https://confide.example",
    ) as api:
        yield api


@pytest.fixture
def outboxed(database: Database, tmp_path: Path) -> Iterator[TestClient]:
    """The app, its mail written to an outbox directory instead."""
    with app_client(database, outbox_dir=tmp_path / "outbox") as api:
        yield api


def mailed_link(inbox: Inbox, to: str, index: int = -1) -> tuple[str, str]:
    """(path, token) of the link in the latest message to `to`."""
    messages = [
        inbox.message(i) for i in range(len(inbox.envelopes)) if inbox.envelopes[i].rcpt_tos == [to]
    ]
    assert messages, f"no mail to {to}"
    body = messages[index].get_content()
    found = LINK.search(body)
    assert found is not None, body
    return found.group(1), found.group(2)


def outbox_links(outbox: Path) -> list[str]:
    """Every link token in the outbox, oldest first."""
    found = []
    for path in sorted(outbox.glob("*.eml")):
        message = email.message_from_bytes(path.read_bytes(), policy=default_policy)
        assert isinstance(message, EmailMessage)
        found.extend(m.group(2) for m in LINK.finditer(message.get_content()))
    return found


def register(api: TestClient, email: str, **overrides: Any) -> Any:
    body = {
        "email": email,
        "password": PASSWORD,
        "name": "Sam Rivera",
        "state": "NY",
        "timezone": "America/New_York",
        **overrides,
    }
    return api.post("/api/v1/auth/register", json=body)


def api_token(
    api: TestClient, email: str, password: str = PASSWORD, **extra: Any
) -> dict[str, str]:
    response = api.post("/api/v1/auth/tokens", json={"email": email, "password": password, **extra})
    assert response.status_code == 201, response.text
    return {"Authorization": f"Bearer {response.json()['token']}"}
