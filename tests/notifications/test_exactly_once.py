"""Each notification is sent once across a worker's crash and restart, through a real SMTP
server (aiosmtpd) and through the outbox; two workers on PostgreSQL never send a job twice."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import threading
import time
from collections import Counter
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from sqlalchemy import func, select

from confide.config import Settings
from confide.db import Database
from confide.job_handlers import job_handlers
from confide.models import Job
from confide.notifications import jobs
from confide.notifications.plain_mail import queue_mail
from confide.notifications.worker import Worker
from tests.conftest import TEST_ENCRYPTION_KEYS, Inbox
from tests.notifications.test_jobs import T0, Clock, job_settings

PEOPLE = [f"person-{i}@example.org" for i in range(3)]


class Crash(BaseException):
    """The worker's process dying: nothing after it runs (not an Exception, so no handler)."""


def smtp_settings(database: Database, tmp_path: Path, inbox: Inbox) -> Settings:
    return job_settings(
        database, tmp_path, smtp_host="127.0.0.1", smtp_port=inbox.port, smtp_starttls=False
    )


def queue_three(database: Database) -> list[str]:
    with database.session(write=True) as session:
        return [queue_mail(session, to, "Your link", f"Hello {to}", T0) for to in PEOPLE]


def message_ids(inbox: Inbox) -> Counter[tuple[str, str]]:
    return Counter(
        (inbox.message(i)["To"], inbox.message(i)["Message-ID"])
        for i in range(len(inbox.envelopes))
    )


def statuses(database: Database) -> dict[str, str]:
    with database.session() as session:
        return {j.key: j.status for j in session.scalars(select(Job))}


def test_a_crash_after_delivery_and_before_completion_resends_the_same_message(
    database: Database, tmp_path: Path, smtp_server: Inbox, monkeypatch: pytest.MonkeyPatch
) -> None:
    queue_three(database)
    settings = smtp_settings(database, tmp_path, smtp_server)
    real_complete = jobs.complete
    completed: list[int] = []

    def dies_on_the_second(session, job, now):  # type: ignore[no-untyped-def]
        if len(completed) == 1:
            raise Crash()  # the message went out; the worker dies before "done" commits
        completed.append(job.id)
        return real_complete(session, job, now)

    monkeypatch.setattr(jobs, "complete", dies_on_the_second)
    clock = Clock(T0)
    with pytest.raises(Crash):
        Worker(database, job_handlers(), settings, clock=clock).run_due()
    monkeypatch.setattr(jobs, "complete", real_complete)
    assert len(smtp_server.envelopes) == 2
    # the second was sent but not marked; the third was claimed but never started
    assert sorted(statuses(database).values()) == ["done", "running", "running"]

    # the restarted worker: nothing until the dead worker's lease runs out, then both again
    restarted = Worker(database, job_handlers(), settings, clock=clock)
    assert restarted.drain() == 0
    clock.now = T0 + timedelta(seconds=settings.job_lease_seconds)
    assert restarted.drain() == 2
    clock.now += timedelta(days=1)
    assert restarted.drain() == 0
    assert set(statuses(database).values()) == {"done"}

    seen = message_ids(smtp_server)
    # one message per person, by Message-ID: the copy sent again after the crash is the same
    # message (same Message-ID), which mail systems recognise; nothing else is sent twice
    assert len(seen) == 3
    assert sorted(to for to, _ in seen) == sorted(PEOPLE)
    assert sorted(seen.values()) == [1, 1, 2]
    with database.session() as session:
        assert session.scalar(select(func.count()).where(Job.payload.is_not(None))) == 0


def test_a_crash_before_delivery_sends_each_message_once(
    database: Database, tmp_path: Path, smtp_server: Inbox, monkeypatch: pytest.MonkeyPatch
) -> None:
    queue_three(database)
    settings = smtp_settings(database, tmp_path, smtp_server)
    clock = Clock(T0)
    worker = Worker(database, job_handlers(), settings, clock=clock)
    real_send = worker._send
    sent: list[int] = []

    def dies_before_the_second(job, outgoing):  # type: ignore[no-untyped-def]
        if sent:
            raise Crash()
        sent.append(job.id)
        real_send(job, outgoing)

    monkeypatch.setattr(worker, "_send", dies_before_the_second)
    with pytest.raises(Crash):
        worker.run_due()
    clock.now = T0 + timedelta(seconds=settings.job_lease_seconds)
    Worker(database, job_handlers(), settings, clock=clock).drain()
    clock.now += timedelta(days=1)
    Worker(database, job_handlers(), settings, clock=clock).drain()
    assert len(smtp_server.envelopes) == 3
    assert sorted(message_ids(smtp_server).values()) == [1, 1, 1]


def test_in_the_outbox_a_message_sent_again_is_one_file(
    database: Database, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    queue_three(database)
    settings = job_settings(database, tmp_path)
    real_complete = jobs.complete

    def dies_after_writing(session, job, now):  # type: ignore[no-untyped-def]
        raise Crash()

    monkeypatch.setattr(jobs, "complete", dies_after_writing)
    clock = Clock(T0)
    with pytest.raises(Crash):
        Worker(database, job_handlers(), settings, clock=clock).run_due()
    monkeypatch.setattr(jobs, "complete", real_complete)
    clock.now = T0 + timedelta(seconds=settings.job_lease_seconds)
    Worker(database, job_handlers(), settings, clock=clock).drain()
    assert set(statuses(database).values()) == {"done"}
    assert len(list(settings.outbox_dir.glob("*.eml"))) == 3


def _worker_process(database: Database, inbox: Inbox, tmp_path: Path) -> subprocess.Popen[bytes]:
    env = {
        **os.environ,
        "CONFIDE_DATABASE_URL": database.engine.url.render_as_string(hide_password=False),
        "CONFIDE_ENVIRONMENT": "test",
        "CONFIDE_SECRET_KEY": "w" * 40,
        "CONFIDE_ENCRYPTION_KEYS": TEST_ENCRYPTION_KEYS,
        "CONFIDE_SMTP_HOST": "127.0.0.1",
        "CONFIDE_SMTP_PORT": str(inbox.port),
        "CONFIDE_SMTP_STARTTLS": "false",
        "CONFIDE_OUTBOX_DIR": str(tmp_path / "outbox"),
        "PYTHONPATH": str(Path(__file__).resolve().parents[2] / "src"),
    }
    return subprocess.Popen(
        [sys.executable, "-m", "confide.cli", "worker", "--poll-seconds", "0.1"],
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
    )


def _wait_for(condition, seconds: float = 60) -> None:  # type: ignore[no-untyped-def]
    deadline = time.monotonic() + seconds
    while not condition():
        assert time.monotonic() < deadline, "timed out"
        time.sleep(0.05)


@pytest.mark.slow
def test_confide_worker_sends_once_stops_on_sigterm_and_does_not_resend_after_a_restart(
    database: Database, tmp_path: Path, smtp_server: Inbox
) -> None:
    with database.session(write=True) as session:
        for to in PEOPLE:
            queue_mail(session, to, "Your link", "Hello", datetime.now(UTC))
    process = _worker_process(database, smtp_server, tmp_path)
    try:
        _wait_for(lambda: set(statuses(database).values()) == {"done"})
        process.send_signal(signal.SIGTERM)
        output, _ = process.communicate(timeout=30)
        assert process.returncode == 0, output
        assert b"worker stopped" in output
        # restarted: nothing to send again; a new job is sent
        with database.session(write=True) as session:
            queue_mail(session, "late@example.org", "Later", "Hello", datetime.now(UTC))
        process = _worker_process(database, smtp_server, tmp_path)
        _wait_for(lambda: len(smtp_server.envelopes) == 4)
        time.sleep(0.5)  # a few more polls: nothing more comes
    finally:
        process.send_signal(signal.SIGINT)
        process.communicate(timeout=30)
    assert process.returncode == 0
    assert sorted(e.rcpt_tos[0] for e in smtp_server.envelopes) == sorted(
        [*PEOPLE, "late@example.org"]
    )


@pytest.mark.postgres
def test_two_workers_on_postgresql_never_send_the_same_job_twice(
    postgres_shared: Database, tmp_path: Path, smtp_server: Inbox
) -> None:
    from tests.conftest import truncate

    database = postgres_shared
    truncate(database)
    count = 60
    with database.session(write=True) as session:
        for i in range(count):
            queue_mail(session, f"p{i}@example.org", "Hello", "Body", T0)
    settings = smtp_settings(database, tmp_path, smtp_server)
    start = threading.Barrier(2)
    ran: list[int] = []

    def work() -> None:
        worker = Worker(database, job_handlers(), settings, clock=Clock(T0), batch=3)
        start.wait()
        ran.append(worker.drain())

    threads = [threading.Thread(target=work) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)
    try:
        assert sum(ran) == count
        assert all(n > 0 for n in ran), ran  # both took part
        assert len(smtp_server.envelopes) == count
        assert sorted(message_ids(smtp_server).values()) == [1] * count
        assert set(statuses(database).values()) == {"done"}
    finally:
        truncate(database)
