"""Which synthetic therapists are on which insurance panels, in which states.

Payer presence varies by state and Medicaid is less common; like `workforce`, every draw comes
from the network's one random generator in a fixed order.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import numpy.typing as npt

from confide.network.workforce import Licences, Licensure
from confide.vocab import Vocabulary

IntArray = npt.NDArray[np.int64]
BoolArray = npt.NDArray[np.bool_]


@dataclass(frozen=True)
class Panels:
    """One entry per (therapist row, plan index, state index), sorted in that order."""

    therapist: IntArray
    plan: IntArray
    state: IntArray


def panels(
    rng: np.random.Generator,
    vocab: Vocabulary,
    licensure: Licensure,
    practice: IntArray,
    licences: Licences,
) -> Panels:
    """Payers joined, then for each payer the plans taken in the practice state and sometimes
    in another licensed state where the plan is sold."""
    in_network = rng.random(len(practice)) < licensure.each(lambda k: k.in_network_share)
    joined = _payers_joined(rng, vocab, practice, in_network)
    plan_index = {code: i for i, code in enumerate(vocab.plans)}
    states = tuple(vocab.states)
    rows: list[IntArray] = []
    plans: list[IntArray] = []
    where: list[IntArray] = []
    for p, payer in enumerate(vocab.payers.values()):
        members = np.flatnonzero(joined[:, p])
        sold = np.array([[plan.sold_in(s) for s in states] for plan in payer.plans])
        home_sold = sold[:, practice[members]].T
        picked = (rng.random(home_sold.shape) < 0.7) & home_sold
        # every joined payer contributes at least one plan sold where the therapist practises
        empty = ~picked.any(axis=1)
        picked[np.flatnonzero(empty), np.argmax(home_sold[empty], axis=1)] = True
        other_draws = rng.random((len(members), 2)) < 0.5
        for i, plan in enumerate(payer.plans):
            chosen = members[picked[:, i]]
            rows.append(chosen)
            plans.append(np.full(len(chosen), plan_index[plan.code]))
            where.append(practice[chosen])
            for slot in (1, 2):
                other = licences.states[members, slot]
                usable = picked[:, i] & licences.active[members, slot] & other_draws[:, slot - 1]
                usable &= sold[i, np.maximum(other, 0)]
                rows.append(members[usable])
                plans.append(np.full(int(usable.sum()), plan_index[plan.code]))
                where.append(other[usable])
    therapist_of = np.concatenate(rows).astype(np.int64)
    plan_of = np.concatenate(plans).astype(np.int64)
    state_of = np.concatenate(where).astype(np.int64)
    order = np.lexsort((state_of, plan_of, therapist_of))
    return Panels(therapist_of[order], plan_of[order], state_of[order])


def _payers_joined(
    rng: np.random.Generator, vocab: Vocabulary, practice: IntArray, in_network: BoolArray
) -> BoolArray:
    """n x payers: payers serving the practice state, each by its panel rate; anyone in network
    who drew none joins one of the commercial payers serving their state."""
    count = len(practice)
    states = tuple(vocab.states)
    payer_list = list(vocab.payers.values())
    payer_draws = rng.random((count, len(payer_list)))
    fallback = rng.integers(0, 1 << 30, size=count)
    joined = np.zeros((count, len(payer_list)), dtype=bool)
    for p, payer in enumerate(payer_list):
        serves = np.array([bool(payer.plans_in(s)) for s in states])[practice]
        joined[:, p] = in_network & serves & (payer_draws[:, p] < payer.panel_rate)
    lonely = np.flatnonzero(in_network & ~joined.any(axis=1))
    commercial = [p for p, payer in enumerate(payer_list) if payer.kind == "commercial"]
    for row in lonely.tolist():
        serving = [p for p in commercial if payer_list[p].plans_in(states[practice[row]])]
        joined[row, serving[fallback[row] % len(serving)]] = True
    return joined
