"""What every account form shares: the session cookie, CSRF tokens, and safe redirects.

A signed-in form carries its session's own CSRF token (checked by principal.identify). A form
for someone not signed in yet (/register, /signin, /reset) uses a signed double submit: a random
value in a cookie, and in the form an HMAC of it under the secret key; a cross-site page can
neither read the cookie nor forge the HMAC.
"""

from __future__ import annotations

import hashlib
import hmac
import secrets
from typing import Any

from fastapi import Request, Response
from fastapi.responses import RedirectResponse

from confide.accounts.deps import SESSION_COOKIE
from confide.errors import Forbidden
from confide.web.templating import templates

ANONYMOUS_CSRF_COOKIE = "confide_csrf"
CSRF_REFUSED = "this form has expired or did not come from Confide; please try again"


def _secure(request: Request) -> bool:
    return bool(request.app.state.settings.behind_tls_proxy) or request.url.scheme == "https"


def secure_cookie(request: Request) -> bool:
    """Whether a cookie set on this request must be Secure (for other capabilities' cookies)."""
    return _secure(request)


def set_session_cookie(request: Request, response: Response, value: str) -> None:
    # no max-age: the server decides when a session ends (accounts/sessions.py)
    response.set_cookie(
        SESSION_COOKIE, value, httponly=True, samesite="lax", secure=_secure(request), path="/"
    )


def clear_session_cookie(request: Request, response: Response) -> None:
    response.delete_cookie(
        SESSION_COOKIE, httponly=True, samesite="lax", secure=_secure(request), path="/"
    )


def _signature(request: Request, value: str) -> str:
    key = request.app.state.settings.secret_key.encode()
    return hmac.new(key, b"confide.csrf:" + value.encode(), hashlib.sha256).hexdigest()


class AnonymousCsrf:
    """The double-submit value for this browser: kept from its cookie, or new."""

    def __init__(self, request: Request) -> None:
        found = request.cookies.get(ANONYMOUS_CSRF_COOKIE, "")
        self.fresh = len(found) < 20
        self.value = secrets.token_urlsafe(32) if self.fresh else found
        self.token = _signature(request, self.value)

    def keep(self, request: Request, response: Response) -> Response:
        if self.fresh:
            response.set_cookie(
                ANONYMOUS_CSRF_COOKIE,
                self.value,
                httponly=True,
                samesite="lax",
                secure=_secure(request),
                path="/",
            )
        return response


def check_anonymous_csrf(request: Request, field: str) -> None:
    """Forbidden unless `field` is the HMAC of this browser's CSRF cookie."""
    value = request.cookies.get(ANONYMOUS_CSRF_COOKIE, "")
    if not value or not hmac.compare_digest(field.encode(), _signature(request, value).encode()):
        raise Forbidden(CSRF_REFUSED)


def csrf_refusal(request: Request, field: str) -> Response | None:
    """None when the form's double-submit token is right; else the page saying so (403)."""
    try:
        check_anonymous_csrf(request, field)
    except Forbidden as refused:
        return page(
            request, "done.html", {"title": "Please try again", "message": refused.message}, 403
        )
    return None


def local_path(target: str, default: str = "/account") -> str:
    """Where to go after signing in: only a path on this site, never another site."""
    if target.startswith("/") and not target.startswith(("//", "/\\")) and "\n" not in target:
        return target
    return default


def see_other(location: str) -> RedirectResponse:
    return RedirectResponse(location, status_code=303)


def page(request: Request, name: str, context: dict[str, Any], status: int = 200) -> Response:
    """An account page; forms for people not signed in get the double-submit token."""
    csrf = AnonymousCsrf(request)
    response = templates.TemplateResponse(
        request, f"accounts/{name}", {"anonymous_csrf": csrf.token, **context}, status_code=status
    )
    return csrf.keep(request, response)
