"""Encrypted columns on both databases: models read plain values, the database only ciphertext."""

from __future__ import annotations

import base64
from collections.abc import Iterator
from datetime import UTC, datetime

import pytest
from sqlalchemy import text
from sqlalchemy.exc import StatementError

from confide.crypto import DecryptionError, Keyring, KeyringNotInstalled, install_keyring
from confide.crypto.columns import EncryptedColumn
from confide.db import Database
from confide.keys.service import encrypted_columns
from confide.models import Base, Client, SafetyRecord

NOW = datetime(2026, 11, 29, 12, 0, tzinfo=UTC)


@pytest.fixture
def client_id(database: Database) -> int:
    with database.session(write=True) as session:
        client = Client(name="A", state="CA", timezone="America/Los_Angeles")
        session.add(client)
        session.flush()
        return client.id


def add_record(database: Database, client_id: int, **fields: object) -> int:
    values = {
        "partner_violence": True,
        "self_harm_risk": False,
        "source": "intake:pv_fear",
        "detail": "he reads my messages",
        **fields,
    }
    with database.session(write=True) as session:
        record = SafetyRecord(client_id=client_id, recorded_at=NOW, **values)
        session.add(record)
        session.flush()
        return record.id


def load(database: Database, record_id: int) -> SafetyRecord | None:
    with database.session() as session:
        return session.get(SafetyRecord, record_id)


def raw_row(database: Database, record_id: int) -> dict[str, str | None]:
    with database.engine.connect() as conn:
        row = conn.execute(
            text(
                "SELECT partner_violence, self_harm_risk, source, detail "
                "FROM safety_records WHERE id = :id"
            ),
            {"id": record_id},
        ).one()
    return dict(row._mapping)


def test_values_round_trip_and_are_stored_sealed(database: Database, client_id: int) -> None:
    record_id = add_record(database, client_id)
    with database.session() as session:
        record = session.get(SafetyRecord, record_id)
        assert record is not None
        assert (record.partner_violence, record.self_harm_risk) == (True, False)
        assert (record.source, record.detail) == ("intake:pv_fear", "he reads my messages")
    raw = raw_row(database, record_id)
    assert all(value is not None and value.startswith("v1:test-1:") for value in raw.values())
    assert not any("intake" in v or "messages" in v for v in raw.values() if v)
    # true and false seal to the same length: the ciphertext does not give the flag away
    assert len(raw["partner_violence"] or "") == len(raw["self_harm_risk"] or "")


def test_null_stays_null(database: Database, client_id: int) -> None:
    record_id = add_record(database, client_id, detail=None)
    assert raw_row(database, record_id)["detail"] is None
    with database.session() as session:
        record = session.get(SafetyRecord, record_id)
        assert record is not None
        assert record.detail is None


def test_a_value_altered_in_the_database_fails_to_load(database: Database, client_id: int) -> None:
    record_id = add_record(database, client_id)
    stored = raw_row(database, record_id)["detail"] or ""
    kid_and_payload = stored.rsplit(":", 1)
    payload = bytearray(base64.urlsafe_b64decode(kid_and_payload[1] + "=="))
    payload[-1] ^= 0x80
    altered = f"{kid_and_payload[0]}:{base64.urlsafe_b64encode(bytes(payload)).decode()}"
    with database.engine.begin() as conn:
        conn.execute(
            text("UPDATE safety_records SET detail = :v WHERE id = :id"),
            {"v": altered.rstrip("="), "id": record_id},
        )
    with pytest.raises(DecryptionError):
        load(database, record_id)


def test_a_value_copied_into_another_column_fails_to_load(
    database: Database, client_id: int
) -> None:
    # a "yes" copied over another answer's "no" is refused, not read as yes
    record_id = add_record(database, client_id, partner_violence=True, self_harm_risk=False)
    with database.engine.begin() as conn:
        conn.execute(
            text("UPDATE safety_records SET self_harm_risk = partner_violence WHERE id = :id"),
            {"id": record_id},
        )
    with pytest.raises(DecryptionError, match=r"safety_records\.self_harm_risk"):
        load(database, record_id)


def test_every_encrypted_column_is_bound_to_its_own_table_and_column() -> None:
    found = {
        (table.name, column.name): column.type
        for table, columns in encrypted_columns(Base.metadata)
        for column in columns
    }
    assert ("safety_records", "detail") in found
    for (table, column), kind in found.items():
        assert isinstance(kind, EncryptedColumn)
        assert kind.binding == f"{table}.{column}"


@pytest.fixture
def no_keyring(field_keyring: Keyring) -> Iterator[None]:
    import confide.crypto.keyring as keyring_module

    previous = keyring_module._installed
    keyring_module._installed = None
    yield
    install_keyring(previous or field_keyring)


def test_without_an_installed_keyring_nothing_is_stored(
    database: Database, client_id: int, no_keyring: None
) -> None:
    with pytest.raises(StatementError) as refused:
        add_record(database, client_id)
    assert isinstance(refused.value.orig, KeyringNotInstalled)
