"""A synthetic national network, deterministic for a seed, generated column by column.

Every draw comes from one NumPy generator in a fixed order, so the same seed and day give the
same network. The shape follows the US behavioural-health workforce closely enough that matching
and scheduling meet the situations they will meet in production: therapists concentrated where
people live, licences in one to three states, a third seeing couples, most on an insurance panel,
some not accepting new clients. Who they are is drawn in `workforce`, what they offer in
`practice`, their insurance panels in `panels`; their hours and supply settings here.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date, timedelta

import numpy as np
import numpy.typing as npt

from confide.network import panels, practice, workforce
from confide.network.workforce import Location
from confide.vocab import Vocabulary

IntArray = npt.NDArray[np.int64]
BoolArray = npt.NDArray[np.bool_]

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


def _join(items: list[str]) -> str:
    if len(items) <= 1:
        return "".join(items)
    return ", ".join(items[:-1]) + ", as well as " + items[-1]


@dataclass(frozen=True)
class _Hours:
    template: IntArray
    shift: IntArray
    saturday_extra: BoolArray


def _hours(rng: np.random.Generator, count: int) -> _Hours:
    """A weekly template each, shifted by up to an hour; some add a Saturday morning."""
    template = rng.choice(
        len(HOURS_TEMPLATES), size=count, p=HOURS_TEMPLATE_WEIGHTS / HOURS_TEMPLATE_WEIGHTS.sum()
    )
    shift = rng.choice([-60, -30, 0, 0, 0, 30, 60], size=count).astype(np.int64)
    has_saturday = np.array([any(d == 5 for d, _, _ in t) for t in HOURS_TEMPLATES])
    saturday_extra = (~has_saturday[template]) & (rng.random(count) < 0.12)
    return _Hours(template.astype(np.int64), shift, saturday_extra)


@dataclass(frozen=True)
class _Supply:
    accepting: BoolArray
    paused_days: IntArray
    weekly_new_client_limit: IntArray
    caseload_limit: IntArray
    minimum_notice_hours: IntArray
    booking_horizon_days: IntArray
    buffer_minutes: IntArray
    time_off_start: IntArray
    time_off_days: IntArray


def _supply(rng: np.random.Generator, count: int) -> _Supply:
    """Accepting or not, pauses, limits, notice, horizon, buffers and time off to come."""
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
    return _Supply(
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


def generate_network(count: int, seed: int, vocab: Vocabulary, today: date) -> SyntheticNetwork:
    """Generate `count` therapists; the same seed, day and vocabulary give the same network."""
    if count < 1:
        raise ValueError("count must be at least 1")
    # The order of these steps is the order of the draws: changing it changes every network.
    rng = np.random.default_rng(seed)
    state = workforce.practice_states(rng, vocab, count)
    location = workforce.offices(rng, vocab, state)
    licensure = workforce.licensure(rng, vocab, state)
    people = workforce.people(rng, vocab, state)
    npis = workforce.npis(rng, count)
    licences = workforce.licences(rng, vocab, state)
    in_person = rng.random(count) < 0.55
    telehealth = ~in_person | (rng.random(count) < 0.80)
    populations = practice.populations(rng, licensure)
    couples = populations[:, 1]
    specialty = practice.specialties(rng, vocab, licensure, couples)
    modalities = practice.modalities(rng, vocab, licensure, couples, specialty)
    languages = practice.languages(rng, vocab, people.spanish)
    identities, faith = practice.identities_and_faith(rng, vocab, count)
    services = practice.services(rng, vocab, licensure, state, populations)
    panel = panels.panels(rng, vocab, licensure, state, licences)
    hours = _hours(rng, count)
    supply = _supply(rng, count)
    return SyntheticNetwork(
        vocab=vocab,
        today=today,
        state_codes=tuple(vocab.states),
        concern_codes=tuple(vocab.concerns),
        modality_codes=tuple(vocab.modalities),
        language_codes=tuple(vocab.languages),
        identity_codes=tuple(vocab.identities),
        faith_codes=tuple(vocab.faiths),
        plan_codes=tuple(vocab.plans),
        session_type_codes=tuple(vocab.session_types),
        npi=npis,
        first_name=people.first_name,
        last_name=people.last_name,
        gender=people.gender,
        lists_pronouns=people.lists_pronouns,
        licence_type=licensure.licence_type,
        credential=licensure.credential,
        practice_state=state,
        location=location,
        offers_telehealth=telehealth,
        offers_in_person=in_person,
        licence_states=licences.states,
        licence_active=licences.active,
        licence_numbers=licences.numbers,
        populations=populations,
        specialty=specialty,
        modalities=modalities,
        languages=languages,
        identities=identities,
        faith=faith,
        duration=services.duration,
        rate_cents=services.rate_cents,
        sliding_min_cents=services.sliding_min_cents,
        panel_therapist=panel.therapist,
        panel_plan=panel.plan,
        panel_state=panel.state,
        hours_template=hours.template,
        hours_shift=hours.shift,
        saturday_extra=hours.saturday_extra,
        accepting=supply.accepting,
        paused_days=supply.paused_days,
        weekly_new_client_limit=supply.weekly_new_client_limit,
        caseload_limit=supply.caseload_limit,
        minimum_notice_hours=supply.minimum_notice_hours,
        booking_horizon_days=supply.booking_horizon_days,
        buffer_minutes=supply.buffer_minutes,
        time_off_start=supply.time_off_start,
        time_off_days=supply.time_off_days,
    )
