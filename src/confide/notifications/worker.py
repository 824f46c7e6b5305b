"""Running the job queue: a registry of handlers by kind, and the worker that claims due jobs,
has their handlers say what to send, sends it, and marks the jobs done.

A handler only reads: given a session (a write transaction, so it may put its reads on the
audit trail), a job's payload and the time, it returns the messages to send (or none: a
reminder for a session since cancelled). Sending is the worker's, outside any transaction.

Exactly once, and where it stops being exact. Each step commits on its own:
1. claim: the job is `running` under this worker's lease token (attempts + 1);
2. the handler renders its messages; that transaction commits (its audit rows);
3. the worker sends each message, with a Message-ID derived from the job's key and the
   message's place (the same on every try), and an outbox or SMS file named by it;
4. complete: `done`, only where the lease token is still ours (the "sent" marker).
A crash before 3 leaves nothing sent: the lease runs out and the job is tried again, once.
A crash after 4 leaves the job done: it is never claimed again. A failure in 3 (the server
refused) is a failed try: pending again after the backoff, dead after the last attempt.
The one window no database can close is a crash after the SMTP server accepted a message and
before 4 committed: the retry sends it again. It is then the *same* message (same Message-ID,
same recipient, same content), so mail systems and clients recognise it as a copy, and in the
outbox (and the SMS sink) it replaces its own file, so there it is exactly one. A job sends
one message per recipient (booking notices are one job per person), so a retry never repeats
a message to someone who was already sent one by a job that had completed.
Two workers never run one job at once: a claim is a row lock (PostgreSQL, SKIP LOCKED) or the
write lock (SQLite), and a lease outlives any try (CONFIDE_JOB_LEASE_SECONDS, longer than the
SMTP timeout); a worker whose lease was taken over cannot mark the job done or failed.
"""

from __future__ import annotations

import hashlib
import logging
import threading
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy.orm import Session

from confide.config import Settings
from confide.db import Database
from confide.models.base import utcnow
from confide.notifications import jobs
from confide.notifications.jobs import ClaimedJob
from confide.notifications.mail import Attachment, send_mail
from confide.notifications.sms import FileTextMessages, TextMessages

logger = logging.getLogger("confide.notifications")


@dataclass(frozen=True, slots=True)
class Mail:
    to: str
    subject: str
    text: str
    attachments: tuple[Attachment, ...] = ()


@dataclass(frozen=True, slots=True)
class TextMessage:
    to: str  # a phone number
    text: str


Outgoing = Mail | TextMessage
Handler = Callable[[Session, Mapping[str, Any], datetime], Sequence[Outgoing]]


class Handlers:
    """Which handler runs each kind of job; filled in by the wiring (confide.job_handlers)."""

    def __init__(self) -> None:
        self._by_kind: dict[str, Handler] = {}

    def register(self, kind: str, handler: Handler) -> None:
        if kind in self._by_kind:
            raise ValueError(f"a handler for {kind!r} is registered already")
        self._by_kind[kind] = handler

    def get(self, kind: str) -> Handler | None:
        return self._by_kind.get(kind)

    @property
    def kinds(self) -> list[str]:
        return sorted(self._by_kind)


def message_id(settings: Settings, key: str, place: int) -> str:
    """The Message-ID of a job's `place`-th message: the same on every try of the job."""
    domain = settings.mail_from.rpartition("@")[2].rstrip(">").strip() or "localhost"
    digest = hashlib.sha256(f"{key}\x00{place}".encode()).hexdigest()[:40]
    return f"<job-{digest}@{domain}>"


class Worker:
    """Claims due jobs and runs them; `run` loops until stopped, `run_due` is one pass."""

    def __init__(
        self,
        database: Database,
        handlers: Handlers,
        settings: Settings,
        *,
        clock: Callable[[], datetime] = utcnow,
        texts: TextMessages | None = None,
        batch: int = 10,
    ) -> None:
        self.database = database
        self.handlers = handlers
        self.settings = settings
        self.clock = clock
        self.texts = texts or FileTextMessages(settings.sms_dir)
        self.batch = batch
        self.lease = timedelta(seconds=settings.job_lease_seconds)
        self.backoff_base = timedelta(seconds=settings.job_backoff_seconds)
        self.backoff_cap = timedelta(seconds=settings.job_backoff_max_seconds)

    def run_due(self) -> int:
        """Claim and run one batch of due jobs; returns how many were claimed."""
        claimed = self._claim()
        for job in claimed:
            self.run_claimed(job)
        return len(claimed)

    def drain(self, *, limit: int = 1000) -> int:
        """Run due jobs until none is left (or `limit` claims); returns how many ran."""
        ran = 0
        while ran < limit and (count := self.run_due()):
            ran += count
        return ran

    def run_key(self, key: str) -> bool:
        """Run the job with this key now, if it is due and no one else holds it; True when it
        ran and is done (a failed try is left to the worker, after its backoff)."""
        return all([self.run_claimed(job) for job in self._claim(key=key)] or [False])

    def run(self, stop: threading.Event) -> None:
        """Pass after pass until `stop` is set; idle, wait CONFIDE_WORKER_POLL_SECONDS. A stop
        lets the job at work finish and gives back the jobs claimed but not started."""
        while not stop.is_set():
            try:
                claimed = self._claim()
            except Exception:  # the database away for a moment: look again later
                logger.exception("could not claim jobs")
                claimed = []
            for place, job in enumerate(claimed):
                if stop.is_set():
                    self._release(claimed[place:])
                    break
                try:
                    self.run_claimed(job)
                except Exception:  # its outcome not recorded: the lease runs out, it is retried
                    logger.exception("job %s could not be finished", job.id)
            if not claimed:
                stop.wait(self.settings.worker_poll_seconds)

    def _release(self, unstarted: Sequence[ClaimedJob]) -> None:
        try:
            with self.database.session(write=True) as session:
                for job in unstarted:
                    jobs.release(session, job)
        except Exception:  # their leases run out instead
            logger.exception("could not give back %s claimed jobs", len(unstarted))

    def _claim(self, key: str | None = None) -> list[ClaimedJob]:
        with self.database.session(write=True) as session:
            return jobs.claim(
                session,
                self.clock(),
                lease=self.lease,
                max_attempts=self.settings.job_max_attempts,
                limit=self.batch,
                key=key,
            )

    def run_claimed(self, job: ClaimedJob) -> bool:
        """Render, send, complete (see the module's docstring for why in this order); True
        when the job is done."""
        handler = self.handlers.get(job.kind)
        try:
            if handler is None:
                raise LookupError(f"no handler for jobs of kind {job.kind!r}")
            with self.database.session(write=True) as session:
                outgoing = list(handler(session, job.payload, self.clock()))
            self._send(job, outgoing)
        except Exception as error:
            self._failed(job, error)
            return False
        with self.database.session(write=True) as session:
            if not jobs.complete(session, job, self.clock()):
                logger.warning("job %s finished after its lease was taken over", job.id)
        return True

    def _send(self, job: ClaimedJob, outgoing: Sequence[Outgoing]) -> None:
        for place, item in enumerate(outgoing):
            identity = message_id(self.settings, job.key, place)
            if isinstance(item, Mail):
                send_mail(
                    self.settings,
                    item.to,
                    item.subject,
                    item.text,
                    attachments=item.attachments,
                    message_id=identity,
                )
            else:
                self.texts.send(item.to, item.text, message_id=identity)

    def _failed(self, job: ClaimedJob, error: Exception) -> None:
        reason = f"{type(error).__name__}: {error}"
        with self.database.session(write=True) as session:
            status = jobs.fail(
                session,
                job,
                self.clock(),
                reason,
                max_attempts=self.settings.job_max_attempts,
                base=self.backoff_base,
                cap=self.backoff_cap,
            )
        if status == "dead":
            logger.error(
                "job %s (%s) is dead after %s tries: %s", job.id, job.kind, job.attempts, reason
            )
        else:
            logger.warning("job %s (%s) failed, try %s: %s", job.id, job.kind, job.attempts, reason)
