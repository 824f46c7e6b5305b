"""A synthetic national network, deterministic for a seed, generated column by column.

Every draw comes from one NumPy generator in a fixed order, so the same seed and day give the
same network. The shape follows the US behavioural-health workforce closely enough that matching
and scheduling meet the situations they will meet in production: therapists concentrated where
people live, licences in one to three states, a third seeing couples, most on an insurance panel,
some not accepting new clients.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date, timedelta
from functools import cache

import numpy as np
import numpy.typing as npt
import zipcodes
from faker.providers.person.en_US import Provider as EnglishNames
from faker.providers.person.es_MX import Provider as SpanishNames

from confide.network.npi import check_digits
from confide.vocab import Vocabulary
from confide.vocab.registry import LicenceType

IntArray = npt.NDArray[np.int64]
BoolArray = npt.NDArray[np.bool_]

# How often each concern appears in a profile, before adjustment by licence and couples work.
CONCERN_POPULARITY = {
    "trust_issues": 0.6,
    "infidelity": 0.55,
    "relationship_abuse": 0.35,
    "addiction": 0.45,
    "emotional_unavailability": 0.35,
    "broken_promises": 0.3,
    "communication": 0.8,
    "conflict": 0.6,
    "intimacy": 0.4,
    "jealousy": 0.25,
    "separation_divorce": 0.45,
    "family_of_origin": 0.5,
    "attachment": 0.45,
    "anxiety": 1.4,
    "depression": 1.3,
    "trauma_ptsd": 1.0,
    "grief": 0.55,
    "self_esteem": 0.7,
    "life_transitions": 0.6,
    "stress": 0.8,
}
MODALITY_RATE = {
    "cbt": 0.60,
    "dbt": 0.14,
    "act": 0.28,
    "emdr": 0.13,
    "cpt": 0.07,
    "pe": 0.04,
    "cams": 0.05,
    "psychodynamic": 0.24,
    "solution_focused": 0.25,
    "narrative": 0.11,
    "motivational_interviewing": 0.18,
    "ifs": 0.15,
    "mindfulness": 0.33,
    "person_centered": 0.33,
    "family_systems": 0.12,
}
COUPLES_MODALITY_RATE = {
    "eft": 0.45,
    "gottman": 0.50,
    "ibct": 0.12,
    "imago": 0.10,
    "discernment": 0.08,
}

# Weekly hours templates in local time: (weekday, start minute, end minute).
_H = 60
HOURS_TEMPLATES: tuple[tuple[tuple[int, int, int], ...], ...] = (
    tuple((d, 9 * _H, 17 * _H) for d in range(5)),  # weekday days
    tuple((d, 12 * _H, 20 * _H) for d in range(4)),  # afternoons and evenings
    (
        (0, 8 * _H, 16 * _H),
        (1, 12 * _H, 20 * _H),
        (2, 8 * _H, 16 * _H),
        (3, 12 * _H, 20 * _H),
        (4, 9 * _H, 13 * _H),
    ),  # alternating
    tuple((d, 8 * _H, 18 * _H) for d in range(4)),  # four long days
    ((1, 9 * _H, 17 * _H), (3, 9 * _H, 17 * _H), (5, 9 * _H, 13 * _H)),  # part time with Saturday
    (*tuple((d, 16 * _H, 21 * _H) for d in range(5)), (5, 9 * _H, 14 * _H)),  # evenings, Saturday
    tuple((d, 7 * _H, 15 * _H) for d in range(5)),  # early days
    tuple((d, s, e) for d in range(5) for s, e in ((9 * _H, 12 * _H), (13 * _H, 18 * _H))),
)
HOURS_TEMPLATE_WEIGHTS = np.array([0.26, 0.14, 0.14, 0.10, 0.07, 0.06, 0.08, 0.15])
SATURDAY_EXTRA = (5, 9 * _H, 13 * _H)


@dataclass(frozen=True)
class Location:
    postal_code: str
    city: str
    latitude: float
    longitude: float
    timezone: str


@dataclass
class SyntheticNetwork:
    """The network as columns: row i of every array is therapist i (ids are i + 1)."""

    vocab: Vocabulary
    today: date
    state_codes: tuple[str, ...]
    concern_codes: tuple[str, ...]
    modality_codes: tuple[str, ...]
    language_codes: tuple[str, ...]
    identity_codes: tuple[str, ...]
    faith_codes: tuple[str, ...]
    plan_codes: tuple[str, ...]
    session_type_codes: tuple[str, ...]

    npi: list[str]
    first_name: list[str]
    last_name: list[str]
    gender: IntArray
    lists_pronouns: BoolArray
    licence_type: list[str]
    credential: list[str]
    practice_state: IntArray
    location: list[Location]
    offers_telehealth: BoolArray
    offers_in_person: BoolArray
    # licences: up to three per therapist, -1 where absent; column 0 is the practice state
    licence_states: IntArray
    licence_active: BoolArray
    licence_numbers: IntArray
    populations: BoolArray  # n x 3: individuals, couples, families
    specialty: npt.NDArray[np.int8]  # n x concerns: 0 none, 1 secondary, 2 primary
    modalities: BoolArray
    languages: BoolArray
    identities: BoolArray
    faith: IntArray  # -1 when none listed
    # services: n x session types; duration 0 where the type is not offered
    duration: IntArray
    rate_cents: IntArray
    sliding_min_cents: IntArray  # 0 where no sliding scale
    # panels as coordinates: therapist row, plan index, state index
    panel_therapist: IntArray
    panel_plan: IntArray
    panel_state: IntArray
    hours_template: IntArray
    hours_shift: IntArray  # minutes added to every window of the template
    saturday_extra: BoolArray
    accepting: BoolArray
    paused_days: IntArray  # paused until today + this many days; 0 when not paused
    weekly_new_client_limit: IntArray
    caseload_limit: IntArray
    minimum_notice_hours: IntArray
    booking_horizon_days: IntArray
    buffer_minutes: IntArray
    time_off_start: IntArray  # days from today; -1 when none
    time_off_days: IntArray

    @property
    def size(self) -> int:
        return len(self.npi)

    def weekly_hours(self, row: int) -> Iterator[tuple[int, int, int]]:
        shift = int(self.hours_shift[row])
        for weekday, start, end in HOURS_TEMPLATES[int(self.hours_template[row])]:
            yield weekday, max(0, start + shift), min(24 * 60, end + shift)
        if self.saturday_extra[row]:
            yield SATURDAY_EXTRA

    def paused_until(self, row: int) -> date | None:
        days = int(self.paused_days[row])
        return self.today + timedelta(days=days) if days else None

    def time_off(self, row: int) -> tuple[date, date] | None:
        start = int(self.time_off_start[row])
        if start < 0:
            return None
        first = self.today + timedelta(days=start)
        return first, first + timedelta(days=int(self.time_off_days[row]) - 1)

    def bio(self, row: int) -> str:
        vocab = self.vocab
        primary = [self.concern_codes[c] for c in np.flatnonzero(self.specialty[row] == 2)]
        labels = [vocab.concerns[c].label.lower() for c in primary]
        methods = [
            vocab.modalities[self.modality_codes[m]].label
            for m in np.flatnonzero(self.modalities[row])
        ][:3]
        pops = self.populations[row]
        who = (
            "couples and individuals" if pops[0] and pops[1] else "couples" if pops[1] else "adults"
        )
        focus = _join(labels[:3]) if labels else "the challenges that bring people in"
        first = f"I work with {who} on {focus}."
        method = f" My approach draws on {_join(methods)}." if methods else ""
        close = _CLOSINGS[row % len(_CLOSINGS)]
        return first + method + " " + close


_CLOSINGS = (
    "Together we go at a pace that feels safe, and we look for small changes you can notice "
    "week to week.",
    "Sessions are a place to be honest without being judged, and to practise new ways of "
    "responding to each other.",
    "I believe people can rebuild trust when both the hurt and the hope are taken seriously.",
    "We start by understanding what happened and what you need now, then work toward steady, "
    "practical change.",
    "My aim is that you leave each session a little clearer about what you want and how to "
    "get there.",
)


def licence_kinds(vocab: Vocabulary) -> list[LicenceType]:
    """The licence types drawn from; the counsellor titles are drawn as one (the first stands
    for them), since the practice state decides which a counsellor holds."""
    kinds: list[LicenceType] = []
    for licence in vocab.licence_types.values():
        if not (licence.counsellor and any(k.counsellor for k in kinds)):
            kinds.append(licence)
    return kinds


def _kind_share(vocab: Vocabulary, kind: LicenceType) -> float:
    if not kind.counsellor:
        return kind.workforce_share
    return sum(t.workforce_share for t in vocab.licence_types.values() if t.counsellor)


def _credential(licence: LicenceType, draw: float) -> str:
    """The credential shown, picked by share for a uniform draw; else the abbreviation."""
    credentials = list((licence.credentials or {}).items())
    total = 0.0
    for name, share in credentials:
        total += share
        if draw < total:
            return name
    return credentials[-1][0] if credentials else licence.abbreviation


def _join(items: list[str]) -> str:
    if len(items) <= 1:
        return "".join(items)
    return ", ".join(items[:-1]) + ", as well as " + items[-1]


@cache
def _locations(state: str) -> tuple[Location, ...]:
    """Standard, active postal codes of a state that have coordinates and a time zone."""
    rows = []
    for row in zipcodes.filter_by(state=state):  # type: ignore[no-untyped-call]
        if row["zip_code_type"] != "STANDARD" or not row["active"] or not row["timezone"]:
            continue
        try:
            latitude, longitude = float(row["lat"]), float(row["long"])
        except (TypeError, ValueError):
            continue
        rows.append(
            Location(row["zip_code"], row["city"].title(), latitude, longitude, row["timezone"])
        )
    return tuple(sorted(rows, key=lambda loc: loc.postal_code))


def _weighted_names(table: object) -> tuple[list[str], npt.NDArray[np.float64]]:
    if isinstance(table, dict):
        names = list(table)
        weights = np.array([float(table[name]) for name in names])
    else:
        names = list(table)  # type: ignore[call-overload]
        weights = np.ones(len(names))
    return names, weights / weights.sum()


def _pick(rng: np.random.Generator, table: object, size: int) -> list[str]:
    names, weights = _weighted_names(table)
    return [names[i] for i in rng.choice(len(names), size=size, p=weights)]


def _top_k_rows(rng: np.random.Generator, weights: npt.NDArray[np.float64]) -> IntArray:
    """Each row's columns in a random order that favours heavier weights (Gumbel top-k)."""
    keys = np.log(weights) + rng.gumbel(size=weights.shape)
    order: IntArray = np.argsort(-keys, axis=1)
    return order


def generate_network(count: int, seed: int, vocab: Vocabulary, today: date) -> SyntheticNetwork:
    """Generate `count` therapists; the same seed, day and vocabulary give the same network."""
    if count < 1:
        raise ValueError("count must be at least 1")
    rng = np.random.default_rng(seed)
    states = tuple(vocab.states)
    n_states = len(states)
    population = np.array([vocab.states[s].population for s in states], dtype=np.float64)
    share = population / population.sum()

    # Where they practise: every state present, then in proportion to population.
    covered = min(count, n_states)
    practice = np.concatenate(
        [
            rng.permutation(n_states)[:covered],
            rng.choice(n_states, size=count - covered, p=share),
        ]
    ).astype(np.int64)
    rng.shuffle(practice)

    location: list[Location] = [None] * count  # type: ignore[list-item]
    for s, code in enumerate(states):
        rows = np.flatnonzero(practice == s)
        options = _locations(code)
        for row, pick in zip(
            rows.tolist(), rng.integers(len(options), size=len(rows)).tolist(), strict=True
        ):
            location[row] = options[pick]

    # Licence type; counsellors take their state's title (LPC or LMHC).
    kinds = licence_kinds(vocab)
    licence_share = np.array([_kind_share(vocab, k) for k in kinds])
    kind = rng.choice(len(kinds), size=count, p=licence_share / licence_share.sum())
    doctoral = rng.random(count)
    licence_type: list[str] = []
    credential: list[str] = []
    for row in range(count):
        drawn = kinds[int(kind[row])]
        k = (
            vocab.states[states[practice[row]]].counsellor_licence
            if drawn.counsellor
            else drawn.code
        )
        licence_type.append(k)
        credential.append(_credential(vocab.licence_types[k], float(doctoral[row])))

    # Identity and names.
    genders = list(vocab.genders.values())
    gender = rng.choice(len(genders), size=count, p=[g.share for g in genders]).astype(np.int64)
    lists_pronouns = rng.random(count) < 0.7
    spanish = (
        rng.random(count) < np.array([vocab.states[s].spanish_share for s in states])[practice]
    )
    first_name = [""] * count
    for g, listed in enumerate(genders):
        table = getattr(EnglishNames, listed.first_names)
        rows = np.flatnonzero(gender == g)
        for row, name in zip(rows.tolist(), _pick(rng, table, len(rows)), strict=True):
            first_name[row] = name
    last_name = _pick(rng, EnglishNames.last_names, count)
    hispanic_surname = spanish & (rng.random(count) < 0.6)
    for row, name in zip(
        np.flatnonzero(hispanic_surname).tolist(),
        _pick(rng, SpanishNames.last_names, int(hispanic_surname.sum())),
        strict=True,
    ):
        last_name[row] = name

    # NPIs: unique nine-digit bases starting with 1 or 2, then the Luhn check digit.
    bases = np.unique(rng.integers(100_000_000, 300_000_000, size=int(count * 1.05) + 16))
    while len(bases) < count:
        extra = rng.integers(100_000_000, 300_000_000, size=count)
        bases = np.unique(np.concatenate([bases, extra]))
    bases = rng.permutation(bases)[:count]
    npis = [f"{b}{d}" for b, d in zip(bases, check_digits(bases), strict=True)]

    # Licences: the practice state, and sometimes one or two more (neighbours by population).
    extra_count = rng.choice(3, size=count, p=[0.62, 0.27, 0.11])
    licence_states = np.full((count, 3), -1, dtype=np.int64)
    licence_states[:, 0] = practice
    candidates = rng.choice(n_states, size=(count, 2), p=share)
    for slot in (1, 2):
        wanted = extra_count >= slot
        pick = candidates[:, slot - 1]
        fresh = (pick != licence_states[:, 0]) & (pick != licence_states[:, 1])
        licence_states[wanted & fresh, slot] = pick[wanted & fresh]
    licence_active = licence_states >= 0
    lapsed = (rng.random((count, 3)) < 0.04) & licence_active
    lapsed[:, 0] = False
    licence_active &= ~lapsed
    licence_numbers = rng.integers(10_000, 999_999, size=(count, 3))

    # Settings.
    in_person = rng.random(count) < 0.55
    telehealth = ~in_person | (rng.random(count) < 0.80)

    # Populations served.
    couples = rng.random(count) < np.array([k.couples_share for k in kinds])[kind]
    families = rng.random(count) < np.array([k.families_share for k in kinds])[kind]
    individuals = ~couples | (rng.random(count) < 0.93)
    populations = np.stack([individuals, couples, families], axis=1)

    # Specialties: relationship concerns concentrated in couples work and in MFTs.
    concern_codes = tuple(vocab.concerns)
    relationship = np.array([vocab.concerns[c].relationship for c in concern_codes])
    base = np.array([CONCERN_POPULARITY[c] for c in concern_codes])
    weights = np.tile(base, (count, 1))
    weights[~couples] *= np.where(relationship, 0.35, 1.0)
    weights[couples] *= np.where(relationship, 1.6, 1.0)
    is_mft = np.array([k.family_therapist for k in kinds])[kind]
    weights[is_mft] *= np.where(relationship, 2.0, 1.0)
    prescriber = np.array([k.prescriber for k in kinds])[kind]
    weights[prescriber] *= np.where(relationship, 0.08, 1.5)
    order = _top_k_rows(rng, weights)
    n_primary = rng.integers(2, 5, size=count)
    n_secondary = rng.integers(2, 6, size=count)
    rank = np.empty_like(order)
    np.put_along_axis(rank, order, np.arange(len(concern_codes))[None, :].repeat(count, 0), 1)
    specialty = np.zeros((count, len(concern_codes)), dtype=np.int8)
    specialty[rank < n_primary[:, None]] = 1
    specialty[rank < (n_primary + n_secondary)[:, None]] += 1
    specialty = np.where(specialty == 0, 0, 3 - specialty).astype(np.int8)

    # Modalities.
    modality_codes = tuple(vocab.modalities)
    trauma_focus = specialty[:, concern_codes.index("trauma_ptsd")] > 0
    addiction_focus = specialty[:, concern_codes.index("addiction")] > 0
    modalities = np.zeros((count, len(modality_codes)), dtype=bool)
    draws = rng.random((count, len(modality_codes)))
    for m, code in enumerate(modality_codes):
        if code in COUPLES_MODALITY_RATE:
            rate = np.where(couples, COUPLES_MODALITY_RATE[code] * np.where(is_mft, 1.4, 1.0), 0)
        elif code == "medication_management":
            rate = np.where(prescriber, 0.95, 0.0)
        else:
            rate = np.full(count, MODALITY_RATE[code])
            if vocab.modalities[code].trauma:
                rate = np.where(trauma_focus, rate * 3.0, rate)
            if code == "motivational_interviewing":
                rate = np.where(addiction_focus, rate * 2.5, rate)
            if code == "family_systems":
                rate = np.where(is_mft, 0.5, rate)
        modalities[:, m] = draws[:, m] < rate
    thin = modalities.sum(axis=1) < 2
    modalities[thin, modality_codes.index("cbt")] = True
    modalities[thin, modality_codes.index("person_centered")] = True

    # Languages: English for all, Spanish following where Spanish speakers live.
    language_codes = tuple(vocab.languages)
    languages = np.zeros((count, len(language_codes)), dtype=bool)
    languages[:, language_codes.index("en")] = True
    languages[:, language_codes.index("es")] = spanish
    draws = rng.random((count, len(language_codes)))
    for index, code in enumerate(language_codes):
        if code not in ("en", "es"):
            languages[:, index] = draws[:, index] < vocab.languages[code].share

    identity_codes = tuple(vocab.identities)
    identity_share = np.array([vocab.identities[c].share for c in identity_codes])
    identities = rng.random((count, len(identity_codes))) < identity_share
    faith_codes = tuple(vocab.faiths)
    faith_share = np.array([vocab.faiths[c].share for c in faith_codes])
    faith_pick = rng.choice(
        len(faith_codes) + 1, size=count, p=np.append(faith_share, 1 - faith_share.sum())
    )
    faith = np.where(faith_pick < len(faith_codes), faith_pick, -1).astype(np.int64)

    # Services, durations and self-pay rates.
    session_type_codes = tuple(vocab.session_types)
    offered = np.zeros((count, len(session_type_codes)), dtype=bool)
    duration = np.zeros((count, len(session_type_codes)), dtype=np.int64)
    cost = np.array([vocab.states[s].cost_index for s in states])[practice]
    individual_rate = (
        np.array([k.base_rate for k in kinds])[kind] * cost * rng.lognormal(0.0, 0.12, size=count)
    )
    factors = {
        "intake": rng.uniform(1.05, 1.25, size=count),
        "individual": np.ones(count),
        "couples": rng.uniform(1.15, 1.40, size=count),
    }
    factors["couples_intake"] = factors["couples"] * rng.uniform(1.0, 1.12, size=count)
    sliding = rng.random(count) < 0.28
    sliding_fraction = rng.uniform(0.5, 0.75, size=count)
    long_intake = rng.random(count) < 0.2
    couples_minutes = rng.choice([80, 60, 90], size=count, p=[0.75, 0.15, 0.10])
    rate_cents = np.zeros_like(duration)
    sliding_min_cents = np.zeros_like(duration)
    for t, code in enumerate(session_type_codes):
        session_type = vocab.session_types[code]
        offered[:, t] = couples if session_type.format == "couples" else individuals
        if code == "intake":
            minutes = np.where(long_intake, 75, session_type.default_minutes)
        elif session_type.format == "couples":
            minutes = couples_minutes
        else:
            minutes = np.full(count, session_type.default_minutes)
        duration[:, t] = np.where(offered[:, t], minutes, 0)
        dollars = np.clip(np.round(individual_rate * factors[code] / 5) * 5, 80, 450)
        rate_cents[:, t] = np.where(offered[:, t], dollars * 100, 0).astype(np.int64)
        floor = np.round(dollars * sliding_fraction / 5) * 5 * 100
        sliding_min_cents[:, t] = np.where(offered[:, t] & sliding, floor, 0).astype(np.int64)

    # Insurance panels: payer presence varies by state; Medicaid less common.
    in_network = rng.random(count) < np.array([k.in_network_share for k in kinds])[kind]
    plan_codes = tuple(vocab.plans)
    plan_index = {code: i for i, code in enumerate(plan_codes)}
    panel_rows: list[IntArray] = []
    panel_plans: list[IntArray] = []
    panel_states: list[IntArray] = []
    payer_list = list(vocab.payers.values())
    payer_draws = rng.random((count, len(payer_list)))
    fallback = rng.integers(0, 1 << 30, size=count)
    joined_payers = np.zeros((count, len(payer_list)), dtype=bool)
    for p, payer in enumerate(payer_list):
        serves = np.array([bool(payer.plans_in(s)) for s in states])[practice]
        joined_payers[:, p] = in_network & serves & (payer_draws[:, p] < payer.panel_rate)
    # Anyone in network who drew no payer joins one of the commercial payers serving their state.
    lonely = np.flatnonzero(in_network & ~joined_payers.any(axis=1))
    commercial = [p for p, payer in enumerate(payer_list) if payer.kind == "commercial"]
    for row in lonely.tolist():
        serving = [p for p in commercial if payer_list[p].plans_in(states[practice[row]])]
        joined_payers[row, serving[fallback[row] % len(serving)]] = True
    for p, payer in enumerate(payer_list):
        members = np.flatnonzero(joined_payers[:, p])
        sold = np.array([[plan.sold_in(s) for s in states] for plan in payer.plans])
        home_sold = sold[:, practice[members]].T
        picked = (rng.random(home_sold.shape) < 0.7) & home_sold
        # every joined payer contributes at least one plan sold where the therapist practises
        empty = ~picked.any(axis=1)
        picked[np.flatnonzero(empty), np.argmax(home_sold[empty], axis=1)] = True
        other_draws = rng.random((len(members), 2)) < 0.5
        for i, plan in enumerate(payer.plans):
            chosen = members[picked[:, i]]
            panel_rows.append(chosen)
            panel_plans.append(np.full(len(chosen), plan_index[plan.code]))
            panel_states.append(practice[chosen])
            for slot in (1, 2):
                other = licence_states[members, slot]
                usable = picked[:, i] & licence_active[members, slot] & other_draws[:, slot - 1]
                usable &= sold[i, np.maximum(other, 0)]
                panel_rows.append(members[usable])
                panel_plans.append(np.full(int(usable.sum()), plan_index[plan.code]))
                panel_states.append(other[usable])
    panel_therapist = np.concatenate(panel_rows).astype(np.int64)
    panel_plan = np.concatenate(panel_plans).astype(np.int64)
    panel_state = np.concatenate(panel_states).astype(np.int64)
    order_key = np.lexsort((panel_state, panel_plan, panel_therapist))
    panel_therapist, panel_plan, panel_state = (
        panel_therapist[order_key],
        panel_plan[order_key],
        panel_state[order_key],
    )

    # Weekly hours.
    hours_template = rng.choice(
        len(HOURS_TEMPLATES), size=count, p=HOURS_TEMPLATE_WEIGHTS / HOURS_TEMPLATE_WEIGHTS.sum()
    )
    hours_shift = rng.choice([-60, -30, 0, 0, 0, 30, 60], size=count).astype(np.int64)
    has_saturday = np.array([any(d == 5 for d, _, _ in t) for t in HOURS_TEMPLATES])
    saturday_extra = (~has_saturday[hours_template]) & (rng.random(count) < 0.12)

    # Supply controls.
    accepting = rng.random(count) >= 0.12
    paused = accepting & (rng.random(count) < 0.05)
    paused_days = np.where(paused, rng.integers(5, 28, size=count), 0)
    weekly_limit = rng.choice([2, 3, 4, 5, 6], size=count, p=[0.15, 0.35, 0.25, 0.15, 0.10])
    caseload = rng.integers(15, 36, size=count)
    notice = rng.choice([24, 48, 72], size=count, p=[0.80, 0.15, 0.05])
    horizon = rng.choice([30, 21, 45, 60], size=count, p=[0.60, 0.15, 0.15, 0.10])
    buffer = rng.choice([10, 15, 0, 5], size=count, p=[0.50, 0.30, 0.10, 0.10])
    away = rng.random(count) < 0.15
    time_off_start = np.where(away, rng.integers(2, 60, size=count), -1)
    time_off_days = np.where(away, rng.integers(2, 8, size=count), 0)

    return SyntheticNetwork(
        vocab=vocab,
        today=today,
        state_codes=states,
        concern_codes=concern_codes,
        modality_codes=modality_codes,
        language_codes=language_codes,
        identity_codes=identity_codes,
        faith_codes=faith_codes,
        plan_codes=plan_codes,
        session_type_codes=session_type_codes,
        npi=npis,
        first_name=first_name,
        last_name=last_name,
        gender=gender,
        lists_pronouns=lists_pronouns,
        licence_type=licence_type,
        credential=credential,
        practice_state=practice,
        location=location,
        offers_telehealth=telehealth,
        offers_in_person=in_person,
        licence_states=licence_states,
        licence_active=licence_active,
        licence_numbers=licence_numbers,
        populations=populations,
        specialty=specialty,
        modalities=modalities,
        languages=languages,
        identities=identities,
        faith=faith,
        duration=duration,
        rate_cents=rate_cents,
        sliding_min_cents=sliding_min_cents,
        panel_therapist=panel_therapist,
        panel_plan=panel_plan,
        panel_state=panel_state,
        hours_template=hours_template.astype(np.int64),
        hours_shift=hours_shift,
        saturday_extra=saturday_extra,
        accepting=accepting,
        paused_days=paused_days.astype(np.int64),
        weekly_new_client_limit=weekly_limit.astype(np.int64),
        caseload_limit=caseload.astype(np.int64),
        minimum_notice_hours=notice.astype(np.int64),
        booking_horizon_days=horizon.astype(np.int64),
        buffer_minutes=buffer.astype(np.int64),
        time_off_start=time_off_start.astype(np.int64),
        time_off_days=time_off_days.astype(np.int64),
    )
