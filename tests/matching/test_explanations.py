"""Reasons are true for the therapist shown; safety rules and insurance honesty hold."""

from __future__ import annotations

import re
from typing import Any
from zoneinfo import ZoneInfo

import pytest

from confide.matching.schemas import MatchIntake, MatchResponse
from confide.matching.service import database_cards, find_matches
from confide.network.schemas import TherapistRead
from confide.network.service import get_therapist
from confide.vocab import get_vocabulary
from tests.matching.conftest import SmallNetwork

VOCAB = get_vocabulary()
# what safety screening may reveal (a concern the person chose, such as abusive relationships,
# is theirs to see)
SAFETY_WORDS = re.compile(r"violen|unsafe|hotline|harm|suicid|crisis|988|safety", re.I)


def run(net: SmallNetwork, data: dict[str, Any]) -> MatchResponse:
    intake = MatchIntake.model_validate({"limit": 50, **data})
    with net.database.session() as session:
        return find_matches(net.index, intake, net.now, cards=database_cards(session))


def profile(net: SmallNetwork, therapist_id: int) -> TherapistRead:
    with net.database.session() as session:
        return TherapistRead.from_model(get_therapist(session, therapist_id), net.now)


def _names(text: str) -> list[str]:
    return [p.strip() for p in re.split(r",| and ", text) if p.strip()]


def check_reason(
    reason: str,
    t: TherapistRead,
    intake: MatchIntake,
    first: Any,
    session_type: str,
    concerns_used: list[str],
) -> None:
    """Each reason, read back against the therapist's own profile."""
    active = {lic.state for lic in t.licences if lic.status == "active"}
    names = {VOCAB.states[s].name: s for s in VOCAB.states}
    labels = {c.label.lower(): c.code for c in VOCAB.concerns.values()}
    specialties = {s.concern: s.strength for s in t.specialties}
    service = next(s for s in t.services if s.session_type == session_type)
    if reason.startswith("Licensed in "):
        states = [names[n] for n in _names(reason.removeprefix("Licensed in "))]
        assert states
        assert set(states) <= active
    elif reason.startswith("In network: "):
        plan = next(
            p for p in VOCAB.plans.values() if p.name == reason.removeprefix("In network: ")
        )
        assert any(p.plan == plan.code and p.state == intake.state for p in t.insurance)
    elif reason.startswith("On the ") and "network" in reason:
        assert "often not covered" in reason
        assert f"${service.self_pay_rate:,.0f}" in reason
        assert any(p.state == intake.state for p in t.insurance)
    elif reason.startswith("First session $"):
        assert reason == f"First session ${service.self_pay_rate:,.0f} self-pay"
    elif reason.startswith("Sliding scale from $"):
        assert service.sliding_scale_min is not None
        assert f"${service.sliding_scale_min:,.0f}" in reason
    elif reason.startswith(("Specialises in ", "Works with ")):
        strength = "primary" if reason.startswith("Specialises") else "secondary"
        rest = reason.split(" ", 2)[2]
        for label, code in sorted(labels.items(), key=lambda lc: -len(lc[0])):
            if label in rest:
                assert code in concerns_used
                assert specialties.get(code) == strength
                rest = rest.replace(label, "")
        assert not rest.replace(",", "").replace("and", "").strip()
    elif reason.startswith("Trained in couples work: "):
        assert any(VOCAB.modalities[m].couples for m in t.modalities)
    elif reason.startswith("Speaks "):
        spoken = {VOCAB.languages[c].name for c in t.languages}
        assert set(_names(reason.removeprefix("Speaks "))) <= spoken
    elif reason.startswith("Offers telehealth"):
        assert t.telehealth
    elif reason.startswith("Offers "):
        labels_used = {VOCAB.modalities[m].label for m in t.modalities}
        assert any(label in reason for label in labels_used)
    elif reason.startswith("Office"):
        assert t.in_person
    elif reason.startswith("Therapist's gender: "):
        assert t.gender == reason.removeprefix("Therapist's gender: ")
    elif reason.startswith("Can bring a "):
        assert t.faith is not None
        assert VOCAB.faiths[t.faith].label in reason
    elif reason.startswith("First opening "):
        local = first.astimezone(ZoneInfo(intake.zone))
        hour = local.hour % 12 or 12
        assert f"{local:%a} {local.day} {local:%b}, {hour}:{local:%M}" in reason
        assert reason.endswith("your time")
    elif reason in {VOCAB.identities[i].label for i in VOCAB.identities}:
        code = next(i for i in VOCAB.identities if VOCAB.identities[i].label == reason)
        assert code in t.identities
    else:
        pytest.fail(f"unchecked reason: {reason!r}")


INTAKES: list[dict[str, Any]] = [
    {
        "state": "CA",
        "concerns": ["infidelity", "trust_issues", "anxiety"],
        "payment": {"method": "self_pay", "max_rate": 150},
        "preferences": {
            "languages": ["es", "en"],
            "identities": ["lgbtq_affirming"],
            "modalities": ["eft", "cbt"],
        },
    },
    {
        "state": "TX",
        "format": "couples",
        "partner_state": "TX",
        "concerns": ["communication"],
        "payment": {"method": "self_pay", "max_rate": 400},
        "setting": "either",
        "postal_code": "75201",
        "max_distance_km": 60,
        "timezone": "America/Chicago",
        "preferences": {"therapist_gender": "woman"},
    },
    {
        "state": "CA",
        "concerns": ["depression"],
        "timezone": "America/New_York",
        "payment": {"method": "insurance", "payer": "aetna", "plan": "aetna-ppo"},
        "availability": [{"weekday": d, "start": "18:00", "end": "22:00"} for d in range(5)],
    },
    {
        "state": "FL",
        "format": "couples",
        "partner_state": "FL",
        "concerns": ["infidelity"],
        "payment": {"method": "insurance", "payer": "aetna", "plan": "aetna-ppo"},
    },
    {
        "state": "TX",
        "concern_text": "we fight all the time and he hid money from me",
        "payment": {"method": "self_pay", "max_rate": 250},
    },
]


@pytest.mark.parametrize("case", range(len(INTAKES)))
def test_every_reason_is_true_for_the_therapist_shown(
    small_network: SmallNetwork, case: int
) -> None:
    data = INTAKES[case]
    response = run(small_network, data)
    intake = MatchIntake.model_validate(data)
    assert response.results, "the scenario should find therapists"
    for result in response.results:
        t = profile(small_network, result.therapist.id)
        assert result.therapist.name == t.name
        assert any(r.startswith("Licensed in ") for r in result.reasons)
        assert any(r.startswith("First opening ") for r in result.reasons)
        for reason in result.reasons:
            check_reason(
                reason,
                t,
                intake,
                result.first_opening,
                result.session_type,
                response.concerns_used,
            )
        service = next(s for s in t.services if s.session_type == result.session_type)
        assert result.rate.self_pay_rate == service.self_pay_rate
        assert result.duration_minutes == service.duration_minutes
        assert not SAFETY_WORDS.search(" ".join(result.reasons))


def test_results_are_ranked_best_first(small_network: SmallNetwork) -> None:
    response = run(small_network, INTAKES[0])
    scores = [r.score for r in response.results]
    assert scores == sorted(scores, reverse=True)
    assert response.total_eligible >= len(response.results)
    assert set(response.excluded) >= {"licence", "payment", "availability"}
    # every therapist is either eligible or excluded once, under the first constraint failed
    assert sum(response.excluded.values()) + response.total_eligible == small_network.index.size


def test_couples_with_insurance_never_claim_coverage(small_network: SmallNetwork) -> None:
    response = run(small_network, INTAKES[3])
    assert response.results
    assert any(n.code == "couples_coverage" for n in response.notices)
    for result in response.results:
        assert result.session_type == "couples_intake"
        assert result.rate.network_status == "in_network"
        assert result.rate.self_pay_rate > 0
        text = " ".join(result.reasons).lower()
        assert "covered" not in text.replace("often not covered", "")
        assert not any(r.startswith("In network") for r in result.reasons)


def test_partner_violence_gives_individual_care_only(small_network: SmallNetwork) -> None:
    couples = {
        "state": "CA",
        "format": "couples",
        "partner_state": "CA",
        "concerns": ["conflict"],
        "payment": {"method": "self_pay", "max_rate": 300},
    }
    response = run(small_network, {**couples, "safety": {"partner_violence": True}})
    individual = run(small_network, {**couples, "format": "individual", "partner_state": None})
    assert response.results
    assert all(r.session_type == "intake" for r in response.results)
    assert [r.therapist.id for r in response.results] == [
        r.therapist.id for r in individual.results
    ]
    notice = next(n for n in response.notices if n.code == "individual_care")
    assert "1-800-799-7233" in notice.message
    assert "88788" in notice.message
    for result in response.results:
        assert not SAFETY_WORDS.search(" ".join(result.reasons))


def test_self_harm_puts_crisis_help_first_and_competence_higher(
    small_network: SmallNetwork,
) -> None:
    data = {
        "state": "CA",
        "concerns": ["infidelity"],
        "limit": 50,
        "payment": {"method": "self_pay", "max_rate": 400},
        "safety": {"self_harm_risk": True, "partner_violence": True},
        "format": "couples",
        "partner_state": "CA",
    }
    response = run(small_network, data)
    assert response.notices[0].code == "crisis_support"
    assert "988" in response.notices[0].message
    assert "911" in response.notices[0].message
    assert response.notices[1].code == "individual_care"
    competent = []
    for result in response.results:
        t = profile(small_network, result.therapist.id)
        competent.append(
            any(VOCAB.modalities[m].crisis or VOCAB.modalities[m].trauma for m in t.modalities)
            or any(s.concern == "trauma_ptsd" for s in t.specialties)
        )
    assert any(competent)
    assert not all(competent)
    assert competent == sorted(competent, reverse=True)


def test_nothing_matches_says_what_to_relax(small_network: SmallNetwork) -> None:
    data = {
        "state": "CA",
        "payment": {"method": "self_pay", "max_rate": 20},
        "preferences": {"languages": ["uk"], "required": ["languages"]},
    }
    response = run(small_network, data)
    assert response.results == []
    assert response.total_eligible == 0
    assert response.relax
    notice = next(n for n in response.notices if n.code == "no_matches")
    best = response.relax[0]
    assert str(best.would_match) in notice.message
    assert best.constraint == "payment+preferences"
    relaxed = {
        **data,
        "payment": {"method": "self_pay", "max_rate": 5000},
        "preferences": {"languages": ["uk"]},
    }
    assert run(small_network, relaxed).total_eligible == best.would_match
    single = run(small_network, {**data, "preferences": {}})
    assert single.relax[0].constraint == "payment"
    assert (
        run(
            small_network,
            {**data, "preferences": {}, "payment": {"method": "self_pay", "max_rate": 5000}},
        ).total_eligible
        == single.relax[0].would_match
    )


def test_free_text_adds_concerns(small_network: SmallNetwork) -> None:
    response = run(
        small_network,
        {
            "state": "CA",
            "concern_text": "My husband cheated on me and I can't trust him anymore",
            "payment": {"method": "self_pay", "max_rate": 300},
        },
    )
    assert "infidelity" in response.concerns_used
    labels = [VOCAB.concerns[c].label.lower() for c in response.concerns_used]
    shown = [" ".join(result.reasons) for result in response.results]
    assert shown
    assert any(label in shown[0] for label in labels)


def test_warm_up_builds_the_index(small_network: SmallNetwork) -> None:
    from confide.matching.live import LiveMatching
    from confide.scheduling.openings import OpeningsIndex

    live = LiveMatching(small_network.database, OpeningsIndex(horizon_days=14), 2.0, 14)
    index = live.warm_up(small_network.now)
    assert index.size == small_network.index.size
    assert live.index is index
