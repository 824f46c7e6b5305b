"""What the network in the database looks like: the distributions `confide network stats` prints."""

from __future__ import annotations

from collections import Counter, defaultdict
from dataclasses import dataclass
from datetime import UTC, date, datetime
from statistics import median, quantiles
from typing import Protocol
from zoneinfo import ZoneInfo

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from confide.models import (
    Licence,
    PanelParticipation,
    Plan,
    Therapist,
    TherapistLanguage,
    TherapistModality,
    TherapistPopulation,
    TherapistService,
    TherapistSpecialty,
    WeeklyHours,
)
from confide.network import npi, supply_rules
from confide.vocab import Vocabulary

WINTER = datetime(2026, 1, 15, 12, tzinfo=UTC)
SUMMER = datetime(2026, 7, 15, 12, tzinfo=UTC)


@dataclass
class Geography:
    by_state: dict[str, int]
    population_share: dict[str, float]
    time_zones: dict[str, int]
    time_zone_consistent: float
    arizona_without_dst: float


@dataclass
class Licensure:
    licence_mix: dict[str, float]
    licences_per_therapist: dict[int, float]
    practice_state_licensed: float
    npi_valid: float
    npi_unique: bool


@dataclass
class CouplesWork:
    couples_share: float
    couples_share_by_licence: dict[str, float]
    # share of each licence's primary specialties that are relationship concerns
    relationship_primary_by_licence: dict[str, float]
    couples_modality_by_licence: dict[str, float]


@dataclass
class Languages:
    spanish_share: float
    other_languages: dict[str, float]


@dataclass
class Insurance:
    in_network_share: float
    payer_share: dict[str, float]
    payer_share_by_state: dict[str, dict[str, float]]
    medicaid_share: float


@dataclass
class Rates:
    individual_rate_percentiles: dict[str, float]
    individual_rate_median_by_licence: dict[str, float]
    couples_rate_median: float
    sliding_scale_share: float


@dataclass
class Hours:
    saturday_share: float
    evening_share: float
    weekday_hours_share: float


@dataclass
class Supply:
    not_accepting_share: float
    paused_share: float
    unavailable_share: float


@dataclass
class NetworkStats(Supply, Hours, Rates, Insurance, Languages, CouplesWork, Licensure, Geography):
    """Every distribution `confide network stats` prints; shares are of all therapists."""

    therapists: int


class _TherapistRow(Protocol):
    """The therapist columns several sections read, fetched once."""

    id: int
    npi: str
    practice_state: str
    licence_type: str
    timezone: str
    accepting_new_clients: bool
    paused_until: date | None


def _share(part: int, whole: int) -> float:
    return part / whole if whole else 0.0


def _zone_offsets(zone: str) -> tuple[float, float]:
    tz = ZoneInfo(zone)
    winter = WINTER.astimezone(tz).utcoffset()
    summer = SUMMER.astimezone(tz).utcoffset()
    assert winter is not None
    assert summer is not None
    return winter.total_seconds(), summer.total_seconds()


def time_zone_fits_state(zone: str, state: str, vocab: Vocabulary) -> bool:
    """The zone keeps the same clock (winter and summer offsets) as one of the state's zones."""
    return _zone_offsets(zone) in {_zone_offsets(z) for z in vocab.states[state].time_zones}


def network_stats(session: Session, vocab: Vocabulary, today: date | None = None) -> NetworkStats:
    """The network's distributions, a section at a time; NetworkStats holds every section's
    fields side by side."""
    today = today or datetime.now(UTC).date()
    people: list[_TherapistRow] = list(
        session.execute(
            select(
                Therapist.id,
                Therapist.npi,
                Therapist.practice_state,
                Therapist.licence_type,
                Therapist.timezone,
                Therapist.accepting_new_clients,
                Therapist.paused_until,
            )
        )
    )
    total = len(people)
    licence_of = {row.id: row.licence_type for row in people}
    geography = _geography(people, vocab)
    sections = (
        geography,
        _licensure(session, people),
        _couples_work(session, vocab, licence_of),
        _languages(session, total),
        _insurance(session, people, geography.by_state),
        _rates(session, licence_of, total),
        _hours(session, total),
        _supply(people, today),
    )
    return NetworkStats(therapists=total, **{k: v for s in sections for k, v in vars(s).items()})


def _geography(people: list[_TherapistRow], vocab: Vocabulary) -> Geography:
    """Where therapists practise against where people live, and their time zones."""
    total = len(people)
    by_state = Counter(row.practice_state for row in people)
    population = {code: s.population for code, s in vocab.states.items()}
    population_total = sum(population.values())
    zones = Counter(row.timezone for row in people)
    consistent = sum(
        time_zone_fits_state(row.timezone, row.practice_state, vocab) for row in people
    )
    arizona = [row for row in people if row.practice_state == "AZ"]
    arizona_no_dst = sum(1 for row in arizona if len(set(_zone_offsets(row.timezone))) == 1)
    return Geography(
        by_state=dict(sorted(by_state.items())),
        population_share={s: population[s] / population_total for s in sorted(population)},
        time_zones=dict(zones.most_common()),
        time_zone_consistent=_share(consistent, total),
        arizona_without_dst=_share(arizona_no_dst, len(arizona)),
    )


def _licensure(session: Session, people: list[_TherapistRow]) -> Licensure:
    total = len(people)
    licence_mix = Counter(row.licence_type for row in people)
    per_therapist = Counter(
        count
        for (count,) in session.execute(
            select(func.count()).select_from(Licence).group_by(Licence.therapist_id)
        )
    )
    practice_licensed = (
        session.scalar(
            select(func.count())
            .select_from(Therapist)
            .join(
                Licence,
                (Licence.therapist_id == Therapist.id)
                & (Licence.state == Therapist.practice_state)
                & (Licence.status == "active"),
            )
        )
        or 0
    )
    npis = [row.npi for row in people]
    return Licensure(
        licence_mix={k: _share(v, total) for k, v in licence_mix.most_common()},
        licences_per_therapist={k: _share(v, total) for k, v in sorted(per_therapist.items())},
        practice_state_licensed=_share(practice_licensed, total),
        npi_valid=_share(sum(npi.is_valid(n) for n in npis), total),
        npi_unique=len(set(npis)) == len(npis),
    )


def _couples_work(session: Session, vocab: Vocabulary, licence_of: dict[int, str]) -> CouplesWork:
    """Who sees couples, by licence, with relationship specialties and couples methods."""
    total = len(licence_of)
    couples_ids = set(
        session.scalars(
            select(TherapistPopulation.therapist_id).where(
                TherapistPopulation.population == "couples"
            )
        )
    )
    by_licence_total = Counter(licence_of.values())
    couples_by_licence = Counter(licence_of[t] for t in couples_ids)
    relationship = [c.code for c in vocab.concerns.values() if c.relationship]
    primary_total: Counter[str] = Counter()
    primary_relationship: Counter[str] = Counter()
    for therapist_id, concern in session.execute(
        select(TherapistSpecialty.therapist_id, TherapistSpecialty.concern).where(
            TherapistSpecialty.strength == "primary"
        )
    ):
        primary_total[licence_of[therapist_id]] += 1
        if concern in relationship:
            primary_relationship[licence_of[therapist_id]] += 1
    couples_modalities = [m.code for m in vocab.modalities.values() if m.couples]
    with_couples_modality = set(
        session.scalars(
            select(TherapistModality.therapist_id).where(
                TherapistModality.modality.in_(couples_modalities)
            )
        )
    )
    return CouplesWork(
        couples_share=_share(len(couples_ids), total),
        couples_share_by_licence={
            k: _share(couples_by_licence[k], n) for k, n in by_licence_total.most_common()
        },
        relationship_primary_by_licence={
            k: _share(primary_relationship[k], primary_total[k]) for k in by_licence_total
        },
        couples_modality_by_licence={
            k: _share(sum(1 for t in with_couples_modality if licence_of[t] == k), n)
            for k, n in by_licence_total.most_common()
        },
    )


def _languages(session: Session, total: int) -> Languages:
    speakers = Counter(session.scalars(select(TherapistLanguage.language)))
    return Languages(
        spanish_share=_share(speakers["es"], total),
        other_languages={
            k: _share(v, total) for k, v in speakers.most_common() if k not in ("en", "es")
        },
    )


def _insurance(
    session: Session, people: list[_TherapistRow], by_state: dict[str, int]
) -> Insurance:
    """Panel membership by payer, nationally and among therapists practising in each state."""
    total = len(people)
    panel_rows = list(
        session.execute(
            select(PanelParticipation.therapist_id, Plan.payer_code, PanelParticipation.state).join(
                Plan, Plan.code == PanelParticipation.plan_code
            )
        )
    )
    in_network = {row.therapist_id for row in panel_rows}
    payer_members: dict[str, set[int]] = defaultdict(set)
    payer_members_by_state: dict[str, dict[str, set[int]]] = defaultdict(lambda: defaultdict(set))
    practice_of = {row.id: row.practice_state for row in people}
    for row in panel_rows:
        payer_members[row.payer_code].add(row.therapist_id)
        if row.state == practice_of[row.therapist_id]:
            payer_members_by_state[row.state][row.payer_code].add(row.therapist_id)
    return Insurance(
        in_network_share=_share(len(in_network), total),
        payer_share={
            k: _share(len(v), total)
            for k, v in sorted(payer_members.items(), key=lambda kv: -len(kv[1]))
        },
        payer_share_by_state={
            state: {
                k: _share(len(v), by_state[state])
                for k, v in sorted(members.items(), key=lambda kv: -len(kv[1]))
            }
            for state, members in sorted(payer_members_by_state.items())
        },
        medicaid_share=_share(len(payer_members.get("medicaid", ())), total),
    )


def _rates(session: Session, licence_of: dict[int, str], total: int) -> Rates:
    """Self-pay rates in dollars: individual percentiles and medians, couples median."""
    rates = list(
        session.execute(
            select(
                TherapistService.therapist_id,
                TherapistService.session_type,
                TherapistService.self_pay_rate_cents,
                TherapistService.sliding_scale_min_cents,
            )
        )
    )
    individual = [r.self_pay_rate_cents / 100 for r in rates if r.session_type == "individual"]
    individual_by_licence: dict[str, list[float]] = defaultdict(list)
    for r in rates:
        if r.session_type == "individual":
            individual_by_licence[licence_of[r.therapist_id]].append(r.self_pay_rate_cents / 100)
    couples_rates = [r.self_pay_rate_cents / 100 for r in rates if r.session_type == "couples"]
    sliding = {r.therapist_id for r in rates if r.sliding_scale_min_cents}
    cuts = quantiles(individual, n=20) if len(individual) >= 2 else [0.0] * 19
    return Rates(
        individual_rate_percentiles={
            "p5": cuts[0],
            "p25": cuts[4],
            "p50": cuts[9],
            "p75": cuts[14],
            "p95": cuts[18],
        },
        individual_rate_median_by_licence={
            k: median(v) for k, v in sorted(individual_by_licence.items())
        },
        couples_rate_median=median(couples_rates) if couples_rates else 0.0,
        sliding_scale_share=_share(len(sliding), total),
    )


def _hours(session: Session, total: int) -> Hours:
    hours = list(
        session.execute(
            select(
                WeeklyHours.therapist_id,
                WeeklyHours.weekday,
                WeeklyHours.start_minute,
                WeeklyHours.end_minute,
            )
        )
    )
    saturday = {h.therapist_id for h in hours if h.weekday == 5}
    evening = {h.therapist_id for h in hours if h.weekday < 5 and h.end_minute > 18 * 60}
    weekday_minutes = sum(h.end_minute - h.start_minute for h in hours if h.weekday < 5)
    all_minutes = sum(h.end_minute - h.start_minute for h in hours)
    return Hours(
        saturday_share=_share(len(saturday), total),
        evening_share=_share(len(evening), total),
        weekday_hours_share=_share(weekday_minutes, all_minutes),
    )


def _supply(people: list[_TherapistRow], today: date) -> Supply:
    total = len(people)
    not_accepting = sum(1 for row in people if not row.accepting_new_clients)
    paused = sum(
        1
        for row in people
        if row.accepting_new_clients and supply_rules.paused(row.paused_until, today)
    )
    return Supply(
        not_accepting_share=_share(not_accepting, total),
        paused_share=_share(paused, total),
        unavailable_share=_share(not_accepting + paused, total),
    )
