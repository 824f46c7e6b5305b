"""Screening answers and the safety flags they raise.

A screening response keeps the instrument, its total and positive screen, and the answers as a
FHIR QuestionnaireResponse with the total's Observation, all encrypted: even which instrument
was answered says something (a PHQ-9 follows a positive PHQ-2), so only who and when are in the
clear. A safety flag asks a clinician to look (kind "self_harm_risk" for now); the therapist
portal's queue reads the open ones (acknowledged_at IS NULL) oldest first.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import CheckConstraint, ForeignKey, Index, Integer, String
from sqlalchemy.orm import Mapped, mapped_column

from confide.crypto import EncryptedBool, EncryptedJSON, EncryptedText
from confide.models.base import Base

SAFETY_FLAG_KINDS = ("self_harm_risk",)


class ScreeningResponse(Base):
    __tablename__ = "screening_responses"
    __table_args__ = (Index("ix_screening_responses_client_answered", "client_id", "answered_at"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    client_id: Mapped[int] = mapped_column(ForeignKey("clients.id", ondelete="CASCADE"))
    answered_at: Mapped[datetime]
    instrument: Mapped[str] = mapped_column(EncryptedText("screening_responses", "instrument"))
    total: Mapped[int] = mapped_column(EncryptedJSON("screening_responses", "total"))
    band: Mapped[str] = mapped_column(EncryptedText("screening_responses", "band"))
    positive: Mapped[bool] = mapped_column(EncryptedBool("screening_responses", "positive"))
    flags: Mapped[list[str]] = mapped_column(EncryptedJSON("screening_responses", "flags"))
    questionnaire_response: Mapped[dict[str, Any]] = mapped_column(
        EncryptedJSON("screening_responses", "questionnaire_response")
    )
    observation: Mapped[dict[str, Any]] = mapped_column(
        EncryptedJSON("screening_responses", "observation")
    )


class SafetyFlag(Base):
    __tablename__ = "safety_flags"
    __table_args__ = (
        CheckConstraint("kind IN ('self_harm_risk')", name="kind"),
        Index("ix_safety_flags_client_raised", "client_id", "raised_at"),
        Index("ix_safety_flags_open", "acknowledged_at", "raised_at"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    client_id: Mapped[int] = mapped_column(ForeignKey("clients.id", ondelete="CASCADE"))
    kind: Mapped[str] = mapped_column(String(40))
    raised_at: Mapped[datetime]
    # what raised it, e.g. "screening:phq9_9" or "account:self_harm_now"
    source: Mapped[str] = mapped_column(EncryptedText("safety_flags", "source"))
    acknowledged_at: Mapped[datetime | None]
    acknowledged_by: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    note: Mapped[str | None] = mapped_column(EncryptedText("safety_flags", "note"))
    # not acknowledged in time (CONFIDE_FLAG_ESCALATE_HOURS): shown to reviewers and admins too
    escalated_at: Mapped[datetime | None]
