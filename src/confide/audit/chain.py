"""The audit chain, pure: how a row is hashed, and walking rows to find the first one tampered with.

Each row's hash is SHA-256 over a canonical serialisation of its fields and the previous row's
hash. Ids run 1, 2, 3, ... without gaps, so besides a hash that no longer matches (an edit), a
missing id is a deleted row and an id out of sequence is a row put in by hand.

A plain hash chain cannot tell a row appended at the end by someone who knows this recipe from
a real one, nor notice rows cut from the end; for that, keep the head's hash outside the
database now and then and pass it back as an anchor.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Literal

GENESIS = "0" * 64
SCHEME = "confide-audit-v1"

Problem = Literal["edited", "deleted", "inserted", "relinked", "anchor_missing"]


@dataclass(frozen=True, slots=True)
class ChainRow:
    id: int
    occurred_at: datetime
    actor_user_id: int | None
    actor_role: str
    action: str
    object_type: str
    object_id: str | None
    address: str | None
    outcome: str
    prev_hash: str
    row_hash: str = ""


def canonical(row: ChainRow) -> bytes:
    """The bytes hashed for a row: a JSON array in a fixed order, instants in UTC to the µs."""
    instant = row.occurred_at.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%S.%fZ")
    fields = [
        SCHEME,
        row.id,
        instant,
        row.actor_user_id,
        row.actor_role,
        row.action,
        row.object_type,
        row.object_id,
        row.address,
        row.outcome,
        row.prev_hash,
    ]
    return json.dumps(fields, separators=(",", ":"), ensure_ascii=True).encode()


def row_hash(row: ChainRow) -> str:
    return hashlib.sha256(canonical(row)).hexdigest()


@dataclass(frozen=True, slots=True)
class ChainBreak:
    row_id: int
    problem: Problem
    message: str


@dataclass(frozen=True, slots=True)
class ChainReport:
    count: int
    head_id: int | None
    head_hash: str
    broken: ChainBreak | None = None
    anchors_found: tuple[str, ...] = field(default=())

    @property
    def intact(self) -> bool:
        return self.broken is None


def _lookahead(rows: Iterable[ChainRow]) -> Iterator[tuple[ChainRow, ChainRow | None]]:
    iterator = iter(rows)
    current = next(iterator, None)
    while current is not None:
        following = next(iterator, None)
        yield current, following
        current = following


def _ids(first: int, last: int) -> str:
    return f"row {first}" if first == last else f"rows {first} to {last}"


def _diagnose(
    row: ChainRow, following: ChainRow | None, expected_id: int, expected_prev: str
) -> ChainBreak | None:
    before = expected_id - 1
    sound = row_hash(row) == row.row_hash
    linked = row.prev_hash == expected_prev
    if row.id != expected_id:
        if row.id < expected_id or (sound and linked):
            return ChainBreak(
                row.id,
                "inserted",
                f"row {row.id} was inserted by hand: ids run without gaps, yet it follows "
                + (f"row {before}" if before else "the start of the chain"),
            )
        return ChainBreak(
            expected_id,
            "deleted",
            f"{_ids(expected_id, row.id - 1)} deleted: the chain jumps from "
            + (f"row {before}" if before else "its start")
            + f" to row {row.id}",
        )
    if not sound:
        if following is not None and following.prev_hash == row.row_hash:
            # the next row vouches for the stored hash: the fields changed after the fact
            return ChainBreak(
                row.id, "edited", f"row {row.id} was edited: its fields no longer give its hash"
            )
        if following is not None and following.prev_hash == expected_prev:
            return ChainBreak(
                row.id,
                "inserted",
                f"row {row.id} was put in by hand: row {following.id} follows "
                + (f"row {before}" if before else "the start of the chain")
                + " directly",
            )
        return ChainBreak(
            row.id,
            "edited",
            f"row {row.id} was edited, or put in by hand: its fields do not give its hash",
        )
    if not linked:
        if before == 0:
            return ChainBreak(
                row.id, "relinked", f"row {row.id} should start the chain but links elsewhere"
            )
        return ChainBreak(
            row.id,
            "relinked",
            f"row {row.id} does not follow row {before}: row {before} was edited and its hash "
            f"recomputed, or row {row.id} was replaced",
        )
    return None


def verify(rows: Iterable[ChainRow], anchors: Iterable[str] = ()) -> ChainReport:
    """Walk rows in id order; the report names the first row that breaks the chain, if any.

    `anchors` are row hashes noted earlier (e.g. the head after a verify): each must still be in
    the chain, which catches rows cut from its end and a chain rewritten from some row on.
    """
    wanted = set(anchors)
    found: set[str] = set()
    expected_id, expected_prev, count = 1, GENESIS, 0
    head_id: int | None = None
    for row, following in _lookahead(rows):
        broken = _diagnose(row, following, expected_id, expected_prev)
        if broken is not None:
            return ChainReport(count, head_id, expected_prev, broken, tuple(sorted(found)))
        if row.row_hash in wanted:
            found.add(row.row_hash)
        count += 1
        head_id, expected_id, expected_prev = row.id, row.id + 1, row.row_hash
    missing = sorted(wanted - found)
    if missing:
        broken = ChainBreak(
            head_id or 0,
            "anchor_missing",
            f"the anchor {missing[0][:16]}… is not in the chain: rows were cut from its end "
            "or the chain was rewritten",
        )
        return ChainReport(count, head_id, expected_prev, broken, tuple(sorted(found)))
    return ChainReport(count, head_id, expected_prev, None, tuple(sorted(found)))
