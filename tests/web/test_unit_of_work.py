"""A request's one unit of work: committed before the handler returns, on one worker thread."""

from __future__ import annotations

import asyncio
import inspect
import threading
from collections.abc import Callable, Iterator
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
import time_machine
from fastapi.dependencies.models import Dependant
from fastapi.routing import APIRoute
from fastapi.testclient import TestClient
from sqlalchemy import event, func, select
from sqlalchemy.orm import Session

from confide.db import Database
from confide.models import Client
from confide.web.unit_of_work import UnitOfWork
from tests.scheduling.factories import make_client, make_therapist

NOW = datetime(2026, 12, 2, 15, 0, tzinfo=UTC)
MONDAY_9_NY = datetime(2026, 12, 7, 14, 0, tzinfo=UTC)


def _add_client(name: str) -> Callable[[Session], int]:
    def work(session: Session) -> int:
        client = Client(name=name, state="NY", timezone="America/New_York")
        session.add(client)
        session.flush()
        return client.id

    return work


def _clients(database: Database) -> list[str]:
    with database.session() as session:
        return list(session.scalars(select(Client.name).order_by(Client.id)))


def test_a_write_is_committed_when_it_returns_and_nothing_is_kept_when_it_fails(
    database: Database,
) -> None:
    async def request() -> None:
        await UnitOfWork(database).write(_add_client("kept"))
        # committed: another session sees it before this request has answered
        assert _clients(database) == ["kept"]

    asyncio.run(request())

    def fails(session: Session) -> None:
        _add_client("lost")(session)
        raise RuntimeError("the service failed after writing")

    with pytest.raises(RuntimeError, match="the service failed"):
        asyncio.run(UnitOfWork(database).write(fails))
    assert _clients(database) == ["kept"]


def test_the_work_and_its_commit_run_on_one_worker_thread(database: Database) -> None:
    threads: dict[str, int] = {}

    def remember_commit(session: Session) -> None:
        threads["commit"] = threading.get_ident()

    def work(session: Session) -> int:
        threads["work"] = threading.get_ident()
        event.listen(session, "after_commit", remember_commit)
        return _add_client("one thread")(session)

    async def request() -> None:
        threads["loop"] = threading.get_ident()
        await UnitOfWork(database).write(work)

    asyncio.run(request())
    assert threads["work"] == threads["commit"] != threads["loop"]


def test_a_request_runs_one_unit_of_work_and_a_read_after_a_failed_write(
    database: Database,
) -> None:
    def count(session: Session) -> int:
        return session.scalar(select(func.count()).select_from(Client)) or 0

    async def twice() -> None:
        uow = UnitOfWork(database)
        await uow.read(count)
        with pytest.raises(RuntimeError, match="one unit of work"):
            await uow.write(_add_client("second"))

    asyncio.run(twice())

    def refused(session: Session) -> None:
        raise ValueError("refused")

    async def after_a_failed_write() -> None:
        uow = UnitOfWork(database)
        with pytest.raises(ValueError, match="refused"):
            await uow.write(refused)
        assert await uow.read(count) == 0  # e.g. looking up other times once the locks are gone
        with pytest.raises(RuntimeError, match="one unit of work"):
            await uow.read(count)

    asyncio.run(after_a_failed_write())
    assert _clients(database) == []


def _runs_on_the_event_loop(call: Any) -> bool:
    return (
        inspect.iscoroutinefunction(call)
        or inspect.isasyncgenfunction(call)
        or (not inspect.isfunction(call) and inspect.iscoroutinefunction(type(call).__call__))
    )


def _dependencies(dependant: Dependant) -> list[Any]:
    found = []
    for child in dependant.dependencies:
        found.append(child.call)
        found.extend(_dependencies(child))
    return found


def _api_routes(routes: list[Any]) -> Iterator[APIRoute]:
    for route in routes:
        if isinstance(route, APIRoute):
            yield route
        # an included router (FastAPI keeps it whole) or a mounted app
        inner = getattr(route, "original_router", None) or getattr(route, "app", None)
        yield from _api_routes(getattr(inner, "routes", []))


def test_every_route_and_dependency_is_async(client: TestClient) -> None:
    """A plain `def` runs on a worker thread of its own; only the unit of work may take one."""
    routes = list(_api_routes(client.app.routes))  # type: ignore[attr-defined]
    assert len(routes) > 20
    sync = [
        f"{route.path} {getattr(call, '__name__', call)}"
        for route in routes
        for call in [route.endpoint, *_dependencies(route.dependant)]
        if not _runs_on_the_event_loop(call)
    ]
    assert sync == []


def test_a_committed_hold_marks_the_openings_stale_and_a_refused_one_does_not(
    client: TestClient, database: Database
) -> None:
    with database.session(write=True) as session:
        therapist_id = make_therapist(session, licensed=("NY",)).id
    openings = client.app.state.openings  # type: ignore[attr-defined]
    with time_machine.travel(NOW, tick=False):
        me = make_client(client)
        night = (MONDAY_9_NY - timedelta(hours=6)).isoformat()
        body = {"therapist_id": therapist_id, "session_type": "intake", "start": night}
        refused = client.post("/api/v1/holds", json=body, headers=me)
        assert refused.status_code == 409
        assert refused.json()["alternatives"]
        assert not openings.stale
        body["start"] = MONDAY_9_NY.isoformat()
        assert client.post("/api/v1/holds", json=body, headers=me).status_code == 201
    assert openings.stale
