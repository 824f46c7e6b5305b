"""The therapist network, payers and plans, clients and appointments.

Revision ID: 20261125_01
Revises:
Create Date: 2026-11-25 14:31:29.448253
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "20261125_01"
down_revision = None
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "clients",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("name", sa.String(length=120), nullable=False),
        sa.Column("email", sa.String(length=254), nullable=True),
        sa.Column("state", sa.String(length=2), nullable=False),
        sa.Column("timezone", sa.String(length=64), nullable=False),
        sa.Column("token_hash", sa.String(length=64), nullable=False),
        sa.Column("partner_id", sa.Integer(), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["partner_id"],
            ["clients.id"],
            name=op.f("fk_clients_partner_id_clients"),
            ondelete="SET NULL",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_clients")),
        sa.UniqueConstraint("token_hash", name=op.f("uq_clients_token_hash")),
    )
    op.create_table(
        "payers",
        sa.Column("code", sa.String(length=40), nullable=False),
        sa.Column("name", sa.String(length=120), nullable=False),
        sa.Column("kind", sa.String(length=20), nullable=False),
        sa.PrimaryKeyConstraint("code", name=op.f("pk_payers")),
    )
    op.create_table(
        "therapists",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("npi", sa.String(length=10), nullable=False),
        sa.Column("first_name", sa.String(length=80), nullable=False),
        sa.Column("last_name", sa.String(length=80), nullable=False),
        sa.Column("pronouns", sa.String(length=30), nullable=True),
        sa.Column("gender", sa.String(length=20), nullable=False),
        sa.Column("licence_type", sa.String(length=20), nullable=False),
        sa.Column("credential", sa.String(length=40), nullable=False),
        sa.Column("taxonomy_code", sa.String(length=10), nullable=False),
        sa.Column("bio", sa.Text(), nullable=False),
        sa.Column("practice_state", sa.String(length=2), nullable=False),
        sa.Column("timezone", sa.String(length=64), nullable=False),
        sa.Column("offers_telehealth", sa.Boolean(), nullable=False),
        sa.Column("offers_in_person", sa.Boolean(), nullable=False),
        sa.Column("office_postal_code", sa.String(length=5), nullable=True),
        sa.Column("office_city", sa.String(length=80), nullable=True),
        sa.Column("office_latitude", sa.Float(), nullable=True),
        sa.Column("office_longitude", sa.Float(), nullable=True),
        sa.Column("faith", sa.String(length=30), nullable=True),
        sa.Column("accepting_new_clients", sa.Boolean(), nullable=False),
        sa.Column("paused_until", sa.Date(), nullable=True),
        sa.Column("weekly_new_client_limit", sa.Integer(), nullable=False),
        sa.Column("caseload_limit", sa.Integer(), nullable=False),
        sa.Column("minimum_notice_hours", sa.Integer(), nullable=False),
        sa.Column("booking_horizon_days", sa.Integer(), nullable=False),
        sa.Column("buffer_minutes", sa.Integer(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.CheckConstraint(
            "gender IN ('woman', 'man', 'nonbinary')", name=op.f("ck_therapists_gender")
        ),
        sa.CheckConstraint(
            "booking_horizon_days BETWEEN 1 AND 365", name=op.f("ck_therapists_horizon_range")
        ),
        sa.CheckConstraint(
            "buffer_minutes BETWEEN 0 AND 120", name=op.f("ck_therapists_buffer_range")
        ),
        sa.CheckConstraint("caseload_limit >= 0", name=op.f("ck_therapists_caseload_nonnegative")),
        sa.CheckConstraint(
            "minimum_notice_hours >= 0", name=op.f("ck_therapists_notice_nonnegative")
        ),
        sa.CheckConstraint(
            "offers_telehealth OR offers_in_person", name=op.f("ck_therapists_some_setting")
        ),
        sa.CheckConstraint(
            "weekly_new_client_limit >= 0", name=op.f("ck_therapists_weekly_limit_nonnegative")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_therapists")),
        sa.UniqueConstraint("npi", name=op.f("uq_therapists_npi")),
    )
    with op.batch_alter_table("therapists", schema=None) as batch_op:
        batch_op.create_index("ix_therapists_practice_state", ["practice_state"], unique=False)

    op.create_table(
        "appointments",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("therapist_id", sa.Integer(), nullable=False),
        sa.Column("session_type", sa.String(length=20), nullable=False),
        sa.Column("status", sa.String(length=20), nullable=False),
        sa.Column("start_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("end_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("blocked_until", sa.DateTime(timezone=True), nullable=False),
        sa.Column("hold_expires_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("is_new_client", sa.Boolean(), nullable=False),
        sa.Column("client_state", sa.String(length=2), nullable=False),
        sa.Column("created_by_client_id", sa.Integer(), nullable=False),
        sa.Column("rescheduled_from_id", sa.Integer(), nullable=True),
        sa.Column("calendar_sequence", sa.Integer(), nullable=False),
        sa.Column("cancel_reason", sa.String(length=40), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.CheckConstraint(
            "status <> 'held' OR hold_expires_at IS NOT NULL",
            name=op.f("ck_appointments_hold_expiry"),
        ),
        sa.CheckConstraint(
            "status IN ('held', 'expired', 'proposed', 'pending', 'booked', 'fulfilled', 'cancelled', 'noshow', 'entered-in-error')",
            name=op.f("ck_appointments_status"),
        ),
        sa.CheckConstraint(
            "start_at < end_at AND end_at <= blocked_until", name=op.f("ck_appointments_time_order")
        ),
        sa.ForeignKeyConstraint(
            ["created_by_client_id"],
            ["clients.id"],
            name=op.f("fk_appointments_created_by_client_id_clients"),
        ),
        sa.ForeignKeyConstraint(
            ["rescheduled_from_id"],
            ["appointments.id"],
            name=op.f("fk_appointments_rescheduled_from_id_appointments"),
        ),
        sa.ForeignKeyConstraint(
            ["therapist_id"],
            ["therapists.id"],
            name=op.f("fk_appointments_therapist_id_therapists"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_appointments")),
    )
    with op.batch_alter_table("appointments", schema=None) as batch_op:
        batch_op.create_index(
            "ix_appointments_status_expiry", ["status", "hold_expires_at"], unique=False
        )
        batch_op.create_index(
            "ix_appointments_therapist_start", ["therapist_id", "start_at"], unique=False
        )

    op.create_table(
        "licences",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("therapist_id", sa.Integer(), nullable=False),
        sa.Column("state", sa.String(length=2), nullable=False),
        sa.Column("number", sa.String(length=30), nullable=False),
        sa.Column("status", sa.String(length=12), nullable=False),
        sa.Column("verified_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("expires_on", sa.Date(), nullable=True),
        sa.CheckConstraint(
            "status IN ('active', 'pending', 'inactive', 'expired', 'revoked')",
            name=op.f("ck_licences_status"),
        ),
        sa.ForeignKeyConstraint(
            ["therapist_id"],
            ["therapists.id"],
            name=op.f("fk_licences_therapist_id_therapists"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_licences")),
        sa.UniqueConstraint("therapist_id", "state", name=op.f("uq_licences_therapist_id_state")),
    )
    with op.batch_alter_table("licences", schema=None) as batch_op:
        batch_op.create_index("ix_licences_state_status", ["state", "status"], unique=False)

    op.create_table(
        "plans",
        sa.Column("code", sa.String(length=60), nullable=False),
        sa.Column("payer_code", sa.String(length=40), nullable=False),
        sa.Column("name", sa.String(length=160), nullable=False),
        sa.Column("product", sa.String(length=40), nullable=False),
        sa.Column("states", sa.JSON(), nullable=True),
        sa.ForeignKeyConstraint(
            ["payer_code"],
            ["payers.code"],
            name=op.f("fk_plans_payer_code_payers"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("code", name=op.f("pk_plans")),
    )
    with op.batch_alter_table("plans", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_plans_payer_code"), ["payer_code"], unique=False)

    op.create_table(
        "therapist_identities",
        sa.Column("therapist_id", sa.Integer(), nullable=False),
        sa.Column("identity", sa.String(length=40), nullable=False),
        sa.ForeignKeyConstraint(
            ["therapist_id"],
            ["therapists.id"],
            name=op.f("fk_therapist_identities_therapist_id_therapists"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("therapist_id", "identity", name=op.f("pk_therapist_identities")),
    )
    op.create_table(
        "therapist_languages",
        sa.Column("therapist_id", sa.Integer(), nullable=False),
        sa.Column("language", sa.String(length=2), nullable=False),
        sa.ForeignKeyConstraint(
            ["therapist_id"],
            ["therapists.id"],
            name=op.f("fk_therapist_languages_therapist_id_therapists"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("therapist_id", "language", name=op.f("pk_therapist_languages")),
    )
    op.create_table(
        "therapist_modalities",
        sa.Column("therapist_id", sa.Integer(), nullable=False),
        sa.Column("modality", sa.String(length=40), nullable=False),
        sa.ForeignKeyConstraint(
            ["therapist_id"],
            ["therapists.id"],
            name=op.f("fk_therapist_modalities_therapist_id_therapists"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("therapist_id", "modality", name=op.f("pk_therapist_modalities")),
    )
    op.create_table(
        "therapist_populations",
        sa.Column("therapist_id", sa.Integer(), nullable=False),
        sa.Column("population", sa.String(length=12), nullable=False),
        sa.CheckConstraint(
            "population IN ('individuals', 'couples', 'families')",
            name=op.f("ck_therapist_populations_population"),
        ),
        sa.ForeignKeyConstraint(
            ["therapist_id"],
            ["therapists.id"],
            name=op.f("fk_therapist_populations_therapist_id_therapists"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint(
            "therapist_id", "population", name=op.f("pk_therapist_populations")
        ),
    )
    with op.batch_alter_table("therapist_populations", schema=None) as batch_op:
        batch_op.create_index("ix_therapist_populations_population", ["population"], unique=False)

    op.create_table(
        "therapist_services",
        sa.Column("therapist_id", sa.Integer(), nullable=False),
        sa.Column("session_type", sa.String(length=20), nullable=False),
        sa.Column("duration_minutes", sa.Integer(), nullable=False),
        sa.Column("self_pay_rate_cents", sa.Integer(), nullable=False),
        sa.Column("sliding_scale_min_cents", sa.Integer(), nullable=True),
        sa.CheckConstraint(
            "duration_minutes BETWEEN 15 AND 240", name=op.f("ck_therapist_services_duration_range")
        ),
        sa.CheckConstraint(
            "self_pay_rate_cents > 0", name=op.f("ck_therapist_services_rate_positive")
        ),
        sa.CheckConstraint(
            "sliding_scale_min_cents IS NULL OR (sliding_scale_min_cents > 0 AND sliding_scale_min_cents <= self_pay_rate_cents)",
            name=op.f("ck_therapist_services_sliding_scale_range"),
        ),
        sa.ForeignKeyConstraint(
            ["therapist_id"],
            ["therapists.id"],
            name=op.f("fk_therapist_services_therapist_id_therapists"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("therapist_id", "session_type", name=op.f("pk_therapist_services")),
    )
    op.create_table(
        "therapist_specialties",
        sa.Column("therapist_id", sa.Integer(), nullable=False),
        sa.Column("concern", sa.String(length=40), nullable=False),
        sa.Column("strength", sa.String(length=10), nullable=False),
        sa.CheckConstraint(
            "strength IN ('primary', 'secondary')", name=op.f("ck_therapist_specialties_strength")
        ),
        sa.ForeignKeyConstraint(
            ["therapist_id"],
            ["therapists.id"],
            name=op.f("fk_therapist_specialties_therapist_id_therapists"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("therapist_id", "concern", name=op.f("pk_therapist_specialties")),
    )
    with op.batch_alter_table("therapist_specialties", schema=None) as batch_op:
        batch_op.create_index("ix_therapist_specialties_concern", ["concern"], unique=False)

    op.create_table(
        "time_off",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("therapist_id", sa.Integer(), nullable=False),
        sa.Column("starts_on", sa.Date(), nullable=False),
        sa.Column("ends_on", sa.Date(), nullable=False),
        sa.Column("reason", sa.String(length=120), nullable=True),
        sa.CheckConstraint("starts_on <= ends_on", name=op.f("ck_time_off_date_order")),
        sa.ForeignKeyConstraint(
            ["therapist_id"],
            ["therapists.id"],
            name=op.f("fk_time_off_therapist_id_therapists"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_time_off")),
    )
    with op.batch_alter_table("time_off", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_time_off_therapist_id"), ["therapist_id"], unique=False
        )

    op.create_table(
        "weekly_hours",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("therapist_id", sa.Integer(), nullable=False),
        sa.Column("weekday", sa.Integer(), nullable=False),
        sa.Column("start_minute", sa.Integer(), nullable=False),
        sa.Column("end_minute", sa.Integer(), nullable=False),
        sa.CheckConstraint(
            "start_minute % 15 = 0 AND end_minute % 15 = 0",
            name=op.f("ck_weekly_hours_quarter_hours"),
        ),
        sa.CheckConstraint(
            "start_minute >= 0 AND end_minute <= 1440 AND start_minute < end_minute",
            name=op.f("ck_weekly_hours_window_order"),
        ),
        sa.CheckConstraint("weekday BETWEEN 0 AND 6", name=op.f("ck_weekly_hours_weekday_range")),
        sa.ForeignKeyConstraint(
            ["therapist_id"],
            ["therapists.id"],
            name=op.f("fk_weekly_hours_therapist_id_therapists"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_weekly_hours")),
    )
    with op.batch_alter_table("weekly_hours", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_weekly_hours_therapist_id"), ["therapist_id"], unique=False
        )

    op.create_table(
        "appointment_participants",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("appointment_id", sa.Integer(), nullable=False),
        sa.Column("client_id", sa.Integer(), nullable=False),
        sa.Column("start_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("end_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("status", sa.String(length=20), nullable=False),
        sa.ForeignKeyConstraint(
            ["appointment_id"],
            ["appointments.id"],
            name=op.f("fk_appointment_participants_appointment_id_appointments"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["client_id"],
            ["clients.id"],
            name=op.f("fk_appointment_participants_client_id_clients"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_appointment_participants")),
        sa.UniqueConstraint(
            "appointment_id",
            "client_id",
            name=op.f("uq_appointment_participants_appointment_id_client_id"),
        ),
    )
    with op.batch_alter_table("appointment_participants", schema=None) as batch_op:
        batch_op.create_index(
            "ix_appointment_participants_client_start", ["client_id", "start_at"], unique=False
        )

    op.create_table(
        "panel_participations",
        sa.Column("therapist_id", sa.Integer(), nullable=False),
        sa.Column("plan_code", sa.String(length=60), nullable=False),
        sa.Column("state", sa.String(length=2), nullable=False),
        sa.ForeignKeyConstraint(
            ["plan_code"],
            ["plans.code"],
            name=op.f("fk_panel_participations_plan_code_plans"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["therapist_id"],
            ["therapists.id"],
            name=op.f("fk_panel_participations_therapist_id_therapists"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint(
            "therapist_id", "plan_code", "state", name=op.f("pk_panel_participations")
        ),
    )
    with op.batch_alter_table("panel_participations", schema=None) as batch_op:
        batch_op.create_index(
            "ix_panel_participations_plan_state", ["plan_code", "state"], unique=False
        )


def downgrade() -> None:
    with op.batch_alter_table("panel_participations", schema=None) as batch_op:
        batch_op.drop_index("ix_panel_participations_plan_state")

    op.drop_table("panel_participations")
    with op.batch_alter_table("appointment_participants", schema=None) as batch_op:
        batch_op.drop_index("ix_appointment_participants_client_start")

    op.drop_table("appointment_participants")
    with op.batch_alter_table("weekly_hours", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_weekly_hours_therapist_id"))

    op.drop_table("weekly_hours")
    with op.batch_alter_table("time_off", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_time_off_therapist_id"))

    op.drop_table("time_off")
    with op.batch_alter_table("therapist_specialties", schema=None) as batch_op:
        batch_op.drop_index("ix_therapist_specialties_concern")

    op.drop_table("therapist_specialties")
    op.drop_table("therapist_services")
    with op.batch_alter_table("therapist_populations", schema=None) as batch_op:
        batch_op.drop_index("ix_therapist_populations_population")

    op.drop_table("therapist_populations")
    op.drop_table("therapist_modalities")
    op.drop_table("therapist_languages")
    op.drop_table("therapist_identities")
    with op.batch_alter_table("plans", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_plans_payer_code"))

    op.drop_table("plans")
    with op.batch_alter_table("licences", schema=None) as batch_op:
        batch_op.drop_index("ix_licences_state_status")

    op.drop_table("licences")
    with op.batch_alter_table("appointments", schema=None) as batch_op:
        batch_op.drop_index("ix_appointments_therapist_start")
        batch_op.drop_index("ix_appointments_status_expiry")

    op.drop_table("appointments")
    with op.batch_alter_table("therapists", schema=None) as batch_op:
        batch_op.drop_index("ix_therapists_practice_state")

    op.drop_table("therapists")
    op.drop_table("payers")
    op.drop_table("clients")
