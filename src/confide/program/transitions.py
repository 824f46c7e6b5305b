"""Which status may follow which, for the program's state machines (pure: stdlib only)."""

from __future__ import annotations

# an apology: written in private, offered, then answered now or later (deferred), or never
APOLOGY: dict[str, frozenset[str]] = {
    "draft": frozenset({"offered"}),
    "offered": frozenset({"accepted", "declined", "deferred"}),
    "deferred": frozenset({"accepted", "declined"}),
    "accepted": frozenset(),
    "declined": frozenset(),
}
# a promise: open until the other partner marks it
COMMITMENT: dict[str, frozenset[str]] = {
    "open": frozenset({"kept", "missed"}),
    "kept": frozenset(),
    "missed": frozenset(),
}
# a needs agreement: proposed, then accepted, declined or withdrawn; an accepted one ends
AGREEMENT: dict[str, frozenset[str]] = {
    "proposed": frozenset({"accepted", "declined", "withdrawn"}),
    "accepted": frozenset({"ended"}),
    "declined": frozenset(),
    "withdrawn": frozenset(),
    "ended": frozenset(),
}


def allowed(machine: dict[str, frozenset[str]], current: str, wanted: str) -> bool:
    return wanted in machine.get(current, frozenset())


def consistency(kept: int, missed: int) -> float | None:
    """The share of marked promises that were kept (None before any is marked)."""
    marked = kept + missed
    return None if marked == 0 else round(kept / marked, 3)
