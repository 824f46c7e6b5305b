"""JSON and CSV routes on the audit trail, for admins.

Authentication belongs to accounts: `audit_router(admin)` takes the dependency that yields the
acting admin as an `Actor`, and the app includes the router once that dependency exists.
"""

from __future__ import annotations

import tempfile
from collections.abc import Callable, Iterator
from datetime import UTC, datetime
from typing import IO, Annotated, Any

from fastapi import APIRouter, Depends, Query
from fastapi.responses import StreamingResponse
from starlette.background import BackgroundTask

from confide.audit import service
from confide.audit.schemas import Actor, AuditFilter, AuditPage, AuditQuery
from confide.errors import Forbidden
from confide.web.unit_of_work import UnitOfWorkDep

SPOOL_BYTES = 8 * 1024 * 1024  # an export larger than this goes to a temporary file


def _now() -> datetime:
    return datetime.now(UTC)


def _chunks(spool: IO[str]) -> Iterator[str]:
    while chunk := spool.read(64 * 1024):
        yield chunk


def audit_router(admin: Callable[..., Any]) -> APIRouter:
    """The routes, guarded by `admin`: a dependency returning the acting admin's Actor."""

    # Dependencies as default values: the annotations are strings (future import), and a
    # string cannot name `admin`, which exists only in this call.
    async def _admin_actor(actor: Actor = Depends(admin)) -> Actor:
        if actor.role != "admin":
            raise Forbidden("only an admin reads the audit trail")
        return actor

    router = APIRouter(prefix="/api/v1/audit", tags=["audit"])

    @router.get("/events", response_model=AuditPage)
    async def list_audit_events(
        query: Annotated[AuditQuery, Query()],
        uow: UnitOfWorkDep,
        actor: Actor = Depends(_admin_actor),
    ) -> AuditPage:
        """A page of the audit trail, newest first (the read is recorded too)."""
        # a write: the read is recorded, and on SQLite recording needs the write lock up front
        return await uow.write(lambda s: service.list_events(s, actor, query, _now()))

    @router.get(
        "/events.csv",
        response_class=StreamingResponse,
        responses={200: {"content": {"text/csv": {}}, "description": "oldest first"}},
    )
    async def export_audit_events(
        filters: Annotated[AuditFilter, Query()],
        uow: UnitOfWorkDep,
        actor: Actor = Depends(_admin_actor),
    ) -> StreamingResponse:
        """The matching events as CSV, oldest first with their hashes (the export is recorded)."""
        # closed by the response's background task once sent, or below on failure
        spool = tempfile.SpooledTemporaryFile(max_size=SPOOL_BYTES, mode="w+", newline="")  # noqa: SIM115
        try:
            await uow.write(lambda s: service.export_csv(s, actor, filters, spool, _now()))
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
