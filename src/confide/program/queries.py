"""Typed reads of program rows that services share."""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import Session

from confide.models import ProgramMember, ProgramSpace


def current_space(session: Session, client_id: int) -> ProgramSpace | None:
    """The space the client is in now (waiting for the partner or active), if any."""
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
