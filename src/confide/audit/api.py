"""JSON and CSV routes on the audit trail, for admins.

Authentication belongs to accounts, which sits above this package: `audit_router(who)` takes
the dependency that yields a resolver, which names the caller as an `Actor` inside the request's
one unit of work (so reading who is asking and reading the trail share one transaction).
"""

from __future__ import annotations

import tempfile
from collections.abc import Callable, Iterator
from datetime import UTC, datetime
from typing import IO, Annotated, Any

from fastapi import APIRouter, Depends, Query
from fastapi.responses import StreamingResponse
from sqlalchemy.orm import Session
from starlette.background import BackgroundTask

from confide.audit import service
from confide.audit.schemas import Actor, AuditFilter, AuditPage, AuditQuery
from confide.errors import Forbidden
from confide.web.responses import error_responses
from confide.web.unit_of_work import UnitOfWorkDep

SPOOL_BYTES = 8 * 1024 * 1024  # an export larger than this goes to a temporary file


def _now() -> datetime:
    return datetime.now(UTC)


def _chunks(spool: IO[str]) -> Iterator[str]:
    while chunk := spool.read(64 * 1024):
        yield chunk


Resolver = Callable[[Session], Actor]


def _admin(resolve: Resolver, session: Session) -> Actor:
    actor = resolve(session)
    if actor.role != "admin":
        raise Forbidden("only an admin reads the audit trail")
    return actor


def audit_router(who: Callable[..., Any]) -> APIRouter:
    """The routes, for admins: `who` is a dependency returning a Resolver for the caller."""

    router = APIRouter(prefix="/api/v1/audit", tags=["audit"], responses=error_responses(401, 403))

    @router.get("/events", response_model=AuditPage)
    async def list_audit_events(
        query: Annotated[AuditQuery, Query()],
        uow: UnitOfWorkDep,
        # a default value: the annotations are strings (future import), and a string cannot
        # name `who`, which exists only in this call
        resolve: Resolver = Depends(who),
    ) -> AuditPage:
        """A page of the audit trail, newest first (the read is recorded too)."""
        # a write: the read is recorded, and on SQLite recording needs the write lock up front
        return await uow.write(lambda s: service.list_events(s, _admin(resolve, s), query, _now()))

    @router.get(
        "/events.csv",
        response_class=StreamingResponse,
        responses={200: {"content": {"text/csv": {}}, "description": "oldest first"}},
    )
    async def export_audit_events(
        filters: Annotated[AuditFilter, Query()],
        uow: UnitOfWorkDep,
        resolve: Resolver = Depends(who),
    ) -> StreamingResponse:
        """The matching events as CSV, oldest first with their hashes (the export is recorded)."""
        # closed by the response's background task once sent, or below on failure
        spool = tempfile.SpooledTemporaryFile(max_size=SPOOL_BYTES, mode="w+", newline="")  # noqa: SIM115
        try:
            await uow.write(
                lambda s: service.export_csv(s, _admin(resolve, s), filters, spool, _now())
            )
        except BaseException:
            spool.close()
            raise
        spool.seek(0)
        return StreamingResponse(
            _chunks(spool),
            media_type="text/csv",
            headers={
                "Content-Disposition": 'attachment; filename="audit-events.csv"',
                "Cache-Control": "no-store",
            },
            background=BackgroundTask(spool.close),
        )

    return router
