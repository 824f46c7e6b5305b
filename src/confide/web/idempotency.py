"""Idempotency-Key on booking POSTs: one answer per key, however many processes are asked.

A request with a key first claims it: a row (client, key, fingerprint of the request) inserted
and committed in a short transaction of its own, before any work. Whoever inserted it does the
work and, in the work's own transaction, stores the answer and marks the key done; a twin that
finds the key in progress waits for that answer instead of running the work a second time. A
claim carries a lease: if its process dies, another request takes the key over once the lease
has run out. Keys are kept for a day.

Each function here is one step inside a unit of work; the web layer runs the steps.
"""

from __future__ import annotations

import hashlib
import secrets
from dataclasses import dataclass
from datetime import datetime, timedelta

import orjson
from sqlalchemy import delete, select, text, update
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.orm import Session

from confide.errors import Conflict, InvalidInput
from confide.models import IdempotencyRecord

MAX_KEY_LENGTH = 255
# check_key's rule for the OpenAPI schema: a header value is Latin-1, and of Latin-1 these are
# the characters str.isprintable() refuses (controls, the no-break space, the soft hyphen)
KEY_PATTERN = rf"^[^\u0000-\u001f\u007f-\u00a0\u00ad]{{1,{MAX_KEY_LENGTH}}}$"
KEY_LIFETIME = timedelta(hours=24)


class IdempotencyInProgress(Conflict):
    """Another request with this key is at work; its answer will be this request's answer."""

    code = "idempotency_in_progress"
    retry_after = 1

    def __init__(self) -> None:
        super().__init__(
            "a request with this Idempotency-Key is still being processed; "
            "retry in a moment to get its answer"
        )


@dataclass(frozen=True, slots=True)
class StoredResponse:
    status_code: int
    body: bytes
    replayed: bool = False


@dataclass(frozen=True, slots=True)
class Claim:
    """This request holds the key: it does the work and records the answer."""

    record_id: int
    token: str


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


def new_token() -> str:
    """What names one request's claim; the request keeps it across its tries."""
    return secrets.token_hex(16)


def claim(
    session: Session,
    client_id: int,
    key: str,
    route: str,
    digest: str,
    now: datetime,
    lease: timedelta,
    token: str,
) -> Claim | StoredResponse | None:
    """Claim the key for this request (a Claim), or find it answered (the stored response), or
    in progress elsewhere (None). The same key with a different request is refused."""
    # keys live a day; the client's expired ones go first, so an old key can be used again
    session.execute(
        delete(IdempotencyRecord).where(
            IdempotencyRecord.client_id == client_id,
            IdempotencyRecord.created_at <= now - KEY_LIFETIME,
        )
    )
    inserted = _insert_claim(session, client_id, key, route, digest, token, now, lease)
    if inserted is not None:
        return Claim(inserted, token)
    record = session.execute(
        select(
            IdempotencyRecord.id,
            IdempotencyRecord.route,
            IdempotencyRecord.request_hash,
            IdempotencyRecord.state,
            IdempotencyRecord.claim_token,
            IdempotencyRecord.lease_expires_at,
            IdempotencyRecord.status_code,
            IdempotencyRecord.response_body,
        ).where(IdempotencyRecord.client_id == client_id, IdempotencyRecord.key == key)
    ).one_or_none()
    if record is None:  # released between our insert and our look: ask again
        return None
    if record.route != route or record.request_hash != digest:
        raise InvalidInput(
            "Idempotency-Key",
            "this key was already used with a different request; use a new key for a new request",
        )
    if record.state == "in_progress" and record.claim_token == token:
        # ours already: an earlier try committed the claim, and then its connection broke
        return Claim(record.id, token)
    if record.state == "done":
        assert record.status_code is not None
        assert record.response_body is not None
        return StoredResponse(record.status_code, record.response_body.encode(), replayed=True)
    # a lapsed lease: the request that claimed it is gone (its process died) or far too slow
    lapsed = record.lease_expires_at is not None and record.lease_expires_at <= now
    if lapsed and _take_over(session, record.id, record.claim_token, token, now + lease):
        return Claim(record.id, token)
    return None


def _insert_claim(
    session: Session,
    client_id: int,
    key: str,
    route: str,
    digest: str,
    token: str,
    now: datetime,
    lease: timedelta,
) -> int | None:
    """The new record's id, or None when the client already holds this key."""
    on_postgresql = session.get_bind().dialect.name == "postgresql"
    if on_postgresql:
        # The claim need not wait for the disk: the work's own commit flushes it along (the log
        # is written in order), and a claim lost with the server only means the work runs
        # when the request is retried, as it never ran.
        session.execute(text("SET LOCAL synchronous_commit = off"))
    dialect = postgresql if on_postgresql else sqlite
    inserted: int | None = session.scalar(
        dialect.insert(IdempotencyRecord)
        .values(
            client_id=client_id,
            key=key,
            route=route,
            request_hash=digest,
            state="in_progress",
            claim_token=token,
            lease_expires_at=now + lease,
            created_at=now,
        )
        .on_conflict_do_nothing(index_elements=["client_id", "key"])
        .returning(IdempotencyRecord.id)
    )
    return inserted


def _take_over(
    session: Session, record_id: int, old_token: str | None, token: str, lease_expires_at: datetime
) -> bool:
    """Move a lapsed claim to this request, unless another request moved it first."""
    taken = session.execute(
        update(IdempotencyRecord)
        .where(
            IdempotencyRecord.id == record_id,
            IdempotencyRecord.state == "in_progress",
            IdempotencyRecord.claim_token == old_token,
        )
        .values(claim_token=token, lease_expires_at=lease_expires_at)
        .execution_options(synchronize_session=False)
    )
    return bool(taken.rowcount == 1)  # type: ignore[attr-defined]


def finish(session: Session, claimed: Claim, status_code: int, body: bytes) -> None:
    """Record the answer and mark the key done, in the same transaction as the work."""
    done = session.execute(
        update(IdempotencyRecord)
        .where(
            IdempotencyRecord.id == claimed.record_id,
            IdempotencyRecord.claim_token == claimed.token,
        )
        .values(
            state="done",
            status_code=status_code,
            response_body=body.decode(),
            claim_token=None,
            lease_expires_at=None,
        )
        .execution_options(synchronize_session=False)
    )
    if done.rowcount != 1:  # type: ignore[attr-defined]
        # our lease ran out and another request took the key over: its answer counts
        raise IdempotencyInProgress()


def release(session: Session, claimed: Claim) -> None:
    """Give the key up without an answer (the work failed for a passing reason): a retry runs
    it afresh instead of waiting for the lease to run out."""
    session.execute(
        delete(IdempotencyRecord).where(
            IdempotencyRecord.id == claimed.record_id,
            IdempotencyRecord.claim_token == claimed.token,
        )
    )
