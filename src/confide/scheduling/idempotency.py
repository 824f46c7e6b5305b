"""Idempotency-Key on booking POSTs: the same key and body replays the first response."""

from __future__ import annotations

import hashlib
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime

import orjson
from sqlalchemy import select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from confide.errors import Conflict, InvalidInput
from confide.models import IdempotencyRecord

MAX_KEY_LENGTH = 255


@dataclass(frozen=True, slots=True)
class StoredResponse:
    status_code: int
    body: bytes
    replayed: bool = False


def request_hash(route: str, payload: object) -> str:
    return hashlib.sha256(
        route.encode() + b"\0" + orjson.dumps(payload, option=orjson.OPT_SORT_KEYS)
    ).hexdigest()


def check_key(key: str) -> str:
    if not key or len(key) > MAX_KEY_LENGTH or not key.isprintable():
        raise InvalidInput(
            "Idempotency-Key", f"use 1 to {MAX_KEY_LENGTH} printable characters, e.g. a UUID"
        )
    return key


def replay(
    session: Session, client_id: int, key: str, route: str, digest: str
) -> StoredResponse | None:
    """The stored first response for this key, or None; a different body under it is refused."""
    record = session.scalars(
        select(IdempotencyRecord).where(
            IdempotencyRecord.client_id == client_id, IdempotencyRecord.key == key
        )
    ).one_or_none()
    if record is None:
        return None
    if record.route != route or record.request_hash != digest:
        raise InvalidInput(
            "Idempotency-Key",
            "this key was already used with a different request; use a new key for a new request",
        )
    return StoredResponse(record.status_code, record.response_body.encode(), replayed=True)


def remember(
    session: Session,
    client_id: int,
    key: str,
    route: str,
    digest: str,
    status_code: int,
    body: bytes,
    now: datetime,
) -> None:
    """Store the first response; it is the last step of its unit of work, so no savepoint."""
    session.add(
        IdempotencyRecord(
            client_id=client_id,
            key=key,
            route=route,
            request_hash=digest,
            status_code=status_code,
            response_body=body.decode(),
            created_at=now,
        )
    )
    try:
        session.flush()
    except IntegrityError:
        raise Conflict(
            "a request with this Idempotency-Key is already being processed; "
            "retry in a moment to get its response"
        ) from None


def run_once(
    session: Session,
    client_id: int,
    key: str | None,
    route: str,
    payload: object,
    create: Callable[[], bytes],
    now: datetime,
) -> StoredResponse:
    """Run `create` (its JSON body answers 201) once per key: a retry with the same key and body
    gets the first response again, marked replayed. Without a key, `create` just runs."""
    if key is None:
        return StoredResponse(201, create())
    check_key(key)
    digest = request_hash(route, payload)
    stored = replay(session, client_id, key, route, digest)
    if stored is not None:
        return stored
    body = create()
    remember(session, client_id, key, route, digest, 201, body, now)
    return StoredResponse(201, body)
