"""The couples trust-repair program: a couple's space, its members, and what each partner writes.

A space is started by one partner and joined by the other (both agree); it ends when either
leaves or the partners are unlinked. Everything a partner writes is encrypted at rest; an item's
`visibility` says whether the other partner may read it (private until its author shares it).
"""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import CheckConstraint, Date, ForeignKey, Index, Integer, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from confide.crypto import EncryptedJSON, EncryptedText
from confide.models.base import Base

SPACE_STATUSES = ("waiting", "active", "ended")
# why a space ended, as the other partner may learn it: only that the program was left
SPACE_END_REASONS = ("left", "unlinked", "declined")
MEMBER_ROLES = ("broke_trust", "hurt", "both")
VISIBILITIES = ("private", "shared")
ITEM_KINDS = (
    "acknowledgement",
    "responsibility",
    "shared_goal",
    "time_together",
    "small_gesture",
    "question",
    "note",
)
APOLOGY_STATUSES = ("draft", "offered", "accepted", "declined", "deferred")
COMMITMENT_STATUSES = ("open", "kept", "missed")
AGREEMENT_STATUSES = ("proposed", "accepted", "declined", "withdrawn", "ended")
TURN_KINDS = ("speak", "reflect", "reply")
STEP_NUMBERS = tuple(range(1, 9))


def _among(column: str, values: tuple[str, ...]) -> str:
    return f"{column} IN ({', '.join(repr(v) for v in values)})"


class ProgramSpace(Base):
    """A couple's program: waiting for the partner, active with both, or ended."""

    __tablename__ = "program_spaces"
    __table_args__ = (
        CheckConstraint(_among("status", SPACE_STATUSES), name="status"),
        CheckConstraint(
            f"end_reason IS NULL OR {_among('end_reason', SPACE_END_REASONS)}", name="end_reason"
        ),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    created_at: Mapped[datetime]
    started_by: Mapped[int] = mapped_column(ForeignKey("clients.id", ondelete="CASCADE"))
    # the partner asked to join (both must agree before anything is shared)
    invited: Mapped[int] = mapped_column(ForeignKey("clients.id", ondelete="CASCADE"))
    status: Mapped[str] = mapped_column(String(16), default="waiting")
    ended_at: Mapped[datetime | None]
    end_reason: Mapped[str | None] = mapped_column(String(16))


class ProgramMember(Base):
    """One partner in a space: from joining until leaving (left_at), with the role they took."""

    __tablename__ = "program_members"
    __table_args__ = (
        UniqueConstraint("space_id", "client_id"),
        CheckConstraint(_among("role", MEMBER_ROLES), name="role"),
        Index("ix_program_members_client", "client_id", "left_at"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    space_id: Mapped[int] = mapped_column(ForeignKey("program_spaces.id", ondelete="CASCADE"))
    client_id: Mapped[int] = mapped_column(ForeignKey("clients.id", ondelete="CASCADE"))
    role: Mapped[str] = mapped_column(String(16))
    joined_at: Mapped[datetime]
    left_at: Mapped[datetime | None]


class ProgramStepProgress(Base):
    """A partner marked one of the eight steps done."""

    __tablename__ = "program_step_progress"
    __table_args__ = (
        UniqueConstraint("space_id", "client_id", "step"),
        CheckConstraint("step BETWEEN 1 AND 8", name="step"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    space_id: Mapped[int] = mapped_column(ForeignKey("program_spaces.id", ondelete="CASCADE"))
    client_id: Mapped[int] = mapped_column(ForeignKey("clients.id", ondelete="CASCADE"))
    step: Mapped[int] = mapped_column(Integer)
    done_at: Mapped[datetime]


class ProgramItem(Base):
    """Something a partner wrote at a step; private to its author until they share it."""

    __tablename__ = "program_items"
    __table_args__ = (
        CheckConstraint(_among("visibility", VISIBILITIES), name="visibility"),
        CheckConstraint(_among("kind", ITEM_KINDS), name="kind"),
        CheckConstraint("step BETWEEN 1 AND 8", name="step"),
        Index("ix_program_items_space", "space_id", "author_id"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    space_id: Mapped[int] = mapped_column(ForeignKey("program_spaces.id", ondelete="CASCADE"))
    author_id: Mapped[int] = mapped_column(ForeignKey("clients.id", ondelete="CASCADE"))
    step: Mapped[int] = mapped_column(Integer)
    kind: Mapped[str] = mapped_column(String(24))
    visibility: Mapped[str] = mapped_column(String(8), default="private")
    body: Mapped[str] = mapped_column(EncryptedText("program_items", "body"))
    created_at: Mapped[datetime]
    updated_at: Mapped[datetime]
    shared_at: Mapped[datetime | None]


class ProgramApology(Base):
    """A four-part apology: draft (private) → offered → accepted | declined | deferred."""

    __tablename__ = "program_apologies"
    __table_args__ = (CheckConstraint(_among("status", APOLOGY_STATUSES), name="status"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    space_id: Mapped[int] = mapped_column(ForeignKey("program_spaces.id", ondelete="CASCADE"))
    author_id: Mapped[int] = mapped_column(ForeignKey("clients.id", ondelete="CASCADE"))
    # the four parts: the harm, the responsibility, the new actions, the signs to watch for
    parts: Mapped[dict[str, str]] = mapped_column(EncryptedJSON("program_apologies", "parts"))
    status: Mapped[str] = mapped_column(String(12), default="draft")
    created_at: Mapped[datetime]
    offered_at: Mapped[datetime | None]
    answered_at: Mapped[datetime | None]


class ProgramCommitment(Base):
    """A promise with a due time, marked kept or missed by the other partner only."""

    __tablename__ = "program_commitments"
    __table_args__ = (
        CheckConstraint(_among("status", COMMITMENT_STATUSES), name="status"),
        Index("ix_program_commitments_space", "space_id", "due_at"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    space_id: Mapped[int] = mapped_column(ForeignKey("program_spaces.id", ondelete="CASCADE"))
    author_id: Mapped[int] = mapped_column(ForeignKey("clients.id", ondelete="CASCADE"))
    promise: Mapped[str] = mapped_column(EncryptedText("program_commitments", "promise"))
    due_at: Mapped[datetime]
    status: Mapped[str] = mapped_column(String(8), default="open")
    created_at: Mapped[datetime]
    marked_by: Mapped[int | None] = mapped_column(ForeignKey("clients.id", ondelete="SET NULL"))
    marked_at: Mapped[datetime | None]


class ProgramAgreement(Base):
    """A needs agreement: proposed by the hurt partner, accepted or declined by the other, with a
    review date; temporary by design (either partner can end it) and renegotiable (a proposal
    may revise an accepted one, which ends when the revision is accepted)."""

    __tablename__ = "program_agreements"
    __table_args__ = (CheckConstraint(_among("status", AGREEMENT_STATUSES), name="status"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    space_id: Mapped[int] = mapped_column(ForeignKey("program_spaces.id", ondelete="CASCADE"))
    proposed_by: Mapped[int] = mapped_column(ForeignKey("clients.id", ondelete="CASCADE"))
    need: Mapped[str] = mapped_column(EncryptedText("program_agreements", "need"))
    review_on: Mapped[date] = mapped_column(Date)
    status: Mapped[str] = mapped_column(String(12), default="proposed")
    revises_id: Mapped[int | None] = mapped_column(
        ForeignKey("program_agreements.id", ondelete="SET NULL")
    )
    created_at: Mapped[datetime]
    answered_at: Mapped[datetime | None]
    ended_at: Mapped[datetime | None]
    ended_by: Mapped[int | None] = mapped_column(ForeignKey("clients.id", ondelete="SET NULL"))


class ProgramTurn(Base):
    """Communication practice in the shared space: a speaker's turn, the listener's reflection
    of it, then the listener's reply (refused until a reflection exists)."""

    __tablename__ = "program_turns"
    __table_args__ = (
        CheckConstraint(_among("kind", TURN_KINDS), name="kind"),
        Index("ix_program_turns_space", "space_id", "created_at"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    space_id: Mapped[int] = mapped_column(ForeignKey("program_spaces.id", ondelete="CASCADE"))
    author_id: Mapped[int] = mapped_column(ForeignKey("clients.id", ondelete="CASCADE"))
    kind: Mapped[str] = mapped_column(String(8))
    # the speaker's turn a reflection or reply answers (None for a speaker's turn)
    answers_id: Mapped[int | None] = mapped_column(
        ForeignKey("program_turns.id", ondelete="CASCADE")
    )
    prompt: Mapped[str | None] = mapped_column(String(80))
    body: Mapped[str] = mapped_column(EncryptedText("program_turns", "body"))
    created_at: Mapped[datetime]
