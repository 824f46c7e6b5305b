"""From an intake to an explained shortlist: translate, filter and rank on the index, explain."""

from __future__ import annotations

import logging
import math
from collections.abc import Callable, Sequence
from datetime import datetime

import numpy as np
from sqlalchemy import select
from sqlalchemy.orm import Session

from confide.matching import explain
from confide.matching.columns import COUPLES, INDIVIDUALS, Bool, Query
from confide.matching.index import MatchIndex
from confide.matching.indexing import build_index
from confide.matching.schemas import (
    InsurancePayment,
    MatchIntake,
    MatchResponse,
    MatchResult,
    Rate,
    TherapistCard,
)
from confide.matching.scoring import Ranking, rank
from confide.models import Therapist
from confide.scheduling.openings import compute_openings
from confide.scheduling.slots import Availability, free_start_mask, grid_ceil
from confide.scheduling.timegrid import MINUTES_PER_DAY, to_minute
from confide.vocab import get_vocabulary

logger = logging.getLogger("confide.matching")
Cards = Callable[[Sequence[int]], dict[int, TherapistCard]]
DEFAULT_HORIZON_DAYS = 14


def care_format(intake: MatchIntake) -> str:
    """Partner violence means individual care only, whatever was asked."""
    return "individual" if intake.safety.partner_violence else intake.format


def concerns_for(intake: MatchIntake) -> list[str]:
    """The chosen concern codes, plus those read from the free text when there is some."""
    concerns = list(dict.fromkeys(intake.concerns))
    if intake.concern_text and intake.concern_text.strip():
        try:
            from confide.matching.concern_text import map_concern_text
        except ImportError:  # the colleague's module is not there yet
            return concerns
        result = map_concern_text(intake.concern_text, max_codes=3)
        concerns.extend(c for c in result.codes if c not in concerns)
    return concerns[:20]


def window_masks(
    intake: MatchIntake, base: int, ticks: int, durations: Sequence[int]
) -> dict[int, Bool]:
    """Per session length: the ticks whose whole session lies in the person's free times."""
    if not intake.availability:
        return {d: np.ones(ticks, np.bool_) for d in durations}
    person = Availability(
        zone=intake.zone,
        minimum_notice_hours=0,
        booking_horizon_days=366,
        # the slot engine joins touching windows, so a session may run across them
        weekly_hours=tuple(
            sorted((w.weekday, w.start_minute, w.end_minute) for w in intake.availability)
        ),
    )
    return {d: free_start_mask(person, d, base, base, ticks) for d in durations if d > 0}


def build_query(
    index: MatchIndex, intake: MatchIntake, now: datetime, concerns: list[str], horizon_days: int
) -> Query:
    vocab = get_vocabulary()
    codes, cols = index.codes, index.cols
    fmt = care_format(intake)
    session_type = codes.of("session_types", vocab.first_session_type(fmt).code)
    base, current = to_minute(index.base), to_minute(now)
    step = index.step_minutes
    prefs = intake.preferences
    payment = intake.payment
    location = intake.location
    horizon_end = current + horizon_days * MINUTES_PER_DAY
    return Query(
        state=codes.of("states", intake.state),
        partner_state=(
            codes.of("states", intake.partner_state)
            if fmt == "couples" and intake.partner_state
            else None
        ),
        population=COUPLES if fmt == "couples" else INDIVIDUALS,
        session_type=session_type,
        now_minute=current,
        newcomers=2 if fmt == "couples" else 1,
        panel=(
            (codes.of("plans", payment.plan), codes.of("states", intake.state))
            if isinstance(payment, InsurancePayment)
            else None
        ),
        max_rate_cents=(
            None if isinstance(payment, InsurancePayment) else round(payment.max_rate * 100)
        ),
        setting=intake.setting,
        origin=(math.radians(location[0]), math.radians(location[1])) if location else None,
        max_km=intake.max_distance_km,
        gender=codes.of("genders", prefs.therapist_gender) if prefs.therapist_gender else None,
        languages=codes.mask("languages", prefs.languages),
        modalities=codes.mask("modalities", prefs.modalities),
        identities=codes.mask("identities", prefs.identities),
        faith=codes.of("faiths", prefs.faith) if prefs.faith else None,
        required=frozenset(prefs.required),
        window_masks=window_masks(intake, base, index.ticks, cols.durations[session_type]),
        first_tick_by_notice={
            hours: max(0, (grid_ceil(current + hours * 60) - base) // step)
            for hours in cols.notices
        },
        horizon_tick=min(index.ticks, max(0, -((base - horizon_end) // step))),
        concerns=tuple(codes.of("concerns", c) for c in concerns),
        relationship=tuple(vocab.concerns[c].relationship for c in concerns),
        couples_modalities=codes.mask(
            "modalities", [m.code for m in vocab.modalities.values() if m.couples]
        ),
        competence_modalities=codes.mask(
            "modalities", [m.code for m in vocab.modalities.values() if m.crisis or m.trauma]
        ),
        competence_concern=codes.of("concerns", "trauma_ptsd"),
        self_harm=intake.safety.self_harm_risk,
        limit=intake.limit,
    )


def database_cards(session: Session) -> Cards:
    def cards(ids: Sequence[int]) -> dict[int, TherapistCard]:
        rows = session.execute(
            select(
                Therapist.id,
                Therapist.first_name,
                Therapist.last_name,
                Therapist.credential,
                Therapist.pronouns,
                Therapist.practice_state,
                Therapist.offers_telehealth,
                Therapist.offers_in_person,
                Therapist.office_city,
            ).where(Therapist.id.in_(list(ids)))
        ).all()
        return {
            r.id: TherapistCard(
                id=r.id,
                name=f"{r.first_name} {r.last_name}",
                credential=r.credential,
                pronouns=r.pronouns,
                practice_state=r.practice_state,
                telehealth=r.offers_telehealth,
                in_person=r.offers_in_person,
                office_city=r.office_city,
            )
            for r in rows
        }

    return cards


def index_from_database(
    session: Session, now: datetime, horizon_days: int = DEFAULT_HORIZON_DAYS
) -> MatchIndex:
    """A fresh index with fresh openings, for one-off use (`confide match`)."""
    return build_index(session, compute_openings(session, now, horizon_days), now)


def find_matches(
    index: MatchIndex,
    intake: MatchIntake,
    now: datetime,
    *,
    cards: Cards | None = None,
    horizon_days: int | None = None,
) -> MatchResponse:
    """Therapists who can see this person soon, best first, each with reasons."""
    if horizon_days is None:
        horizon_days = index.ticks * index.step_minutes // MINUTES_PER_DAY
    concerns = concerns_for(intake)
    query = build_query(index, intake, now, concerns, horizon_days)
    ranking = rank(index.cols, query)
    fmt = care_format(intake)
    ids = [int(index.ids[r]) for r in ranking.rows]
    shown = cards(ids) if cards else {}
    results = [
        _result(
            index,
            intake,
            query.session_type,
            ranking,
            position,
            shown.get(ids[position]) or _plain_card(index, ids[position], row),
            fmt,
            concerns,
        )
        for position, row in enumerate(ranking.rows.tolist())
    ]
    notices = explain.notices(intake, fmt)
    relax = explain.relaxations(intake, ranking.relax)
    if not results:
        notices.append(explain.nothing_matches(relax, ranking.excluded, index.size, intake, fmt))
    return MatchResponse(
        results=results,
        total_eligible=ranking.total_eligible,
        excluded=ranking.excluded,
        notices=notices,
        relax=relax,
        concerns_used=concerns,
    )


def _plain_card(index: MatchIndex, therapist_id: int, row: int) -> TherapistCard:
    """A card from the index alone, when no cards are read from the database."""
    return TherapistCard(
        id=therapist_id,
        name=f"Therapist {therapist_id}",
        credential="",
        practice_state="",
        telehealth=bool(index.cols.telehealth[row]),
        in_person=bool(index.cols.in_person[row]),
    )


def _result(
    index: MatchIndex,
    intake: MatchIntake,
    s: int,
    ranking: Ranking,
    position: int,
    card: TherapistCard,
    fmt: str,
    concerns: list[str],
) -> MatchResult:
    """The ranking's `position`-th therapist (session type `s`) with reasons, opening and rate."""
    row = int(ranking.rows[position])
    opening = index.start_of(int(ranking.first_tick[position]))
    distance = float(ranking.distance_km[position])
    km = None if math.isnan(distance) else distance
    sliding = int(index.cols.sliding_cents[s][row])
    payment = intake.payment
    insured = isinstance(payment, InsurancePayment)
    return MatchResult(
        therapist=card,
        score=round(float(ranking.scores[position]), 4),
        reasons=explain.reasons(
            index, row, intake, s, opening, km, fmt, card.office_city, concerns
        ),
        first_opening=opening,
        session_type=index.codes.session_types[s],
        duration_minutes=int(index.cols.duration[s][row]),
        rate=Rate(
            session_type=index.codes.session_types[s],
            self_pay_rate=int(index.cols.rate_cents[s][row]) / 100,
            sliding_scale_min=sliding / 100 if sliding else None,
            plan=payment.plan if isinstance(payment, InsurancePayment) else None,
            network_status="in_network" if insured else None,
        ),
        distance_km=None if km is None else round(km, 1),
    )
