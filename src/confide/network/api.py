"""JSON routes of the therapist directory."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Path, Query

from confide.db import SessionDep
from confide.network import service
from confide.network.schemas import TherapistFilters, TherapistPage, TherapistRead

router = APIRouter(prefix="/api/v1/therapists", tags=["therapists"])


@router.get("", response_model=TherapistPage)
def list_therapists(
    session: SessionDep, filters: Annotated[TherapistFilters, Query()]
) -> TherapistPage:
    """Therapists filtered by licence state, insurance, concern, population and availability."""
    return service.list_therapists(session, filters)


@router.get("/{therapist_id}", response_model=TherapistRead)
def get_therapist(
    session: SessionDep, therapist_id: Annotated[int, Path(ge=1, le=2_147_483_647)]
) -> TherapistRead:
    """One therapist's full profile."""
    return TherapistRead.from_model(service.get_therapist(session, therapist_id))
