"""`confide keys rotate` moves every value onto the current key, repeatably; the old key can go."""

from __future__ import annotations

import base64
from collections.abc import Iterator
from datetime import UTC, datetime

import pytest
from sqlalchemy import select, text

from confide.crypto import Keyring, install_keyring
from confide.db import Database
from confide.keys.service import rotate_keys
from confide.models import Base, Client, SafetyRecord
from tests.cli_env import confide_command, run
from tests.conftest import TEST_ENCRYPTION_KEYS

OLD = "old:" + base64.b64encode(b"o" * 32).decode()
NEW = "new:" + base64.b64encode(b"n" * 32).decode()
NOW = datetime(2026, 11, 29, 12, 0, tzinfo=UTC)
RECORDS = 7


@pytest.fixture
def sealed_with_old_key(database: Database) -> Iterator[Database]:
    install_keyring(Keyring.parse(OLD))
    with database.session(write=True) as session:
        client = Client(name="A", state="CA", timezone="America/Los_Angeles")
        session.add(client)
        session.flush()
        for number in range(RECORDS):
            session.add(
                SafetyRecord(
                    client_id=client.id,
                    partner_violence=number % 2 == 0,
                    self_harm_risk=number % 3 == 0,
                    recorded_at=NOW,
                    source=f"intake:question_{number}",
                    detail=None if number == 3 else f"answer {number}",
                )
            )
    yield database
    install_keyring(Keyring.parse(TEST_ENCRYPTION_KEYS))


def stored_key_ids(database: Database) -> set[str]:
    with database.engine.connect() as conn:
        rows = conn.execute(
            text("SELECT partner_violence, self_harm_risk, source, detail FROM safety_records")
        ).all()
    return {value.split(":")[1] for row in rows for value in row if value is not None}


def read_back(database: Database) -> list[tuple[bool, bool, str, str | None]]:
    with database.session() as session:
        return [
            (r.partner_violence, r.self_harm_risk, r.source, r.detail)
            for r in session.scalars(select(SafetyRecord).order_by(SafetyRecord.id))
        ]


def test_rotation_reencrypts_everything_then_the_old_key_can_go(
    sealed_with_old_key: Database,
) -> None:
    database = sealed_with_old_key
    before = read_back(database)
    both = Keyring.parse(f"{NEW},{OLD}")
    install_keyring(both)
    reports = {
        (r.table, r.column): r for r in rotate_keys(database, both, Base.metadata, batch_size=3)
    }
    detail = reports[("safety_records", "detail")]
    assert (detail.values, detail.reencrypted, detail.found_under) == (6, 6, {"old": 6})
    assert reports[("safety_records", "source")].reencrypted == RECORDS
    assert stored_key_ids(database) == {"new"}

    again = rotate_keys(database, both, Base.metadata, batch_size=3)
    assert sum(r.reencrypted for r in again) == 0  # nothing left to move: safe to run again
    assert {k for r in again for k in r.found_under} == {"new"}

    install_keyring(Keyring.parse(NEW))  # the old key removed
    assert read_back(database) == before


def test_values_already_under_the_current_key_are_left_alone(
    sealed_with_old_key: Database,
) -> None:
    database = sealed_with_old_key
    with database.engine.connect() as conn:
        before = conn.execute(text("SELECT source FROM safety_records ORDER BY id")).scalars().all()
    reports = rotate_keys(database, Keyring.parse(OLD), Base.metadata)
    assert sum(r.reencrypted for r in reports) == 0
    with database.engine.connect() as conn:
        after = conn.execute(text("SELECT source FROM safety_records ORDER BY id")).scalars().all()
    assert after == before


def test_confide_keys_rotate_reports_counts(
    sealed_with_old_key: Database, monkeypatch: pytest.MonkeyPatch
) -> None:
    database = sealed_with_old_key
    with confide_command(database, monkeypatch, keys=f"{NEW},{OLD}") as runner:
        first = run(runner, "keys", "rotate", "--batch-size", "2")
        second = run(runner, "keys", "rotate")
    assert first.exit_code == 0, first.output
    assert "safety_records.detail" in first.output
    total = RECORDS * 3 + 6
    assert f"{total} of {total} values re-encrypted" in first.output
    assert f"0 of {total} values re-encrypted" in second.output
    assert stored_key_ids(database) == {"new"}


def test_confide_keys_generate_prints_a_usable_entry(
    database: Database, monkeypatch: pytest.MonkeyPatch
) -> None:
    with confide_command(database, monkeypatch) as runner:
        result = run(runner, "keys", "generate", "2026-12")
    entry = result.output.strip()
    assert entry.startswith("2026-12:")
    assert Keyring.parse(entry).current_id == "2026-12"
