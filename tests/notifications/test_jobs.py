"""The job queue on SQLite and PostgreSQL: idempotent enqueue in the caller's transaction,
leases that run out, retries with exponential backoff (clock frozen), dead after max attempts."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import select, text
from sqlalchemy.orm import Session

from confide.config import Settings
from confide.db import Database
from confide.models import Job
from confide.notifications import jobs
from confide.notifications.jobs import backoff, enqueue
from confide.notifications.sms import FileTextMessages
from confide.notifications.worker import Handlers, Mail, Outgoing, TextMessage, Worker
from tests.conftest import settings_for

T0 = datetime(2026, 12, 2, 0, 5, tzinfo=UTC)  # five past midnight UTC


class Clock:
    def __init__(self, now: datetime) -> None:
        self.now = now

    def __call__(self) -> datetime:
        return self.now


def job_settings(database: Database, tmp_path: Path, **overrides: Any) -> Settings:
    return settings_for(str(database.engine.url)).model_copy(
        update={
            "outbox_dir": tmp_path / "outbox",
            "sms_dir": tmp_path / "sms",
            "job_backoff_seconds": 30.0,
            "job_backoff_max_seconds": 3600.0,
            "job_max_attempts": 4,
            "job_lease_seconds": 120.0,
            **overrides,
        }
    )


def job(database: Database, key: str) -> Job:
    with database.session() as session:
        return session.scalars(select(Job).where(Job.key == key)).one()


def test_enqueuing_a_key_twice_is_a_no_op_and_a_rollback_queues_nothing(
    database: Database,
) -> None:
    with database.session(write=True) as session:
        enqueue(session, "mail", {"to": "a@example.org"}, key="k-1", run_at=T0)
        enqueue(session, "mail", {"to": "b@example.org"}, key="k-1", run_at=T0 + timedelta(1))
    with database.session(write=True) as session:
        enqueue(session, "mail", {"to": "c@example.org"}, key="k-1", run_at=T0)

    def fails_after_queueing() -> None:
        with database.session(write=True) as session:
            enqueue(session, "mail", {"to": "d@example.org"}, key="k-2", run_at=T0)
            raise RuntimeError("the caller's transaction fails")

    with pytest.raises(RuntimeError):
        fails_after_queueing()
    with database.session() as session:
        rows = session.scalars(select(Job)).all()
        assert [(j.key, j.payload, j.run_at, j.status) for j in rows] == [
            ("k-1", {"to": "a@example.org"}, T0, "pending")
        ]
        # the payload is encrypted at rest: a link in it is not readable in the table
        raw = session.execute(text("SELECT payload FROM jobs")).scalar_one()
        assert "a@example.org" not in raw


def test_backoff_doubles_up_to_the_cap() -> None:
    base, cap = timedelta(seconds=30), timedelta(minutes=5)
    waits = [backoff(n, base=base, cap=cap).total_seconds() for n in range(1, 7)]
    assert waits == [30, 60, 120, 240, 300, 300]


def _failing(calls: list[datetime]) -> Handlers:
    def render(session: Session, payload: Mapping[str, Any], now: datetime) -> Sequence[Outgoing]:
        calls.append(now)
        raise OSError("the mail server refused")

    handlers = Handlers()
    handlers.register("flaky", render)
    return handlers


def test_a_failing_job_is_retried_with_backoff_then_dead(
    database: Database, tmp_path: Path
) -> None:
    clock, calls = Clock(T0), []
    worker = Worker(database, _failing(calls), job_settings(database, tmp_path), clock=clock)
    with database.session(write=True) as session:
        enqueue(session, "flaky", {}, key="flaky-1", run_at=T0)
    expected_waits = [30, 60, 120]  # after tries 1, 2, 3; try 4 is the last
    for attempt, wait in enumerate(expected_waits, start=1):
        assert worker.run_due() == 1
        found = job(database, "flaky-1")
        assert (found.status, found.attempts) == ("pending", attempt)
        assert found.run_at == clock.now + timedelta(seconds=wait)
        assert "refused" in (found.last_error or "")
        # not a second before it is due
        clock.now = found.run_at - timedelta(seconds=1)
        assert worker.run_due() == 0
        clock.now = found.run_at
    assert worker.run_due() == 1
    dead = job(database, "flaky-1")
    assert (dead.status, dead.attempts, dead.finished_at) == ("dead", 4, clock.now)
    clock.now += timedelta(days=30)
    assert worker.run_due() == 0  # dead stays dead
    assert calls == [
        T0,
        T0 + timedelta(seconds=30),
        T0 + timedelta(seconds=90),
        T0 + timedelta(seconds=210),
    ]


def test_a_lease_that_runs_out_lets_another_worker_take_the_job(
    database: Database, tmp_path: Path
) -> None:
    settings = job_settings(database, tmp_path)
    with database.session(write=True) as session:
        enqueue(
            session,
            "mail",
            {"to": "a@example.org", "subject": "s", "text": "t"},
            key="m",
            run_at=T0,
        )
    # a worker claims the job and dies before running it
    with database.session(write=True) as session:
        [claimed] = jobs.claim(session, T0, lease=timedelta(seconds=120), max_attempts=4)
    assert job(database, "m").status == "running"
    handlers = Handlers()
    sent: list[str] = []
    handlers.register("mail", lambda s, p, now: sent.append(str(p["to"])) or [])
    clock = Clock(T0 + timedelta(seconds=119))
    other = Worker(database, handlers, settings, clock=clock)
    assert other.run_due() == 0  # still the first worker's
    clock.now = T0 + timedelta(seconds=120)
    assert other.run_due() == 1
    assert sent == ["a@example.org"]
    done = job(database, "m")
    assert (done.status, done.attempts, done.payload) == ("done", 2, None)
    # the first worker, back from the dead, can no longer mark it anything
    with database.session(write=True) as session:
        assert jobs.complete(session, claimed, clock.now) is False
        assert (
            jobs.fail(
                session,
                claimed,
                clock.now,
                "late",
                max_attempts=4,
                base=timedelta(seconds=1),
                cap=timedelta(seconds=1),
            )
            is None
        )
    assert job(database, "m").status == "done"


def test_a_job_whose_workers_keep_dying_ends_dead(database: Database, tmp_path: Path) -> None:
    with database.session(write=True) as session:
        enqueue(session, "mail", {}, key="crashy", run_at=T0)
    now = T0
    for _ in range(4):
        with database.session(write=True) as session:
            assert len(jobs.claim(session, now, lease=timedelta(seconds=60), max_attempts=4)) == 1
        now += timedelta(seconds=60)
    with database.session(write=True) as session:
        assert jobs.claim(session, now, lease=timedelta(seconds=60), max_attempts=4) == []
    assert job(database, "crashy").status == "dead"


def test_an_unknown_kind_fails_and_is_retried(database: Database, tmp_path: Path) -> None:
    worker = Worker(database, Handlers(), job_settings(database, tmp_path), clock=Clock(T0))
    with database.session(write=True) as session:
        enqueue(session, "nobody-handles-this", {}, key="u", run_at=T0)
    assert worker.run_due() == 1
    found = job(database, "u")
    assert found.status == "pending"
    assert "no handler" in (found.last_error or "")


def test_text_messages_go_to_files_once_per_message(database: Database, tmp_path: Path) -> None:
    handlers = Handlers()
    handlers.register(
        "reminder-sms",
        lambda s, p, now: [TextMessage("+12125550123", "Reminder: appointment tomorrow at 9:00")],
    )
    settings = job_settings(database, tmp_path)
    with database.session(write=True) as session:
        enqueue(session, "reminder-sms", {}, key="sms-1", run_at=T0)
    Worker(database, handlers, settings, clock=Clock(T0)).drain()
    files = list((tmp_path / "sms").glob("*.txt"))
    assert len(files) == 1
    assert files[0].read_text() == "To: +12125550123\n\nReminder: appointment tomorrow at 9:00\n"
    # the sink writes the same message id to the same file
    FileTextMessages(tmp_path / "sms").send("+12125550123", "again", message_id="x")
    FileTextMessages(tmp_path / "sms").send("+12125550123", "again", message_id="x")
    assert len(list((tmp_path / "sms").glob("*.txt"))) == 2


def test_a_job_can_send_mail_and_text(database: Database, tmp_path: Path) -> None:
    handlers = Handlers()
    handlers.register(
        "both",
        lambda s, p, now: [Mail("a@example.org", "Hello", "Body"), TextMessage("+1", "Hi")],
    )
    with database.session(write=True) as session:
        enqueue(session, "both", {}, key="both-1", run_at=T0)
    Worker(database, handlers, job_settings(database, tmp_path), clock=Clock(T0)).drain()
    assert len(list((tmp_path / "outbox").glob("*.eml"))) == 1
    assert len(list((tmp_path / "sms").glob("*.txt"))) == 1
    assert job(database, "both-1").status == "done"


def test_a_stopping_worker_finishes_the_job_at_work_and_gives_back_the_rest(
    database: Database, tmp_path: Path
) -> None:
    import threading

    stop = threading.Event()
    ran: list[str] = []

    def render(session: Session, payload: Mapping[str, Any], now: datetime) -> Sequence[Outgoing]:
        ran.append(str(payload["n"]))
        stop.set()  # SIGTERM arrives while the first job is at work
        return []

    handlers = Handlers()
    handlers.register("slow", render)
    with database.session(write=True) as session:
        for n in range(3):
            enqueue(session, "slow", {"n": n}, key=f"slow-{n}", run_at=T0)
    Worker(database, handlers, job_settings(database, tmp_path), clock=Clock(T0)).run(stop)
    assert ran == ["0"]
    assert [(j.status, j.attempts) for j in (job(database, f"slow-{n}") for n in range(3))] == [
        ("done", 1),
        ("pending", 0),
        ("pending", 0),
    ]
