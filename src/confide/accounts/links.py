"""Single-use links mailed to people: verify an address, reset a password, join as staff.

Only the SHA-256 of a link's secret is stored; a link works once, until it expires.
"""

from __future__ import annotations

from datetime import datetime, timedelta
from urllib.parse import urlencode

from sqlalchemy import select
from sqlalchemy.orm import Session

from confide.accounts.credentials import digest, new_secret
from confide.errors import InvalidInput
from confide.models import AccountLink

LIFETIMES = {
    "verify": timedelta(hours=24),
    "reset": timedelta(hours=1),
    "invite": timedelta(days=7),
}
PATHS = {"verify": "/verify", "reset": "/reset", "invite": "/join"}


def issue(
    session: Session,
    purpose: str,
    now: datetime,
    *,
    user_id: int | None = None,
    email: str | None = None,
    role: str | None = None,
    therapist_id: int | None = None,
    invited_by_user_id: int | None = None,
) -> str:
    """A new link's secret (shown only in the mail)."""
    secret = new_secret()
    session.add(
        AccountLink(
            purpose=purpose,
            token_hash=digest(secret),
            user_id=user_id,
            email=email,
            role=role,
            therapist_id=therapist_id,
            invited_by_user_id=invited_by_user_id,
            created_at=now,
            expires_at=now + LIFETIMES[purpose],
        )
    )
    session.flush()
    return secret


def same_site_path(target: str) -> bool:
    """Whether `target` is a path on this site (where a link or form may send the person on),
    never another site: no scheme, no host, no `//` or `/\\`, no control characters."""
    return (
        0 < len(target) <= 1000
        and target.startswith("/")
        and not target.startswith(("//", "/\\"))
        and all(c.isprintable() and c != "\\" for c in target)
    )


def url(public_url: str, purpose: str, secret: str, next: str = "") -> str:
    """The link to mail; `next`, a path on this site, is where the person goes on to."""
    query = {"token": secret, **({"next": next} if same_site_path(next) else {})}
    return f"{public_url.rstrip('/')}{PATHS[purpose]}?{urlencode(query)}"


def redeem(session: Session, purpose: str, secret: str, now: datetime) -> AccountLink:
    """The link for `secret`, now used; InvalidInput naming `token` if it cannot be used."""
    link = session.scalars(
        select(AccountLink)
        .where(AccountLink.token_hash == digest(secret), AccountLink.purpose == purpose)
        .with_for_update()
    ).one_or_none()
    if link is None or link.used_at is not None:
        raise InvalidInput("token", "this link is not valid or has already been used")
    if link.expires_at <= now:
        raise InvalidInput("token", "this link has expired; ask for a new one")
    link.used_at = now
    session.flush()
    return link
