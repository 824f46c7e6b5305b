"""Account mail leaves after the response: how long a request takes says nothing about whether
a message was sent, and a slow mail server does not hold a transaction open."""

from __future__ import annotations

import logging

from fastapi import BackgroundTasks, Request

from confide.accounts.messages import Outgoing
from confide.config import Settings
from confide.notifications.mail import send_mail

logger = logging.getLogger("confide.accounts")


def _send(settings: Settings, outgoing: Outgoing) -> None:
    try:
        send_mail(settings, outgoing.to, outgoing.subject, outgoing.text)
    except Exception:  # the person can ask again; the failure must be seen by operators
        logger.exception("account mail %r could not be sent", outgoing.subject)


def send_later(request: Request, background: BackgroundTasks, outgoing: Outgoing | None) -> None:
    if outgoing is not None:
        background.add_task(_send, request.app.state.settings, outgoing)


def public_url(request: Request) -> str:
    """Where links in mail point: the configured public address, else the address the server
    listens on. Never the request's Host header, which whoever asks for a reset link chooses."""
    settings: Settings = request.app.state.settings
    return settings.public_url or f"http://{settings.host}:{settings.port}"
