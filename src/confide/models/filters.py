"""Where-clauses that queries in every capability share."""

from __future__ import annotations

from collections.abc import Collection
from typing import Any

from sqlalchemy import ColumnElement, true
from sqlalchemy.orm import QueryableAttribute


def among(
    column: QueryableAttribute[Any] | ColumnElement[Any], ids: Collection[int] | None
) -> ColumnElement[bool]:
    """`column` is one of `ids`; every row when `ids` is None."""
    if ids is None:
        return true()
    if len(ids) == 1:  # the common case, one therapist: a plain comparison compiles once
        return column == next(iter(ids))
    return column.in_(list(ids))
