"""Browser sessions kept on the server: the cookie holds a random id, the table its digest.

A session ends after a spell of inactivity (30 minutes for clients, 15 for staff), 12 hours
after it began whatever happens, or when its owner signs out or revokes it.
"""

from __future__ import annotations

import secrets
from datetime import datetime, timedelta

from sqlalchemy import select
from sqlalchemy.orm import Session

from confide.accounts.credentials import digest, new_secret
from confide.audit.schemas import Actor
from confide.audit.service import record
from confide.errors import NotFound
from confide.models import BrowserSession, User

IDLE = {"client": timedelta(minutes=30)}
STAFF_IDLE = timedelta(minutes=15)
ABSOLUTE = timedelta(hours=12)
# last_seen_at is written at most this often: a busy page does not write on every request
TOUCH_EVERY = timedelta(minutes=1)


def idle_limit(role: str) -> timedelta:
    return IDLE.get(role, STAFF_IDLE)


def start_session(
    session: Session, user: User, user_agent: str, now: datetime, address: str | None = None
) -> tuple[BrowserSession, str]:
    """A new session (a new id at every sign-in); returns the cookie's value."""
    secret = new_secret()
    browser = BrowserSession(
        id_hash=digest(secret),
        user_id=user.id,
        csrf_token=secrets.token_urlsafe(32),
        user_agent=user_agent[:200],
        created_at=now,
        last_seen_at=now,
    )
    session.add(browser)
    session.flush()
    record(session, Actor(user.id, user.role, address), "sign_in", "session", browser.id, "ok", now)
    return browser, secret


def is_live(browser: BrowserSession, role: str, now: datetime) -> bool:
    return (
        browser.ended_at is None
        and now < browser.created_at + ABSOLUTE
        and now < browser.last_seen_at + idle_limit(role)
    )


def resume(session: Session, secret: str, now: datetime) -> tuple[BrowserSession, User] | None:
    """The live session for a cookie's value, its last activity moved to now; else None."""
    browser = session.scalars(
        select(BrowserSession).where(BrowserSession.id_hash == digest(secret))
    ).one_or_none()
    if browser is None:
        return None
    user = session.get_one(User, browser.user_id)
    if not is_live(browser, user.role, now):
        return None
    if now - browser.last_seen_at >= TOUCH_EVERY:
        browser.last_seen_at = now
        session.flush()
    return browser, user


def live_sessions(session: Session, user: User, now: datetime) -> list[BrowserSession]:
    found = session.scalars(
        select(BrowserSession)
        .where(BrowserSession.user_id == user.id, BrowserSession.ended_at.is_(None))
        .order_by(BrowserSession.id)
    )
    return [b for b in found if is_live(b, user.role, now)]


def end_session(
    session: Session, user: User, session_id: int, now: datetime, address: str | None = None
) -> None:
    """End one of the user's own sessions (signing out, or revoking another device's)."""
    browser = session.get(BrowserSession, session_id)
    if browser is None or browser.user_id != user.id or browser.ended_at is not None:
        raise NotFound(f"you have no session with id {session_id}")
    browser.ended_at = now
    session.flush()
    record(
        session, Actor(user.id, user.role, address), "sign_out", "session", browser.id, "ok", now
    )
