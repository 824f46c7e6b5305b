"""The demo network looks like the US behavioural-health workforce (printed by `network stats`)."""

from __future__ import annotations

from collections import Counter, defaultdict
from datetime import UTC, datetime
from functools import cache
from typing import Any
from zoneinfo import ZoneInfo

import pytest
import zipcodes
from sqlalchemy import select

from confide.db import Database
from confide.models import Therapist, WeeklyHours
from confide.network.stats import NetworkStats, network_stats
from confide.vocab import get_vocabulary
from tests.conftest import SEED_DAY, SEEDED_SIZE

pytestmark = pytest.mark.xdist_group("seeded")


@pytest.fixture(scope="module")
def stats(seeded_database: Database) -> NetworkStats:
    with seeded_database.session() as session:
        return network_stats(session, get_vocabulary(), today=SEED_DAY)


def test_every_state_and_dc_roughly_in_proportion_to_population(stats: NetworkStats) -> None:
    assert stats.therapists == SEEDED_SIZE
    assert set(stats.by_state) == set(get_vocabulary().states)
    assert len(stats.by_state) == 51
    for state, share in stats.population_share.items():
        expected = share * SEEDED_SIZE
        if expected >= 150:
            assert abs(stats.by_state[state] - expected) <= 0.25 * expected, state
        else:
            assert stats.by_state[state] >= 5, state
    assert stats.by_state["CA"] > stats.by_state["TX"] > stats.by_state["OH"] > stats.by_state["WY"]


def test_licence_mix_follows_the_workforce(stats: NetworkStats) -> None:
    mix = stats.licence_mix
    counsellors = mix.get("lpc", 0) + mix.get("lmhc", 0)
    social_workers = mix["lcsw"]
    assert 0.25 <= social_workers <= 0.37
    assert 0.27 <= counsellors <= 0.40
    for middle in ("lmft", "psychologist"):
        assert 0.10 <= mix[middle] < min(social_workers, counsellors)
    prescribers = mix.get("pmhnp", 0) + mix.get("psychiatrist", 0)
    assert 0.02 <= prescribers <= 0.10
    assert prescribers < mix["lmft"]


def test_licences_in_one_to_three_states_with_the_practice_state(stats: NetworkStats) -> None:
    per = stats.licences_per_therapist
    assert set(per) <= {1, 2, 3}
    assert per[1] > per[2] > per[3] > 0
    assert stats.practice_state_licensed == 1.0


def test_npis_are_valid_and_unique(stats: NetworkStats) -> None:
    assert stats.npi_valid == 1.0
    assert stats.npi_unique


def test_stats_report_time_zones_consistent(stats: NetworkStats) -> None:
    assert stats.time_zone_consistent == 1.0
    assert 0.9 < stats.arizona_without_dst < 1.0
    assert {
        "America/New_York",
        "America/Chicago",
        "America/Denver",
        "America/Phoenix",
        "America/Los_Angeles",
        "America/Anchorage",
        "Pacific/Honolulu",
    } <= set(stats.time_zones)


@cache
def places_by_postal_code() -> dict[str, list[dict[str, Any]]]:
    """zipcodes' places by code, read once: `zipcodes.matching` scans all 42,000 places at each
    call (about 1 ms; 10 s for the network's 10,000 offices)."""
    places: dict[str, list[dict[str, Any]]] = defaultdict(list)
    for place in zipcodes.list_all():
        places[place["zip_code"]].append(place)
    return places


def test_places_by_postal_code_are_what_zipcodes_matching_finds() -> None:
    for code in ("00501", "10001", "59001", "96813", "99501"):
        assert places_by_postal_code()[code] == zipcodes.matching(code)


def test_time_zones_follow_the_practice_location(seeded_database: Database) -> None:
    vocab = get_vocabulary()
    january = datetime(2026, 1, 15, 12, tzinfo=UTC)
    july = datetime(2026, 7, 15, 12, tzinfo=UTC)
    split_states_seen: dict[str, set[str]] = {}
    with seeded_database.session() as session:
        rows = session.execute(
            select(Therapist.practice_state, Therapist.timezone, Therapist.office_postal_code)
        ).all()
    for state, zone, postal_code in rows:
        (place,) = places_by_postal_code()[postal_code]
        assert place["state"] == state
        assert place["timezone"] == zone
        tz = ZoneInfo(zone)
        clocks = {(january.astimezone(tz).utcoffset(), july.astimezone(tz).utcoffset())}
        allowed = {
            (january.astimezone(ZoneInfo(z)).utcoffset(), july.astimezone(ZoneInfo(z)).utcoffset())
            for z in vocab.states[state].time_zones
        }
        assert clocks <= allowed, (state, zone)
        split_states_seen.setdefault(state, set()).add(str(clocks))
    # states split across two zones show both clocks; Arizona (outside the Navajo Nation) no DST
    for state in ("FL", "TX", "TN", "KY", "IN", "MI", "OR", "ID", "KS", "NE", "ND", "SD"):
        assert state in split_states_seen
    assert len(split_states_seen["TN"]) == 2
    assert len(split_states_seen["FL"]) == 2
    arizona = Counter(z for s, z, _ in rows if s == "AZ")
    # Arizona keeps standard time all year; only the Navajo Nation keeps DST (America/Denver)
    assert set(arizona) <= {"America/Phoenix", "America/Denver"}
    assert arizona["America/Phoenix"] / sum(arizona.values()) > 0.9
    assert ZoneInfo("America/Phoenix").utcoffset(july.replace(tzinfo=None)) == ZoneInfo(
        "America/Phoenix"
    ).utcoffset(january.replace(tzinfo=None))


def test_couples_work_concentrated_in_marriage_and_family_therapists(stats: NetworkStats) -> None:
    assert 0.30 <= stats.couples_share <= 0.40
    mft = stats.couples_share_by_licence["lmft"]
    others = [v for k, v in stats.couples_share_by_licence.items() if k != "lmft"]
    assert mft > 0.75
    assert max(others) < 0.45
    rel = stats.relationship_primary_by_licence
    assert all(rel["lmft"] > v + 0.15 for k, v in rel.items() if k != "lmft")
    modality = stats.couples_modality_by_licence
    assert all(modality["lmft"] > 2 * v for k, v in modality.items() if k != "lmft")


def test_spanish_in_one_in_ten_other_languages_rarer(stats: NetworkStats) -> None:
    assert 0.10 <= stats.spanish_share <= 0.15
    assert stats.other_languages
    assert max(stats.other_languages.values()) < 0.03


def test_insurance_panels(stats: NetworkStats) -> None:
    assert 0.60 <= stats.in_network_share <= 0.75
    assert stats.medicaid_share < 0.5 * max(stats.payer_share.values())
    assert len(stats.payer_share) >= 12
    # payer shares vary by state: regional payers appear only where they sell
    by_state = stats.payer_share_by_state
    assert "kaiser" in by_state["CA"]
    assert "kaiser" not in by_state["TX"]
    assert "emblemhealth" in by_state["NY"]
    assert "emblemhealth" not in by_state["CA"]
    assert "harvard-pilgrim" in by_state["MA"]


def test_self_pay_rates_in_realistic_ranges(stats: NetworkStats) -> None:
    p = stats.individual_rate_percentiles
    assert p["p5"] >= 90
    assert p["p95"] <= 270
    assert 100 <= p["p25"] <= p["p50"] <= p["p75"] <= 250
    assert stats.couples_rate_median > p["p50"]
    by_licence = stats.individual_rate_median_by_licence
    assert by_licence["psychiatrist"] > by_licence["psychologist"] > by_licence["lcsw"]
    assert 0.15 <= stats.sliding_scale_share <= 0.40


def test_weekly_hours_mostly_weekdays_days_and_evenings(
    stats: NetworkStats, seeded_database: Database
) -> None:
    assert stats.weekday_hours_share > 0.9
    assert 0.2 <= stats.evening_share <= 0.7
    assert 0.05 <= stats.saturday_share <= 0.35
    with seeded_database.session() as session:
        sundays = session.scalars(select(WeeklyHours.id).where(WeeklyHours.weekday == 6)).all()
        starts = session.scalars(select(WeeklyHours.start_minute)).all()
    assert not sundays
    assert min(starts) >= 6 * 60
    assert all(s % 15 == 0 for s in starts)


def test_some_not_accepting_or_paused(stats: NetworkStats) -> None:
    assert 0.10 <= stats.unavailable_share <= 0.25
    assert stats.not_accepting_share > 0
    assert stats.paused_share > 0
