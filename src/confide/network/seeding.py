"""Writes a synthetic network into the database, in chunks, with progress."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from datetime import UTC, date, datetime, time, timedelta
from typing import Any

import numpy as np
from psycopg import sql
from sqlalchemy import Table, delete, func, insert, select, text
from sqlalchemy.orm import Session

from confide.models import (
    Appointment,
    ExternalBusy,
    Licence,
    PanelParticipation,
    Therapist,
    TherapistIdentity,
    TherapistLanguage,
    TherapistModality,
    TherapistPopulation,
    TherapistService,
    TherapistSpecialty,
    TimeOff,
    WeeklyHours,
)
from confide.network.generator import SyntheticNetwork
from confide.vocab.registry import POPULATIONS

CHUNK = 2000
Progress = Callable[[int], None]


class NetworkNotEmpty(Exception):
    """The database already holds therapists and replacing them was not asked for."""

    def __init__(self, count: int) -> None:
        super().__init__(
            f"the database already holds {count} therapists; pass --replace to delete them "
            "(with their appointments) and seed a new network"
        )
        self.count = count


def therapist_count(session: Session) -> int:
    return session.scalar(select(func.count()).select_from(Therapist)) or 0


def clear_network(session: Session) -> None:
    """Delete every therapist and everything hanging off them (appointments included)."""
    for table in (
        Appointment,
        ExternalBusy,
        PanelParticipation,
        TimeOff,
        WeeklyHours,
        TherapistService,
        TherapistIdentity,
        TherapistLanguage,
        TherapistModality,
        TherapistPopulation,
        TherapistSpecialty,
        Licence,
        Therapist,
    ):
        session.execute(delete(table))


def write_network(
    session: Session,
    network: SyntheticNetwork,
    *,
    replace: bool = False,
    progress: Progress | None = None,
) -> int:
    """Insert the network; refuses when therapists exist unless `replace`. Returns the count."""
    existing = therapist_count(session)
    if existing and not replace:
        raise NetworkNotEmpty(existing)
    if existing:
        clear_network(session)
    stamp = written_at(network.today)
    postgresql = session.get_bind().dialect.name == "postgresql"
    for start in range(0, network.size, CHUNK):
        stop = min(start + CHUNK, network.size)
        for table, rows in _chunk_rows(network, start, stop, stamp):
            if not rows:
                continue
            if postgresql:
                _copy_rows(session, table.__table__, rows)
            else:
                session.execute(insert(table), rows)
        if progress is not None:
            progress(stop - start)
    if postgresql:
        session.execute(
            text(
                "SELECT setval(pg_get_serial_sequence('therapists', 'id'), "
                "(SELECT COALESCE(MAX(id), 1) FROM therapists))"
            )
        )
    session.flush()
    return network.size


def _copy_rows(session: Session, table: Table, rows: Rows) -> None:
    """The rows by COPY, in their order (serial ids are given as INSERTs would give them): about
    seven times faster than INSERTs on PostgreSQL for the 300,000 rows of 10,000 therapists."""
    columns = list(rows[0])
    # INSERT would fill a column left out with its Python-side default; COPY gives the
    # database's, so every such column must come in the rows
    left_out = [c.name for c in table.columns if c.default is not None and c.name not in columns]
    if left_out:
        raise ValueError(f"rows for {table.name} leave out {left_out}, which have defaults")
    statement = sql.SQL("COPY {} ({}) FROM STDIN").format(
        sql.Identifier(table.name), sql.SQL(", ").join(map(sql.Identifier, columns))
    )
    # the session's own connection: the rows are in its transaction
    driver = session.connection().connection.driver_connection
    assert driver is not None
    with driver.cursor() as cursor, cursor.copy(statement) as copy:
        for row in rows:
            copy.write_row([row[column] for column in columns])


def written_at(today: date) -> datetime:
    """The time seeded rows are stamped with: the start of the seeding day (UTC), so the same
    network always gives the same rows, and never a moment still to come. Openings indexes
    watch `updated_at`, and a stamp in the future looks like a change at every refresh."""
    return min(datetime.combine(today, time(0, 0), tzinfo=UTC), datetime.now(UTC))


Rows = list[dict[str, Any]]


def _chunk_rows(
    net: SyntheticNetwork, start: int, stop: int, now: datetime
) -> Iterator[tuple[type[Any], Rows]]:
    """The rows of therapists start..stop-1, table by table, parents before children."""
    rows = range(start, stop)
    yield Therapist, [_therapist(net, row, now) for row in rows]
    yield Licence, [lic for row in rows for lic in _licences(net, row, now)]
    yield TherapistSpecialty, [s for row in rows for s in _specialties(net, row)]
    for table, column, flags, codes in (
        (TherapistModality, "modality", net.modalities, net.modality_codes),
        (TherapistLanguage, "language", net.languages, net.language_codes),
        (TherapistPopulation, "population", net.populations, POPULATIONS),
        (TherapistIdentity, "identity", net.identities, net.identity_codes),
    ):
        yield (
            table,
            [
                {"therapist_id": row + 1, column: codes[i]}
                for row in rows
                for i in np.flatnonzero(flags[row])
            ],
        )
    yield TherapistService, [s for row in rows for s in _services(net, row)]
    yield PanelParticipation, _panels(net, start, stop)
    yield (
        WeeklyHours,
        [
            {"therapist_id": row + 1, "weekday": d, "start_minute": s, "end_minute": e}
            for row in rows
            for d, s, e in net.weekly_hours(row)
        ],
    )
    yield TimeOff, [away for row in rows if (away := _time_off(net, row)) is not None]


def _therapist(net: SyntheticNetwork, row: int, now: datetime) -> dict[str, Any]:
    loc = net.location[row]
    gender = list(net.vocab.genders.values())[int(net.gender[row])]
    return {
        "id": row + 1,
        "npi": net.npi[row],
        "first_name": net.first_name[row],
        "last_name": net.last_name[row],
        "pronouns": gender.pronouns if net.lists_pronouns[row] else None,
        "gender": gender.code,
        "licence_type": net.licence_type[row],
        "credential": net.credential[row],
        "taxonomy_code": net.vocab.licence_types[net.licence_type[row]].taxonomy_code,
        "bio": net.bio(row),
        "practice_state": net.state_codes[net.practice_state[row]],
        "timezone": loc.timezone,
        "offers_telehealth": bool(net.offers_telehealth[row]),
        "offers_in_person": bool(net.offers_in_person[row]),
        "office_postal_code": loc.postal_code,
        "office_city": loc.city,
        "office_latitude": loc.latitude,
        "office_longitude": loc.longitude,
        "faith": net.faith_codes[net.faith[row]] if net.faith[row] >= 0 else None,
        "accepting_new_clients": bool(net.accepting[row]),
        "paused_until": net.paused_until(row),
        "weekly_new_client_limit": int(net.weekly_new_client_limit[row]),
        "caseload_limit": int(net.caseload_limit[row]),
        "minimum_notice_hours": int(net.minimum_notice_hours[row]),
        "booking_horizon_days": int(net.booking_horizon_days[row]),
        "buffer_minutes": int(net.buffer_minutes[row]),
        "created_at": now,
        "updated_at": now,
    }


# how long before seeding the demo licences were last verified (at most): well inside
# CONFIDE_LICENCE_MAX_AGE_DAYS, so a demo network stays listed for weeks after `confide seed`
LICENCE_CHECKED_WITHIN_DAYS = 45


def _licences(net: SyntheticNetwork, row: int, now: datetime) -> Iterator[dict[str, Any]]:
    """Verified some days before seeding; active ones expire after it, lapsed ones before."""
    prefix = net.vocab.licence_types[net.licence_type[row]].licence_number_prefix
    for slot in range(3):
        state_index = int(net.licence_states[row, slot])
        if state_index < 0:
            continue
        number = int(net.licence_numbers[row, slot])
        active = bool(net.licence_active[row, slot])
        yield {
            "therapist_id": row + 1,
            "state": net.state_codes[state_index],
            "number": f"{prefix}{number:06d}",
            "status": "active" if active else "expired",
            # within the licence max age, with weeks to spare before a new check is due
            "verified_at": now - timedelta(days=number % LICENCE_CHECKED_WITHIN_DAYS),
            "expires_on": net.today + timedelta(days=(number % 700 + 30) * (1 if active else -1)),
        }


def _specialties(net: SyntheticNetwork, row: int) -> Iterator[dict[str, Any]]:
    for c in np.flatnonzero(net.specialty[row]):
        yield {
            "therapist_id": row + 1,
            "concern": net.concern_codes[c],
            "strength": "primary" if net.specialty[row, c] == 2 else "secondary",
        }


def _services(net: SyntheticNetwork, row: int) -> Iterator[dict[str, Any]]:
    for t in np.flatnonzero(net.duration[row]):
        yield {
            "therapist_id": row + 1,
            "session_type": net.session_type_codes[t],
            "duration_minutes": int(net.duration[row, t]),
            "self_pay_rate_cents": int(net.rate_cents[row, t]),
            "sliding_scale_min_cents": int(net.sliding_min_cents[row, t]) or None,
        }


def _panels(net: SyntheticNetwork, start: int, stop: int) -> Rows:
    """Panel entries are sorted by therapist row, so a chunk's are one slice."""
    lo, hi = np.searchsorted(net.panel_therapist, [start, stop])
    return [
        {
            "therapist_id": int(net.panel_therapist[i]) + 1,
            "plan_code": net.plan_codes[net.panel_plan[i]],
            "state": net.state_codes[net.panel_state[i]],
        }
        for i in range(lo, hi)
    ]


def _time_off(net: SyntheticNetwork, row: int) -> dict[str, Any] | None:
    away = net.time_off(row)
    if away is None:
        return None
    return {"therapist_id": row + 1, "starts_on": away[0], "ends_on": away[1], "reason": "Away"}
