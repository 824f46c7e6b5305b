"""Sending mail: through SMTP when CONFIDE_SMTP_HOST is set, otherwise as .eml files in
CONFIDE_OUTBOX_DIR, so a development server needs no mail server. A plain sender: it raises
when the SMTP server cannot take the message (OSError or smtplib.SMTPException)."""

from __future__ import annotations

import hashlib
import os
import smtplib
import ssl
import uuid
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from email.headerregistry import Address
from email.message import EmailMessage
from email.utils import format_datetime, make_msgid
from pathlib import Path

from confide.config import Settings

SMTP_TIMEOUT_SECONDS = 30


@dataclass(frozen=True)
class Attachment:
    filename: str
    content: bytes
    mime_type: str = "application/octet-stream"


@dataclass(frozen=True)
class SentMail:
    message: EmailMessage
    outbox_file: Path | None  # where it was written, when there is no SMTP server


def build_message(
    sender: str,
    to: Sequence[str],
    subject: str,
    text: str,
    html: str | None = None,
    attachments: Sequence[Attachment] = (),
    message_id: str | None = None,
) -> EmailMessage:
    """A MIME message: text, an HTML alternative if given, then the attachments. A given
    `message_id` (a job's, the same on every try) replaces a fresh one."""
    message = EmailMessage()  # the default policy refuses line breaks in headers
    message["From"] = sender
    message["To"] = ", ".join(to)
    message["Subject"] = subject
    message["Date"] = format_datetime(datetime.now(UTC))
    domain = sender.rpartition("@")[2].rstrip(">").strip() or "localhost"
    message["Message-ID"] = message_id or make_msgid(domain=domain)
    message.set_content(text)
    if html is not None:
        message.add_alternative(html, subtype="html")
    for attachment in attachments:
        maintype, _, subtype = attachment.mime_type.partition("/")
        message.add_attachment(
            attachment.content,
            maintype=maintype,
            subtype=subtype or "octet-stream",
            filename=attachment.filename,
        )
    return message


def send_mail(
    settings: Settings,
    to: str | Sequence[str],
    subject: str,
    text: str,
    html: str | None = None,
    attachments: Sequence[Attachment] = (),
    *,
    message_id: str | None = None,
) -> SentMail:
    """Send one message, or write it to the outbox when no SMTP server is configured.

    With a `message_id` (a job's), the outbox file is named by it, so sending the same message
    again replaces the file rather than adding a second one."""
    recipients = [to] if isinstance(to, str) else list(to)
    for recipient in recipients:
        try:
            Address(addr_spec=recipient)
        except ValueError:
            raise ValueError(f"{recipient!r} is not one plain email address") from None
    message = build_message(
        settings.mail_from, recipients, subject, text, html, attachments, message_id
    )
    if settings.smtp_host is None:
        name = None if message_id is None else _file_name(message_id)
        return SentMail(message, write_to_outbox(message, settings.outbox_dir, name=name))
    with smtplib.SMTP(settings.smtp_host, settings.smtp_port, timeout=SMTP_TIMEOUT_SECONDS) as smtp:
        if settings.smtp_starttls:
            smtp.starttls(context=_tls_context(settings))
        if settings.smtp_user:
            password = settings.smtp_password.get_secret_value() if settings.smtp_password else ""
            smtp.login(settings.smtp_user, password)
        smtp.send_message(message)
    return SentMail(message, None)


def _tls_context(settings: Settings) -> ssl.SSLContext:
    if settings.smtp_ca_file is not None:
        return ssl.create_default_context(cafile=str(settings.smtp_ca_file))
    return ssl.create_default_context()


def _file_name(message_id: str) -> str:
    return f"message-{hashlib.sha256(message_id.encode()).hexdigest()[:32]}.eml"


def write_to_outbox(message: EmailMessage, outbox: Path, *, name: str | None = None) -> Path:
    """Write `message` as an .eml file that appears whole: a new one, or, given a `name`, that
    file (replaced if it is there)."""
    outbox.mkdir(parents=True, exist_ok=True)
    name = name or f"{datetime.now(UTC):%Y%m%dT%H%M%S%fZ}-{uuid.uuid4().hex}.eml"
    path = outbox / name
    partial = outbox / f".{name}.{uuid.uuid4().hex}.partial"
    partial.write_bytes(message.as_bytes())
    os.replace(partial, path)
    return path
