"""Security headers on every response, and no caching of anything that may carry health data.

Referrer-Policy is `same-origin`: no URL of ours (a /book link names the therapist and the kind
of session) and not even our origin leaves for another site, including the quick-exit link,
which would otherwise tell the destination the visitor came from a therapy service. It is
`same-origin` rather than `no-referrer` because under `no-referrer` browsers send
`Origin: null` on our own form posts, which would blind an Origin check against cross-site
forms; our own pages already know their URLs, so nothing leaks by sending them to ourselves.
"""

from __future__ import annotations

from starlette.datastructures import MutableHeaders
from starlette.types import ASGIApp, Message, Receive, Scope, Send

CONTENT_SECURITY_POLICY = "; ".join(
    [
        "default-src 'self'",
        "script-src 'self'",
        "style-src 'self'",
        "img-src 'self' data:",
        "form-action 'self'",
        "base-uri 'none'",
        "object-src 'none'",
        "frame-ancestors 'none'",
    ]
)
PERMISSIONS_POLICY = ", ".join(
    f"{feature}=()"
    for feature in (
        "accelerometer",
        "camera",
        "geolocation",
        "gyroscope",
        "magnetometer",
        "microphone",
        "payment",
        "usb",
    )
)
STRICT_TRANSPORT_SECURITY = "max-age=63072000; includeSubDomains"
NO_STORE = "no-store"

# Where answers carry health data or a credential: never cached, whatever the handler set, errors
# included. This table is how a route declares itself sensitive: add its path (or a parent path).
SENSITIVE_PATHS: tuple[str, ...] = (
    "/api/v1/appointments",
    "/api/v1/holds",
    "/api/v1/clients",
    "/api/v1/matches",
    "/api/v1/auth",
    "/api/v1/screenings",
    "/api/v1/intake",
    "/api/v1/program",
    "/fhir/Appointment",
    "/book",
    "/account",
    "/register",
    "/signin",
    "/signout",
    "/verify",
    "/reset",
    "/join",
    "/start",
)
SENSITIVE_SUFFIXES: tuple[str, ...] = (".ics",)
# Files that are the same for everyone; StaticFiles gives them validators for caching.
PUBLIC_PREFIXES: tuple[str, ...] = ("/static/", "/docs/assets/")

_BASELINE: tuple[tuple[str, str], ...] = (
    ("Content-Security-Policy", CONTENT_SECURITY_POLICY),
    ("X-Content-Type-Options", "nosniff"),
    ("Referrer-Policy", "same-origin"),
    ("Permissions-Policy", PERMISSIONS_POLICY),
    ("Cross-Origin-Opener-Policy", "same-origin"),
    ("X-Frame-Options", "DENY"),
)


def is_sensitive(path: str) -> bool:
    return path.endswith(SENSITIVE_SUFFIXES) or any(
        path == prefix or path.startswith(prefix + "/") for prefix in SENSITIVE_PATHS
    )


def apply_security_headers(
    scope: Scope, headers: MutableHeaders, *, behind_tls_proxy: bool
) -> None:
    """Add the headers every answer carries; `no-store` unless the path is a public file."""
    for name, value in _BASELINE:
        headers.setdefault(name, value)
    if behind_tls_proxy or scope.get("scheme") == "https":
        headers.setdefault("Strict-Transport-Security", STRICT_TRANSPORT_SECURITY)
    path: str = scope.get("path", "")
    if is_sensitive(path):
        headers["Cache-Control"] = NO_STORE
    elif not path.startswith(PUBLIC_PREFIXES):
        # private by default: a route that may be cached says so with its own Cache-Control
        headers.setdefault("Cache-Control", NO_STORE)


class SecurityHeaders:
    """ASGI middleware: apply_security_headers on every HTTP response start."""

    def __init__(self, app: ASGIApp, *, behind_tls_proxy: bool = False) -> None:
        self.app = app
        self.behind_tls_proxy = behind_tls_proxy

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return

        async def send_with_headers(message: Message) -> None:
            if message["type"] == "http.response.start":
                apply_security_headers(
                    scope, MutableHeaders(scope=message), behind_tls_proxy=self.behind_tls_proxy
                )
            await send(message)

        await self.app(scope, receive, send_with_headers)
