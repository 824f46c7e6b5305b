"""Safety records: what a client disclosed privately (partner violence, self-harm risk) and where.

One row per answer given, "no" answers included, so the history shows when and from which
question, and a row's existence says nothing. The flags, the source and the detail are encrypted.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import ForeignKey, Index, Integer
from sqlalchemy.orm import Mapped, mapped_column

from confide.crypto import EncryptedBool, EncryptedText
from confide.models.base import Base


class SafetyRecord(Base):
    __tablename__ = "safety_records"
    __table_args__ = (Index("ix_safety_records_client_recorded", "client_id", "recorded_at"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    client_id: Mapped[int] = mapped_column(ForeignKey("clients.id", ondelete="CASCADE"))
    partner_violence: Mapped[bool] = mapped_column(
        EncryptedBool("safety_records", "partner_violence")
    )
    self_harm_risk: Mapped[bool] = mapped_column(EncryptedBool("safety_records", "self_harm_risk"))
    recorded_at: Mapped[datetime]
    # which answer it came from, e.g. "intake:pv_fear" or "screening:phq9_item9"
    source: Mapped[str] = mapped_column(EncryptedText("safety_records", "source"))
    detail: Mapped[str | None] = mapped_column(EncryptedText("safety_records", "detail"))
