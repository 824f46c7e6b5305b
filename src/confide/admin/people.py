"""Users and roles: the list, and changing a staff member's role (never the last admin's).

Clients and therapists are tied to their records (a client record, a therapist record), so
roles change only between reviewer and admin; a therapist or another admin joins by invitation
(accounts/users.py: invite).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from confide import audit
from confide.audit import Actor
from confide.errors import Conflict, InvalidInput, NotFound
from confide.models import USER_ROLES, User

USER = "user"  # audit object type
CHANGEABLE = ("reviewer", "admin")
PAGE_SIZE = 50


@dataclass(frozen=True)
class UserRow:
    id: int
    email: str
    role: str
    verified: bool
    therapist_id: int | None
    created_at: datetime


@dataclass(frozen=True)
class UserPage:
    rows: list[UserRow]
    total: int
    page: int
    pages: int
    admins: int


def list_users(
    session: Session, role: str, email: str, page: int, actor: Actor, now: datetime
) -> UserPage:
    """A page of accounts, staff first, then by address."""
    if role and role not in USER_ROLES:
        raise InvalidInput("role", f"{role!r} is not a role", list(USER_ROLES))
    if page < 1:
        raise InvalidInput("page", "pages start at 1")
    query = select(User)
    if role:
        query = query.where(User.role == role)
    if email.strip():
        query = query.where(User.email_key.like(f"%{email.strip().lower()}%"))
    total = session.scalar(select(func.count()).select_from(query.subquery())) or 0
    staff_first = (User.role == "client").asc()
    users = session.scalars(
        query.order_by(staff_first, User.email_key).limit(PAGE_SIZE).offset((page - 1) * PAGE_SIZE)
    ).all()
    admins = session.scalar(select(func.count()).where(User.role == "admin")) or 0
    audit.record(session, actor, "read", USER, None, "ok", now)
    rows = [
        UserRow(
            u.id, u.email, u.role, u.email_verified_at is not None, u.therapist_id, u.created_at
        )
        for u in users
    ]
    return UserPage(rows, total, page, max(1, -(-total // PAGE_SIZE)), admins)


def change_role(session: Session, user_id: int, role: str, actor: Actor, now: datetime) -> User:
    """Move a staff member between reviewer and admin; the last admin stays an admin."""
    if role not in CHANGEABLE:
        raise InvalidInput("role", "roles change between reviewer and admin", list(CHANGEABLE))
    # every admin row locked, in one order: two admins demoting each other cannot both pass
    admins = list(
        session.scalars(
            select(User.id).where(User.role == "admin").order_by(User.id).with_for_update()
        )
    )
    user = session.get(User, user_id, with_for_update=True)
    if user is None:
        raise NotFound(f"no user {user_id}")
    if user.role not in CHANGEABLE:
        raise InvalidInput(
            "role",
            f"this is a {user.role} account, tied to its record; invite staff instead",
            list(CHANGEABLE),
        )
    if user.role == role:
        return user
    if user.role == "admin" and admins == [user.id]:
        raise Conflict("this is the last administrator; make someone else an admin first")
    user.role = role
    session.flush()
    audit.record(session, actor, "update", USER, user.id, "ok", now)
    return user
