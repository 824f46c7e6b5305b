"""The supply rules: plain, index (NumPy) and SQL forms say the same thing."""

from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

import numpy as np
import pytest
from sqlalchemy import select

from confide.db import Database
from confide.models import Therapist
from confide.network import supply_rules
from confide.network.supply_queries import taking_new_clients, therapist_zones
from tests.scheduling.factories import make_therapist

TODAY = date(2026, 12, 2)
EPOCH = date(1970, 1, 1)


def test_a_pause_ends_on_the_day_named() -> None:
    assert not supply_rules.paused(None, TODAY)
    assert not supply_rules.paused(TODAY, TODAY)
    assert supply_rules.paused(TODAY + timedelta(days=1), TODAY)
    assert not supply_rules.taking_new_clients(False, None, TODAY)
    assert supply_rules.taking_new_clients(True, TODAY, TODAY)


def test_a_full_caseload_refuses_newcomers_only() -> None:
    assert supply_rules.caseload_fits(24, 1, 25)
    assert not supply_rules.caseload_fits(25, 1, 25)
    assert not supply_rules.caseload_fits(24, 2, 25)  # a couple needs two places
    assert supply_rules.caseload_fits(30, 0, 25)  # a client already seen always fits
    room = supply_rules.caseload_room(
        np.array([25, 25, 25], np.int32), np.array([23, 24, 25], np.int32)
    )
    assert supply_rules.room_for(room, 2).tolist() == [True, False, False]
    assert supply_rules.room_for(room, 1).tolist() == [True, True, False]


def test_a_full_week_takes_no_more_new_clients() -> None:
    assert not supply_rules.week_full(2, 3)
    assert supply_rules.week_full(3, 3)
    assert supply_rules.week_full(0, 0)


@pytest.mark.parametrize("utc_offset", [-600, -300, 0, 330])
def test_the_index_form_agrees_with_the_plain_form(utc_offset: int) -> None:
    cases = [(accepting, shift) for accepting in (True, False) for shift in (None, -1, 0, 1, 2)]
    accepting = np.array([a for a, _ in cases])
    paused_until = [None if shift is None else TODAY + timedelta(days=shift) for _, shift in cases]
    days = np.array([-1 if p is None else (p - EPOCH).days for p in paused_until], np.int32)
    starts = supply_rules.new_clients_from(
        accepting, days, np.full(len(cases), utc_offset, np.int16)
    )
    # the therapist's local midnight starting TODAY, in epoch minutes
    midnight = int(datetime.combine(TODAY, time(0), tzinfo=UTC).timestamp()) // 60 - utc_offset
    for minute in (midnight - 1, midnight, midnight + 1439, midnight + 1440):
        local_day = TODAY + timedelta(days=(minute - midnight) // 1440)
        expected = [
            supply_rules.taking_new_clients(a, p, local_day)
            for (a, _), p in zip(cases, paused_until, strict=True)
        ]
        assert supply_rules.taking_at(starts, minute).tolist() == expected, (minute, local_day)


ZONES = ("Pacific/Honolulu", "America/New_York", "Europe/London", "Asia/Kolkata")


# just after midnight UTC (New York and Honolulu still on the day before), noon, late evening
@pytest.mark.parametrize("clock", [time(0, 5), time(12, 0), time(23, 55)])
def test_the_sql_form_agrees_with_the_plain_form_on_each_local_date(
    database: Database, clock: time
) -> None:
    now = datetime.combine(TODAY, clock, tzinfo=UTC)
    supply = [
        (accepting, None if shift is None else TODAY + timedelta(days=shift), zone)
        for accepting in (True, False)
        for shift in (None, -1, 0, 1)
        for zone in ZONES
    ]
    with database.session(write=True) as session:
        ids = {
            make_therapist(session, accepting=accepting, paused_until=paused, zone=zone).id: (
                accepting,
                paused,
                zone,
            )
            for accepting, paused, zone in supply
        }
    with database.session() as session:
        zones = therapist_zones(session)
        taking = set(session.scalars(select(Therapist.id).where(taking_new_clients(now, zones))))
    expected = {
        tid
        for tid, (a, p, zone) in ids.items()
        if supply_rules.taking_new_clients(a, p, now.astimezone(ZoneInfo(zone)).date())
    }
    assert taking == expected
    assert sorted(zones) == sorted(ZONES)
    # at 00:05 UTC a pause ending today is over in London and Kolkata, not in New York or Honolulu
    ends_today_in = {ids[t][2] for t in taking if ids[t][1] == TODAY}
    if clock == time(0, 5):
        assert ends_today_in == {"Europe/London", "Asia/Kolkata"}
    else:
        assert ends_today_in == set(ZONES)
