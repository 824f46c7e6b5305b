"""The home page and the health check."""

from __future__ import annotations

from typing import Literal

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse
from pydantic import BaseModel
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from confide.models import Therapist
from confide.web.templating import templates
from confide.web.unit_of_work import UnitOfWorkDep

router = APIRouter()


class Health(BaseModel):
    status: Literal["ok"]
    therapists: int


def _therapist_count(session: Session) -> int:
    return session.scalar(select(func.count()).select_from(Therapist)) or 0


@router.get("/healthz", tags=["health"], response_model=Health)
async def healthz(uow: UnitOfWorkDep) -> Health:
    """Liveness with the size of the network."""
    return Health(status="ok", therapists=await uow.read(_therapist_count))


@router.get("/", response_class=HTMLResponse, include_in_schema=False)
async def home(request: Request, uow: UnitOfWorkDep) -> HTMLResponse:
    """What Confide is, and where to start."""
    count = await uow.read(_therapist_count)
    return templates.TemplateResponse(request, "home.html", {"therapists": count})
