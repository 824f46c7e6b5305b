"""The matching intake (DESIGN.md §4) with its validation, and the shortlist it answers with."""

from __future__ import annotations

import re
from datetime import datetime
from functools import cache
from typing import Annotated, Any, Literal

import zipcodes
from pydantic import (
    BaseModel,
    ConfigDict,
    Discriminator,
    Field,
    Tag,
    field_validator,
    model_validator,
)
from pydantic_core import PydanticCustomError

from confide.vocab import get_vocabulary
from confide.vocab.fields import (
    ConcernCode,
    FaithCode,
    FormatCode,
    GenderCode,
    IdentityCode,
    LanguageCode,
    ModalityCode,
    PayerCode,
    PlanCode,
    SettingCode,
    StateCode,
    TimeZoneName,
    check_plan_of_payer,
    check_plan_sold_in,
    invalid,
    one_of,
)

PREFERENCE_NAMES = ("therapist_gender", "languages", "modalities", "identities", "faith")
PAYMENT_METHODS = ("insurance", "self_pay")
PreferenceName = Annotated[str, one_of("preference", PREFERENCE_NAMES)]
# ASCII digits only, and the whole text: "10:00\n" and "1٣:00" are not times
_START = r"^([01][0-9]|2[0-3]):(00|30)$"
_END = r"^(([01][0-9]|2[0-3]):(00|30)|24:00)$"
_HALF_HOUR = re.compile(_END.removeprefix("^").removesuffix("$"))


def _strict() -> ConfigDict:
    return ConfigDict(extra="forbid")


class InsurancePayment(BaseModel):
    model_config = _strict()

    method: Literal["insurance"]
    payer: PayerCode
    plan: PlanCode


class SelfPayPayment(BaseModel):
    model_config = _strict()

    method: Literal["self_pay"]
    max_rate: float = Field(gt=0, le=5000, description="most you can pay per session, US dollars")


def _payment_method(value: Any) -> object:
    return value.get("method") if isinstance(value, dict) else getattr(value, "method", None)


Payment = Annotated[
    Annotated[InsurancePayment, Tag("insurance")] | Annotated[SelfPayPayment, Tag("self_pay")],
    Discriminator(
        _payment_method,
        custom_error_type="unknown_code",
        custom_error_message="payment needs a method: insurance or self_pay",
        custom_error_context={"field": "method", "allowed": list(PAYMENT_METHODS)},
    ),
]


def _minute_of_day(value: str) -> int:
    hours, minutes = value.split(":")
    return int(hours) * 60 + int(minutes)


class AvailabilityWindow(BaseModel):
    """A weekly time the person is free, in their own time zone."""

    model_config = _strict()

    weekday: int = Field(ge=0, le=6, description="0 Monday to 6 Sunday")
    start: str = Field(
        description="HH:00 or HH:30, local time", json_schema_extra={"pattern": _START}
    )
    end: str = Field(
        description="HH:00 or HH:30 (or 24:00), local time, after start",
        json_schema_extra={"pattern": _END},
    )

    @field_validator("start", "end")
    @classmethod
    def _half_hour(cls, value: str) -> str:
        if not _HALF_HOUR.fullmatch(value):
            raise PydanticCustomError(
                "half_hour",
                "{value} is not a time on the half hour; use HH:00 or HH:30 (24-hour clock, "
                "24:00 allowed as an end)",
                {"value": repr(value), "allowed": ["HH:00", "HH:30"]},
            )
        return value

    @model_validator(mode="after")
    def _ordered(self) -> AvailabilityWindow:
        if self.start == "24:00" or self.start_minute >= self.end_minute:
            raise PydanticCustomError(
                "window_order",
                "start {start} must be before end {end}",
                {"start": self.start, "end": self.end},
            )
        return self

    @property
    def start_minute(self) -> int:
        return _minute_of_day(self.start)

    @property
    def end_minute(self) -> int:
        return _minute_of_day(self.end)


class Preferences(BaseModel):
    model_config = _strict()

    therapist_gender: GenderCode | None = None
    languages: list[LanguageCode] = Field(
        default_factory=list, max_length=10, description="met when the therapist speaks any"
    )
    modalities: list[ModalityCode] = Field(
        default_factory=list, max_length=10, description="met when the therapist uses any"
    )
    identities: list[IdentityCode] = Field(
        default_factory=list, max_length=10, description="met when the therapist lists all"
    )
    faith: FaithCode | None = None
    required: list[PreferenceName] = Field(
        default_factory=list, description="preferences a therapist must meet to be shown"
    )

    @model_validator(mode="after")
    def _required_are_given(self) -> Preferences:
        for name in self.required:
            if not self.is_set(name):
                raise invalid(
                    "required",
                    f"{name!r} is marked required but no {name} preference was given",
                    [n for n in PREFERENCE_NAMES if self.is_set(n)],
                )
        return self

    def is_set(self, name: str) -> bool:
        value = getattr(self, name)
        return bool(value) if isinstance(value, list) else value is not None


class Safety(BaseModel):
    model_config = _strict()

    self_harm_risk: bool = False
    partner_violence: bool = False


@cache
def postal_location(postal_code: str) -> tuple[float, float] | None:
    """Latitude and longitude of a real US postal code, or None."""
    try:
        rows = zipcodes.matching(postal_code)  # type: ignore[no-untyped-call]
    except (TypeError, ValueError):
        return None
    for row in rows:
        try:
            return float(row["lat"]), float(row["long"])
        except (TypeError, ValueError, KeyError):
            continue
    return None


class MatchIntake(BaseModel):
    """What a person tells us so we can find therapists who can really see them."""

    model_config = _strict()

    state: StateCode = Field(description="where the person is located during sessions")
    format: FormatCode = "individual"
    partner_state: StateCode | None = Field(None, description="couples: the partner's state")
    concerns: list[ConcernCode] = Field(default_factory=list, max_length=20)
    concern_text: str | None = Field(None, max_length=2000)
    payment: Payment
    setting: SettingCode = "telehealth"
    postal_code: str | None = Field(None, description="five-digit US postal code")
    max_distance_km: float | None = Field(None, gt=0, le=500)
    preferences: Preferences = Field(default_factory=Preferences)
    availability: list[AvailabilityWindow] = Field(
        default_factory=list,
        max_length=50,
        description="weekly free times in `timezone`; empty means any time",
    )
    timezone: TimeZoneName | None = Field(
        None, description="IANA name; default: the main time zone of `state`"
    )
    safety: Safety = Field(default_factory=Safety)
    limit: int = Field(10, ge=1, le=50)

    @model_validator(mode="after")
    def _consistent(self) -> MatchIntake:
        vocab = get_vocabulary()
        if self.format == "couples" and self.partner_state is None:
            raise invalid(
                "partner_state",
                "couples matching needs the partner's state (where they will be during sessions)",
                sorted(vocab.states),
            )
        if isinstance(self.payment, InsurancePayment):
            payer, plan = self.payment.payer, self.payment.plan
            check_plan_of_payer(payer, plan, "payment.plan")
            check_plan_sold_in(payer, plan, self.state, "payment.plan")
        if self.postal_code is not None and (
            not re.fullmatch(r"\d{5}", self.postal_code)
            or postal_location(self.postal_code) is None
        ):
            raise invalid(
                "postal_code", f"{self.postal_code!r} is not a known five-digit US postal code"
            )
        if self.setting == "in_person":
            if self.postal_code is None:
                raise invalid(
                    "postal_code", "in-person sessions need your postal code to measure distance"
                )
            if self.max_distance_km is None:
                raise invalid(
                    "max_distance_km",
                    "in-person sessions need the farthest you would travel, in km",
                )
        elif (self.postal_code is None) != (self.max_distance_km is None):
            missing = "max_distance_km" if self.max_distance_km is None else "postal_code"
            raise invalid(missing, "postal_code and max_distance_km go together")
        if self.timezone is None:
            self.timezone = vocab.states[self.state].time_zones[0]
        return self

    @property
    def zone(self) -> str:
        return self.timezone or get_vocabulary().states[self.state].time_zones[0]

    @property
    def location(self) -> tuple[float, float] | None:
        return postal_location(self.postal_code) if self.postal_code else None


class TherapistCard(BaseModel):
    id: int
    name: str
    credential: str
    pronouns: str | None = None
    practice_state: str
    telehealth: bool
    in_person: bool
    office_city: str | None = None


class Rate(BaseModel):
    """What the first session costs without insurance, and the network status when asked.

    Never a statement of coverage: only the insurer can say what a plan pays.
    """

    session_type: str
    self_pay_rate: float = Field(description="US dollars per session")
    sliding_scale_min: float | None = None
    plan: str | None = None
    network_status: Literal["in_network"] | None = None


class MatchResult(BaseModel):
    therapist: TherapistCard
    score: float
    reasons: list[str]
    first_opening: datetime
    session_type: str
    duration_minutes: int
    rate: Rate
    distance_km: float | None = None


class Notice(BaseModel):
    code: str
    message: str


class Relaxation(BaseModel):
    constraint: str
    suggestion: str
    would_match: int


class MatchResponse(BaseModel):
    results: list[MatchResult]
    total_eligible: int
    excluded: dict[str, int]
    notices: list[Notice]
    relax: list[Relaxation] = Field(
        default_factory=list, description="when nothing matches: what to loosen"
    )
    concerns_used: list[str] = Field(default_factory=list)
