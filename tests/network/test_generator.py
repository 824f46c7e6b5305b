"""The synthetic network is deterministic for a seed; writing it is explicit about what exists."""

from __future__ import annotations

import hashlib
import shutil
from dataclasses import fields
from datetime import UTC, date, datetime, time
from pathlib import Path

import numpy as np
import pytest
import time_machine
from sqlalchemy import func, select

from confide.db import Database, create_db_engine
from confide.models import (
    Licence,
    PanelParticipation,
    Therapist,
    TherapistIdentity,
    TherapistLanguage,
    TherapistModality,
    TherapistPopulation,
    TherapistService,
    TherapistSpecialty,
    TimeOff,
    WeeklyHours,
)
from confide.network.generator import SyntheticNetwork, generate_network
from confide.network.seeding import NetworkNotEmpty, therapist_count, write_network
from confide.vocab import get_vocabulary
from tests.conftest import truncate

DAY = date(2026, 11, 25)
# licences verified within 45 days of seeding (the licence max age lists them; admin branch)
NETWORK_42_ROWS_DIGEST = "4fc66817c80c8c6d018d3880b7e96c2d9003529d71a51fa46eca37904a0b732b"
NETWORK_42_DIGEST = "23ef4cea2c9594025193ed22cadd0f55d107d3f9a11e6e3f4f54b1442141a853"


def _fingerprint(count: int, seed: int) -> tuple[object, ...]:
    net = generate_network(count, seed, get_vocabulary(), DAY)
    return (
        tuple(net.npi),
        tuple(net.first_name),
        tuple(net.last_name),
        tuple(net.licence_type),
        net.practice_state.tobytes(),
        net.licence_states.tobytes(),
        net.specialty.tobytes(),
        net.modalities.tobytes(),
        net.languages.tobytes(),
        net.rate_cents.tobytes(),
        net.panel_therapist.tobytes(),
        net.panel_plan.tobytes(),
        net.panel_state.tobytes(),
        net.hours_template.tobytes(),
        net.accepting.tobytes(),
        tuple(net.location),
        tuple(net.bio(i) for i in range(count)),
    )


def test_same_seed_same_network() -> None:
    assert _fingerprint(800, 7) == _fingerprint(800, 7)


def _digest(net: SyntheticNetwork) -> str:
    """One hash over every column of the network, its bios, hours and time off included."""
    digest = hashlib.sha256()
    for column in fields(net):
        value = getattr(net, column.name)
        if column.name == "vocab":
            continue
        digest.update(column.name.encode())
        if isinstance(value, np.ndarray):
            digest.update(f"{value.dtype}{value.shape}".encode())
            digest.update(np.ascontiguousarray(value).tobytes())
        else:
            digest.update(repr(value).encode())
    for row in range(net.size):
        digest.update(repr((net.bio(row), list(net.weekly_hours(row)), net.time_off(row))).encode())
    return digest.hexdigest()


def test_seed_42_gives_the_network_it_always_has() -> None:
    # Changes only with a deliberate change to what is generated (or to NumPy's random streams).
    net = generate_network(3000, 42, get_vocabulary(), DAY)
    assert _digest(net) == NETWORK_42_DIGEST


def test_other_seed_other_network() -> None:
    a, b = _fingerprint(800, 7), _fingerprint(800, 8)
    assert a[0] != b[0]
    assert a[4] != b[4]


def test_small_networks_still_cover_every_state() -> None:
    net = generate_network(60, 1, get_vocabulary(), DAY)
    assert len(set(net.practice_state.tolist())) == 51


def test_refuses_zero() -> None:
    with pytest.raises(ValueError, match="at least 1"):
        generate_network(0, 1, get_vocabulary(), DAY)


def _dump(database: Database) -> tuple[list[tuple[object, ...]], ...]:
    with database.session() as session:
        therapists = [
            tuple(r)
            for r in session.execute(
                select(
                    Therapist.id,
                    Therapist.npi,
                    Therapist.first_name,
                    Therapist.timezone,
                    Therapist.bio,
                ).order_by(Therapist.id)
            )
        ]
        panels = [
            tuple(r)
            for r in session.execute(
                select(
                    PanelParticipation.therapist_id,
                    PanelParticipation.plan_code,
                    PanelParticipation.state,
                ).order_by(
                    PanelParticipation.therapist_id,
                    PanelParticipation.plan_code,
                    PanelParticipation.state,
                )
            )
        ]
        hours = [
            tuple(r)
            for r in session.execute(
                select(
                    WeeklyHours.therapist_id,
                    WeeklyHours.weekday,
                    WeeklyHours.start_minute,
                    WeeklyHours.end_minute,
                ).order_by(WeeklyHours.therapist_id, WeeklyHours.weekday, WeeklyHours.start_minute)
            )
        ]
    return therapists, panels, hours


def test_writing_refuses_an_existing_network_then_replaces_when_asked(database: Database) -> None:
    first = generate_network(300, 3, get_vocabulary(), DAY)
    with database.session(write=True) as session:
        write_network(session, first)
    before = _dump(database)

    second = generate_network(200, 4, get_vocabulary(), DAY)
    with pytest.raises(NetworkNotEmpty, match="--replace"), database.session(write=True) as session:
        write_network(session, second)
    assert _dump(database) == before  # the refused attempt changed nothing

    with database.session(write=True) as session:
        write_network(session, second, replace=True)
    with database.session() as session:
        assert therapist_count(session) == 200

    with database.session(write=True) as session:
        write_network(session, first, replace=True)
    assert _dump(database) == before  # same seed, same rows in the database


def test_progress_is_reported_in_full(database: Database) -> None:
    seen: list[int] = []
    net = generate_network(4500, 5, get_vocabulary(), DAY)
    with database.session(write=True) as session:
        write_network(session, net, progress=seen.append)
    assert sum(seen) == 4500
    assert len(seen) == 3


def test_npis_follow_the_luhn_rule_with_the_80840_prefix() -> None:
    net = generate_network(2000, 11, get_vocabulary(), DAY)

    def luhn_ok(number: str) -> bool:
        digits = [int(c) for c in "80840" + number]
        total = 0
        for i, d in enumerate(reversed(digits)):
            if i % 2 == 1:
                d = d * 2 - 9 if d * 2 > 9 else d * 2
            total += d
        return total % 10 == 0

    assert all(len(n) == 10 and n[0] in "12" and luhn_ok(n) for n in net.npi)
    assert len(set(net.npi)) == len(net.npi)
    assert np.all(net.licence_active[:, 0])


@pytest.mark.parametrize("clock", [time(0, 5), time(6, 0)])
def test_seeding_never_stamps_a_row_after_the_moment_it_runs(
    database: Database, clock: time
) -> None:
    moment = datetime.combine(DAY, clock, tzinfo=UTC)
    with time_machine.travel(moment, tick=False), database.session(write=True) as session:
        write_network(session, generate_network(200, 9, get_vocabulary(), DAY))
    with database.session() as session:
        latest = session.execute(
            select(func.max(Therapist.created_at), func.max(Therapist.updated_at))
        ).one()
        verified = session.scalar(select(func.max(Licence.verified_at)))
    assert max(*latest, verified) <= moment


NETWORK_TABLES = (
    Therapist,
    Licence,
    TherapistSpecialty,
    TherapistModality,
    TherapistLanguage,
    TherapistPopulation,
    TherapistIdentity,
    TherapistService,
    PanelParticipation,
    WeeklyHours,
    TimeOff,
)


def test_seed_42_writes_the_rows_it_always_has(database: Database) -> None:
    with database.session(write=True) as session:
        write_network(session, generate_network(500, 42, get_vocabulary(), DAY))
    digest = hashlib.sha256()
    with database.session() as session:
        for model in NETWORK_TABLES:
            table = model.__table__
            columns = [c for c in table.columns if c.name != "id" or model is Therapist]
            rows = sorted(repr(tuple(row)) for row in session.execute(select(*columns)))
            digest.update(f"{table.name}:{len(rows)}".encode())
            for row in rows:
                digest.update(row.encode())
    assert digest.hexdigest() == NETWORK_42_ROWS_DIGEST


def _all_rows(database: Database) -> dict[str, list[tuple[object, ...]]]:
    """Every column of every network table, ids included, in primary-key order."""
    with database.session() as session:
        return {
            model.__table__.name: [
                tuple(row)
                for row in session.execute(
                    select(model.__table__).order_by(*model.__table__.primary_key.columns)
                )
            ]
            for model in NETWORK_TABLES
        }


@pytest.mark.postgres
def test_postgresql_copy_writes_the_rows_sqlite_inserts_ids_included(
    sqlite_template: Path, tmp_path: Path, postgres_shared: Database
) -> None:
    """PostgreSQL takes the network by COPY, SQLite by INSERT: the same rows, and the ids the
    database gives (licences, hours, time off) in the same order."""
    network = generate_network(500, 42, get_vocabulary(), DAY)
    path = tmp_path / "confide.db"
    shutil.copy(sqlite_template, path)
    sqlite = Database(create_db_engine(f"sqlite:///{path}"))
    try:
        with sqlite.session(write=True) as session:
            write_network(session, network)
        inserted = _all_rows(sqlite)
    finally:
        sqlite.dispose()
    truncate(postgres_shared)
    try:
        with postgres_shared.session(write=True) as session:
            write_network(session, network)
        copied = _all_rows(postgres_shared)
    finally:
        truncate(postgres_shared)
    assert {name: len(rows) for name, rows in copied.items()} == {
        name: len(rows) for name, rows in inserted.items()
    }
    for name, rows in inserted.items():
        assert copied[name] == rows, name
