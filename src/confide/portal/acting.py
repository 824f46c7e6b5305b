"""Whom a portal change is made for and by: the therapist record and the trail's name."""

from __future__ import annotations

from dataclasses import dataclass

from confide.audit import Actor


@dataclass(frozen=True, slots=True)
class Acting:
    """The therapist record the caller acts for, the trail's name for them, and their page's
    CSRF token."""

    therapist_id: int
    actor: Actor
    csrf_token: str
