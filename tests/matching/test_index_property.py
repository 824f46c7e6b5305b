"""The index returns exactly what the plain reference filter over the database returns."""

from __future__ import annotations

from datetime import datetime

import zipcodes
from hypothesis import HealthCheck, event, given, settings
from hypothesis import strategies as st

from confide.matching.filters import eligible
from confide.matching.schemas import MatchIntake
from confide.matching.service import build_query, concerns_for
from confide.vocab import get_vocabulary
from tests.matching.conftest import HORIZON_DAYS, SmallNetwork
from tests.matching.reference import grid_free_starts, reference_matches

STATES = ("CA", "TX", "FL", "NY", "PA", "IL", "OH", "GA")
VOCAB = get_vocabulary()


def _postal_codes(state: str) -> list[str]:
    rows = [
        r
        for r in zipcodes.filter_by(state=state)
        if r["zip_code_type"] == "STANDARD" and r["active"] and r["lat"]
    ]
    return [r["zip_code"] for r in rows[:: max(1, len(rows) // 12)]]


POSTAL = {s: _postal_codes(s) for s in STATES}


@st.composite
def windows(draw: st.DrawFn) -> dict[str, object]:
    start = draw(st.integers(0, 44))
    end = draw(st.integers(start + 1, min(48, start + 16)))
    return {
        "weekday": draw(st.integers(0, 6)),
        "start": f"{start // 2:02d}:{start % 2 * 30:02d}",
        "end": f"{end // 2:02d}:{end % 2 * 30:02d}",
    }


@st.composite
def intakes(draw: st.DrawFn) -> MatchIntake:
    state = draw(st.sampled_from(STATES))
    data: dict[str, object] = {
        "state": state,
        "format": draw(st.sampled_from(["individual", "couples"])),
    }
    if data["format"] == "couples":
        data["partner_state"] = draw(st.sampled_from([state, state, state, "NY", "NJ"]))
    data["concerns"] = draw(
        st.lists(st.sampled_from(list(VOCAB.concerns)), max_size=3, unique=True)
    )
    if draw(st.booleans()):
        payer = draw(st.sampled_from([p for p in VOCAB.payers.values() if p.plans_in(state)]))
        plan = draw(st.sampled_from(payer.plans_in(state)))
        data["payment"] = {"method": "insurance", "payer": payer.code, "plan": plan.code}
    else:
        data["payment"] = {
            "method": "self_pay",
            "max_rate": draw(st.sampled_from([90, 130, 160, 200, 260, 400])),
        }
    data["setting"] = draw(st.sampled_from(["telehealth", "in_person", "either"]))
    if data["setting"] == "in_person" or (data["setting"] == "either" and draw(st.booleans())):
        data["postal_code"] = draw(st.sampled_from(POSTAL[state]))
        data["max_distance_km"] = draw(st.sampled_from([15, 60, 250]))
    prefs: dict[str, object] = {}
    if draw(st.booleans()):
        prefs["therapist_gender"] = draw(st.sampled_from(["woman", "man", "nonbinary"]))
    if draw(st.booleans()):
        prefs["languages"] = draw(
            st.lists(st.sampled_from(["en", "es", "zh", "fr"]), min_size=1, max_size=2, unique=True)
        )
    if draw(st.booleans()):
        prefs["modalities"] = draw(
            st.lists(st.sampled_from(list(VOCAB.modalities)), min_size=1, max_size=3, unique=True)
        )
    if draw(st.booleans()):
        prefs["identities"] = draw(
            st.lists(st.sampled_from(list(VOCAB.identities)), min_size=1, max_size=2, unique=True)
        )
    if draw(st.integers(0, 5)) == 0:
        prefs["faith"] = draw(st.sampled_from(list(VOCAB.faiths)))
    given_names = [k for k in prefs if k != "required"]
    prefs["required"] = draw(
        st.lists(st.sampled_from(given_names), unique=True) if given_names else st.just([])
    )
    data["preferences"] = prefs
    if draw(st.booleans()):
        data["availability"] = draw(st.lists(windows(), min_size=1, max_size=6))
    data["timezone"] = draw(
        st.sampled_from([*VOCAB.states[state].time_zones, "America/Phoenix", "Pacific/Honolulu"])
    )
    data["safety"] = {
        "partner_violence": draw(st.integers(0, 4)) == 0,
        "self_harm_risk": draw(st.booleans()),
    }
    return MatchIntake.model_validate(data)


def index_answer(net: SmallNetwork, intake: MatchIntake) -> dict[int, datetime]:
    index = net.index
    query = build_query(index, intake, net.now, concerns_for(intake), HORIZON_DAYS)
    found = eligible(index.cols, query)
    return {
        int(index.ids[r]): index.start_of(int(t))
        for r, t in zip(found.rows, found.first_tick, strict=True)
    }


@settings(
    max_examples=120,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(intake=intakes())
def test_index_returns_exactly_the_reference_set(
    small_network: SmallNetwork, intake: MatchIntake
) -> None:
    net = small_network
    grid = net.openings.grid
    assert grid is not None
    with net.database.session() as session:
        expected = {
            m.therapist_id: m.first_opening
            for m in reference_matches(
                session, intake, net.now, grid_free_starts(grid), HORIZON_DAYS
            )
        }
    found = index_answer(net, intake)
    event("matches: " + ("none" if not expected else "1-9" if len(expected) < 10 else "10+"))
    assert found == expected


def test_the_random_intakes_find_someone(small_network: SmallNetwork) -> None:
    """Guards the property test against comparing empty sets only."""
    intake = MatchIntake.model_validate(
        {"state": "CA", "payment": {"method": "self_pay", "max_rate": 300}}
    )
    assert len(index_answer(small_network, intake)) > 10
