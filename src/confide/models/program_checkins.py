"""Weekly check-ins in the couples program, what each partner shares of them, and the couple's
consent to show them to their therapist.

A check-in's scores are encrypted (only who, which week and when are in the clear); its two
screenings are also kept as screening responses (FHIR-shaped, like the intake's), referenced
here. Consent rows are history: giving adds a row, withdrawing stamps `withdrawn_at`, and a row
is in force while that is NULL.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import Boolean, CheckConstraint, ForeignKey, Index, Integer, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from confide.crypto import EncryptedJSON
from confide.models.base import Base


class ProgramCheckIn(Base):
    """One partner's check-in for one week of the couple space (one a week: a second is
    refused, see program/checkins.py)."""

    __tablename__ = "program_check_ins"
    __table_args__ = (
        UniqueConstraint("space_id", "client_id", "week"),
        CheckConstraint("week >= 1", name="week"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    space_id: Mapped[int] = mapped_column(ForeignKey("program_spaces.id", ondelete="CASCADE"))
    client_id: Mapped[int] = mapped_column(ForeignKey("clients.id", ondelete="CASCADE"))
    week: Mapped[int] = mapped_column(Integer)
    answered_at: Mapped[datetime]
    # checkin_scoring.CheckInScore.as_json(): the five signs and both screenings' answers
    scores: Mapped[dict[str, Any]] = mapped_column(EncryptedJSON("program_check_ins", "scores"))
    mood_screening_id: Mapped[int] = mapped_column(
        ForeignKey("screening_responses.id", ondelete="CASCADE")
    )
    worry_screening_id: Mapped[int] = mapped_column(
        ForeignKey("screening_responses.id", ondelete="CASCADE")
    )


class ProgramCheckInSharing(Base):
    """A partner's choice to show their check-in trends (the five signs) to the other partner;
    off until they turn it on."""

    __tablename__ = "program_check_in_sharing"
    __table_args__ = (UniqueConstraint("space_id", "client_id"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    space_id: Mapped[int] = mapped_column(ForeignKey("program_spaces.id", ondelete="CASCADE"))
    client_id: Mapped[int] = mapped_column(ForeignKey("clients.id", ondelete="CASCADE"))
    with_partner: Mapped[bool] = mapped_column(Boolean, default=False)
    changed_at: Mapped[datetime]


class ProgramTherapistConsent(Base):
    """One partner's consent for the couple's therapist to see their check-in trends and the
    items both chose to share; in force from given_at until withdrawn_at."""

    __tablename__ = "program_therapist_consents"
    __table_args__ = (
        Index("ix_program_therapist_consents_space", "space_id", "client_id", "withdrawn_at"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    space_id: Mapped[int] = mapped_column(ForeignKey("program_spaces.id", ondelete="CASCADE"))
    client_id: Mapped[int] = mapped_column(ForeignKey("clients.id", ondelete="CASCADE"))
    therapist_id: Mapped[int] = mapped_column(ForeignKey("therapists.id", ondelete="CASCADE"))
    given_at: Mapped[datetime]
    withdrawn_at: Mapped[datetime | None]
