"""`confide content load`, `confide content publish-demo` and `confide seed` with the real
command against a test database."""

from __future__ import annotations

import pytest

from confide.content import service
from confide.content.loading import DEMO_REVIEWER_NAME
from confide.db import Database
from tests.cli_env import confide_command, run


def test_load_twice_then_publish_the_demo(
    database: Database, monkeypatch: pytest.MonkeyPatch
) -> None:
    with confide_command(database, monkeypatch) as runner:
        first = run(runner, "content", "load")
        assert first.exit_code == 0, first.output
        assert "13 items added, 0 new draft versions, 0 unchanged" in first.output
        again = run(runner, "content", "load")
        assert "0 items added, 0 new draft versions, 13 unchanged" in again.output
        with database.session() as session:
            assert service.published_all(session) == []
        demo = run(runner, "content", "publish-demo")
        assert demo.exit_code == 0, demo.output
        assert "13 published" in demo.output
    with database.session() as session:
        served = service.published(session, "when-to-see-a-therapist")
        assert served is not None
        assert served.approved_by == DEMO_REVIEWER_NAME


def test_seed_publishes_the_texts_even_when_the_network_is_there(
    database: Database, monkeypatch: pytest.MonkeyPatch
) -> None:
    with confide_command(database, monkeypatch) as runner:
        seeded = run(runner, "seed", "--therapists", "5", "--seed", "1")
        assert seeded.exit_code == 0, seeded.output
        assert "13 published" in seeded.output
        again = run(runner, "seed", "--if-empty")
        assert again.exit_code == 0, again.output
        assert "0 published" in again.output
    with database.session() as session:
        assert len(service.published_all(session, "article")) == 4
        assert len(service.published_all(session, "guidance")) == 9
