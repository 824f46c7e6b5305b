"""Mail through a real local SMTP server (aiosmtpd), with and without STARTTLS, and the outbox."""

from __future__ import annotations

import email
import ssl
from collections.abc import Iterator
from email.message import EmailMessage
from email.policy import default as default_policy
from pathlib import Path
from typing import Any

import pytest
import time_machine
import trustme
from aiosmtpd.controller import Controller
from aiosmtpd.smtp import AuthResult, LoginPassword

from confide.config import Settings
from confide.notifications.mail import Attachment, send_mail
from tests.conftest import TEST_ENCRYPTION_KEYS, Inbox
from tests.serving import free_port

ICS = b"BEGIN:VCALENDAR\r\nVERSION:2.0\r\nPRODID:-//Confide//EN\r\nEND:VCALENDAR\r\n"


def settings(**values: Any) -> Settings:
    return Settings(
        environment="test", secret_key="m" * 40, encryption_keys=TEST_ENCRYPTION_KEYS, **values
    )


@pytest.fixture
def certificate_authority() -> trustme.CA:
    return trustme.CA()


@pytest.fixture
def smtp_server_with_tls(certificate_authority: trustme.CA) -> Iterator[Inbox]:
    inbox = Inbox(free_port())
    server_context = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
    certificate_authority.issue_cert("127.0.0.1").configure_cert(server_context)

    def authenticate(
        server: Any, session: Any, envelope: Any, mechanism: str, auth_data: Any
    ) -> AuthResult:
        assert isinstance(auth_data, LoginPassword)
        inbox.logins.append((auth_data.login, auth_data.password))
        return AuthResult(success=auth_data.password == b"relay-password")

    controller = Controller(
        inbox,
        hostname="127.0.0.1",
        port=inbox.port,
        tls_context=server_context,
        require_starttls=True,
        authenticator=authenticate,
        auth_required=True,
    )
    controller.start()
    yield inbox
    controller.stop()


def test_a_message_with_html_and_a_calendar_file_goes_through_smtp(smtp_server: Inbox) -> None:
    config = settings(
        smtp_host="127.0.0.1",
        smtp_port=smtp_server.port,
        smtp_starttls=False,
        mail_from="Confide <bookings@confide.example>",
    )
    sent = send_mail(
        config,
        "sam@example.org",
        "Your session is booked",
        "Your first session is on Thursday.",
        html="<p>Your first session is on <b>Thursday</b>.</p>",
        attachments=[Attachment("confide-7.ics", ICS, "text/calendar")],
    )
    assert sent.outbox_file is None
    assert len(smtp_server.envelopes) == 1
    envelope = smtp_server.envelopes[0]
    assert envelope.mail_from == "bookings@confide.example"
    assert envelope.rcpt_tos == ["sam@example.org"]
    received = smtp_server.message()
    assert received["Subject"] == "Your session is booked"
    assert received["From"] == "Confide <bookings@confide.example>"
    assert received["Message-ID"].endswith("@confide.example>")
    assert received["Date"]
    text = received.get_body(("plain",))
    html = received.get_body(("html",))
    assert text is not None
    assert text.get_content().strip() == "Your first session is on Thursday."
    assert html is not None
    assert "<b>Thursday</b>" in html.get_content()
    [calendar] = list(received.iter_attachments())
    assert calendar.get_filename() == "confide-7.ics"
    assert calendar.get_content_type() == "text/calendar"
    assert calendar.get_payload(decode=True) == ICS


def test_starttls_and_login_when_configured(
    smtp_server_with_tls: Inbox, certificate_authority: trustme.CA, tmp_path: Path
) -> None:
    ca_file = tmp_path / "ca.pem"
    certificate_authority.cert_pem.write_to_path(str(ca_file))
    config = settings(
        smtp_host="127.0.0.1",
        smtp_port=smtp_server_with_tls.port,
        smtp_ca_file=ca_file,
        smtp_user="confide",
        smtp_password="relay-password",
        mail_from="no-reply@confide.example",
    )
    send_mail(config, ["a@example.org", "b@example.org"], "Hello", "Plain text only.")
    assert smtp_server_with_tls.logins == [(b"confide", b"relay-password")]
    assert smtp_server_with_tls.envelopes[0].rcpt_tos == ["a@example.org", "b@example.org"]
    assert smtp_server_with_tls.message()["To"] == "a@example.org, b@example.org"


def test_starttls_refuses_a_server_it_cannot_trust(smtp_server_with_tls: Inbox) -> None:
    config = settings(smtp_host="127.0.0.1", smtp_port=smtp_server_with_tls.port)
    with pytest.raises(ssl.SSLCertVerificationError):
        send_mail(config, "a@example.org", "Hello", "Never sent.")
    assert smtp_server_with_tls.envelopes == []


def test_without_an_smtp_host_each_message_is_an_eml_file(tmp_path: Path) -> None:
    outbox = tmp_path / "outbox"
    config = settings(outbox_dir=outbox)
    with time_machine.travel("2026-12-02T15:00:00Z", tick=False):
        # the same instant, the same words: still two files
        first = send_mail(config, "sam@example.org", "Verify your email", "Open the link.")
        second = send_mail(config, "sam@example.org", "Verify your email", "Open the link.")
    assert first.outbox_file is not None
    assert second.outbox_file is not None
    assert first.outbox_file != second.outbox_file
    assert sorted(p.name for p in outbox.iterdir()) == sorted(
        [first.outbox_file.name, second.outbox_file.name]
    )
    assert all(p.suffix == ".eml" for p in outbox.iterdir())
    parsed = email.message_from_bytes(first.outbox_file.read_bytes(), policy=default_policy)
    assert isinstance(parsed, EmailMessage)
    assert parsed["To"] == "sam@example.org"
    assert parsed["Subject"] == "Verify your email"
    body = parsed.get_body(("plain",))
    assert body is not None
    assert body.get_content().strip() == "Open the link."


def test_the_default_outbox_is_var_outbox() -> None:
    assert Settings().outbox_dir == Path("var") / "outbox"


@pytest.mark.parametrize(
    ("to", "subject", "problem"),
    [
        ("sam@example.org", "Hello\r\nBcc: everyone@example.org", "linefeed"),
        ("sam@example.org\r\nBcc: everyone@example.org", "Hello", "not one plain email"),
        ("sam@example.org, eve@example.org", "Hello", "not one plain email"),
        ("not an address", "Hello", "not one plain email"),
    ],
)
def test_header_injection_and_odd_addresses_are_refused(
    tmp_path: Path, to: str, subject: str, problem: str
) -> None:
    with pytest.raises(ValueError, match=problem):
        send_mail(settings(outbox_dir=tmp_path), to, subject, "text")
    assert list(tmp_path.iterdir()) == []
