"""The straightforward way to answer an intake: one SQL query for the hard filters, then plain
Python over each candidate's free starts. Slow and obvious on purpose: the property test holds the
index to it, and the benchmark times it as the alternative.
"""

from __future__ import annotations

import math
from collections import defaultdict
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

from sqlalchemy import bindparam, text
from sqlalchemy.orm import Session

from confide.matching.schemas import InsurancePayment, MatchIntake
from confide.matching.service import care_format
from confide.models.base import UTCDateTime
from confide.network.supply_rules import CASELOAD_LOOKBACK_DAYS, DEFAULT_LICENCE_MAX_AGE_DAYS
from confide.vocab import get_vocabulary

EARTH_RADIUS_KM = 6371.0088
# therapist id -> that therapist's free starts for the session type, ascending
FreeStarts = Callable[[int, str], Sequence[datetime]]


@dataclass(frozen=True)
class ReferenceMatch:
    therapist_id: int
    first_opening: datetime


def _distance_km(a: tuple[float, float], b: tuple[float, float]) -> float:
    lat1, lon1, lat2, lon2 = map(math.radians, (*a, *b))
    h = (
        math.sin((lat2 - lat1) / 2) ** 2
        + math.cos(lat1) * math.cos(lat2) * math.sin((lon2 - lon1) / 2) ** 2
    )
    return 2 * EARTH_RADIUS_KM * math.asin(math.sqrt(min(h, 1.0)))


def hard_filter_sql(intake: MatchIntake, fmt: str) -> tuple[str, dict[str, object]]:
    """Every hard constraint that does not depend on time of day, as one SQL query."""
    vocab = get_vocabulary()
    session_type = vocab.first_session_type(fmt).code
    params: dict[str, object] = {
        "state": intake.state,
        "session_type": session_type,
        "population": "couples" if fmt == "couples" else "individuals",
        "newcomers": 2 if fmt == "couples" else 1,
    }
    where = [
        "EXISTS (SELECT 1 FROM licences l WHERE l.therapist_id = t.id AND l.state = :state "
        "AND l.status = 'active' AND l.verified_at >= :verified_since)",
        "EXISTS (SELECT 1 FROM therapist_populations p WHERE p.therapist_id = t.id "
        "AND p.population = :population)",
        "s.duration_minutes > 0",
        "t.accepting_new_clients",
        # the caseload: distinct clients in held, booked or recent sessions
        "(SELECT COUNT(DISTINCT ap.client_id) FROM appointments a JOIN appointment_participants "
        "ap ON ap.appointment_id = a.id WHERE a.therapist_id = t.id AND a.start_at >= :since "
        "AND (a.status IN ('fulfilled', 'booked') OR (a.status = 'held' "
        "AND a.hold_expires_at > :now))) + :newcomers <= t.caseload_limit",
    ]
    if fmt == "couples":
        where.append(
            "EXISTS (SELECT 1 FROM licences l2 WHERE l2.therapist_id = t.id "
            "AND l2.state = :partner_state AND l2.status = 'active' "
            "AND l2.verified_at >= :verified_since)"
        )
        params["partner_state"] = intake.partner_state
    payment = intake.payment
    if isinstance(payment, InsurancePayment):
        where.append(
            "EXISTS (SELECT 1 FROM panel_participations pp WHERE pp.therapist_id = t.id "
            "AND pp.plan_code = :plan AND pp.state = :state)"
        )
        params["plan"] = payment.plan
    else:
        where.append("COALESCE(s.sliding_scale_min_cents, s.self_pay_rate_cents) <= :max_cents")
        params["max_cents"] = round(payment.max_rate * 100)
    if intake.setting == "telehealth":
        where.append("t.offers_telehealth")
    elif intake.setting == "in_person":
        where.append("t.offers_in_person AND t.office_latitude IS NOT NULL")
    prefs = intake.preferences
    if "therapist_gender" in prefs.required:
        where.append("t.gender = :gender")
        params["gender"] = prefs.therapist_gender
    if "faith" in prefs.required:
        where.append("t.faith = :faith")
        params["faith"] = prefs.faith
    if "languages" in prefs.required:
        names = _in_list("lang", prefs.languages, params)
        where.append(
            f"EXISTS (SELECT 1 FROM therapist_languages x WHERE x.therapist_id = t.id "
            f"AND x.language IN ({names}))"
        )
    if "modalities" in prefs.required:
        names = _in_list("mod", prefs.modalities, params)
        where.append(
            f"EXISTS (SELECT 1 FROM therapist_modalities x WHERE x.therapist_id = t.id "
            f"AND x.modality IN ({names}))"
        )
    if "identities" in prefs.required:
        wanted = sorted(set(prefs.identities))
        names = _in_list("ident", wanted, params)
        where.append(
            f"(SELECT COUNT(*) FROM therapist_identities x WHERE x.therapist_id = t.id "
            f"AND x.identity IN ({names})) = {len(wanted)}"
        )
    sql = (
        "SELECT t.id, t.timezone, t.paused_until, t.weekly_new_client_limit, "
        "t.minimum_notice_hours, t.offers_telehealth, t.offers_in_person, "
        "t.office_latitude, t.office_longitude, s.duration_minutes "
        "FROM therapists t JOIN therapist_services s ON s.therapist_id = t.id "
        "AND s.session_type = :session_type WHERE " + " AND ".join(where) + " ORDER BY t.id"
    )
    return sql, params


def _in_list(prefix: str, values: Sequence[str], params: dict[str, object]) -> str:
    names = []
    for i, value in enumerate(values):
        params[f"{prefix}{i}"] = value
        names.append(f":{prefix}{i}")
    return ", ".join(names)


def _in_windows(start: datetime, minutes: int, intake: MatchIntake) -> bool:
    if not intake.availability:
        return True
    tz = ZoneInfo(intake.zone)
    local_start = start.astimezone(tz)
    local_end = (start + timedelta(minutes=minutes)).astimezone(tz)
    first = local_start.hour * 60 + local_start.minute
    last = local_end.hour * 60 + local_end.minute
    if local_end.date() != local_start.date():
        if local_end.date() != local_start.date() + timedelta(days=1) or last != 0:
            return False
        last = 24 * 60
    day = local_start.weekday()
    spans = sorted((w.start_minute, w.end_minute) for w in intake.availability if w.weekday == day)
    merged: list[list[int]] = []
    for lo, hi in spans:
        if merged and lo <= merged[-1][1]:
            merged[-1][1] = max(merged[-1][1], hi)
        else:
            merged.append([lo, hi])
    return any(lo <= first and last <= hi for lo, hi in merged)


def _notice_start(now: datetime, hours: int) -> datetime:
    earliest = now + timedelta(hours=hours)
    step = timedelta(minutes=30)
    floor = earliest - (earliest - datetime(1970, 1, 1, tzinfo=earliest.tzinfo)) % step
    return floor if floor == earliest else floor + step


def reference_matches(
    session: Session, intake: MatchIntake, now: datetime, free_starts: FreeStarts, horizon_days: int
) -> list[ReferenceMatch]:
    """Every therapist meeting every hard constraint, with their first usable opening."""
    fmt = care_format(intake)
    session_type = get_vocabulary().first_session_type(fmt).code
    sql, params = hard_filter_sql(intake, fmt)
    params["since"] = now - timedelta(days=CASELOAD_LOOKBACK_DAYS)
    params["now"] = now
    # a licence lists its state only when verified recently enough (network/supply_rules.py)
    params["verified_since"] = now - timedelta(days=DEFAULT_LICENCE_MAX_AGE_DAYS)
    query = text(sql).bindparams(
        bindparam("since", type_=UTCDateTime()),
        bindparam("now", type_=UTCDateTime()),
        bindparam("verified_since", type_=UTCDateTime()),
    )
    candidates = session.execute(query, params).all()
    origin = intake.location
    new_clients = _new_clients_by_week(
        session, [c.id for c in candidates], now, {c.id: c.timezone for c in candidates}
    )
    horizon = now + timedelta(days=horizon_days)
    matches = []
    for c in candidates:
        tz = ZoneInfo(c.timezone)
        paused = c.paused_until
        if isinstance(paused, str):
            paused = date.fromisoformat(paused)
        if paused is not None and paused > now.astimezone(tz).date():
            continue
        if origin is not None and intake.max_distance_km is not None:
            near = (
                c.offers_in_person
                and c.office_latitude is not None
                and _distance_km(origin, (c.office_latitude, c.office_longitude))
                <= intake.max_distance_km
            )
            if intake.setting == "in_person" and not near:
                continue
            if intake.setting == "either" and not (near or c.offers_telehealth):
                continue
        earliest = _notice_start(now, c.minimum_notice_hours)
        for start in free_starts(c.id, session_type):
            if start < earliest or start >= horizon:
                continue
            local = start.astimezone(tz).date()
            monday = local - timedelta(days=local.weekday())
            if new_clients.get((c.id, monday), 0) >= c.weekly_new_client_limit:
                continue
            if _in_windows(start, c.duration_minutes, intake):
                matches.append(ReferenceMatch(c.id, start))
                break
    return matches


def _new_clients_by_week(
    session: Session, ids: list[int], now: datetime, zones: dict[int, str]
) -> dict[tuple[int, date], int]:
    counts: dict[tuple[int, date], int] = defaultdict(int)
    if not ids:
        return counts
    rows = session.execute(
        text(
            "SELECT therapist_id, start_at FROM appointments WHERE is_new_client "
            "AND (status = 'booked' OR (status = 'held' AND hold_expires_at > :now))"
        ).bindparams(bindparam("now", type_=UTCDateTime())),
        {"now": now},
    )
    wanted = set(ids)
    for tid, start_at in rows:
        if tid not in wanted:
            continue
        if isinstance(start_at, str):
            start_at = datetime.fromisoformat(start_at)
        if start_at.tzinfo is None:
            start_at = start_at.replace(tzinfo=ZoneInfo("UTC"))
        local = start_at.astimezone(ZoneInfo(zones[tid])).date()
        counts[(tid, local - timedelta(days=local.weekday()))] += 1
    return counts


def grid_free_starts(grid: object) -> FreeStarts:
    """Free starts read from an OpeningsGrid, one therapist at a time."""
    from confide.scheduling.openings import OpeningsGrid

    assert isinstance(grid, OpeningsGrid)

    def starts(therapist_id: int, session_type: str) -> list[datetime]:
        row = grid.row_of(therapist_id)
        if row is None or session_type not in grid.free:
            return []
        return [grid.start_of(int(i)) for i in grid.free[session_type][row].nonzero()[0]]

    return starts
