"""Request and response shapes for accounts and clients."""

from __future__ import annotations

from datetime import datetime
from typing import Literal

from pydantic import BaseModel, ConfigDict, EmailStr, Field

from confide.fields import PersonName
from confide.vocab.fields import StateCode, TimeZoneName

# What an API token may do; a browser session may do all of it.
SCOPES: dict[str, str] = {
    "booking": "hold, book, move and cancel sessions, and read your appointments",
    "profile": "read your client record and link with a partner",
}
Scope = Literal["booking", "profile"]
StaffRole = Literal["therapist", "reviewer", "admin"]
# Parsed leniently, so that accounts/passwords.py names what is wrong in our own words; the
# schema states the rule itself (12 to 128 characters), which is what a client must send.
Password = Field(
    min_length=1,
    max_length=1024,
    description="12 to 128 characters, not your email address",
    json_schema_extra={"minLength": 12, "maxLength": 128},
)


def _every_scope() -> list[Scope]:
    return ["booking", "profile"]


class ClientCreate(BaseModel):
    """A client record; with `email`, trusted code can give it a verified account."""

    model_config = ConfigDict(extra="forbid")

    name: PersonName
    email: EmailStr | None = None
    state: StateCode = Field(description="the US state where the person will be during sessions")
    timezone: TimeZoneName


class Registration(BaseModel):
    model_config = ConfigDict(extra="forbid")

    email: EmailStr
    password: str = Password
    name: PersonName
    state: StateCode = Field(description="the US state where the person will be during sessions")
    timezone: TimeZoneName


class Accepted(BaseModel):
    detail: str


class EmailToken(BaseModel):
    model_config = ConfigDict(extra="forbid")

    token: str = Field(min_length=10, max_length=200)


class ResetRequest(BaseModel):
    model_config = ConfigDict(extra="forbid")

    email: EmailStr


class ResetConfirm(BaseModel):
    model_config = ConfigDict(extra="forbid")

    token: str = Field(min_length=10, max_length=200)
    password: str = Password


class TokenCreate(BaseModel):
    model_config = ConfigDict(extra="forbid")

    email: EmailStr
    password: str = Password
    scopes: list[Scope] = Field(default_factory=_every_scope, min_length=1)
    expires_in_days: int = Field(default=30, ge=1, le=365)


class TokenRead(BaseModel):
    id: int
    scopes: list[Scope]
    created_at: datetime
    expires_at: datetime


class TokenCreated(BaseModel):
    id: int
    token: str = Field(description="bearer token; shown once, keep it safe")
    expires_at: datetime
    scopes: list[Scope]


class TokenList(BaseModel):
    tokens: list[TokenRead]


class StaffInvitation(BaseModel):
    model_config = ConfigDict(extra="forbid")

    email: EmailStr
    role: StaffRole
    therapist_id: int | None = Field(
        default=None, ge=1, le=2_147_483_647, description="the therapist record (therapists only)"
    )


class ClientRead(BaseModel):
    id: int
    name: str
    email: str | None
    state: str
    timezone: str
    has_partner: bool


class InvitationRead(BaseModel):
    code: str
    expires_at: datetime


class PartnerLink(BaseModel):
    model_config = ConfigDict(extra="forbid")

    code: str = Field(min_length=10, max_length=200)
