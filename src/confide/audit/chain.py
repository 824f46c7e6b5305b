"""The audit chain, pure: how a row is hashed, and walking rows to find the first one tampered with.

Each sealed row's hash is SHA-256 over a canonical serialisation of its fields, its place in the
chain (`seq`) and the previous row's hash. Rows are inserted unchained ("pending") by the request
that makes them and sealed shortly after, in commit order, by audit/sealing.py, which gives each
the next `seq`: seqs run 1, 2, 3, ... without gaps, so besides a hash that no longer matches (an
edit), a missing seq is a deleted row and a seq out of sequence is a row put in by hand. Row ids
are an ordinary identity and may have gaps (a rolled-back request used one); they are hashed too,
so an id changed by hand is an edit.

Scheme v2 (this one) hashes seq and id; v1 hashed the id as the position. The migration that
introduced sealing (20261130_03) checked every v1 row and re-sealed it under v2, so a trail holds
v2 rows only.

A plain hash chain cannot tell a row appended at the end by someone who knows this recipe from
a real one, nor notice rows cut from the end; for that, keep the head's hash outside the
database now and then and pass it back as an anchor.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field, replace
from datetime import UTC, datetime
from typing import Literal

GENESIS = "0" * 64
SCHEME = "confide-audit-v2"

Problem = Literal["edited", "deleted", "inserted", "relinked", "anchor_missing"]


@dataclass(frozen=True, slots=True)
class ChainRow:
    seq: int
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
        row.seq,
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


def chain_on(head: tuple[int, str] | None, pending: Iterable[ChainRow]) -> Iterator[ChainRow]:
    """Seal `pending` rows (their seq, prev_hash and row_hash ignored) after `head`, the last
    sealed row's (seq, row_hash), or at the start of the chain: each gets the next seq, the
    previous row's hash and its own."""
    seq, prev = head if head is not None else (0, GENESIS)
    for row in pending:
        seq += 1
        linked = replace(row, seq=seq, prev_hash=prev, row_hash="")
        linked = replace(linked, row_hash=row_hash(linked))
        prev = linked.row_hash
        yield linked


@dataclass(frozen=True, slots=True)
class ChainBreak:
    seq: int  # the place in the chain where it breaks
    problem: Problem
    message: str


@dataclass(frozen=True, slots=True)
class ChainReport:
    count: int
    head_seq: int | None
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


def _seqs(first: int, last: int) -> str:
    return f"seq {first}" if first == last else f"seqs {first} to {last}"


def _diagnose(
    row: ChainRow, following: ChainRow | None, expected_seq: int, expected_prev: str
) -> ChainBreak | None:
    before = expected_seq - 1
    sound = row_hash(row) == row.row_hash
    linked = row.prev_hash == expected_prev
    if row.seq != expected_seq:
        if row.seq < expected_seq or (sound and linked):
            return ChainBreak(
                row.seq,
                "inserted",
                f"seq {row.seq} was inserted by hand: seqs run without gaps, yet it follows "
                + (f"seq {before}" if before else "the start of the chain"),
            )
        return ChainBreak(
            expected_seq,
            "deleted",
            f"{_seqs(expected_seq, row.seq - 1)} deleted: the chain jumps from "
            + (f"seq {before}" if before else "its start")
            + f" to seq {row.seq}",
        )
    if not sound:
        if following is not None and following.prev_hash == row.row_hash:
            # the next row vouches for the stored hash: the fields changed after the fact
            return ChainBreak(
                row.seq, "edited", f"seq {row.seq} was edited: its fields no longer give its hash"
            )
        if following is not None and following.prev_hash == expected_prev:
            return ChainBreak(
                row.seq,
                "inserted",
                f"seq {row.seq} was put in by hand: seq {following.seq} follows "
                + (f"seq {before}" if before else "the start of the chain")
                + " directly",
            )
        return ChainBreak(
            row.seq,
            "edited",
            f"seq {row.seq} was edited, or put in by hand: its fields do not give its hash",
        )
    if not linked:
        if before == 0:
            return ChainBreak(
                row.seq, "relinked", f"seq {row.seq} should start the chain but links elsewhere"
            )
        return ChainBreak(
            row.seq,
            "relinked",
            f"seq {row.seq} does not follow seq {before}: seq {before} was edited and its hash "
            f"recomputed, or seq {row.seq} was replaced",
        )
    return None


def verify(rows: Iterable[ChainRow], anchors: Iterable[str] = ()) -> ChainReport:
    """Walk sealed rows in seq order; the report names the first row that breaks the chain, if any.

    `anchors` are row hashes noted earlier (e.g. the head after a verify): each must still be in
    the chain, which catches rows cut from its end and a chain rewritten from some row on.
    """
    wanted = set(anchors)
    found: set[str] = set()
    expected_seq, expected_prev, count = 1, GENESIS, 0
    head_seq: int | None = None
    for row, following in _lookahead(rows):
        broken = _diagnose(row, following, expected_seq, expected_prev)
        if broken is not None:
            return ChainReport(count, head_seq, expected_prev, broken, tuple(sorted(found)))
        if row.row_hash in wanted:
            found.add(row.row_hash)
        count += 1
        head_seq, expected_seq, expected_prev = row.seq, row.seq + 1, row.row_hash
    missing = sorted(wanted - found)
    if missing:
        broken = ChainBreak(
            head_seq or 0,
            "anchor_missing",
            f"the anchor {missing[0][:16]}… is not in the chain: rows were cut from its end "
            "or the chain was rewritten",
        )
        return ChainReport(count, head_seq, expected_prev, broken, tuple(sorted(found)))
    return ChainReport(count, head_seq, expected_prev, None, tuple(sorted(found)))
