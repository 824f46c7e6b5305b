"""Request and response shapes for slots, holds and appointments."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated

from pydantic import BaseModel, ConfigDict, Field, field_validator
from pydantic_core import PydanticCustomError

from confide.fields import Day, Instant, RecordId
from confide.vocab.fields import SessionTypeCode, TimeZoneName, one_of

CANCEL_REASONS = ("client_request", "schedule_conflict", "other")
CancelReason = Annotated[str, one_of("cancel reason", CANCEL_REASONS)]


class SlotQuery(BaseModel):
    model_config = ConfigDict(extra="forbid")

    session_type: SessionTypeCode = "intake"
    start: Day | None = Field(default=None, description="first local day (default: today)")
    days: int = Field(default=7, ge=1, le=60)
    tz: TimeZoneName = Field(default="UTC", description="IANA zone the slots are shown in")


class SlotRead(BaseModel):
    start: datetime
    end: datetime


class SlotList(BaseModel):
    therapist_id: int
    session_type: str
    duration_minutes: int
    timezone: str
    slots: list[SlotRead]


class HoldCreate(BaseModel):
    model_config = ConfigDict(extra="forbid")

    therapist_id: RecordId
    session_type: SessionTypeCode
    start: Instant = Field(description="a start listed by the slots endpoint, with offset")

    @field_validator("start")
    @classmethod
    def _whole_minute(cls, value: datetime) -> datetime:
        if value.second or value.microsecond:
            raise PydanticCustomError(
                "whole_minute", "start must be a whole minute, as listed by the slots endpoint"
            )
        return value


class AppointmentCreate(BaseModel):
    model_config = ConfigDict(extra="forbid")

    hold_id: RecordId


class Reschedule(BaseModel):
    model_config = ConfigDict(extra="forbid")

    start: Instant

    _whole_minute = field_validator("start")(HoldCreate._whole_minute.__func__)  # type: ignore[attr-defined]


class CancelRequest(BaseModel):
    model_config = ConfigDict(extra="forbid")

    reason: CancelReason = "client_request"


class HoldCreated(BaseModel):
    hold_id: int
    expires_at: datetime
    appointment_id: int
    start: datetime
    end: datetime


class AppointmentRead(BaseModel):
    id: int
    therapist_id: int
    session_type: str
    status: str
    start: datetime
    end: datetime
    hold_expires_at: datetime | None
    participants: list[int]
    rescheduled_from_id: int | None
    calendar_url: str
