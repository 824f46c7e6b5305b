"""What the network's admins watch: match answers counted per minute.

Nothing logs a match answer one by one: each process counts its answers per minute in memory
(matching/tally.py) and adds the counts to that minute's row here, so the network health page
can say how soon the answers offered a first session without a write per request.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import CheckConstraint, Integer
from sqlalchemy.orm import Mapped, mapped_column

from confide.models.base import Base


class MatchTally(Base):
    """Match answers given in one UTC minute, by how soon their first opening was."""

    __tablename__ = "match_tallies"
    __table_args__ = (
        CheckConstraint(
            "answers >= offered AND offered >= within_10_business_days "
            "AND within_10_business_days >= within_48_hours AND within_48_hours >= 0",
            name="counts_nested",
        ),
    )

    minute: Mapped[datetime] = mapped_column(primary_key=True)
    # every answer; those with any first opening; those whose first opening was that soon
    answers: Mapped[int] = mapped_column(Integer, default=0)
    offered: Mapped[int] = mapped_column(Integer, default=0)
    within_48_hours: Mapped[int] = mapped_column(Integer, default=0)
    within_10_business_days: Mapped[int] = mapped_column(Integer, default=0)
