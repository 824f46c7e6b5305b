"""What the intake keeps (IntakeAnswers, stored encrypted in a draft) and each step's form.

Each step's form is a Pydantic model over the vocabulary's code fields; a refusal becomes a plain
message next to the field (FIELD_MESSAGES), never the code list the API answers with.
"""

from __future__ import annotations

from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator, model_validator

from confide.matching.schemas import PREFERENCE_NAMES, AvailabilityWindow
from confide.vocab import get_vocabulary
from confide.vocab.fields import (
    ConcernCode,
    FaithCode,
    FormatCode,
    GenderCode,
    IdentityCode,
    LanguageCode,
    ModalityCode,
    PlanCode,
    SettingCode,
    StateCode,
    TimeZoneName,
    invalid,
)

Format = Literal["individual", "couples"]
NO_LIMIT = 5000.0  # "any rate": the most the matcher accepts


class IntakeAnswers(BaseModel):
    """Everything a person has told the intake so far; every field has a default."""

    model_config = ConfigDict(extra="ignore")

    state: str | None = None
    format: Format = "individual"
    partner_state: str | None = None
    concerns: list[str] = Field(default_factory=list)
    concern_text: str = ""
    # what the free text suggested: never shown, it only brings the private questions forward
    signals: list[str] = Field(default_factory=list)
    screening: dict[str, list[int]] = Field(default_factory=dict)
    safety_answers: dict[str, int] = Field(default_factory=dict)
    self_harm_risk: bool = False
    partner_violence: bool = False
    # help to show first on the next page: "self_harm", "partner_violence"
    pending_help: list[str] = Field(default_factory=list)
    # the questionnaires still to finish after the first feeling page (the no-JS path)
    more_to_ask: list[str] = Field(default_factory=list)
    plan: str | None = None
    max_rate: float | None = None
    setting: str = "telehealth"
    postal_code: str | None = None
    max_distance_km: float | None = None
    therapist_gender: str | None = None
    languages: list[str] = Field(default_factory=list)
    modalities: list[str] = Field(default_factory=list)
    identities: list[str] = Field(default_factory=list)
    faith: str | None = None
    required: list[str] = Field(default_factory=list)
    availability: list[dict[str, Any]] = Field(default_factory=list)
    timezone: str | None = None
    visited: list[str] = Field(default_factory=list)
    # what has been written to the client's record (instrument or "safety" -> answers)
    recorded: dict[str, Any] = Field(default_factory=dict)

    @property
    def care_format(self) -> Format:
        """Partner violence means individual care only, whatever was asked, and says nothing."""
        return "individual" if self.partner_violence else self.format


class WhereForm(BaseModel):
    model_config = ConfigDict(extra="ignore")

    state: StateCode
    format: FormatCode = "individual"
    partner_state: StateCode | None = None

    @field_validator("partner_state", mode="before")
    @classmethod
    def _blank(cls, value: object) -> object:
        return None if value == "" else value

    @model_validator(mode="after")
    def _partner(self) -> WhereForm:
        if self.format == "couples" and self.partner_state is None:
            raise invalid("partner_state", "needed for couples")
        return self


class ConcernsForm(BaseModel):
    model_config = ConfigDict(extra="ignore")

    concerns: list[ConcernCode] = Field(default_factory=list, max_length=20)
    concern_text: str = Field("", max_length=2000)

    @field_validator("concern_text")
    @classmethod
    def _printable(cls, value: str) -> str:
        if any(ord(c) < 32 and c not in "\n\r\t" for c in value):
            raise ValueError("control characters")
        return value.strip()


class PaymentForm(BaseModel):
    model_config = ConfigDict(extra="ignore")

    plan: PlanCode | None = None
    max_rate: float | None = Field(None, gt=0, le=NO_LIMIT)

    @field_validator("plan", "max_rate", mode="before")
    @classmethod
    def _blank(cls, value: object) -> object:
        return None if isinstance(value, str) and value.strip() in ("", "self_pay") else value


class PreferencesForm(BaseModel):
    model_config = ConfigDict(extra="ignore")

    therapist_gender: GenderCode | None = None
    languages: list[LanguageCode] = Field(default_factory=list, max_length=10)
    modalities: list[ModalityCode] = Field(default_factory=list, max_length=10)
    identities: list[IdentityCode] = Field(default_factory=list, max_length=10)
    faith: FaithCode | None = None
    required: list[Literal[PREFERENCE_NAMES]] = Field(default_factory=list)  # type: ignore[valid-type]

    @field_validator("therapist_gender", "faith", mode="before")
    @classmethod
    def _blank(cls, value: object) -> object:
        return None if value == "" else value

    @model_validator(mode="after")
    def _required_are_given(self) -> PreferencesForm:
        for name in self.required:
            value = getattr(self, name)
            if not value:
                raise invalid(name, "must-have without a choice")
        return self


PARTS_OF_DAY = {
    "morning": ("08:00", "12:00", "Morning (8 to 12)"),
    "afternoon": ("12:00", "17:00", "Afternoon (12 to 5)"),
    "evening": ("17:00", "21:00", "Evening (5 to 9)"),
}
WEEKDAYS = ("Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday")


class TimesForm(BaseModel):
    model_config = ConfigDict(extra="ignore")

    timezone: TimeZoneName
    # "0-morning" … "6-evening": the grid's ticked cells
    times: list[str] = Field(default_factory=list, max_length=21)

    @field_validator("times")
    @classmethod
    def _cells(cls, value: list[str]) -> list[str]:
        for cell in value:
            day, _, part = cell.partition("-")
            if day not in {str(d) for d in range(7)} or part not in PARTS_OF_DAY:
                raise ValueError("not a cell of the grid")
        return value

    def windows(self) -> list[dict[str, Any]]:
        found = []
        for cell in sorted(set(self.times)):
            day, _, part = cell.partition("-")
            start, end, _ = PARTS_OF_DAY[part]
            window = AvailabilityWindow(weekday=int(day), start=start, end=end)
            found.append(window.model_dump())
        return found


class AdjustForm(BaseModel):
    """The results page's own small form: what may change in place."""

    model_config = ConfigDict(extra="ignore")

    setting: SettingCode = "telehealth"
    postal_code: str | None = None
    max_distance_km: float | None = Field(None, gt=0, le=500)
    max_rate: float | None = Field(None, gt=0, le=NO_LIMIT)
    gender_required: bool = False
    language_required: bool = False
    any_time: bool = False

    @field_validator("postal_code", "max_distance_km", "max_rate", mode="before")
    @classmethod
    def _blank(cls, value: object) -> object:
        return None if isinstance(value, str) and value.strip() == "" else value

    @field_validator("postal_code")
    @classmethod
    def _postal(cls, value: str | None) -> str | None:
        from confide.matching.schemas import postal_location

        if value is not None and (
            len(value) != 5
            or not value.isascii()
            or not value.isdigit()
            or postal_location(value) is None
        ):
            raise ValueError("unknown postal code")
        return value

    @model_validator(mode="after")
    def _in_person(self) -> AdjustForm:
        if self.setting == "in_person" and self.postal_code is None:
            raise invalid("postal_code", "in person needs a postal code")
        if self.setting == "in_person" and self.max_distance_km is None:
            raise invalid("max_distance_km", "in person needs a distance")
        return self


# What a person reads next to a field their entry was refused in (our words, no codes).
FIELD_MESSAGES = {
    "state": "Choose the state you will be in during sessions.",
    "format": "Choose just you, or you and your partner.",
    "partner_state": "Choose the state your partner will be in during sessions.",
    "concerns": "Choose from the list shown (up to 20).",
    "concern_text": "Please keep this to 2,000 characters of ordinary text.",
    "plan": "Choose a plan from the list, or self-pay.",
    "max_rate": "Enter an amount in dollars, like 150 (up to 5,000), or leave it empty.",
    "therapist_gender": "Choose one of the options shown, or no preference.",
    "languages": "Choose languages from the list shown.",
    "modalities": "Choose approaches from the list shown.",
    "identities": "Choose from the list shown.",
    "faith": "Choose one of the options shown, or none.",
    "required": "Choose from the list shown.",
    "timezone": "Choose your time zone from the list.",
    "times": "Choose times from the grid.",
    "setting": "Choose online, in person, or either.",
    "postal_code": "Enter a five-digit US postal code.",
    "max_distance_km": "Enter how far you would travel, in km (up to 500).",
}
MUST_HAVE_WITHOUT_CHOICE = "You marked this as a must-have; choose an option or untick it."


def form_errors(error: ValidationError) -> dict[str, str]:
    """One plain message per field refused."""
    found: dict[str, str] = {}
    for problem in error.errors():
        context = problem.get("ctx") or {}
        field = str(context.get("field") or (problem["loc"][0] if problem["loc"] else "form"))
        if field in PREFERENCE_NAMES and context.get("message") == "must-have without a choice":
            found.setdefault(field, MUST_HAVE_WITHOUT_CHOICE)
        else:
            found.setdefault(field, FIELD_MESSAGES.get(field, "Please check this answer."))
    return found


def plans_in(state: str | None) -> list[tuple[str, list[tuple[str, str]]]]:
    """Insurers and their plans offered now and sold in the state, as (payer name, [(plan
    code, plan name)])."""
    vocab = get_vocabulary()
    found = []
    for payer in vocab.payers.values():
        plans = payer.plans_in(state) if state else payer.offered_plans
        if plans:
            found.append((payer.name, [(p.code, p.name) for p in plans]))
    return found
