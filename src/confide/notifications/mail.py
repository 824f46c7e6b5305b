"""Sending mail: through SMTP when CONFIDE_SMTP_HOST is set, otherwise as .eml files in
CONFIDE_OUTBOX_DIR, so a development server needs no mail server. A plain sender: it raises
when the SMTP server cannot take the message (OSError or smtplib.SMTPException)."""

from __future__ import annotations

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
) -> EmailMessage:
    """A MIME message: text, an HTML alternative if given, then the attachments."""
    message = EmailMessage()  # the default policy refuses line breaks in headers
    message["From"] = sender
    message["To"] = ", ".join(to)
    message["Subject"] = subject
    message["Date"] = format_datetime(datetime.now(UTC))
    domain = sender.rpartition("@")[2].rstrip(">").strip() or "localhost"
    message["Message-ID"] = make_msgid(domain=domain)
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
) -> SentMail:
    """Send one message, or write it to the outbox when no SMTP server is configured."""
    recipients = [to] if isinstance(to, str) else list(to)
    for recipient in recipients:
        try:
            Address(addr_spec=recipient)
        except ValueError:
            raise ValueError(f"{recipient!r} is not one plain email address") from None
    message = build_message(settings.mail_from, recipients, subject, text, html, attachments)
    if settings.smtp_host is None:
        return SentMail(message, write_to_outbox(message, settings.outbox_dir))
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


def write_to_outbox(message: EmailMessage, outbox: Path) -> Path:
    """Write `message` as a new .eml file; the name is unique and the file appears whole."""
    outbox.mkdir(parents=True, exist_ok=True)
    name = f"{datetime.now(UTC):%Y%m%dT%H%M%S%fZ}-{uuid.uuid4().hex}.eml"
    path = outbox / name
    partial = outbox / f".{name}.partial"
    partial.write_bytes(message.as_bytes())
    os.replace(partial, path)
    return path
