"""Supply rules on values and NumPy columns; pure so scoring can use them (SQL: supply_queries)."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date, datetime, timedelta
from typing import Protocol

import numpy as np
import numpy.typing as npt

# A client seen in a session this recent (or held or booked) still counts toward the caseload.
CASELOAD_LOOKBACK_DAYS = 90
# The epoch minute of a therapist who takes no new clients, in the index.
NEVER = int(np.iinfo(np.int32).max)
# A licence not verified for longer than this stops its state from being listed (directories
# must keep what they show current); CONFIDE_LICENCE_MAX_AGE_DAYS, installed by create_app and
# the CLI through set_licence_max_age.
DEFAULT_LICENCE_MAX_AGE_DAYS = 90
_licence_max_age = [timedelta(days=DEFAULT_LICENCE_MAX_AGE_DAYS)]


def set_licence_max_age(days: int) -> None:
    """How long a licence verification lasts, for this process."""
    _licence_max_age[0] = timedelta(days=days)


def licence_verified_since(now: datetime) -> datetime:
    """The oldest verification that still lists a licence's state at `now`."""
    return now - _licence_max_age[0]


def licence_lapses_at(verified_at: datetime) -> datetime:
    """The last instant a licence verified at `verified_at` lists its state (it is listed no
    more once this has passed)."""
    return verified_at + _licence_max_age[0]


def licence_listed(status: str, verified_at: datetime | None, now: datetime) -> bool:
    """An active licence verified recently enough: clients located in its state may be offered
    and may book this therapist (SQL form: supply_queries.listed_licence)."""
    return (
        status == "active"
        and verified_at is not None
        and verified_at >= licence_verified_since(now)
    )


class StateLicence(Protocol):
    """A licence as the rule reads it (models.Licence, say)."""

    @property
    def state(self) -> str: ...
    @property
    def status(self) -> str: ...
    @property
    def verified_at(self) -> datetime | None: ...


def listed_states(licences: Iterable[StateLicence], now: datetime) -> list[str]:
    """The states these licences list at `now` (licence_listed), sorted: where the therapist's
    clients may be located, as the directory, FHIR and the booking pages show it."""
    return sorted(
        {lic.state for lic in licences if licence_listed(lic.status, lic.verified_at, now)}
    )


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
