"""Supply rules on values and NumPy columns; pure so scoring can use them (SQL: supply_queries)."""

from __future__ import annotations

from datetime import date

import numpy as np
import numpy.typing as npt

# A client seen in a session this recent (or held or booked) still counts toward the caseload.
CASELOAD_LOOKBACK_DAYS = 90
# The epoch minute of a therapist who takes no new clients, in the index.
NEVER = int(np.iinfo(np.int32).max)


def paused(paused_until: date | None, today: date) -> bool:
    """Paused until a day means new clients again from that day (the therapist's local date)."""
    return paused_until is not None and paused_until > today


def taking_new_clients(accepting: bool, paused_until: date | None, today: date) -> bool:
    """Accepting new clients and not paused."""
    return accepting and not paused(paused_until, today)


def new_clients_from(
    accepting: npt.NDArray[np.bool_],
    paused_until: npt.NDArray[np.int32],
    utc_offset: npt.NDArray[np.int16],
) -> npt.NDArray[np.int32]:
    """Index form of taking_new_clients: per row, the epoch minute from which new clients are
    taken (NEVER when not accepting). `paused_until` is the first day back in days since
    1970-01-01, -1 when not paused; the pause ends at the therapist's local midnight."""
    pause_end = paused_until.astype(np.int64) * 1440 - utc_offset
    start = np.where(paused_until >= 0, pause_end, 0)
    return np.where(accepting, start, NEVER).astype(np.int32)


def taking_at(new_clients_from: npt.NDArray[np.int32], minute: int) -> npt.NDArray[np.bool_]:
    """Index form of taking_new_clients at an epoch minute."""
    result: npt.NDArray[np.bool_] = new_clients_from <= minute
    return result


def week_full(new_clients_that_week: int, weekly_limit: int) -> bool:
    """The week holds as many first sessions with new clients as the weekly limit allows."""
    return new_clients_that_week >= weekly_limit


def caseload_fits(seeing: int, newcomers: int, caseload_limit: int) -> bool:
    """Room for `newcomers` clients not yet seen next to the `seeing` clients; a client already
    in the caseload always fits."""
    return newcomers == 0 or seeing + newcomers <= caseload_limit


def caseload_room(
    caseload_limit: npt.NDArray[np.int32], seeing: npt.NDArray[np.int32]
) -> npt.NDArray[np.int16]:
    """Index form of caseload_fits: the places left per row (negative when over the limit)."""
    return (caseload_limit - seeing).astype(np.int16)


def room_for(room: npt.NDArray[np.int16], newcomers: int) -> npt.NDArray[np.bool_]:
    """Index form of caseload_fits for `newcomers` (at least one) new clients."""
    result: npt.NDArray[np.bool_] = room >= newcomers
    return result


def serves(populations: npt.NDArray[np.uint8], population: int) -> npt.NDArray[np.bool_]:
    """Index form of serves_population: rows whose population bits include `population`'s."""
    result: npt.NDArray[np.bool_] = (populations & np.uint8(population)) != 0
    return result
