"""Request and response shapes for clients."""

from __future__ import annotations

from datetime import datetime

from pydantic import BaseModel, ConfigDict, EmailStr, Field

from confide.fields import PersonName
from confide.vocab.fields import StateCode, TimeZoneName


class ClientCreate(BaseModel):
    model_config = ConfigDict(extra="forbid")

    name: PersonName
    email: EmailStr | None = None
    state: StateCode = Field(description="the US state where the person will be during sessions")
    timezone: TimeZoneName


class ClientRead(BaseModel):
    id: int
    name: str
    email: str | None
    state: str
    timezone: str
    has_partner: bool


class ClientCreated(ClientRead):
    token: str = Field(description="bearer token; shown once, keep it safe")


class InvitationRead(BaseModel):
    code: str
    expires_at: datetime


class PartnerLink(BaseModel):
    model_config = ConfigDict(extra="forbid")

    code: str = Field(min_length=10, max_length=200)
