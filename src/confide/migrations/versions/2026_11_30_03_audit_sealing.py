"""Audit rows are inserted pending and sealed into the chain afterwards (scheme v2).

A request no longer takes the trail's global lock: it inserts its row with an ordinary identity
id and `seq`, `prev_hash`, `row_hash` NULL, and audit/sealing.py chains the committed pending
rows by `seq`. The append-only triggers now let one update through: the sealing of a pending row
(only seq, prev_hash and row_hash, only from NULL). DELETE and TRUNCATE stay refused.

Existing rows: the v1 chain (hashed over the id as position) is checked first, and the upgrade
stops if it is broken; then every row is re-sealed under v2 with seq = its id (v1 ids ran without
gaps). The product is pre-release, so no v1 row needs to stay verifiable under v1. The downgrade
does the reverse: rows numbered by seq (pending ones after, in id order) and hashed under v1.

SQLite: the table is rebuilt, since only an INTEGER PRIMARY KEY autoincrements there.

Revision ID: 20261130_03
Revises: 20261130_02
Create Date: 2026-11-30 10:00:00
"""

from __future__ import annotations

import hashlib
import json
from datetime import UTC, datetime
from typing import Any

import sqlalchemy as sa
from alembic import op

revision = "20261130_03"
down_revision = "20261130_02"
branch_labels = None
depends_on = None

REFUSAL = "audit_events is append-only"
GENESIS = "0" * 64
FIELDS = (
    "occurred_at",
    "actor_user_id",
    "actor_role",
    "action",
    "object_type",
    "object_id",
    "address",
    "outcome",
)
ROLE_CHECK = "actor_role IN ('client', 'therapist', 'reviewer', 'admin', 'anonymous', 'system')"
SEALED_WHOLE = (
    "(seq IS NULL AND prev_hash IS NULL AND row_hash IS NULL) OR "
    "(seq IS NOT NULL AND prev_hash IS NOT NULL AND row_hash IS NOT NULL)"
)
# a pending row may be sealed once: nothing else about it changes
SEALING = (
    "OLD.seq IS NULL AND OLD.prev_hash IS NULL AND OLD.row_hash IS NULL "
    "AND NEW.seq IS NOT NULL AND NEW.prev_hash IS NOT NULL AND NEW.row_hash IS NOT NULL "
    "AND NEW.id = OLD.id AND NEW.occurred_at = OLD.occurred_at "
    "AND NEW.actor_user_id IS OLD.actor_user_id AND NEW.actor_role = OLD.actor_role "
    "AND NEW.action = OLD.action AND NEW.object_type = OLD.object_type "
    "AND NEW.object_id IS OLD.object_id AND NEW.address IS OLD.address "
    "AND NEW.outcome = OLD.outcome"
)


# The recipes as they stand at this revision (audit/chain.py may move on; this file may not).
def _instant(value: datetime) -> str:
    value = value.replace(tzinfo=UTC) if value.tzinfo is None else value.astimezone(UTC)
    return value.strftime("%Y-%m-%dT%H:%M:%S.%fZ")


def _hash(scheme: str, position: list[int], row: Any, prev: str) -> str:
    fields = [
        scheme,
        *position,
        _instant(row.occurred_at),
        *(getattr(row, name) for name in FIELDS[1:]),
        prev,
    ]
    return hashlib.sha256(
        json.dumps(fields, separators=(",", ":"), ensure_ascii=True).encode()
    ).hexdigest()


def _table(*extra: sa.ColumnClause[Any]) -> sa.TableClause:
    return sa.table(
        "audit_events",
        sa.column("id", sa.BigInteger()),
        sa.column("occurred_at", sa.DateTime(timezone=True)),
        *(sa.column(name) for name in FIELDS[1:]),
        sa.column("prev_hash", sa.String()),
        sa.column("row_hash", sa.String()),
        *extra,
    )


def _reseal_as_v2(conn: sa.Connection) -> None:
    """Check the v1 chain, then seal every row under v2 with seq = id."""
    table = _table(sa.column("seq", sa.BigInteger()))
    rows = conn.execute(sa.select(table).order_by(table.c.id)).all()
    prev_v1, prev_v2 = GENESIS, GENESIS
    for expected, row in enumerate(rows, start=1):
        if (
            row.id != expected
            or row.prev_hash != prev_v1
            or _hash("confide-audit-v1", [row.id], row, prev_v1) != row.row_hash
        ):
            raise RuntimeError(
                f"the audit trail is broken at row {expected}: run `confide audit verify` on the "
                "previous release and settle it before upgrading"
            )
        prev_v1 = row.row_hash
        sealed = _hash("confide-audit-v2", [expected, row.id], row, prev_v2)
        conn.execute(
            table.update()
            .where(table.c.id == row.id)
            .values(seq=expected, prev_hash=prev_v2, row_hash=sealed)
        )
        prev_v2 = sealed


def _rechain_as_v1(conn: sa.Connection) -> None:
    """Number rows 1, 2, ... in seq order (pending ones last, by id) and hash them under v1."""
    table = _table(sa.column("seq", sa.BigInteger()))
    rows = conn.execute(
        sa.select(table).order_by(table.c.seq.is_(None), table.c.seq, table.c.id)
    ).all()
    conn.execute(table.update().values(id=-table.c.id, prev_hash=None, row_hash=None, seq=None))
    prev = GENESIS
    for number, row in enumerate(rows, start=1):
        hashed = _hash("confide-audit-v1", [number], row, prev)
        conn.execute(
            table.update()
            .where(table.c.id == -row.id)
            .values(id=number, prev_hash=prev, row_hash=hashed)
        )
        prev = hashed


def _create_indexes() -> None:
    op.create_index("ix_audit_events_object", "audit_events", ["object_type", "object_id"])
    op.create_index("ix_audit_events_actor_user_id", "audit_events", ["actor_user_id"])
    op.create_index("ix_audit_events_occurred_at", "audit_events", ["occurred_at"])


def _drop_indexes() -> None:
    for name in ("object", "actor_user_id", "occurred_at"):
        op.drop_index(f"ix_audit_events_{name}", table_name="audit_events")


def _sqlite_table(name: str, *, sealing: bool) -> None:
    id_type = sa.Integer() if sealing else sa.BigInteger()
    hash_null = sealing
    columns: list[sa.Column[Any]] = [
        sa.Column("id", id_type, autoincrement=sealing, nullable=False),
        sa.Column("occurred_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("actor_user_id", sa.Integer(), nullable=True),
        sa.Column("actor_role", sa.String(length=16), nullable=False),
        sa.Column("action", sa.String(length=32), nullable=False),
        sa.Column("object_type", sa.String(length=40), nullable=False),
        sa.Column("object_id", sa.String(length=64), nullable=True),
        sa.Column("address", sa.String(length=64), nullable=True),
        sa.Column("outcome", sa.String(length=20), nullable=False),
    ]
    if sealing:
        columns.append(sa.Column("seq", sa.BigInteger(), nullable=True))
    columns += [
        sa.Column("prev_hash", sa.String(length=64), nullable=hash_null),
        sa.Column("row_hash", sa.String(length=64), nullable=hash_null),
    ]
    constraints: list[Any] = [
        sa.CheckConstraint(ROLE_CHECK, name=op.f("ck_audit_events_actor_role")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_audit_events")),
        sa.UniqueConstraint("prev_hash", name=op.f("uq_audit_events_prev_hash")),
    ]
    if sealing:
        constraints += [
            sa.CheckConstraint(SEALED_WHOLE, name=op.f("ck_audit_events_sealed_whole")),
            sa.UniqueConstraint("seq", name=op.f("uq_audit_events_seq")),
        ]
    op.create_table(name, *columns, *constraints)


def _sqlite_rebuild(*, sealing: bool) -> None:
    """audit_events made again (as of this revision, or the one before), its rows copied."""
    for event in ("update", "delete"):
        op.execute(f"DROP TRIGGER IF EXISTS tr_audit_events_no_{event}")
    op.execute("DROP TRIGGER IF EXISTS tr_audit_events_seal_only")
    if not sealing:
        op.drop_index("ix_audit_events_pending", table_name="audit_events")
    _drop_indexes()
    op.rename_table("audit_events", "audit_events_old")
    _sqlite_table("audit_events", sealing=sealing)
    names = ["id", *FIELDS, "prev_hash", "row_hash"]
    listed = ", ".join(names)
    if sealing:
        op.execute(
            f"INSERT INTO audit_events ({listed}, seq) SELECT {listed}, id FROM audit_events_old"
        )
        _reseal_as_v2(op.get_bind())
    else:
        _rechain_as_v1_into(op.get_bind())
    op.drop_table("audit_events_old")
    _create_indexes()
    if sealing:
        _create_pending_index()
        op.execute(
            "CREATE TRIGGER tr_audit_events_seal_only BEFORE UPDATE ON audit_events "
            f"WHEN NOT ({SEALING}) BEGIN SELECT RAISE(ABORT, '{REFUSAL}'); END"
        )
        op.execute(
            "CREATE TRIGGER tr_audit_events_no_delete BEFORE DELETE ON audit_events "
            f"BEGIN SELECT RAISE(ABORT, '{REFUSAL}'); END"
        )
    else:
        for event in ("update", "delete"):
            op.execute(
                f"CREATE TRIGGER tr_audit_events_no_{event} BEFORE {event.upper()} "
                f"ON audit_events BEGIN SELECT RAISE(ABORT, '{REFUSAL}'); END"
            )


def _rechain_as_v1_into(conn: sa.Connection) -> None:
    """SQLite downgrade: audit_events_old (with seq) copied into audit_events as a v1 chain."""
    old = sa.table(
        "audit_events_old",
        sa.column("id", sa.BigInteger()),
        sa.column("occurred_at", sa.DateTime(timezone=True)),
        *(sa.column(name) for name in FIELDS[1:]),
        sa.column("seq", sa.BigInteger()),
    )
    new = _table()
    rows = conn.execute(sa.select(old).order_by(old.c.seq.is_(None), old.c.seq, old.c.id)).all()
    prev = GENESIS
    for number, row in enumerate(rows, start=1):
        hashed = _hash("confide-audit-v1", [number], row, prev)
        values = {name: getattr(row, name) for name in FIELDS}
        conn.execute(new.insert().values(id=number, prev_hash=prev, row_hash=hashed, **values))
        prev = hashed


def _create_pending_index() -> None:
    op.create_index(
        "ix_audit_events_pending",
        "audit_events",
        ["id"],
        postgresql_where=sa.text("seq IS NULL"),
        sqlite_where=sa.text("seq IS NULL"),
    )


def upgrade() -> None:
    if op.get_context().dialect.name != "postgresql":
        _sqlite_rebuild(sealing=True)
        return
    op.execute("DROP TRIGGER tr_audit_events_append_only ON audit_events")
    op.add_column("audit_events", sa.Column("seq", sa.BigInteger(), nullable=True))
    op.alter_column("audit_events", "prev_hash", existing_type=sa.String(64), nullable=True)
    op.alter_column("audit_events", "row_hash", existing_type=sa.String(64), nullable=True)
    _reseal_as_v2(op.get_bind())
    op.execute("ALTER TABLE audit_events ALTER COLUMN id ADD GENERATED BY DEFAULT AS IDENTITY")
    op.execute(
        "SELECT setval(pg_get_serial_sequence('audit_events', 'id'), "
        "COALESCE(MAX(id), 0) + 1, false) FROM audit_events"
    )
    op.create_unique_constraint(op.f("uq_audit_events_seq"), "audit_events", ["seq"])
    op.create_check_constraint(op.f("ck_audit_events_sealed_whole"), "audit_events", SEALED_WHOLE)
    _create_pending_index()
    sealing = SEALING.replace(" IS OLD.", " IS NOT DISTINCT FROM OLD.")
    op.execute(
        f"""
        CREATE FUNCTION audit_events_seal_only() RETURNS trigger
        LANGUAGE plpgsql AS $$
        BEGIN
            IF {sealing} THEN
                RETURN NEW;
            END IF;
            RAISE EXCEPTION '{REFUSAL}: UPDATE refused (only the sealing of a pending row)'
                USING ERRCODE = 'restrict_violation';
        END
        $$
        """
    )
    op.execute(
        "CREATE TRIGGER tr_audit_events_seal_only BEFORE UPDATE ON audit_events "
        "FOR EACH ROW EXECUTE FUNCTION audit_events_seal_only()"
    )
    op.execute(
        "CREATE TRIGGER tr_audit_events_no_delete BEFORE DELETE ON audit_events "
        "FOR EACH ROW EXECUTE FUNCTION audit_events_refuse_change()"
    )


def downgrade() -> None:
    if op.get_context().dialect.name != "postgresql":
        _sqlite_rebuild(sealing=False)
        return
    op.execute("DROP TRIGGER tr_audit_events_seal_only ON audit_events")
    op.execute("DROP TRIGGER tr_audit_events_no_delete ON audit_events")
    op.execute("DROP FUNCTION audit_events_seal_only()")
    op.drop_index("ix_audit_events_pending", table_name="audit_events")
    op.drop_constraint(op.f("ck_audit_events_sealed_whole"), "audit_events", type_="check")
    op.drop_constraint(op.f("uq_audit_events_seq"), "audit_events", type_="unique")
    op.execute("ALTER TABLE audit_events ALTER COLUMN id DROP IDENTITY")
    _rechain_as_v1(op.get_bind())
    op.drop_column("audit_events", "seq")
    op.alter_column("audit_events", "prev_hash", existing_type=sa.String(64), nullable=False)
    op.alter_column("audit_events", "row_hash", existing_type=sa.String(64), nullable=False)
    op.execute(
        "CREATE TRIGGER tr_audit_events_append_only BEFORE UPDATE OR DELETE ON audit_events "
        "FOR EACH ROW EXECUTE FUNCTION audit_events_refuse_change()"
    )
