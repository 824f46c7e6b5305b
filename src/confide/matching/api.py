"""POST /api/v1/matches."""

from __future__ import annotations

from datetime import UTC, datetime

from fastapi import APIRouter, Depends, Request

from confide.accounts.deps import caller_account
from confide.matching.live import LiveMatchingDep
from confide.matching.schemas import MatchIntake, MatchResponse
from confide.web.rate_limits import RATE_LIMITED, RateLimit
from confide.web.unit_of_work import UnitOfWorkDep

router = APIRouter(prefix="/api/v1/matches", tags=["matching"])


@router.post(
    "",
    response_model=MatchResponse,
    responses=RATE_LIMITED,
    dependencies=[Depends(RateLimit("matches", account=caller_account))],
)
async def create_matches(
    request: Request, uow: UnitOfWorkDep, live: LiveMatchingDep, intake: MatchIntake
) -> MatchResponse:
    """Therapists who can see this person soon, each with reasons and a first opening."""
    now = datetime.now(UTC)
    counted = not getattr(request.state, "warm_up", False)  # the app's own first request
    # a read: it may refresh this process's index, but writes nothing
    return await uow.read(lambda session: live.matches(session, intake, now, counted=counted))
