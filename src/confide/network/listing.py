"""What a therapist lists about themself: self-pay rates, insurance panels, and the profile
(specialties, modalities, languages, populations).

Each change stamps the therapist's updated_at, which is how the openings index and the matching
index learn that this therapist must be read again.
"""

from __future__ import annotations

from collections.abc import Collection, Mapping
from datetime import datetime

from sqlalchemy import delete, select
from sqlalchemy.orm import Session

from confide.errors import InvalidInput, NotFound
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
)
from confide.vocab import get_vocabulary

POPULATIONS = ("individuals", "couples", "families")
STRENGTHS = ("primary", "secondary")
# $5,000 a session is far above any real rate: a typo, not a price
MAX_RATE_CENTS = 500_000


def _therapist(session: Session, therapist_id: int) -> Therapist:
    therapist = session.get(Therapist, therapist_id, with_for_update=True)
    if therapist is None:
        raise NotFound(f"no therapist with id {therapist_id}", therapist_id=therapist_id)
    return therapist


def set_rates(
    session: Session,
    therapist_id: int,
    rates: Mapping[str, tuple[int, int | None]],
    now: datetime,
) -> None:
    """Self-pay rate and lowest sliding-scale fee (None: no sliding scale), in cents, per
    session type the therapist offers; types left out keep theirs."""
    therapist = _therapist(session, therapist_id)
    offered = {s.session_type: s for s in therapist.services}
    for session_type, (rate, sliding) in rates.items():
        service = offered.get(session_type)
        if service is None:
            raise InvalidInput(
                f"rate_{session_type}", "you do not offer this session type", sorted(offered)
            )
        if not 0 < rate <= MAX_RATE_CENTS:
            raise InvalidInput(f"rate_{session_type}", "a rate above $0 and up to $5,000")
        if sliding is not None and not 0 < sliding <= rate:
            raise InvalidInput(
                f"sliding_{session_type}", "the lowest fee is above $0 and at most the rate"
            )
        service.self_pay_rate_cents = rate
        service.sliding_scale_min_cents = sliding
    therapist.updated_at = now
    session.flush()


def _licensed_states(session: Session, therapist_id: int) -> list[str]:
    return sorted(
        session.scalars(select(Licence.state).where(Licence.therapist_id == therapist_id))
    )


def join_panel(
    session: Session, therapist_id: int, plan_code: str, state: str, now: datetime
) -> bool:
    """In network with this plan for clients in this state; False when already so. The plan
    must be offered now (not retired), as the database says: a process's copy may be behind."""
    plan = session.get(Plan, plan_code)
    if plan is None:
        raise InvalidInput("plan", "choose a plan from the list")
    if plan.retired_at is not None:
        raise InvalidInput("plan", f"{plan.name} is retired; choose a plan offered now")
    therapist = _therapist(session, therapist_id)
    states = _licensed_states(session, therapist_id)
    if state not in states:
        raise InvalidInput("state", "choose a state you are licensed in", states)
    if plan.states is not None and state not in plan.states:
        raise InvalidInput("state", f"{plan.name} is not sold in {state}", sorted(plan.states))
    if session.get(PanelParticipation, (therapist_id, plan_code, state)) is not None:
        return False
    session.add(PanelParticipation(therapist_id=therapist_id, plan_code=plan_code, state=state))
    therapist.updated_at = now
    session.flush()
    return True


def leave_panel(
    session: Session, therapist_id: int, plan_code: str, state: str, now: datetime
) -> None:
    """Out of network with this plan in this state; NotFound when not on that panel."""
    therapist = _therapist(session, therapist_id)
    found = session.get(PanelParticipation, (therapist_id, plan_code, state))
    if found is None:
        raise NotFound("you are not on that panel", plan=plan_code, state=state)
    session.delete(found)
    therapist.updated_at = now
    session.flush()


def _known(field: str, codes: Collection[str], allowed: Collection[str]) -> None:
    unknown = sorted(set(codes) - set(allowed))
    if unknown:
        raise InvalidInput(field, f"not one of ours: {', '.join(unknown)}")


def set_profile(
    session: Session,
    therapist_id: int,
    *,
    specialties: Mapping[str, str],
    modalities: Collection[str],
    languages: Collection[str],
    populations: Collection[str],
    now: datetime,
) -> None:
    """Replace what the therapist works on (concern: primary or secondary), how, in which
    languages and with whom. Matching reads all four."""
    vocab = get_vocabulary()
    _known("specialties", specialties, vocab.concerns)
    if any(strength not in STRENGTHS for strength in specialties.values()):
        raise InvalidInput("specialties", "each is primary or secondary", list(STRENGTHS))
    _known("modalities", modalities, vocab.modalities)
    _known("languages", languages, vocab.languages)
    _known("populations", populations, POPULATIONS)
    if not languages:
        raise InvalidInput("languages", "choose at least one language you work in")
    if not populations:
        raise InvalidInput("populations", "choose at least one: individuals, couples or families")
    therapist = _therapist(session, therapist_id)
    for table in (TherapistSpecialty, TherapistModality, TherapistLanguage, TherapistPopulation):
        session.execute(delete(table).where(table.therapist_id == therapist_id))
    session.add_all(
        TherapistSpecialty(therapist_id=therapist_id, concern=c, strength=s)
        for c, s in sorted(specialties.items())
    )
    session.add_all(TherapistModality(therapist_id=therapist_id, modality=m) for m in modalities)
    session.add_all(TherapistLanguage(therapist_id=therapist_id, language=c) for c in languages)
    session.add_all(
        TherapistPopulation(therapist_id=therapist_id, population=p) for p in populations
    )
    # the relationships loaded before the replacement are stale now
    session.expire(therapist)
    therapist.updated_at = now
    session.flush()


def offered_services(session: Session, therapist_id: int) -> list[TherapistService]:
    """The session types the therapist offers, in the vocabulary's order."""
    order = list(get_vocabulary().session_types)
    services = session.scalars(
        select(TherapistService).where(TherapistService.therapist_id == therapist_id)
    )
    return sorted(services, key=lambda s: order.index(s.session_type))
