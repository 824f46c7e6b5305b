"""`confide audit verify`: 0 and a count when intact; non-zero naming the row when not."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest
from sqlalchemy import text

from confide.audit import SYSTEM, record
from confide.db import Database
from tests.audit.tampering import bypassing_triggers
from tests.cli_env import confide_command, run

NOW = datetime(2026, 11, 29, 12, 0, tzinfo=UTC)


def record_some(database: Database, count: int) -> None:
    with database.session(write=True) as session:
        for number in range(count):
            record(session, SYSTEM, "read", "appointment", number + 1, "ok", NOW)


def test_verify_counts_an_intact_trail(database: Database, monkeypatch: pytest.MonkeyPatch) -> None:
    record_some(database, 4)
    with confide_command(database, monkeypatch) as runner:
        result = run(runner, "audit", "verify")
    assert result.exit_code == 0, result.output
    assert "Audit trail intact: 4 rows." in result.output
    assert "Head: row 4" in result.output


def test_verify_names_the_row_changed_by_hand(
    database: Database, monkeypatch: pytest.MonkeyPatch
) -> None:
    record_some(database, 4)
    with bypassing_triggers(database) as conn:
        conn.execute(text("UPDATE audit_events SET outcome = 'denied' WHERE id = 2"))
    with confide_command(database, monkeypatch) as runner:
        result = run(runner, "audit", "verify")
    assert result.exit_code == 1
    assert "broken at row 2 (edited)" in result.output
    assert "Rows before it intact: 1." in result.output


def test_verify_with_an_anchor_catches_a_cut_end(
    database: Database, monkeypatch: pytest.MonkeyPatch
) -> None:
    record_some(database, 3)
    with confide_command(database, monkeypatch) as runner:
        head = run(runner, "audit", "verify").output.split("Head: row 3, ")[1].split()[0]
        with bypassing_triggers(database) as conn:
            conn.execute(text("DELETE FROM audit_events WHERE id = 3"))
        plain = run(runner, "audit", "verify")
        anchored = run(runner, "audit", "verify", "--anchor", head)
    assert plain.exit_code == 0
    assert anchored.exit_code == 1
    assert "anchor_missing" in anchored.output
