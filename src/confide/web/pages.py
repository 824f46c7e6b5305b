"""The home page and the health check."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse
from sqlalchemy import func, select

from confide.db import SessionDep
from confide.models import Therapist
from confide.web.templating import templates

router = APIRouter()


@router.get("/healthz", tags=["health"])
def healthz(session: SessionDep) -> dict[str, Any]:
    """Liveness with the size of the network."""
    count = session.scalar(select(func.count()).select_from(Therapist)) or 0
    return {"status": "ok", "therapists": count}


@router.get("/", response_class=HTMLResponse, include_in_schema=False)
def home(request: Request, session: SessionDep) -> HTMLResponse:
    """What Confide is, and where to start."""
    count = session.scalar(select(func.count()).select_from(Therapist)) or 0
    return templates.TemplateResponse(request, "home.html", {"therapists": count})
