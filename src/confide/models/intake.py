"""Intake drafts: a person's answers while they find a therapist, before and after sign-up.

The browser holds a random key in a cookie; the table keeps only its digest. The answers (health
data: concerns, screening, safety) are one encrypted JSON document; a draft ends at `expires_at`.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import ForeignKey, Integer, String
from sqlalchemy.orm import Mapped, mapped_column

from confide.crypto import EncryptedJSON
from confide.models.base import Base


class IntakeDraft(Base):
    __tablename__ = "intake_drafts"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    key_hash: Mapped[str] = mapped_column(String(64), unique=True)
    user_id: Mapped[int | None] = mapped_column(
        ForeignKey("users.id", ondelete="CASCADE"), index=True
    )
    answers: Mapped[dict[str, Any]] = mapped_column(EncryptedJSON("intake_drafts", "answers"))
    created_at: Mapped[datetime]
    updated_at: Mapped[datetime]
    expires_at: Mapped[datetime] = mapped_column(index=True)
