"""`confide match` prints explained results, and clear errors for bad options."""

from __future__ import annotations

import pytest
import time_machine
import typer
from typer.testing import CliRunner

from confide.config import get_settings
from confide.matching.cli import register
from tests.matching.conftest import NOW, SmallNetwork


@pytest.fixture
def cli(small_network: SmallNetwork, monkeypatch: pytest.MonkeyPatch) -> typer.Typer:
    url = small_network.database.engine.url.render_as_string(hide_password=False)
    monkeypatch.setenv("CONFIDE_DATABASE_URL", url)
    get_settings.cache_clear()
    app = typer.Typer()

    @app.callback()
    def main() -> None:
        """Confide."""

    register(app)
    yield app
    get_settings.cache_clear()


def test_match_prints_results_with_reasons(cli: typer.Typer) -> None:
    with time_machine.travel(NOW, tick=False):
        result = CliRunner().invoke(
            cli,
            [
                "match",
                "--state",
                "CA",
                "--format",
                "couples",
                "--partner-state",
                "CA",
                "--concern",
                "infidelity",
                "--self-pay",
                "300",
                "--tz",
                "America/Los_Angeles",
                "--available",
                "tue 09:00-21:00",
                "--available",
                "thu 09:00-21:00",
            ],
            env={"COLUMNS": "200"},
        )
    assert result.exit_code == 0, result.output
    assert "eligible therapists" in result.output
    assert "Licensed in California" in result.output
    assert "First opening" in result.output


def test_match_explains_a_bad_plan(cli: typer.Typer) -> None:
    result = CliRunner().invoke(
        cli,
        ["match", "--state", "CA", "--payer", "aetna", "--plan", "cigna-ppo"],
        env={"COLUMNS": "200"},
    )
    assert result.exit_code == 2
    assert "payment.plan" in result.output
    assert "aetna-ppo" in result.output
