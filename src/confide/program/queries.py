"""Typed reads of program rows that services share."""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import Session

from confide.models import Client, ProgramMember, ProgramSpace


def open_space(session: Session, client_id: int) -> ProgramSpace | None:
    """The space the client is a member of and that has not been marked ended (it may still
    have to be: see `linked`)."""
    return session.scalar(
        select(ProgramSpace)
        .join(ProgramMember, ProgramMember.space_id == ProgramSpace.id)
        .where(
            ProgramMember.client_id == client_id,
            ProgramMember.left_at.is_(None),
            ProgramSpace.status != "ended",
        )
        .order_by(ProgramSpace.id.desc())
        .limit(1)
    )


def members(session: Session, space_id: int) -> list[ProgramMember]:
    """The space's members, in the order they joined."""
    return list(
        session.scalars(
            select(ProgramMember)
            .where(ProgramMember.space_id == space_id)
            .order_by(ProgramMember.joined_at, ProgramMember.id)
        )
    )


def linked(session: Session, space: ProgramSpace) -> bool:
    """Whether the two partners of the space are still linked (unlinking ends the program)."""
    starter = session.get(Client, space.started_by)
    return starter is not None and starter.partner_id == space.invited


def current_space(session: Session, client_id: int) -> ProgramSpace | None:
    """The space the client is in now (waiting for the partner or active), if any: not ended,
    not left, and the partners still linked."""
    space = open_space(session, client_id)
    return space if space is not None and linked(session, space) else None
