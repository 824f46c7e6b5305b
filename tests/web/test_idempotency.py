"""Idempotency-Key records: claimed before the work, one answer per key, a lease for a dead
claim, a day to live."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import func, select

from confide.db import Database
from confide.errors import InvalidInput
from confide.models import Client, IdempotencyRecord
from confide.web import idempotency
from confide.web.idempotency import Claim, IdempotencyInProgress, StoredResponse

NOW = datetime(2026, 12, 2, 15, 0, tzinfo=UTC)
LEASE = timedelta(seconds=15)


@pytest.fixture
def client_id(database: Database) -> int:
    with database.session(write=True) as session:
        person = Client(name="Sam", state="NY", timezone="America/New_York")
        session.add(person)
        session.flush()
        return person.id


def claim(database: Database, client_id: int, key: str = "k", digest: str = "d", now=NOW):  # type: ignore[no-untyped-def]
    with database.session(write=True) as session:
        return idempotency.claim(
            session, client_id, key, "holds", digest, now, LEASE, idempotency.new_token()
        )


def test_the_first_claims_a_twin_waits_and_then_replays(database: Database, client_id: int) -> None:
    first = claim(database, client_id)
    assert isinstance(first, Claim)
    assert claim(database, client_id) is None  # in progress
    with database.session(write=True) as session:
        idempotency.finish(session, first, 201, b'{"hold_id":7}')
    again = claim(database, client_id)
    assert again == StoredResponse(201, b'{"hold_id":7}', replayed=True)
    with pytest.raises(InvalidInput, match="different request"):
        claim(database, client_id, digest="other")


def test_a_claim_whose_lease_ran_out_is_taken_over(database: Database, client_id: int) -> None:
    dead = claim(database, client_id)
    assert isinstance(dead, Claim)
    assert claim(database, client_id, now=NOW + LEASE - timedelta(seconds=1)) is None
    taker = claim(database, client_id, now=NOW + LEASE)
    assert isinstance(taker, Claim)
    assert taker.record_id == dead.record_id
    assert taker.token != dead.token
    # the slow first one cannot record its answer any more: the taker's counts
    with pytest.raises(IdempotencyInProgress), database.session(write=True) as session:
        idempotency.finish(session, dead, 201, b"{}")
    with database.session(write=True) as session:
        idempotency.finish(session, taker, 409, b'{"error":"slot_unavailable"}')
    assert claim(database, client_id).status_code == 409  # type: ignore[union-attr]


def test_a_released_key_is_claimed_afresh(database: Database, client_id: int) -> None:
    first = claim(database, client_id)
    assert isinstance(first, Claim)
    with database.session(write=True) as session:
        idempotency.release(session, first)
    assert isinstance(claim(database, client_id), Claim)


def test_keys_expire_after_a_day(database: Database, client_id: int) -> None:
    first = claim(database, client_id)
    assert isinstance(first, Claim)
    with database.session(write=True) as session:
        idempotency.finish(session, first, 201, b"{}")
    assert isinstance(claim(database, client_id, now=NOW + timedelta(hours=23)), StoredResponse)
    # a day on, the key is new again, even with another request
    assert isinstance(
        claim(database, client_id, digest="other", now=NOW + timedelta(days=1)), Claim
    )
    with database.session() as session:
        assert session.scalar(select(func.count()).select_from(IdempotencyRecord)) == 1
