"""The pure chain: a fixed hashing recipe; the first tampered row named for each kind of change."""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest

from confide.audit.chain import GENESIS, ChainRow, canonical, chain_on, row_hash, verify
from confide.audit.schemas import ActorRole
from confide.models import ACTOR_ROLES

START = datetime(2026, 11, 29, 9, 30, 0, 123456, tzinfo=UTC)


def chained(count: int) -> list[ChainRow]:
    rows: list[ChainRow] = []
    prev = GENESIS
    for number in range(1, count + 1):
        row = ChainRow(
            seq=number,
            id=10 + 2 * number,  # ids may have gaps; seqs may not
            occurred_at=START + timedelta(seconds=number),
            actor_user_id=number % 3 or None,
            actor_role="client" if number % 3 else "system",
            action="read",
            object_type="appointment",
            object_id=str(100 + number),
            address="203.0.113.7" if number % 3 else None,
            outcome="ok",
            prev_hash=prev,
        )
        row = replace(row, row_hash=row_hash(row))
        rows.append(row)
        prev = row.row_hash
    return rows


def rehashed(row: ChainRow) -> ChainRow:
    return replace(row, row_hash=row_hash(row))


def test_the_recipe_is_fixed() -> None:
    # Changing the serialisation would break every stored chain: this hash must never change.
    row = chained(1)[0]
    assert canonical(row) == (
        b'["confide-audit-v2",1,12,"2026-11-29T09:30:01.123456Z",1,"client","read",'
        b'"appointment","101","203.0.113.7","ok",'
        b'"0000000000000000000000000000000000000000000000000000000000000000"]'
    )
    assert row.row_hash == "c25125837778077351ddc4bcab2801141f0047288c5db60c558e6cfd85771054"


def test_instants_hash_the_same_in_any_zone() -> None:
    row = chained(1)[0]
    elsewhere = replace(row, occurred_at=row.occurred_at.astimezone(ZoneInfo("America/Denver")))
    assert row_hash(elsewhere) == row.row_hash


def test_roles_agree_with_the_table_constraint() -> None:
    assert set(ActorRole.__args__) == set(ACTOR_ROLES)  # type: ignore[attr-defined]


def test_an_intact_chain_verifies() -> None:
    rows = chained(7)
    report = verify(rows, anchors=[rows[3].row_hash, rows[6].row_hash])
    assert report.intact
    assert (report.count, report.head_seq, report.head_hash) == (7, 7, rows[6].row_hash)
    assert verify([]).intact


def test_an_edited_row_is_named() -> None:
    rows = chained(5)
    rows[2] = replace(rows[2], outcome="denied")
    broken = verify(rows).broken
    assert broken is not None
    assert (broken.seq, broken.problem) == (3, "edited")
    assert "seq 3 was edited" in broken.message


def test_an_edited_last_row_is_named() -> None:
    rows = chained(4)
    rows[3] = replace(rows[3], actor_user_id=99)
    broken = verify(rows).broken
    assert broken is not None
    assert (broken.seq, broken.problem) == (4, "edited")


def test_a_deleted_row_is_named() -> None:
    rows = chained(6)
    del rows[2]
    report = verify(rows)
    assert report.broken is not None
    assert (report.broken.seq, report.broken.problem) == (3, "deleted")
    assert "seq 3 deleted" in report.broken.message
    assert report.count == 2


def test_deleted_rows_at_the_start_are_named() -> None:
    report = verify(chained(5)[2:])
    assert report.broken is not None
    assert (report.broken.seq, report.broken.problem) == (1, "deleted")
    assert "seqs 1 to 2 deleted" in report.broken.message


def test_a_row_inserted_with_a_made_up_seq_is_named() -> None:
    rows = chained(3)
    forged = rehashed(replace(rows[2], seq=9, id=99, prev_hash=rows[2].row_hash, object_id="555"))
    broken = verify([*rows, forged]).broken
    assert broken is not None
    assert (broken.seq, broken.problem) == (9, "inserted")


def test_a_row_put_in_place_of_another_is_named() -> None:
    rows = chained(5)
    rows[2] = replace(rows[2], object_id="777", row_hash="f" * 64)
    # the forged row claims row 3's place; row 4 still links to the real row 3's hash
    broken = verify(rows).broken
    assert broken is not None
    assert broken.seq == 3


def test_a_row_inserted_between_is_named() -> None:
    rows = chained(4)
    # someone renumbers rows 3-4 up and slips a row 3 in (hash made up): row 4 skips it
    shifted = [replace(r, seq=r.seq + 1) for r in rows[2:]]
    intruder = replace(rows[2], object_id="999", row_hash="e" * 64, prev_hash="d" * 64)
    broken = verify([*rows[:2], intruder, *shifted]).broken
    assert broken is not None
    assert (broken.seq, broken.problem) == (3, "inserted")


def test_an_edited_and_rehashed_row_is_caught_at_the_next() -> None:
    rows = chained(5)
    rows[1] = rehashed(replace(rows[1], outcome="denied"))
    broken = verify(rows).broken
    assert broken is not None
    assert (broken.seq, broken.problem) == (3, "relinked")
    assert "seq 2 was edited and its hash recomputed" in broken.message


def test_an_anchor_catches_rows_cut_from_the_end() -> None:
    rows = chained(6)
    anchor = rows[5].row_hash
    report = verify(rows[:4], anchors=[anchor])
    assert report.broken is not None
    assert report.broken.problem == "anchor_missing"


@pytest.mark.parametrize(
    "change",
    [
        {"occurred_at": START + timedelta(seconds=2, microseconds=1)},
        {"actor_role": "admin"},
        {"action": "delete"},
        {"object_type": "screening"},
        {"object_id": None},
        {"address": "203.0.113.8"},
        {"prev_hash": "1" * 64},
        {"seq": 3},
        {"id": 13},
    ],
)
def test_every_field_is_covered_by_the_hash(change: dict[str, object]) -> None:
    row = chained(2)[1]
    assert row_hash(replace(row, **change)) != row.row_hash  # type: ignore[arg-type]


def test_pending_rows_are_chained_after_the_head_in_order() -> None:
    rows = chained(5)
    pending = [replace(r, seq=0, prev_hash="", row_hash="") for r in rows]
    assert list(chain_on(None, pending[:3])) == rows[:3]
    assert list(chain_on((3, rows[2].row_hash), pending[3:])) == rows[3:]
    assert verify(list(chain_on(None, pending))).intact
