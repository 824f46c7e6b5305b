"""Licence verification: find licences, mark one verified, set its status.

A licence lists its state only while it is active and was verified within the licence max age
(network/supply_rules.py: licence_listed). Each change stamps the therapist's updated_at, the
signal every process's openings and matching indexes follow, so it takes effect at once.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, time

from sqlalchemy import Select, func, or_, select
from sqlalchemy.orm import Session

from confide import audit
from confide.audit import Actor
from confide.errors import InvalidInput, NotFound
from confide.models import Licence, Therapist
from confide.network.supply_queries import listed_licence
from confide.network.supply_rules import licence_listed, licence_verified_since

STATUSES = ("active", "pending", "inactive", "expired", "revoked")
LICENCE = "licence"  # audit object type
PAGE_SIZE = 50


@dataclass(frozen=True)
class LicenceSearch:
    """Every field given must match. `listed`: "yes" (listed now), "no", "lapsed" (active
    but its verification too old); `verified_before`: last verified before that day (or never)."""

    therapist: str = ""  # a therapist id, or part of a name
    state: str = ""
    number: str = ""
    status: str = ""
    listed: str = ""
    verified_before: date | None = None
    page: int = 1


@dataclass(frozen=True)
class LicenceRow:
    id: int
    therapist_id: int
    therapist_name: str
    state: str
    number: str
    status: str
    verified_at: datetime | None
    expires_on: date | None
    listed: bool
    lapsed: bool  # active, but not verified recently enough to be listed


@dataclass(frozen=True)
class LicencePage:
    rows: list[LicenceRow]
    total: int
    page: int
    pages: int
    max_age_days: int


def _filtered(search: LicenceSearch, now: datetime) -> Select[Licence, Therapist]:
    query = select(Licence, Therapist).join(Therapist, Therapist.id == Licence.therapist_id)
    who = search.therapist.strip()
    if who.isdigit():
        query = query.where(Licence.therapist_id == int(who))
    elif who:
        pattern = f"%{who.lower()}%"
        full = func.lower(Therapist.first_name + " " + Therapist.last_name)
        query = query.where(or_(full.like(pattern), func.lower(Therapist.last_name).like(pattern)))
    if search.state:
        query = query.where(Licence.state == search.state.upper())
    if search.number.strip():
        query = query.where(func.upper(Licence.number).like(f"%{search.number.strip().upper()}%"))
    if search.status:
        query = query.where(Licence.status == search.status)
    if search.listed == "yes":
        query = query.where(listed_licence(now))
    elif search.listed == "no":
        query = query.where(~listed_licence(now))
    elif search.listed == "lapsed":
        query = query.where(
            Licence.status == "active",
            or_(
                Licence.verified_at.is_(None),
                Licence.verified_at < licence_verified_since(now),
            ),
        )
    if search.verified_before is not None:
        cutoff = datetime.combine(search.verified_before, time(0), tzinfo=now.tzinfo)
        query = query.where(or_(Licence.verified_at.is_(None), Licence.verified_at < cutoff))
    return query


def check_search(search: LicenceSearch) -> None:
    if search.status and search.status not in STATUSES:
        raise InvalidInput("status", f"{search.status!r} is not a licence status", list(STATUSES))
    if search.listed and search.listed not in ("yes", "no", "lapsed"):
        raise InvalidInput("listed", "choose yes, no or lapsed", ["yes", "no", "lapsed"])
    if search.state and (len(search.state) != 2 or not search.state.isalpha()):
        raise InvalidInput("state", "a state is its two-letter code, e.g. NY")
    if search.page < 1:
        raise InvalidInput("page", "pages start at 1")


def search_licences(
    session: Session, search: LicenceSearch, actor: Actor, now: datetime, max_age_days: int
) -> LicencePage:
    """A page of licences, oldest verification first (the ones to check next on top)."""
    check_search(search)
    query = _filtered(search, now)
    total = session.scalar(select(func.count()).select_from(query.subquery())) or 0
    rows = session.execute(
        query.order_by(Licence.verified_at.asc().nulls_first(), Licence.id)
        .limit(PAGE_SIZE)
        .offset((search.page - 1) * PAGE_SIZE)
    ).all()
    found = [
        LicenceRow(
            id=licence.id,
            therapist_id=therapist.id,
            therapist_name=therapist.display_name,
            state=licence.state,
            number=licence.number,
            status=licence.status,
            verified_at=licence.verified_at,
            expires_on=licence.expires_on,
            listed=licence_listed(licence.status, licence.verified_at, now),
            lapsed=licence.status == "active"
            and not licence_listed(licence.status, licence.verified_at, now),
        )
        for licence, therapist in rows
    ]
    audit.record(session, actor, "read", LICENCE, None, "ok", now)
    return LicencePage(found, total, search.page, max(1, -(-total // PAGE_SIZE)), max_age_days)


def _licence(session: Session, licence_id: int) -> tuple[Licence, Therapist]:
    licence = session.get(Licence, licence_id, with_for_update=True)
    if licence is None:
        raise NotFound(f"no licence {licence_id}")
    return licence, session.get_one(Therapist, licence.therapist_id)


def mark_verified(session: Session, licence_id: int, actor: Actor, now: datetime) -> Licence:
    """The licence was checked with its board just now."""
    licence, therapist = _licence(session, licence_id)
    licence.verified_at = now
    therapist.updated_at = now  # the indexes re-read this therapist
    session.flush()
    audit.record(session, actor, "update", LICENCE, licence.id, "ok", now)
    return licence


def set_status(
    session: Session, licence_id: int, status: str, actor: Actor, now: datetime
) -> Licence:
    """Set the licence's status, as its board reports it."""
    if status not in STATUSES:
        raise InvalidInput("status", f"{status!r} is not a licence status", list(STATUSES))
    licence, therapist = _licence(session, licence_id)
    licence.status = status
    therapist.updated_at = now
    session.flush()
    audit.record(session, actor, "update", LICENCE, licence.id, "ok", now)
    return licence
