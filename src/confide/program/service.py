"""The couple's space: starting, joining, leaving; what each partner may see of it."""

from __future__ import annotations

from sqlalchemy.orm import Session

from confide.models import ProgramSpace
from confide.program import queries


def current_space(session: Session, client_id: int) -> ProgramSpace | None:
    """The space the client is in now (waiting for the partner, or active), if any."""
    return queries.current_space(session, client_id)
