"""JSON routes of the therapist directory."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Annotated

from fastapi import APIRouter, Path, Query

from confide.fields import RecordId
from confide.network import service
from confide.network.schemas import TherapistFilters, TherapistPage, TherapistRead
from confide.web.responses import error_responses
from confide.web.unit_of_work import UnitOfWorkDep

router = APIRouter(prefix="/api/v1/therapists", tags=["therapists"])


@router.get("", response_model=TherapistPage)
async def list_therapists(
    uow: UnitOfWorkDep, filters: Annotated[TherapistFilters, Query()]
) -> TherapistPage:
    """Therapists filtered by licence state, insurance, concern, population and availability."""
    return await uow.read(lambda session: service.list_therapists(session, filters))


@router.get("/{therapist_id}", response_model=TherapistRead, responses=error_responses(404))
async def get_therapist(
    uow: UnitOfWorkDep, therapist_id: Annotated[RecordId, Path()]
) -> TherapistRead:
    """One therapist's full profile, each licence with whether it lists its state now."""
    now = datetime.now(UTC)
    return await uow.read(
        lambda session: TherapistRead.from_model(service.get_therapist(session, therapist_id), now)
    )
