"""Use cases of the therapist directory."""

from __future__ import annotations

from datetime import UTC, datetime

from sqlalchemy.orm import Session

from confide.errors import NotFound
from confide.models import Therapist
from confide.network import queries
from confide.network.schemas import TherapistFilters, TherapistPage, TherapistSummary


def get_therapist(session: Session, therapist_id: int) -> Therapist:
    """One therapist with the whole profile, or NotFound."""
    therapist = queries.therapist_with_profile(session, therapist_id)
    if therapist is None:
        raise NotFound(f"no therapist with id {therapist_id}", therapist_id=therapist_id)
    return therapist


def list_therapists(session: Session, filters: TherapistFilters) -> TherapistPage:
    """A page of therapists matching the filters, ordered by id."""
    now = datetime.now(UTC)
    rows, total = queries.search_therapists(session, filters, now)
    return TherapistPage(
        items=[TherapistSummary.from_model(t, now) for t in rows],
        total=total,
        page=filters.page,
        page_size=filters.page_size,
    )
