"""Typed reads of the therapist directory."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime

from sqlalchemy import Select, exists, func, select
from sqlalchemy.orm import Session, selectinload

from confide.models import (
    Licence,
    PanelParticipation,
    Plan,
    Therapist,
    TherapistSpecialty,
)
from confide.network.schemas import TherapistFilters
from confide.network.supply_queries import (
    listed_licence,
    serves_population,
    taking_new_clients,
    therapist_zones,
)

FULL_PROFILE = (
    selectinload(Therapist.licences),
    selectinload(Therapist.specialties),
    selectinload(Therapist.modalities),
    selectinload(Therapist.languages),
    selectinload(Therapist.populations),
    selectinload(Therapist.identities),
    selectinload(Therapist.services),
    selectinload(Therapist.panels),
    selectinload(Therapist.weekly_hours),
    selectinload(Therapist.time_off),
)


def therapist_with_profile(session: Session, therapist_id: int) -> Therapist | None:
    return session.scalars(
        select(Therapist).where(Therapist.id == therapist_id).options(*FULL_PROFILE)
    ).one_or_none()


def _filtered(filters: TherapistFilters, now: datetime, zones: list[str]) -> Select[int]:
    query = select(Therapist.id)
    if filters.state:
        query = query.where(
            exists().where(
                Licence.therapist_id == Therapist.id,
                Licence.state == filters.state,
                listed_licence(now),
            )
        )
    if filters.plan or filters.payer:
        panel = [PanelParticipation.therapist_id == Therapist.id]
        if filters.plan:
            panel.append(PanelParticipation.plan_code == filters.plan)
        if filters.payer:
            panel.append(
                PanelParticipation.plan_code.in_(
                    select(Plan.code).where(Plan.payer_code == filters.payer)
                )
            )
        if filters.state:
            panel.append(PanelParticipation.state == filters.state)
        query = query.where(exists().where(*panel))
    if filters.concern:
        query = query.where(
            exists().where(
                TherapistSpecialty.therapist_id == Therapist.id,
                TherapistSpecialty.concern == filters.concern,
            )
        )
    if filters.population:
        query = query.where(serves_population(filters.population))
    if filters.accepting is True:
        query = query.where(taking_new_clients(now, zones))
    elif filters.accepting is False:
        query = query.where(~taking_new_clients(now, zones))
    return query


def search_therapists(
    session: Session, filters: TherapistFilters, now: datetime
) -> tuple[Sequence[Therapist], int]:
    zones = therapist_zones(session) if filters.accepting is not None else []
    ids = _filtered(filters, now, zones)
    total = session.scalar(select(func.count()).select_from(ids.subquery())) or 0
    page_ids = (
        ids.order_by(Therapist.id)
        .limit(filters.page_size)
        .offset((filters.page - 1) * filters.page_size)
    )
    rows = session.scalars(
        select(Therapist)
        .where(Therapist.id.in_(page_ids))
        .order_by(Therapist.id)
        .options(selectinload(Therapist.licences), selectinload(Therapist.populations))
    ).all()
    return rows, total
