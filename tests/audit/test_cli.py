"""`confide audit verify`: seals, then 0 and a count when intact; non-zero naming the row when
not, or the rows left pending too long."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

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
    assert "Sealed 4 pending rows first." in result.output
    assert "Audit trail intact: 4 rows." in result.output
    assert "Head: seq 4" in result.output


def test_verify_without_sealing_reports_rows_pending_too_long(
    database: Database, monkeypatch: pytest.MonkeyPatch
) -> None:
    with database.session(write=True) as session:
        # recorded two minutes ago (the CLI reads the real clock) and never sealed
        stale = record(
            session,
            SYSTEM,
            "read",
            "appointment",
            1,
            "ok",
            datetime.now(UTC) - timedelta(minutes=2),
        )
    with confide_command(database, monkeypatch) as runner:
        unsealed = run(runner, "audit", "verify", "--no-seal")
        sealed = run(runner, "audit", "verify")
    assert unsealed.exit_code == 1
    assert "Pending (not yet sealed): 1 rows." in unsealed.output
    assert f"ids {stale}: is the app's audit sealer running?" in " ".join(unsealed.output.split())
    assert sealed.exit_code == 0, sealed.output
    assert "Audit trail intact: 1 rows." in sealed.output


def test_verify_names_the_row_changed_by_hand(
    database: Database, monkeypatch: pytest.MonkeyPatch
) -> None:
    record_some(database, 4)
    with confide_command(database, monkeypatch) as runner:
        assert run(runner, "audit", "verify").exit_code == 0
        with bypassing_triggers(database) as conn:
            conn.execute(text("UPDATE audit_events SET outcome = 'denied' WHERE seq = 2"))
        result = run(runner, "audit", "verify")
    assert result.exit_code == 1
    assert "broken at seq 2 (edited)" in result.output
    assert "Rows before it intact: 1." in result.output


def test_verify_with_an_anchor_catches_a_cut_end(
    database: Database, monkeypatch: pytest.MonkeyPatch
) -> None:
    record_some(database, 3)
    with confide_command(database, monkeypatch) as runner:
        head = run(runner, "audit", "verify").output.split("Head: seq 3, ")[1].split()[0]
        with bypassing_triggers(database) as conn:
            conn.execute(text("DELETE FROM audit_events WHERE seq = 3"))
        plain = run(runner, "audit", "verify")
        anchored = run(runner, "audit", "verify", "--anchor", head)
    assert plain.exit_code == 0
    assert anchored.exit_code == 1
    assert "anchor_missing" in anchored.output
