"""A message rendered when it is queued (account mail: the link in it exists only then), kept
encrypted in the job until it is sent, then cleared with the job's payload."""

from __future__ import annotations

import secrets
from collections.abc import Mapping, Sequence
from datetime import datetime
from typing import Any

from sqlalchemy.orm import Session

from confide.notifications.jobs import enqueue
from confide.notifications.worker import Handlers, Mail, Outgoing

KIND = "mail"


def queue_mail(session: Session, to: str, subject: str, text: str, now: datetime) -> str:
    """Queue one message in the caller's transaction, to go at once; returns the job's key."""
    key = f"mail:{secrets.token_hex(16)}"
    enqueue(session, KIND, {"to": to, "subject": subject, "text": text}, key=key, run_at=now)
    return key


def render(session: Session, payload: Mapping[str, Any], now: datetime) -> Sequence[Outgoing]:
    return [Mail(str(payload["to"]), str(payload["subject"]), str(payload["text"]))]


def register(handlers: Handlers) -> None:
    handlers.register(KIND, render)
