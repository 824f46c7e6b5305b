"""Request and response shapes for the therapist directory."""

from __future__ import annotations

from datetime import date, datetime

from pydantic import BaseModel, ConfigDict, Field, model_validator

from confide.models import Therapist
from confide.network.supply_rules import licence_listed, listed_states
from confide.vocab import get_vocabulary
from confide.vocab.fields import (
    ConcernCode,
    PayerCode,
    PlanCode,
    PopulationCode,
    StateCode,
    check_plan_of_payer,
)


def hhmm(minute: int) -> str:
    return f"{minute // 60:02d}:{minute % 60:02d}"


def dollars(cents: int | None) -> float | None:
    return None if cents is None else cents / 100


class LicenceRead(BaseModel):
    state: str
    number: str
    status: str
    verified_at: datetime | None
    expires_on: date | None
    listed: bool = Field(
        description="the state is listed now: the licence is active and was verified recently "
        "enough (an older verification lists no state until it is verified again)"
    )


class SpecialtyRead(BaseModel):
    concern: str
    label: str
    strength: str


class ServiceRead(BaseModel):
    session_type: str
    cpt_code: str
    duration_minutes: int
    self_pay_rate: float = Field(description="US dollars per session")
    sliding_scale_min: float | None = Field(description="lowest sliding-scale rate, US dollars")


class PanelRead(BaseModel):
    payer: str
    plan: str
    plan_name: str
    state: str


class WeeklyHoursRead(BaseModel):
    weekday: int = Field(description="0 Monday to 6 Sunday, in the therapist's time zone")
    start: str
    end: str


class TimeOffRead(BaseModel):
    starts_on: date
    ends_on: date


class OfficeRead(BaseModel):
    postal_code: str | None
    city: str | None
    latitude: float | None
    longitude: float | None


class SupplyRead(BaseModel):
    accepting_new_clients: bool
    paused_until: date | None
    weekly_new_client_limit: int
    caseload_limit: int
    minimum_notice_hours: int
    booking_horizon_days: int
    buffer_minutes: int


class TherapistSummary(BaseModel):
    id: int
    name: str
    credential: str
    licence_type: str
    pronouns: str | None
    practice_state: str
    licensed_states: list[str] = Field(
        description="the states the therapist is listed in now: where their clients may be"
    )
    populations: list[str]
    telehealth: bool
    in_person: bool
    accepting_new_clients: bool

    @classmethod
    def from_model(cls, t: Therapist, now: datetime) -> TherapistSummary:
        return cls(
            id=t.id,
            name=f"{t.first_name} {t.last_name}",
            credential=t.credential,
            licence_type=t.licence_type,
            pronouns=t.pronouns,
            practice_state=t.practice_state,
            licensed_states=listed_states(t.licences, now),
            populations=sorted(p.population for p in t.populations),
            telehealth=t.offers_telehealth,
            in_person=t.offers_in_person,
            accepting_new_clients=t.accepting_new_clients,
        )


class TherapistRead(BaseModel):
    id: int
    npi: str
    first_name: str
    last_name: str
    name: str
    credential: str
    pronouns: str | None
    gender: str
    licence_type: str
    taxonomy_code: str
    bio: str
    practice_state: str
    timezone: str
    telehealth: bool
    in_person: bool
    office: OfficeRead
    faith: str | None
    licences: list[LicenceRead]
    specialties: list[SpecialtyRead]
    modalities: list[str]
    languages: list[str]
    populations: list[str]
    identities: list[str]
    services: list[ServiceRead]
    insurance: list[PanelRead]
    weekly_hours: list[WeeklyHoursRead]
    time_off: list[TimeOffRead]
    supply: SupplyRead

    @classmethod
    def from_model(cls, t: Therapist, now: datetime) -> TherapistRead:
        vocab = get_vocabulary()
        return cls(
            id=t.id,
            npi=t.npi,
            first_name=t.first_name,
            last_name=t.last_name,
            name=f"{t.first_name} {t.last_name}",
            credential=t.credential,
            pronouns=t.pronouns,
            gender=t.gender,
            licence_type=t.licence_type,
            taxonomy_code=t.taxonomy_code,
            bio=t.bio,
            practice_state=t.practice_state,
            timezone=t.timezone,
            telehealth=t.offers_telehealth,
            in_person=t.offers_in_person,
            office=OfficeRead(
                postal_code=t.office_postal_code,
                city=t.office_city,
                latitude=t.office_latitude,
                longitude=t.office_longitude,
            ),
            faith=t.faith,
            licences=[
                LicenceRead(
                    state=lic.state,
                    number=lic.number,
                    status=lic.status,
                    verified_at=lic.verified_at,
                    expires_on=lic.expires_on,
                    listed=licence_listed(lic.status, lic.verified_at, now),
                )
                for lic in t.licences
            ],
            specialties=[
                SpecialtyRead(
                    concern=s.concern, label=vocab.concerns[s.concern].label, strength=s.strength
                )
                for s in sorted(t.specialties, key=lambda s: (s.strength != "primary", s.concern))
            ],
            modalities=sorted(m.modality for m in t.modalities),
            languages=sorted(lang.language for lang in t.languages),
            populations=sorted(p.population for p in t.populations),
            identities=sorted(i.identity for i in t.identities),
            services=[
                ServiceRead(
                    session_type=s.session_type,
                    cpt_code=vocab.session_types[s.session_type].cpt_code,
                    duration_minutes=s.duration_minutes,
                    self_pay_rate=s.self_pay_rate_cents / 100,
                    sliding_scale_min=dollars(s.sliding_scale_min_cents),
                )
                for s in sorted(
                    t.services, key=lambda s: list(vocab.session_types).index(s.session_type)
                )
            ],
            insurance=[
                PanelRead(
                    payer=vocab.plans[p.plan_code].payer_code,
                    plan=p.plan_code,
                    plan_name=vocab.plans[p.plan_code].name,
                    state=p.state,
                )
                for p in sorted(t.panels, key=lambda p: (p.plan_code, p.state))
            ],
            weekly_hours=[
                WeeklyHoursRead(
                    weekday=h.weekday, start=hhmm(h.start_minute), end=hhmm(h.end_minute)
                )
                for h in t.weekly_hours
            ],
            time_off=[TimeOffRead(starts_on=o.starts_on, ends_on=o.ends_on) for o in t.time_off],
            supply=SupplyRead(
                accepting_new_clients=t.accepting_new_clients,
                paused_until=t.paused_until,
                weekly_new_client_limit=t.weekly_new_client_limit,
                caseload_limit=t.caseload_limit,
                minimum_notice_hours=t.minimum_notice_hours,
                booking_horizon_days=t.booking_horizon_days,
                buffer_minutes=t.buffer_minutes,
            ),
        )


class TherapistFilters(BaseModel):
    """Query parameters of GET /api/v1/therapists."""

    model_config = ConfigDict(extra="forbid")

    state: StateCode | None = Field(
        None, description="listed in this state now (as licensed_states says)"
    )
    payer: PayerCode | None = Field(None, description="on a panel of this payer")
    plan: PlanCode | None = Field(None, description="on this plan's panel")
    concern: ConcernCode | None = Field(None, description="lists this concern as a specialty")
    population: PopulationCode | None = Field(None, description="works with this population")
    accepting: bool | None = Field(None, description="accepting new clients and not paused")
    page: int = Field(1, ge=1, le=100_000)
    page_size: int = Field(20, ge=1, le=100)

    @model_validator(mode="after")
    def _plan_belongs_to_payer(self) -> TherapistFilters:
        if self.plan and self.payer:
            check_plan_of_payer(self.payer, self.plan, "plan")
        return self


class TherapistPage(BaseModel):
    items: list[TherapistSummary]
    total: int
    page: int
    page_size: int
