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
from itsdangerous import BadData, URLSafeTimedSerializer
from sqlalchemy.orm import Session

from confide.accounts.deps import SESSION_COOKIE
from confide.accounts.links import LIFETIMES, same_site_path
from confide.errors import Forbidden
from confide.vocab import get_vocabulary
from confide.web.templating import templates

ANONYMOUS_CSRF_COOKIE = "confide_csrf"
REGISTRATION_COOKIE = "confide_registered"
REGISTRATION_SALT = "confide.registered-here"
REGISTRATION_LIFETIME = LIFETIMES["verify"]
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


def _registrations(request: Request) -> URLSafeTimedSerializer:
    key = request.app.state.settings.secret_key
    return URLSafeTimedSerializer(key, salt=REGISTRATION_SALT)


def remember_registration(request: Request, response: Response, email: str) -> None:
    """Which address this browser just registered: its verification link, opened here, signs
    the person in. Set whether or not the address was free, so it tells nobody anything."""
    response.set_cookie(
        REGISTRATION_COOKIE,
        _registrations(request).dumps(email),
        max_age=int(REGISTRATION_LIFETIME.total_seconds()),
        httponly=True,
        samesite="lax",
        secure=_secure(request),
        path="/verify",
    )


def registered_address(request: Request) -> str | None:
    """The address this browser registered within the link's lifetime, if any."""
    value = request.cookies.get(REGISTRATION_COOKIE, "")
    try:
        email = _registrations(request).loads(
            value, max_age=int(REGISTRATION_LIFETIME.total_seconds())
        )
    except BadData:
        return None
    return email if isinstance(email, str) else None


def forget_registration(request: Request, response: Response) -> None:
    response.delete_cookie(
        REGISTRATION_COOKIE, httponly=True, samesite="lax", secure=_secure(request), path="/verify"
    )


def csrf_refusal(request: Request, field: str) -> Response | None:
    """None when the form's double-submit token is right; else the page saying so (403)."""
    try:
        check_anonymous_csrf(request, field)
    except Forbidden as refused:
        return page(
            request, "done.html", {"title": "Please try again", "message": refused.message}, 403
        )
    return None


def known_person(state: str | None, timezone: str | None = None) -> dict[str, str]:
    """What a page knows of the person, for the account form: kept only if it is a real code;
    a state alone brings its first time zone."""
    vocab = get_vocabulary()
    known = {}
    if state in vocab.states:
        known["state"] = state
        known["timezone"] = vocab.states[state].time_zones[0]
    if timezone in {z for s in vocab.states.values() for z in s.time_zones}:
        known["timezone"] = timezone
    return known


# Callables (session, request) -> {"state": ..., "timezone": ...}: what a visitor not signed in
# told the app before (the intake's answers, say); wired in main, since they live above accounts.
KNOWN_PERSON_HOOKS = "known_person_hooks"


def told_before(session: Session, request: Request) -> dict[str, str]:
    """What this browser told the app before, by the hooks, kept only where it is a real code."""
    known: dict[str, str] = {}
    for hook in getattr(request.app.state, KNOWN_PERSON_HOOKS, ()):
        told = hook(session, request)
        known.update(known_person(told.get("state"), told.get("timezone")))
    return known


def local_path(target: str, default: str = "/account") -> str:
    """Where to go after signing in: only a path on this site, never another site."""
    return target if same_site_path(target) else default


def see_other(location: str) -> RedirectResponse:
    return RedirectResponse(location, status_code=303)


def page(request: Request, name: str, context: dict[str, Any], status: int = 200) -> Response:
    """An account page; forms for people not signed in get the double-submit token."""
    csrf = AnonymousCsrf(request)
    response = templates.TemplateResponse(
        request, f"accounts/{name}", {"anonymous_csrf": csrf.token, **context}, status_code=status
    )
    return csrf.keep(request, response)
