"""Account mail goes through the job queue: queued in the transaction that made its link (so it
exists exactly when the link does), then tried at once after the response by this process, as
the person is waiting for it. If that try fails, or this process stops first, `confide worker`
sends it, with backoff; the job's lease keeps the two from sending it at the same time."""

from __future__ import annotations

import logging
from datetime import datetime

from fastapi import BackgroundTasks, Request
from sqlalchemy.orm import Session

from confide.accounts.messages import Outgoing
from confide.config import Settings
from confide.notifications.plain_mail import queue_mail
from confide.notifications.worker import Worker

logger = logging.getLogger("confide.accounts")


def queue(session: Session, outgoing: Outgoing | None, now: datetime) -> str | None:
    """Queue the message in the caller's transaction; returns its job key (None: no message)."""
    if outgoing is None:
        return None
    return queue_mail(session, outgoing.to, outgoing.subject, outgoing.text, now)


def deliver(worker: Worker, key: str | None) -> bool:
    """Send the queued message now; False when it could not go yet (the worker will retry)."""
    if key is None:
        return True
    try:
        return worker.run_key(key)
    except Exception:  # the database away for a moment: the worker finds the job later
        logger.exception("account mail (job %s) could not be sent now", key)
        return False


def send_later(request: Request, background: BackgroundTasks, key: str | None) -> None:
    """After the response: try the queued message at once."""
    if key is not None:
        background.add_task(deliver, request.app.state.jobs, key)


def public_url(request: Request) -> str:
    """Where links in mail point: the configured public address, else the address the server
    listens on. Never the request's Host header, which whoever asks for a reset link chooses."""
    settings: Settings = request.app.state.settings
    return settings.public_url or f"http://{settings.host}:{settings.port}"
