"""Running the real `confide` command against a test database."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

import pytest
from typer.testing import CliRunner, Result

from confide.cli import app
from confide.config import get_settings
from confide.crypto import install_keyring
from confide.db import Database
from tests.conftest import TEST_ENCRYPTION_KEYS, TEST_KEYRING


@contextmanager
def confide_command(
    database: Database, monkeypatch: pytest.MonkeyPatch, *, keys: str = TEST_ENCRYPTION_KEYS
) -> Iterator[CliRunner]:
    """Settings from the environment, as in production; the process keyring is put back after."""
    url = database.engine.url.render_as_string(hide_password=False)
    monkeypatch.setenv("CONFIDE_DATABASE_URL", url)
    monkeypatch.setenv("CONFIDE_ENVIRONMENT", "test")
    monkeypatch.setenv("CONFIDE_SECRET_KEY", "c" * 40)
    monkeypatch.setenv("CONFIDE_ENCRYPTION_KEYS", keys)
    get_settings.cache_clear()
    try:
        yield CliRunner()
    finally:
        get_settings.cache_clear()
        install_keyring(TEST_KEYRING)


def run(runner: CliRunner, *args: str) -> Result:
    return runner.invoke(app, list(args), catch_exceptions=False, terminal_width=200)
