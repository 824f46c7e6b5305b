"""For each hard constraint: a therapist who stops meeting it disappears after an incremental
update of the index, and the reference filter agrees."""

from __future__ import annotations

from collections.abc import Callable
from datetime import timedelta
from typing import Any

import numpy as np
import pytest
from sqlalchemy import delete, update
from sqlalchemy.orm import Session

from confide.matching.filters import eligible
from confide.matching.indexing import update_index
from confide.matching.schemas import MatchIntake
from confide.matching.service import build_query, concerns_for
from confide.models import (
    Licence,
    PanelParticipation,
    Therapist,
    TherapistLanguage,
    TherapistPopulation,
    TherapistService,
    WeeklyHours,
)
from confide.scheduling.timegrid import to_minute, wall_to_minute, zone
from tests.matching.conftest import HORIZON_DAYS, NOW, SmallNetwork
from tests.matching.reference import grid_free_starts, reference_matches

BASE: dict[str, Any] = {
    "state": "CA",
    "payment": {"method": "self_pay", "max_rate": 1000},
    "setting": "either",
}


def eligible_ids(net: SmallNetwork, intake: MatchIntake) -> list[int]:
    query = build_query(net.index, intake, net.now, concerns_for(intake), HORIZON_DAYS)
    return [int(net.index.ids[r]) for r in eligible(net.index.cols, query).rows]


def reference_ids(net: SmallNetwork, intake: MatchIntake) -> list[int]:
    assert net.openings.grid is not None
    with net.database.session() as session:
        return sorted(
            m.therapist_id
            for m in reference_matches(
                session, intake, net.now, grid_free_starts(net.openings.grid), HORIZON_DAYS
            )
        )


def most_common_ca_plan(net: SmallNetwork) -> str:
    ca = net.index.codes.of("states", "CA")
    plan, _ = max(
        ((p, len(rows)) for (p, s), rows in net.index.cols.panel_rows.items() if s == ca),
        key=lambda pr: pr[1],
    )
    return net.index.codes.plans[plan]


def _expire_licence(s: Session, tid: int, _: MatchIntake) -> None:
    s.execute(
        update(Licence)
        .where(Licence.therapist_id == tid, Licence.state == "CA")
        .values(status="expired")
    )


def _no_couples(s: Session, tid: int, _: MatchIntake) -> None:
    s.execute(
        delete(TherapistPopulation).where(
            TherapistPopulation.therapist_id == tid, TherapistPopulation.population == "couples"
        )
    )


def _therapist(**values: Any) -> Callable[[Session, int, MatchIntake], None]:
    def change(s: Session, tid: int, _: MatchIntake) -> None:
        s.execute(update(Therapist).where(Therapist.id == tid).values(**values))

    return change


def _leave_panel(s: Session, tid: int, intake: MatchIntake) -> None:
    s.execute(delete(PanelParticipation).where(PanelParticipation.therapist_id == tid))


def _raise_rates(s: Session, tid: int, _: MatchIntake) -> None:
    s.execute(
        update(TherapistService)
        .where(TherapistService.therapist_id == tid)
        .values(self_pay_rate_cents=120_000, sliding_scale_min_cents=None)
    )


def _drop_spanish(s: Session, tid: int, _: MatchIntake) -> None:
    s.execute(
        delete(TherapistLanguage).where(
            TherapistLanguage.therapist_id == tid, TherapistLanguage.language == "es"
        )
    )


def _no_hours(s: Session, tid: int, _: MatchIntake) -> None:
    s.execute(delete(WeeklyHours).where(WeeklyHours.therapist_id == tid))


CASES: dict[str, tuple[dict[str, Any], Callable[[Session, int, MatchIntake], None]]] = {
    "licence": ({}, _expire_licence),
    "partner_licence": ({"format": "couples", "partner_state": "CA"}, _expire_licence),
    "couples_population": ({"format": "couples", "partner_state": "CA"}, _no_couples),
    "not_accepting": ({}, _therapist(accepting_new_clients=False)),
    "paused": ({}, _therapist(paused_until=NOW.date() + timedelta(days=3))),
    "caseload": ({}, _therapist(caseload_limit=0)),
    "weekly_limit": ({}, _therapist(weekly_new_client_limit=0)),
    "insurance": ({"payment": "plan"}, _leave_panel),
    "budget": ({"payment": {"method": "self_pay", "max_rate": 300}}, _raise_rates),
    "telehealth": (
        {"setting": "telehealth"},
        _therapist(offers_telehealth=False, offers_in_person=True),
    ),
    "distance": (
        {"setting": "in_person", "postal_code": "94110", "max_distance_km": 500},
        _therapist(office_latitude=40.7, office_longitude=-74.0),
    ),
    "required_language": (
        {"preferences": {"languages": ["es"], "required": ["languages"]}},
        _drop_spanish,
    ),
    "availability": ({}, _no_hours),
}


@pytest.mark.parametrize("case", sorted(CASES))
def test_a_therapist_breaking_a_constraint_never_appears(
    small_network: SmallNetwork, case: str
) -> None:
    net = small_network
    extra, mutate = CASES[case]
    data = {**BASE, **extra}
    if data["payment"] == "plan":
        plan = most_common_ca_plan(net)
        data["payment"] = {"method": "insurance", "payer": plan.split("-")[0], "plan": plan}
    intake = MatchIntake.model_validate(data)
    before = eligible_ids(net, intake)
    assert before, f"{case}: the scenario should match someone"
    assert before == reference_ids(net, intake)
    victim = before[0]
    later = NOW + timedelta(minutes=1)
    with net.database.session(write=True) as session:
        mutate(session, victim, intake)
        session.execute(update(Therapist).where(Therapist.id == victim).values(updated_at=later))
    with net.database.session() as session:
        changed = net.openings.refresh(session, later)
        assert victim in changed
        assert net.openings.grid is not None
        net.index = update_index(net.index, session, net.openings.grid, changed, later)
    net.now = later
    after = eligible_ids(net, intake)
    assert victim not in after
    assert set(after) == set(before) - {victim}
    assert after == reference_ids(net, intake)


def test_full_caseload_leaves_room_for_one_person_not_a_couple(small_network: SmallNetwork) -> None:
    net = small_network
    rows = net.index.rows_of(set(net.full_caseload) - set(net.full_week))
    cols = net.index.cols
    assert (cols.active_clients[rows] == cols.caseload_limit[rows] - 1).all()
    seen_individually = set()
    for state in ("CA", "TX", "FL", "NY"):
        individual = MatchIntake.model_validate({**BASE, "state": state})
        couples = MatchIntake.model_validate(
            {**BASE, "state": state, "format": "couples", "partner_state": state}
        )
        seen_individually |= set(eligible_ids(net, individual)) & set(net.full_caseload)
        assert not set(eligible_ids(net, couples)) & set(net.full_caseload)
    assert seen_individually


def test_a_week_at_its_new_client_limit_offers_no_first_session(
    small_network: SmallNetwork,
) -> None:
    net = small_network
    index, grid = net.index, net.openings.grid
    assert grid is not None
    s = index.codes.of("session_types", "intake")
    other_weeks = 0
    with net.database.session() as session:
        for tid in net.full_week:
            timezone = session.get(Therapist, tid).timezone  # type: ignore[union-attr]
            row = int(index.rows_of([tid])[0])
            slot = int(index.cols.opening_slot[s][row])
            if slot < 0:  # offers no individual first session
                continue
            words = np.ascontiguousarray(index.cols.openings[s][:, slot]).view(np.uint8)
            bits = np.unpackbits(words, bitorder="little")[: index.ticks].astype(bool)
            local = (NOW + timedelta(days=7)).astimezone(zone(timezone)).date()
            monday = local - timedelta(days=local.weekday())
            base = to_minute(index.base)
            lo = (wall_to_minute(monday, 0, timezone) - base) // 30
            hi = (wall_to_minute(monday + timedelta(days=7), 0, timezone) - base) // 30
            assert not bits[max(lo, 0) : hi].any()
            # the scheduling engine's own grid agrees: no first session in a full week
            grid_row = grid.row_of(tid)
            assert grid_row is not None
            assert not grid.free["intake"][grid_row, max(lo, 0) : hi].any()
            other_weeks += int(bits[hi:].any() or bits[: max(lo, 0)].any())
    assert other_weeks > 0, "the same therapists still offer first sessions in other weeks"
