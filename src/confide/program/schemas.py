"""Request and response shapes for the couples program's JSON API."""

from __future__ import annotations

from datetime import date, datetime
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field

from confide.fields import Day, Instant, RecordId, WrittenText

Role = Literal["broke_trust", "hurt", "both"]
Visibility = Literal["private", "shared"]
ItemKind = Literal[
    "acknowledgement",
    "responsibility",
    "shared_goal",
    "time_together",
    "small_gesture",
    "question",
    "note",
]
Answer = Literal[0, 1]


class _In(BaseModel):
    model_config = ConfigDict(extra="forbid")


class SpaceStart(_In):
    role: Role = Field(description="the role you take: broke_trust, hurt, or both")


class SafetyAnswers(_In):
    """Every partner-violence question answered, 0 (no) or 1 (yes); kept for you alone."""

    answers: dict[str, Answer]


class SupportRead(BaseModel):
    name: str
    contact: str


class SpaceRead(BaseModel):
    """The couple's space as one partner sees it."""

    id: int | None
    status: Literal["none", "invited", "waiting", "active", "ended"]
    my_role: Role | None
    partner_joined: bool
    joint_steps_open: bool
    # why not, in the same words whatever the reason (null while open)
    joint_steps_note: str | None
    # your own answers to the private questions are due (never about your partner's)
    questions_due: bool
    # shown only to the partner who disclosed
    support: list[SupportRead]


class StepRead(BaseModel):
    number: int
    code: str
    title: str
    phase: str
    joint: bool
    exercise: str
    guidance_html: str
    guidance_reviewed: bool
    guidance_approved_by: str | None
    guidance_approved_at: datetime | None
    done_by_me: datetime | None
    done_by_partner: datetime | None


class ItemCreate(_In):
    step: int = Field(ge=1, le=8)
    kind: ItemKind
    text: WrittenText
    visibility: Visibility = "private"


class ItemChange(_In):
    text: WrittenText | None = None
    visibility: Visibility | None = None


class ItemRead(BaseModel):
    id: int
    step: int
    kind: str
    visibility: Visibility
    mine: bool
    text: str
    created_at: datetime
    updated_at: datetime
    shared_at: datetime | None


class ApologyParts(_In):
    harm: WrittenText = Field(description="the harm you caused, in your words")
    responsibility: WrittenText = Field(description="the responsibility you take")
    new_actions: WrittenText = Field(description="what you will do differently")
    signs: WrittenText = Field(description="signs your partner will be able to see")


class ApologyCreate(_In):
    parts: ApologyParts


class ApologyMove(_In):
    status: Literal["offered", "accepted", "declined", "deferred"]


class ApologyRead(BaseModel):
    id: int
    mine: bool
    status: str
    parts: ApologyParts
    created_at: datetime
    offered_at: datetime | None
    answered_at: datetime | None


class CommitmentCreate(_In):
    promise: WrittenText
    due_at: Instant


class CommitmentMark(_In):
    status: Literal["kept", "missed"]


class CommitmentRead(BaseModel):
    id: int
    mine: bool
    promise: str
    due_at: datetime
    status: str
    marked_at: datetime | None


class ConsistencyWeekRead(BaseModel):
    week_of: date
    kept: int
    missed: int
    figure: float | None


class ConsistencyRead(BaseModel):
    """Kept ÷ (kept + missed) over every marked promise, and week by week."""

    whose: Literal["mine", "partner"]
    kept: int
    missed: int
    figure: float | None
    weeks: list[ConsistencyWeekRead]


class CommitmentsRead(BaseModel):
    commitments: list[CommitmentRead]
    consistency: list[ConsistencyRead]


class AgreementCreate(_In):
    need: WrittenText
    review_on: Day
    revises: RecordId | None = None


class AgreementMove(_In):
    status: Literal["accepted", "declined", "withdrawn", "ended"]


class AgreementRead(BaseModel):
    id: int
    mine: bool
    need: str
    review_on: date
    review_due: bool
    status: str
    revises: int | None
    created_at: datetime
    answered_at: datetime | None
    ended_at: datetime | None


class TurnCreate(_In):
    kind: Literal["speak", "reflect", "reply"]
    text: WrittenText
    answers: RecordId | None = Field(
        default=None, description="the speaker's turn a reflect or reply answers"
    )
    prompt: str | None = Field(default=None, max_length=80, pattern=r"^[^\x00-\x1f]*$")


class TurnRead(BaseModel):
    id: int
    mine: bool
    kind: str
    answers: int | None
    prompt: str | None
    text: str
    created_at: datetime
