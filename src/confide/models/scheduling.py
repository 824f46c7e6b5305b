"""Appointments (a hold is an appointment with status held), participants, outside busy times."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import (
    Boolean,
    CheckConstraint,
    ColumnElement,
    ForeignKey,
    Index,
    Integer,
    String,
    Text,
    UniqueConstraint,
    and_,
    false,
    or_,
)
from sqlalchemy.orm import Mapped, mapped_column, relationship

from confide.models.base import Base, utcnow

# FHIR R4 Appointment.status names, plus two of our own for holds: held (a short reservation
# while the person confirms) and expired (a hold that lapsed).
APPOINTMENT_STATUSES = (
    "held",
    "expired",
    "proposed",
    "pending",
    "booked",
    "fulfilled",
    "cancelled",
    "noshow",
    "entered-in-error",
)
# Rows in these statuses occupy the therapist's and participants' time.
BLOCKING_STATUSES = ("held", "booked")
# Who cancelled: the client (or their partner, for a joint session), the therapist, or the
# system (a lapsed hold, an ended partner link, a hold replaced by another).
CANCELLED_BY = ("client", "therapist", "system")
_status_list = ", ".join(f"'{s}'" for s in APPOINTMENT_STATUSES)


class Appointment(Base):
    __tablename__ = "appointments"
    __table_args__ = (
        CheckConstraint(f"status IN ({_status_list})", name="status"),
        CheckConstraint("start_at < end_at AND end_at <= blocked_until", name="time_order"),
        CheckConstraint("status <> 'held' OR hold_expires_at IS NOT NULL", name="hold_expiry"),
        CheckConstraint(
            f"cancelled_by IS NULL OR cancelled_by IN ({', '.join(repr(b) for b in CANCELLED_BY)})",
            name="cancelled_by",
        ),
        Index("ix_appointments_therapist_start", "therapist_id", "start_at"),
        Index("ix_appointments_status_expiry", "status", "hold_expires_at"),
        Index("ix_appointments_updated_at", "updated_at"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    therapist_id: Mapped[int] = mapped_column(ForeignKey("therapists.id", ondelete="CASCADE"))
    session_type: Mapped[str] = mapped_column(String(20))
    status: Mapped[str] = mapped_column(String(20))
    start_at: Mapped[datetime] = mapped_column()
    end_at: Mapped[datetime] = mapped_column()
    # end_at plus the therapist's buffer: the time this appointment keeps the therapist busy.
    blocked_until: Mapped[datetime] = mapped_column()
    hold_expires_at: Mapped[datetime | None] = mapped_column()
    # A first session with a new client counts toward the therapist's weekly new-client limit.
    is_new_client: Mapped[bool] = mapped_column(Boolean, default=False)
    client_state: Mapped[str] = mapped_column(String(2))
    created_by_client_id: Mapped[int] = mapped_column(ForeignKey("clients.id"))
    rescheduled_from_id: Mapped[int | None] = mapped_column(ForeignKey("appointments.id"))
    calendar_sequence: Mapped[int] = mapped_column(Integer, default=0)
    cancel_reason: Mapped[str | None] = mapped_column(String(40))
    # who cancelled, when, and whether it came later than the free-cancellation window
    cancelled_by: Mapped[str | None] = mapped_column(String(16))
    cancelled_at: Mapped[datetime | None] = mapped_column()
    cancelled_late: Mapped[bool] = mapped_column(Boolean, default=False, server_default=false())
    # when the therapist marked it fulfilled or a no-show (who did: the audit trail)
    attendance_marked_at: Mapped[datetime | None] = mapped_column()
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(default=utcnow, onupdate=utcnow)

    participants: Mapped[list[AppointmentParticipant]] = relationship(
        back_populates="appointment",
        cascade="all, delete-orphan",
        order_by="AppointmentParticipant.client_id",
    )

    def set_status(self, status: str, now: datetime) -> None:
        """The appointment's status and its participants' copies, together."""
        self.status = status
        self.updated_at = now
        for participant in self.participants:
            participant.status = status

    def cancel(self, reason: str, now: datetime, *, by: str = "system", late: bool = False) -> None:
        """Cancelled, with a reason and who did it; calendars get the cancellation as a newer
        version."""
        self.set_status("cancelled", now)
        self.cancel_reason = reason
        self.cancelled_by = by
        self.cancelled_at = now
        self.cancelled_late = late
        self.calendar_sequence += 1


def blocking_clause(now: datetime) -> ColumnElement[bool]:
    """Appointments that occupy time: booked, or held and not yet expired."""
    return or_(
        Appointment.status == "booked",
        and_(Appointment.status == "held", Appointment.hold_expires_at > now),
    )


class AppointmentParticipant(Base):
    """A client in an appointment; start, end and status are copied from the appointment so the
    database can refuse one person in two sessions at once."""

    __tablename__ = "appointment_participants"
    __table_args__ = (
        UniqueConstraint("appointment_id", "client_id"),
        Index("ix_appointment_participants_client_start", "client_id", "start_at"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    appointment_id: Mapped[int] = mapped_column(ForeignKey("appointments.id", ondelete="CASCADE"))
    client_id: Mapped[int] = mapped_column(ForeignKey("clients.id", ondelete="CASCADE"))
    start_at: Mapped[datetime] = mapped_column()
    end_at: Mapped[datetime] = mapped_column()
    status: Mapped[str] = mapped_column(String(20))

    appointment: Mapped[Appointment] = relationship(back_populates="participants")


class TherapistSharing(Base):
    """A client's choice to share their intake answers and screening results with one
    therapist they booked with; no row means not shared (the default)."""

    __tablename__ = "therapist_sharing"
    __table_args__ = (UniqueConstraint("client_id", "therapist_id"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    client_id: Mapped[int] = mapped_column(ForeignKey("clients.id", ondelete="CASCADE"))
    therapist_id: Mapped[int] = mapped_column(ForeignKey("therapists.id", ondelete="CASCADE"))
    shared_at: Mapped[datetime] = mapped_column()


class ExternalBusy(Base):
    """A busy time from the therapist's own calendar (an uploaded .ics), expanded to instants."""

    __tablename__ = "external_busy"
    __table_args__ = (
        CheckConstraint("start_at < end_at", name="time_order"),
        Index("ix_external_busy_therapist_start", "therapist_id", "start_at"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    therapist_id: Mapped[int] = mapped_column(ForeignKey("therapists.id", ondelete="CASCADE"))
    source_uid: Mapped[str] = mapped_column(String(255))
    start_at: Mapped[datetime] = mapped_column()
    end_at: Mapped[datetime] = mapped_column()


class IdempotencyRecord(Base):
    """A request sent with an Idempotency-Key, per client: claimed before the work is done, then
    its first answer, replayed to every retry for a day.

    While in progress, `claim_token` names the request at work and `lease_expires_at` says when
    another may take the key over (its process may have died); once done, the answer is kept.
    """

    __tablename__ = "idempotency_records"
    __table_args__ = (
        UniqueConstraint("client_id", "key"),
        CheckConstraint("state IN ('in_progress', 'done')", name="state"),
        CheckConstraint(
            "state <> 'in_progress' OR (claim_token IS NOT NULL AND lease_expires_at IS NOT NULL)",
            name="claim_has_lease",
        ),
        CheckConstraint(
            "state <> 'done' OR (status_code IS NOT NULL AND response_body IS NOT NULL)",
            name="done_has_answer",
        ),
        Index("ix_idempotency_records_created_at", "created_at"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    client_id: Mapped[int] = mapped_column(ForeignKey("clients.id", ondelete="CASCADE"))
    key: Mapped[str] = mapped_column(String(255))
    route: Mapped[str] = mapped_column(String(80))
    request_hash: Mapped[str] = mapped_column(String(64))
    state: Mapped[str] = mapped_column(String(12))
    claim_token: Mapped[str | None] = mapped_column(String(32))
    lease_expires_at: Mapped[datetime | None] = mapped_column()
    status_code: Mapped[int | None] = mapped_column(Integer)
    response_body: Mapped[str | None] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
