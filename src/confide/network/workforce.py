"""Who the synthetic therapists are: where they practise, their licences, names and NPIs.

Each function draws from the network's one random generator; `generate_network` calls them in a
fixed order, so the same seed gives the same people.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from functools import cache
from typing import Any

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


@dataclass(frozen=True)
class Location:
    postal_code: str
    city: str
    latitude: float
    longitude: float
    timezone: str


@dataclass(frozen=True)
class Licensure:
    """Each therapist's licence kind (kinds[kind[row]]), licence type code and credential."""

    kinds: list[LicenceType]
    kind: IntArray
    licence_type: list[str]
    credential: list[str]

    def each(self, value: Callable[[LicenceType], Any]) -> npt.NDArray[Any]:
        """A per-therapist array of something about their licence kind."""
        return np.array([value(k) for k in self.kinds])[self.kind]


@dataclass(frozen=True)
class People:
    gender: IntArray  # index into the vocabulary's genders
    lists_pronouns: BoolArray
    spanish: BoolArray  # practises where Spanish is spoken, and speaks it
    first_name: list[str]
    last_name: list[str]


@dataclass(frozen=True)
class Licences:
    """Up to three states per therapist, -1 where absent; column 0 is the practice state."""

    states: IntArray
    active: BoolArray
    numbers: IntArray


def _population_share(vocab: Vocabulary) -> npt.NDArray[np.float64]:
    population = np.array([s.population for s in vocab.states.values()], dtype=np.float64)
    share: npt.NDArray[np.float64] = population / population.sum()
    return share


def practice_states(rng: np.random.Generator, vocab: Vocabulary, count: int) -> IntArray:
    """Every state present, then in proportion to population."""
    n_states = len(vocab.states)
    covered = min(count, n_states)
    practice = np.concatenate(
        [
            rng.permutation(n_states)[:covered],
            rng.choice(n_states, size=count - covered, p=_population_share(vocab)),
        ]
    ).astype(np.int64)
    rng.shuffle(practice)
    return practice


def offices(rng: np.random.Generator, vocab: Vocabulary, practice: IntArray) -> list[Location]:
    """A postal code in each therapist's practice state."""
    location: list[Location] = [None] * len(practice)  # type: ignore[list-item]
    for s, code in enumerate(vocab.states):
        rows = np.flatnonzero(practice == s)
        options = _locations(code)
        for row, pick in zip(
            rows.tolist(), rng.integers(len(options), size=len(rows)).tolist(), strict=True
        ):
            location[row] = options[pick]
    return location


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


def licensure(rng: np.random.Generator, vocab: Vocabulary, practice: IntArray) -> Licensure:
    """Licence kinds by workforce share; counsellors take their state's title (LPC or LMHC)."""
    count = len(practice)
    states = tuple(vocab.states)
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
    return Licensure(kinds, kind, licence_type, credential)


def people(rng: np.random.Generator, vocab: Vocabulary, practice: IntArray) -> People:
    """Gender, pronouns and names; Spanish speakers and surnames follow where they practise."""
    count = len(practice)
    genders = list(vocab.genders.values())
    gender = rng.choice(len(genders), size=count, p=[g.share for g in genders]).astype(np.int64)
    lists_pronouns = rng.random(count) < 0.7
    spanish_share = np.array([s.spanish_share for s in vocab.states.values()])
    spanish = rng.random(count) < spanish_share[practice]
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
    return People(gender, lists_pronouns, spanish, first_name, last_name)


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


def npis(rng: np.random.Generator, count: int) -> list[str]:
    """Unique nine-digit bases starting with 1 or 2, then the Luhn check digit."""
    bases = np.unique(rng.integers(100_000_000, 300_000_000, size=int(count * 1.05) + 16))
    while len(bases) < count:
        extra = rng.integers(100_000_000, 300_000_000, size=count)
        bases = np.unique(np.concatenate([bases, extra]))
    bases = rng.permutation(bases)[:count]
    return [f"{b}{d}" for b, d in zip(bases, check_digits(bases), strict=True)]


def licences(rng: np.random.Generator, vocab: Vocabulary, practice: IntArray) -> Licences:
    """The practice state, and sometimes one or two more (by population); a few of the others
    have lapsed, the practice state's never."""
    count = len(practice)
    extra_count = rng.choice(3, size=count, p=[0.62, 0.27, 0.11])
    states = np.full((count, 3), -1, dtype=np.int64)
    states[:, 0] = practice
    candidates = rng.choice(len(vocab.states), size=(count, 2), p=_population_share(vocab))
    for slot in (1, 2):
        wanted = extra_count >= slot
        pick = candidates[:, slot - 1]
        fresh = (pick != states[:, 0]) & (pick != states[:, 1])
        states[wanted & fresh, slot] = pick[wanted & fresh]
    active = states >= 0
    lapsed = (rng.random((count, 3)) < 0.04) & active
    lapsed[:, 0] = False
    active &= ~lapsed
    numbers = rng.integers(10_000, 999_999, size=(count, 3))
    return Licences(states, active, numbers)
