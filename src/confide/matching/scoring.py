"""A vectorised score and top-k over the eligible therapists, and what to relax when none is.
Pure: NumPy, the stdlib and the pure supply rules only.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field

import numpy as np

from confide.matching.columns import F32, F64, I64, Bool, Columns, Query, has_any, take
from confide.matching.filters import CONSTRAINTS, Eligible, eligible, preference_checks

# What a person can loosen when nothing matches.
RELAXABLE = ("payment", "setting", "preferences", "availability")
# Specialty strength (0 none, 1 secondary, 2 primary) to concern fit.
SPECIALTY_FIT = np.array([0.0, 0.6, 1.0], dtype=np.float32)
COUPLES_TRAINED_BONUS = 0.3
WEIGHTS = {"concerns": 0.45, "preferences": 0.2, "soon": 0.25, "capacity": 0.1}


@dataclass
class Ranking:
    rows: I64  # the top k, best first
    scores: F32
    first_tick: I64
    distance_km: F64
    total_eligible: int
    excluded: dict[str, int]
    relax: dict[str, int] = field(default_factory=dict)


def competence(cols: Columns, q: Query, rows: I64) -> Bool:
    """Crisis or trauma competence: a crisis or trauma approach, or trauma as a specialty."""
    result = has_any(take(cols.modalities, rows), q.competence_modalities)
    if q.competence_concern >= 0:
        result = result | (take(cols.concern[q.competence_concern], rows) > 0)
    return result


def concern_fit(cols: Columns, q: Query, rows: I64) -> F32:
    """Mean fit over the person's concerns: primary over secondary; couples training counts
    toward relationship concerns."""
    total = np.zeros(len(rows), dtype=np.float32)
    if not q.concerns:
        return total
    bonus: F32 | None = None
    if any(q.relationship):
        trained = has_any(take(cols.modalities, rows), q.couples_modalities)
        bonus = trained.astype(np.float32) * np.float32(COUPLES_TRAINED_BONUS)
    for concern, relationship in zip(q.concerns, q.relationship, strict=True):
        fit = np.take(SPECIALTY_FIT, take(cols.concern[concern], rows))
        if relationship and bonus is not None:
            fit += bonus
            np.minimum(fit, np.float32(1.0), out=fit)
        total += fit
    total *= np.float32(1.0 / len(q.concerns))
    return total


def score(cols: Columns, q: Query, found: Eligible) -> F32:
    rows = found.rows
    total = concern_fit(cols, q, rows)
    total *= np.float32(WEIGHTS["concerns"])
    soft = [met for name, met in preference_checks(cols, q, rows).items() if name not in q.required]
    if soft:
        met_count = np.zeros(len(rows), dtype=np.float32)
        for met in soft:
            met_count += met
        total += met_count * np.float32(WEIGHTS["preferences"] / len(soft))
    horizon = np.float32(max(q.horizon_tick, 1))
    soon = found.first_tick.astype(np.float32) / horizon
    np.clip(soon, 0.0, 1.0, out=soon)
    total += (np.float32(1.0) - soon) * np.float32(WEIGHTS["soon"])
    limit = np.maximum(take(cols.caseload_limit, rows), 1).astype(np.float32)
    room = take(cols.room, rows).astype(np.float32) / limit
    np.clip(room, 0.0, 1.0, out=room)
    total += room * np.float32(WEIGHTS["capacity"])
    if q.self_harm:
        # the weights sum to 1, so +1 ranks every competent therapist above every other
        total += competence(cols, q, rows)
    return total


def top_k(rows: I64, scores: F32, k: int) -> I64:
    """Positions of the k best scores, best first; ties go to the lower row."""
    if len(rows) > k:
        part = np.argpartition(-scores, k - 1)[:k]
        # ties at the cut: take every row scoring at least the k-th, then order exactly
        cut = scores[part].min()
        part = np.flatnonzero(scores >= cut)
    else:
        part = np.arange(len(rows))
    order = np.lexsort((rows[part], -scores[part]))
    result: I64 = part[order][:k]
    return result


def rank(cols: Columns, q: Query, relaxable: Sequence[str] = RELAXABLE) -> Ranking:
    """The eligible rows, scored, top k first; when none, how many each relaxation would give."""
    found = eligible(cols, q)
    scores = score(cols, q, found)
    best = top_k(found.rows, scores, q.limit)
    ranking = Ranking(
        rows=found.rows[best],
        scores=scores[best],
        first_tick=found.first_tick[best],
        distance_km=found.distance_km[best],
        total_eligible=len(found.rows),
        excluded=found.excluded,
    )
    if not len(found.rows):
        # constraints that removed someone, or came after everyone was already removed
        active, left = [], cols.size
        for name in CONSTRAINTS:
            if name in relaxable and (found.excluded.get(name, 0) or left == 0):
                active.append(name)
            left -= found.excluded.get(name, 0)
        for name in active:
            ranking.relax[name] = len(eligible(cols, q, frozenset({name})).rows)
        if not any(ranking.relax.values()):
            # no single change helps: try two at once
            for i, first in enumerate(active):
                for second in active[i + 1 :]:
                    ranking.relax[f"{first}+{second}"] = len(
                        eligible(cols, q, frozenset({first, second})).rows
                    )
    return ranking
