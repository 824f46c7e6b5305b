"""Who acts, the words an audit row may hold, and the shapes admins read the trail in."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import datetime
from typing import Literal, Self

from pydantic import AwareDatetime, BaseModel, ConfigDict, Field, model_validator

# the same list as models.audit.ACTOR_ROLES (a test holds them together)
ActorRole = Literal["client", "therapist", "reviewer", "admin", "anonymous", "system"]

# Extend these where a new kind of access appears; a value outside them is refused by record().
ACTIONS = frozenset(
    {"read", "create", "update", "delete", "export", "sign_in", "sign_out", "revoke"}
)
OUTCOMES = frozenset({"ok", "denied", "not_found", "invalid", "conflict"})

# Plain tokens only: nothing a spreadsheet would run as a formula when the log is exported.
OBJECT_TYPE = re.compile(r"^[a-z][a-z_]{0,39}$")
OBJECT_ID = re.compile(r"^[0-9A-Za-z][0-9A-Za-z._:-]{0,63}$")
ADDRESS = re.compile(r"^[0-9A-Za-z:][0-9A-Za-z.:%_-]{0,63}$")


@dataclass(frozen=True, slots=True)
class Actor:
    """Who is acting: a signed-in user (with the role they act in), nobody, or Confide itself."""

    user_id: int | None
    role: str
    address: str | None = None


SYSTEM = Actor(user_id=None, role="system", address=None)


class AuditFilter(BaseModel):
    """Which events: every field given must match; `since` inclusive, `until` exclusive."""

    model_config = ConfigDict(extra="forbid")

    actor_user_id: int | None = Field(default=None, ge=1, le=2**63 - 1)
    actor_role: ActorRole | None = None
    action: str | None = Field(default=None, max_length=32)
    object_type: str | None = Field(default=None, max_length=40)
    object_id: str | None = Field(default=None, max_length=64)
    outcome: str | None = Field(default=None, max_length=20)
    since: AwareDatetime | None = None
    until: AwareDatetime | None = None

    @model_validator(mode="after")
    def _ordered(self) -> Self:
        if self.since is not None and self.until is not None and self.since >= self.until:
            raise ValueError("since must be before until")
        return self


class AuditQuery(AuditFilter):
    page: int = Field(default=1, ge=1, le=100_000)
    per_page: int = Field(default=50, ge=1, le=500)


class AuditEventRead(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    id: int
    occurred_at: datetime
    actor_user_id: int | None
    actor_role: ActorRole
    action: str
    object_type: str
    object_id: str | None
    address: str | None
    outcome: str
    # null while the row is pending: recorded and committed, not yet chained (audit/sealing.py)
    seq: int | None
    prev_hash: str | None
    row_hash: str | None


class AuditPage(BaseModel):
    """One page of events, newest first."""

    items: list[AuditEventRead]
    total: int
    page: int
    per_page: int
