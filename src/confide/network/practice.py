"""What the synthetic therapists offer: who they see, their specialties and methods, languages,
identities, and their services and self-pay rates.

Like `workforce`, each function draws from the network's one random generator in a fixed order.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import numpy.typing as npt

from confide.network.workforce import Licensure
from confide.vocab import Vocabulary

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


@dataclass(frozen=True)
class Services:
    """n x session types: duration 0 where the type is not offered; sliding 0 where none."""

    duration: IntArray
    rate_cents: IntArray
    sliding_min_cents: IntArray


def populations(rng: np.random.Generator, licensure: Licensure) -> BoolArray:
    """n x 3: individuals, couples, families; couples and family work follow the licence."""
    count = len(licensure.kind)
    couples = rng.random(count) < licensure.each(lambda k: k.couples_share)
    families = rng.random(count) < licensure.each(lambda k: k.families_share)
    individuals = ~couples | (rng.random(count) < 0.93)
    return np.stack([individuals, couples, families], axis=1)


def specialties(
    rng: np.random.Generator, vocab: Vocabulary, licensure: Licensure, couples: BoolArray
) -> npt.NDArray[np.int8]:
    """n x concerns, 0 none, 1 secondary, 2 primary: two to four primary concerns and two to
    five secondary, relationship concerns concentrated in couples work and in MFTs."""
    count = len(couples)
    concern_codes = tuple(vocab.concerns)
    relationship = np.array([vocab.concerns[c].relationship for c in concern_codes])
    base = np.array([CONCERN_POPULARITY[c] for c in concern_codes])
    weights = np.tile(base, (count, 1))
    weights[~couples] *= np.where(relationship, 0.35, 1.0)
    weights[couples] *= np.where(relationship, 1.6, 1.0)
    weights[licensure.each(lambda k: k.family_therapist)] *= np.where(relationship, 2.0, 1.0)
    weights[licensure.each(lambda k: k.prescriber)] *= np.where(relationship, 0.08, 1.5)
    order = _top_k_rows(rng, weights)
    n_primary = rng.integers(2, 5, size=count)
    n_secondary = rng.integers(2, 6, size=count)
    rank = np.empty_like(order)
    np.put_along_axis(rank, order, np.arange(len(concern_codes))[None, :].repeat(count, 0), 1)
    specialty = np.zeros((count, len(concern_codes)), dtype=np.int8)
    specialty[rank < n_primary[:, None]] = 1
    specialty[rank < (n_primary + n_secondary)[:, None]] += 1
    return np.where(specialty == 0, 0, 3 - specialty).astype(np.int8)


def _top_k_rows(rng: np.random.Generator, weights: npt.NDArray[np.float64]) -> IntArray:
    """Each row's columns in a random order that favours heavier weights (Gumbel top-k)."""
    keys = np.log(weights) + rng.gumbel(size=weights.shape)
    order: IntArray = np.argsort(-keys, axis=1)
    return order


def modalities(
    rng: np.random.Generator,
    vocab: Vocabulary,
    licensure: Licensure,
    couples: BoolArray,
    specialty: npt.NDArray[np.int8],
) -> BoolArray:
    """n x modalities: couples methods for couples therapists, trauma methods with a trauma
    focus, medication management for prescribers; at least two each."""
    count = len(couples)
    concern_codes = tuple(vocab.concerns)
    modality_codes = tuple(vocab.modalities)
    trauma_focus = specialty[:, concern_codes.index("trauma_ptsd")] > 0
    addiction_focus = specialty[:, concern_codes.index("addiction")] > 0
    is_mft = licensure.each(lambda k: k.family_therapist)
    prescriber = licensure.each(lambda k: k.prescriber)
    chosen = np.zeros((count, len(modality_codes)), dtype=bool)
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
        chosen[:, m] = draws[:, m] < rate
    thin = chosen.sum(axis=1) < 2
    chosen[thin, modality_codes.index("cbt")] = True
    chosen[thin, modality_codes.index("person_centered")] = True
    return chosen


def languages(rng: np.random.Generator, vocab: Vocabulary, spanish: BoolArray) -> BoolArray:
    """English for all, Spanish following where Spanish speakers live, others by share."""
    count = len(spanish)
    language_codes = tuple(vocab.languages)
    spoken = np.zeros((count, len(language_codes)), dtype=bool)
    spoken[:, language_codes.index("en")] = True
    spoken[:, language_codes.index("es")] = spanish
    draws = rng.random((count, len(language_codes)))
    for index, code in enumerate(language_codes):
        if code not in ("en", "es"):
            spoken[:, index] = draws[:, index] < vocab.languages[code].share
    return spoken


def identities_and_faith(
    rng: np.random.Generator, vocab: Vocabulary, count: int
) -> tuple[BoolArray, IntArray]:
    """Identities listed (n x identities) and a faith (index, -1 when none), by share."""
    identity_share = np.array([i.share for i in vocab.identities.values()])
    identities = rng.random((count, len(identity_share))) < identity_share
    faith_share = np.array([f.share for f in vocab.faiths.values()])
    faiths = len(faith_share)
    faith_pick = rng.choice(faiths + 1, size=count, p=np.append(faith_share, 1 - faith_share.sum()))
    faith = np.where(faith_pick < faiths, faith_pick, -1).astype(np.int64)
    return identities, faith


def services(
    rng: np.random.Generator,
    vocab: Vocabulary,
    licensure: Licensure,
    practice: IntArray,
    populations: BoolArray,
) -> Services:
    """Session types offered (individual or couples, by population), their length and self-pay
    rate: a base by licence, adjusted for the state's costs; some offer a sliding scale."""
    count = len(practice)
    individuals, couples = populations[:, 0], populations[:, 1]
    session_type_codes = tuple(vocab.session_types)
    offered = np.zeros((count, len(session_type_codes)), dtype=bool)
    duration = np.zeros((count, len(session_type_codes)), dtype=np.int64)
    cost = np.array([s.cost_index for s in vocab.states.values()])[practice]
    base_rate = licensure.each(lambda k: k.base_rate)
    individual_rate = base_rate * cost * rng.lognormal(0.0, 0.12, size=count)
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
    return Services(duration, rate_cents, sliding_min_cents)
