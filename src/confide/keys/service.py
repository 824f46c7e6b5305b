"""Re-encrypt every encrypted column of every table with the keyring's current key.

Batched by primary key, one short unit of work per batch, so a long rotation holds no lock for
long and can be stopped and run again: values already under the current key are left alone.
Each value is replaced only if it is still what was read (compare and swap), so a value the
application rewrote meanwhile is never overwritten with a stale one.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import Column, MetaData, Table, Text, bindparam, func, select, type_coerce

from confide.crypto import EncryptedColumn, Keyring
from confide.crypto.keyring import key_id_of
from confide.db import Database


@dataclass
class ColumnRotation:
    table: str
    column: str
    values: int = 0
    reencrypted: int = 0
    # how many values each key sealed, before this rotation
    found_under: dict[str, int] = field(default_factory=dict)


def encrypted_columns(metadata: MetaData) -> list[tuple[Table, list[Column[Any]]]]:
    found = []
    for table in metadata.sorted_tables:
        columns = [c for c in table.columns if isinstance(c.type, EncryptedColumn)]
        if columns:
            if len(table.primary_key.columns) != 1:
                raise ValueError(f"{table.name}: rotation needs a single-column primary key")
            found.append((table, columns))
    return found


def _raw(column: Column[Any]) -> Any:
    return type_coerce(column, Text())


def _rotate_table(
    database: Database,
    keyring: Keyring,
    table: Table,
    columns: list[Column[Any]],
    batch_size: int,
    progress: Callable[[int], None] | None,
) -> list[ColumnRotation]:
    (key,) = table.primary_key.columns
    reports = {c.name: ColumnRotation(table.name, c.name) for c in columns}
    last: Any = None
    while True:
        with database.session(write=True) as session:
            query = select(key, *(_raw(c).label(c.name) for c in columns)).order_by(key)
            if last is not None:
                query = query.where(key > last)
            rows = session.execute(query.limit(batch_size)).all()
            if not rows:
                return list(reports.values())
            for column in columns:
                report = reports[column.name]
                binding = column.type.binding  # type: ignore[attr-defined]
                changes = []
                for row in rows:
                    stored = getattr(row, column.name)
                    if stored is None:
                        continue
                    report.values += 1
                    kid = key_id_of(stored)
                    report.found_under[kid] = report.found_under.get(kid, 0) + 1
                    if kid != keyring.current_id:
                        fresh = keyring.encrypt(keyring.decrypt(stored, binding), binding)
                        changes.append({"_key": row[0], "_old": stored, "_new": fresh})
                if changes:
                    statement = (
                        table.update()
                        .where(key == bindparam("_key"))
                        .where(_raw(column) == bindparam("_old", type_=Text()))
                        .values({column.name: bindparam("_new", type_=Text())})
                    )
                    result = session.connection().execute(statement, changes)
                    report.reencrypted += result.rowcount
            last = rows[-1][0]
        if progress is not None:
            progress(len(rows))


def rotate_keys(
    database: Database,
    keyring: Keyring,
    metadata: MetaData,
    *,
    batch_size: int = 500,
    progress: Callable[[int], None] | None = None,
) -> list[ColumnRotation]:
    """Move every encrypted value onto `keyring`'s current key; one report per column."""
    reports: list[ColumnRotation] = []
    for table, columns in encrypted_columns(metadata):
        reports += _rotate_table(database, keyring, table, columns, batch_size, progress)
    return reports


def rows_to_visit(database: Database, metadata: MetaData) -> int:
    """How many rows a rotation reads (for a progress bar)."""
    total = 0
    with database.session() as session:
        for table, _ in encrypted_columns(metadata):
            total += session.scalar(select(func.count()).select_from(table)) or 0
    return total
