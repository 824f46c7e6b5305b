"""Scheduling: outside busy times, idempotency records, and the database's refusal to double book.

PostgreSQL: btree_gist exclusion constraints on (therapist, time held) and (client, time) over
held and booked rows. SQLite: triggers that reject the same overlaps.

Revision ID: 20261125_02
Revises: 20261125_01
Create Date: 2026-11-25 16:00:00
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "20261125_02"
down_revision = "20261125_01"
branch_labels = None
depends_on = None

BLOCKING = "('held', 'booked')"


def _sqlite_overlap_triggers(table: str, key: str, end_column: str) -> list[str]:
    condition = (
        f"other.{key} = NEW.{key} AND other.status IN {BLOCKING} "
        f"AND other.start_at < NEW.{end_column} AND NEW.start_at < other.{end_column}"
    )
    return [
        f"""
        CREATE TRIGGER tr_{table}_no_overlap_insert BEFORE INSERT ON {table}
        WHEN NEW.status IN {BLOCKING}
        BEGIN
            SELECT RAISE(ABORT, 'overlap:{table}')
            WHERE EXISTS (SELECT 1 FROM {table} AS other WHERE {condition});
        END
        """,
        f"""
        CREATE TRIGGER tr_{table}_no_overlap_update
        BEFORE UPDATE OF status, start_at, {end_column}, {key} ON {table}
        WHEN NEW.status IN {BLOCKING}
        BEGIN
            SELECT RAISE(ABORT, 'overlap:{table}')
            WHERE EXISTS (SELECT 1 FROM {table} AS other
                          WHERE other.id <> NEW.id AND {condition});
        END
        """,
    ]


def upgrade() -> None:
    op.create_table(
        "external_busy",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("therapist_id", sa.Integer(), nullable=False),
        sa.Column("source_uid", sa.String(length=255), nullable=False),
        sa.Column("start_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("end_at", sa.DateTime(timezone=True), nullable=False),
        sa.CheckConstraint("start_at < end_at", name=op.f("ck_external_busy_time_order")),
        sa.ForeignKeyConstraint(
            ["therapist_id"],
            ["therapists.id"],
            name=op.f("fk_external_busy_therapist_id_therapists"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_external_busy")),
    )
    op.create_index(
        "ix_external_busy_therapist_start", "external_busy", ["therapist_id", "start_at"]
    )
    op.create_table(
        "idempotency_records",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("client_id", sa.Integer(), nullable=False),
        sa.Column("key", sa.String(length=255), nullable=False),
        sa.Column("route", sa.String(length=80), nullable=False),
        sa.Column("request_hash", sa.String(length=64), nullable=False),
        sa.Column("status_code", sa.Integer(), nullable=False),
        sa.Column("response_body", sa.Text(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["client_id"],
            ["clients.id"],
            name=op.f("fk_idempotency_records_client_id_clients"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_idempotency_records")),
        sa.UniqueConstraint("client_id", "key", name=op.f("uq_idempotency_records_client_id_key")),
    )

    if op.get_context().dialect.name == "postgresql":
        op.execute("CREATE EXTENSION IF NOT EXISTS btree_gist")
        op.execute(
            "ALTER TABLE appointments ADD CONSTRAINT ex_appointments_therapist_overlap "
            "EXCLUDE USING gist (therapist_id WITH =, tstzrange(start_at, blocked_until) WITH &&) "
            f"WHERE (status IN {BLOCKING})"
        )
        op.execute(
            "ALTER TABLE appointment_participants "
            "ADD CONSTRAINT ex_appointment_participants_client_overlap "
            "EXCLUDE USING gist (client_id WITH =, tstzrange(start_at, end_at) WITH &&) "
            f"WHERE (status IN {BLOCKING})"
        )
    else:
        for statement in _sqlite_overlap_triggers(
            "appointments", "therapist_id", "blocked_until"
        ) + _sqlite_overlap_triggers("appointment_participants", "client_id", "end_at"):
            op.execute(statement)


def downgrade() -> None:
    if op.get_context().dialect.name == "postgresql":
        op.execute(
            "ALTER TABLE appointment_participants "
            "DROP CONSTRAINT ex_appointment_participants_client_overlap"
        )
        op.execute("ALTER TABLE appointments DROP CONSTRAINT ex_appointments_therapist_overlap")
    else:
        for table in ("appointments", "appointment_participants"):
            op.execute(f"DROP TRIGGER tr_{table}_no_overlap_insert")
            op.execute(f"DROP TRIGGER tr_{table}_no_overlap_update")
    op.drop_table("idempotency_records")
    op.drop_index("ix_external_busy_therapist_start", table_name="external_busy")
    op.drop_table("external_busy")
