"""What each partner writes at a step: private to its author until they share it.

A partner reads their own items (from any space, after leaving too: they keep their data) and
the items the other partner shared in their current space while the gate is open. Anything else
is NotFound, with the same words as an id that does not exist.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import or_, select
from sqlalchemy.orm import Session

from confide import audit
from confide.audit import Actor
from confide.errors import InvalidInput, NotFound
from confide.models import ITEM_KINDS, VISIBILITIES, Client, ProgramItem
from confide.program import service
from confide.program.steps import BY_NUMBER

ITEM = "program_item"
NO_SUCH_ITEM = "there is no such item"


def _check(step: int, kind: str, visibility: str) -> None:
    if step not in BY_NUMBER:
        raise InvalidInput("step", f"{step} is not a step", allowed=list(BY_NUMBER))
    if kind not in ITEM_KINDS:
        raise InvalidInput("kind", f"{kind!r} is not a kind of item", allowed=list(ITEM_KINDS))
    if visibility not in VISIBILITIES:
        raise InvalidInput(
            "visibility", f"{visibility!r} is not allowed", allowed=list(VISIBILITIES)
        )


def write(
    session: Session,
    client: Client,
    *,
    step: int,
    kind: str,
    body: str,
    visibility: str,
    now: datetime,
    actor: Actor,
) -> ProgramItem:
    """Write an item (private by default; shared only while joint steps are open)."""
    _check(step, kind, visibility)
    at = service.seat(session, client, now)
    if visibility == "shared":
        service.require_joint(session, at, now, actor)
    item = ProgramItem(
        space_id=at.space.id,
        author_id=client.id,
        step=step,
        kind=kind,
        visibility=visibility,
        body=body,
        created_at=now,
        updated_at=now,
        shared_at=now if visibility == "shared" else None,
    )
    session.add(item)
    session.flush()
    audit.record(session, actor, "create", ITEM, item.id, "ok", now)
    return item


def _partner_shared(
    session: Session, client: Client, now: datetime, actor: Actor
) -> tuple[int, int] | None:
    """(space id, partner id) whose shared items the client may read now, if any."""
    try:
        at = service.seat(session, client, now)
    except NotFound:
        return None
    if at.partner_id is None or not service.joint_open(session, at, now, actor):
        return None
    return at.space.id, at.partner_id


def visible(session: Session, client: Client, now: datetime, actor: Actor) -> list[ProgramItem]:
    """The client's own items, and the partner's shared ones while joint steps are open."""
    shared = _partner_shared(session, client, now, actor)
    theirs = (
        (ProgramItem.space_id == shared[0])
        & (ProgramItem.author_id == shared[1])
        & (ProgramItem.visibility == "shared")
        if shared is not None
        else None
    )
    mine = ProgramItem.author_id == client.id
    where = mine if theirs is None else or_(mine, theirs)
    found = list(session.scalars(select(ProgramItem).where(where).order_by(ProgramItem.id)))
    for item in found:
        audit.record(session, actor, "read", ITEM, item.id, "ok", now)
    return found


def read(
    session: Session, client: Client, item_id: int, now: datetime, actor: Actor
) -> ProgramItem:
    """One item the client may read (NotFound otherwise, as for an id that does not exist)."""
    item = session.get(ProgramItem, item_id)
    if item is not None and item.author_id != client.id:
        shared = _partner_shared(session, client, now, actor)
        if (
            shared is None
            or item.visibility != "shared"
            or (item.space_id, item.author_id) != shared
        ):
            item = None
    if item is None:
        raise NotFound(NO_SUCH_ITEM)
    audit.record(session, actor, "read", ITEM, item.id, "ok", now)
    return item


def change(
    session: Session,
    client: Client,
    item_id: int,
    *,
    body: str | None,
    visibility: str | None,
    now: datetime,
    actor: Actor,
) -> ProgramItem:
    """Edit one's own item, or share it or make it private again (only the author may)."""
    item = session.get(ProgramItem, item_id)
    if item is None or item.author_id != client.id:
        raise NotFound(NO_SUCH_ITEM)
    if visibility is not None:
        _check(item.step, item.kind, visibility)
        if visibility == "shared" and item.visibility != "shared":
            at = service.seat(session, client, now)
            if at.space.id != item.space_id:
                raise NotFound(NO_SUCH_ITEM)  # an ended space's item stays the author's alone
            service.require_joint(session, at, now, actor)
            item.shared_at = now
        if visibility == "private":
            item.shared_at = None
        item.visibility = visibility
    if body is not None:
        item.body = body
    item.updated_at = now
    session.flush()
    audit.record(session, actor, "update", ITEM, item.id, "ok", now)
    return item
