"""The therapist network: who the therapists are, where they may practise, what they offer."""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import (
    JSON,
    Boolean,
    CheckConstraint,
    Date,
    Float,
    ForeignKey,
    Index,
    Integer,
    String,
    Text,
    UniqueConstraint,
)
from sqlalchemy.orm import Mapped, mapped_column, relationship

from confide.models.base import Base, utcnow


class Payer(Base):
    __tablename__ = "payers"

    code: Mapped[str] = mapped_column(String(40), primary_key=True)
    name: Mapped[str] = mapped_column(String(120))
    kind: Mapped[str] = mapped_column(String(20))

    plans: Mapped[list[Plan]] = relationship(back_populates="payer", order_by="Plan.code")


class Plan(Base):
    __tablename__ = "plans"

    code: Mapped[str] = mapped_column(String(60), primary_key=True)
    payer_code: Mapped[str] = mapped_column(
        ForeignKey("payers.code", ondelete="CASCADE"), index=True
    )
    name: Mapped[str] = mapped_column(String(160))
    product: Mapped[str] = mapped_column(String(40))
    # None: offered nationally; otherwise the two-letter codes of the states it is sold in.
    states: Mapped[list[str] | None] = mapped_column(JSON)
    # retired by an admin: no new panels, and no longer offered to clients
    retired_at: Mapped[datetime | None]

    payer: Mapped[Payer] = relationship(back_populates="plans")


class ReferenceVersion(Base):
    """A version stamp per kind of reference data each process keeps in memory (plans): a new
    random value with every change, so a process learns whether its copy is current by reading
    one row, and two databases never share a stamp for different contents."""

    __tablename__ = "reference_versions"

    name: Mapped[str] = mapped_column(String(40), primary_key=True)
    version: Mapped[str] = mapped_column(String(32))
    changed_at: Mapped[datetime]


class Therapist(Base):
    __tablename__ = "therapists"
    __table_args__ = (
        CheckConstraint("gender IN ('woman', 'man', 'nonbinary')", name="gender"),
        CheckConstraint("offers_telehealth OR offers_in_person", name="some_setting"),
        CheckConstraint("weekly_new_client_limit >= 0", name="weekly_limit_nonnegative"),
        CheckConstraint("caseload_limit >= 0", name="caseload_nonnegative"),
        CheckConstraint("minimum_notice_hours >= 0", name="notice_nonnegative"),
        CheckConstraint("booking_horizon_days BETWEEN 1 AND 365", name="horizon_range"),
        CheckConstraint("buffer_minutes BETWEEN 0 AND 120", name="buffer_range"),
        Index("ix_therapists_practice_state", "practice_state"),
        Index("ix_therapists_updated_at", "updated_at"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    npi: Mapped[str] = mapped_column(String(10), unique=True)
    first_name: Mapped[str] = mapped_column(String(80))
    last_name: Mapped[str] = mapped_column(String(80))
    pronouns: Mapped[str | None] = mapped_column(String(30))
    gender: Mapped[str] = mapped_column(String(20))
    licence_type: Mapped[str] = mapped_column(String(20))
    credential: Mapped[str] = mapped_column(String(40))
    taxonomy_code: Mapped[str] = mapped_column(String(10))
    bio: Mapped[str] = mapped_column(Text, default="")
    practice_state: Mapped[str] = mapped_column(String(2))
    timezone: Mapped[str] = mapped_column(String(64))
    offers_telehealth: Mapped[bool] = mapped_column(Boolean, default=True)
    offers_in_person: Mapped[bool] = mapped_column(Boolean, default=False)
    office_postal_code: Mapped[str | None] = mapped_column(String(5))
    office_city: Mapped[str | None] = mapped_column(String(80))
    office_latitude: Mapped[float | None] = mapped_column(Float)
    office_longitude: Mapped[float | None] = mapped_column(Float)
    faith: Mapped[str | None] = mapped_column(String(30))
    accepting_new_clients: Mapped[bool] = mapped_column(Boolean, default=True)
    paused_until: Mapped[date | None] = mapped_column(Date)
    weekly_new_client_limit: Mapped[int] = mapped_column(Integer, default=3)
    caseload_limit: Mapped[int] = mapped_column(Integer, default=25)
    minimum_notice_hours: Mapped[int] = mapped_column(Integer, default=24)
    booking_horizon_days: Mapped[int] = mapped_column(Integer, default=30)
    buffer_minutes: Mapped[int] = mapped_column(Integer, default=10)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(default=utcnow, onupdate=utcnow)

    licences: Mapped[list[Licence]] = relationship(
        back_populates="therapist", cascade="all, delete-orphan", order_by="Licence.state"
    )
    specialties: Mapped[list[TherapistSpecialty]] = relationship(cascade="all, delete-orphan")
    modalities: Mapped[list[TherapistModality]] = relationship(cascade="all, delete-orphan")
    languages: Mapped[list[TherapistLanguage]] = relationship(cascade="all, delete-orphan")
    populations: Mapped[list[TherapistPopulation]] = relationship(cascade="all, delete-orphan")
    identities: Mapped[list[TherapistIdentity]] = relationship(cascade="all, delete-orphan")
    services: Mapped[list[TherapistService]] = relationship(cascade="all, delete-orphan")
    panels: Mapped[list[PanelParticipation]] = relationship(cascade="all, delete-orphan")
    weekly_hours: Mapped[list[WeeklyHours]] = relationship(
        cascade="all, delete-orphan", order_by="(WeeklyHours.weekday, WeeklyHours.start_minute)"
    )
    time_off: Mapped[list[TimeOff]] = relationship(
        cascade="all, delete-orphan", order_by="TimeOff.starts_on"
    )

    @property
    def display_name(self) -> str:
        return f"{self.first_name} {self.last_name}, {self.credential}"


class Licence(Base):
    __tablename__ = "licences"
    __table_args__ = (
        UniqueConstraint("therapist_id", "state"),
        CheckConstraint(
            "status IN ('active', 'pending', 'inactive', 'expired', 'revoked')", name="status"
        ),
        Index("ix_licences_state_status", "state", "status"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    therapist_id: Mapped[int] = mapped_column(ForeignKey("therapists.id", ondelete="CASCADE"))
    state: Mapped[str] = mapped_column(String(2))
    number: Mapped[str] = mapped_column(String(30))
    status: Mapped[str] = mapped_column(String(12), default="active")
    verified_at: Mapped[datetime | None] = mapped_column()
    expires_on: Mapped[date | None] = mapped_column(Date)

    therapist: Mapped[Therapist] = relationship(back_populates="licences")


class TherapistSpecialty(Base):
    __tablename__ = "therapist_specialties"
    __table_args__ = (
        CheckConstraint("strength IN ('primary', 'secondary')", name="strength"),
        Index("ix_therapist_specialties_concern", "concern"),
    )

    therapist_id: Mapped[int] = mapped_column(
        ForeignKey("therapists.id", ondelete="CASCADE"), primary_key=True
    )
    concern: Mapped[str] = mapped_column(String(40), primary_key=True)
    strength: Mapped[str] = mapped_column(String(10))


class TherapistModality(Base):
    __tablename__ = "therapist_modalities"

    therapist_id: Mapped[int] = mapped_column(
        ForeignKey("therapists.id", ondelete="CASCADE"), primary_key=True
    )
    modality: Mapped[str] = mapped_column(String(40), primary_key=True)


class TherapistLanguage(Base):
    __tablename__ = "therapist_languages"

    therapist_id: Mapped[int] = mapped_column(
        ForeignKey("therapists.id", ondelete="CASCADE"), primary_key=True
    )
    language: Mapped[str] = mapped_column(String(2), primary_key=True)


class TherapistPopulation(Base):
    __tablename__ = "therapist_populations"
    __table_args__ = (
        CheckConstraint("population IN ('individuals', 'couples', 'families')", name="population"),
        Index("ix_therapist_populations_population", "population"),
    )

    therapist_id: Mapped[int] = mapped_column(
        ForeignKey("therapists.id", ondelete="CASCADE"), primary_key=True
    )
    population: Mapped[str] = mapped_column(String(12), primary_key=True)


class TherapistIdentity(Base):
    """An identity attribute the therapist chose to list (e.g. lgbtq_affirming)."""

    __tablename__ = "therapist_identities"

    therapist_id: Mapped[int] = mapped_column(
        ForeignKey("therapists.id", ondelete="CASCADE"), primary_key=True
    )
    identity: Mapped[str] = mapped_column(String(40), primary_key=True)


class TherapistService(Base):
    """A session type the therapist offers: its length and self-pay rate."""

    __tablename__ = "therapist_services"
    __table_args__ = (
        CheckConstraint("duration_minutes BETWEEN 15 AND 240", name="duration_range"),
        CheckConstraint("self_pay_rate_cents > 0", name="rate_positive"),
        CheckConstraint(
            "sliding_scale_min_cents IS NULL OR "
            "(sliding_scale_min_cents > 0 AND sliding_scale_min_cents <= self_pay_rate_cents)",
            name="sliding_scale_range",
        ),
    )

    therapist_id: Mapped[int] = mapped_column(
        ForeignKey("therapists.id", ondelete="CASCADE"), primary_key=True
    )
    session_type: Mapped[str] = mapped_column(String(20), primary_key=True)
    duration_minutes: Mapped[int] = mapped_column(Integer)
    self_pay_rate_cents: Mapped[int] = mapped_column(Integer)
    sliding_scale_min_cents: Mapped[int | None] = mapped_column(Integer)


class PanelParticipation(Base):
    """In network: the therapist takes this plan for clients located in this state."""

    __tablename__ = "panel_participations"
    __table_args__ = (Index("ix_panel_participations_plan_state", "plan_code", "state"),)

    therapist_id: Mapped[int] = mapped_column(
        ForeignKey("therapists.id", ondelete="CASCADE"), primary_key=True
    )
    plan_code: Mapped[str] = mapped_column(
        ForeignKey("plans.code", ondelete="CASCADE"), primary_key=True
    )
    state: Mapped[str] = mapped_column(String(2), primary_key=True)


class WeeklyHours(Base):
    """A recurring working window in the therapist's local wall time (minutes after midnight)."""

    __tablename__ = "weekly_hours"
    __table_args__ = (
        CheckConstraint("weekday BETWEEN 0 AND 6", name="weekday_range"),
        CheckConstraint(
            "start_minute >= 0 AND end_minute <= 1440 AND start_minute < end_minute",
            name="window_order",
        ),
        CheckConstraint("start_minute % 15 = 0 AND end_minute % 15 = 0", name="quarter_hours"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    therapist_id: Mapped[int] = mapped_column(
        ForeignKey("therapists.id", ondelete="CASCADE"), index=True
    )
    weekday: Mapped[int] = mapped_column(Integer)
    start_minute: Mapped[int] = mapped_column(Integer)
    end_minute: Mapped[int] = mapped_column(Integer)


class TimeOff(Base):
    """Whole local days away, first and last day included."""

    __tablename__ = "time_off"
    __table_args__ = (CheckConstraint("starts_on <= ends_on", name="date_order"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    therapist_id: Mapped[int] = mapped_column(
        ForeignKey("therapists.id", ondelete="CASCADE"), index=True
    )
    starts_on: Mapped[date] = mapped_column(Date)
    ends_on: Mapped[date] = mapped_column(Date)
    reason: Mapped[str | None] = mapped_column(String(120))
