"""Request and response models of the screening routes. Bad input is refused the one way
(vocab/fields.py): a PydanticCustomError naming the field (instrument, answers, sex) and what
it may be."""

from __future__ import annotations

from typing import Annotated, Any, Self

from pydantic import BaseModel, ConfigDict, Field, Strict, model_validator

from confide.screening import instruments
from confide.screening.instruments import BAND_LABELS, BANDS, INSTRUMENTS, SEXES, Instrument
from confide.screening.safety_questions import SAFETY_QUESTIONS, Support
from confide.vocab.fields import invalid, one_of

InstrumentCode = Annotated[str, one_of("instrument", tuple(INSTRUMENTS))]
Sex = Annotated[str, one_of("sex", SEXES)]
SafetyQuestionCode = Annotated[str, one_of("safety question", [q.code for q in SAFETY_QUESTIONS])]
# an answer is a whole number as JSON sends it (not "1", not true, not 1.0), 0 up to the
# highest any instrument has; each item's own range is checked with the whole request
Answer = Annotated[
    int,
    Strict(),
    Field(ge=0, le=max(o.value for i in INSTRUMENTS.values() for o in i.items[0].options)),
]
YesNo = Annotated[int, Strict(), Field(ge=0, le=1, description="0 for no, 1 for yes")]
LONGEST = max(len(i.items) for i in INSTRUMENTS.values())


class ScoreRequest(BaseModel):
    """One instrument's answers, in item order, to score; nothing is stored."""

    model_config = ConfigDict(extra="forbid")

    instrument: InstrumentCode
    answers: list[Answer] = Field(max_length=LONGEST, description="one answer per item, in order")
    sex: Sex | None = Field(
        default=None,
        description="AUDIT-C only: its cut-off is 4 for men, 3 for women (and 3 "
        "when left out, flagged audit_c_lower_cutoff)",
    )

    @model_validator(mode="after")
    def _answers_fit(self) -> Self:
        try:
            instruments.score(self.instrument, self.answers, self.sex)
        except ValueError as error:
            options = [o.value for o in INSTRUMENTS[self.instrument].items[0].options]
            raise invalid("answers", str(error), options) from None
        return self


class ScoreRead(BaseModel):
    instrument: str
    total: int
    band: str = Field(description="a stable code; GET /api/v1/screenings/instruments has words")
    positive: bool = Field(description="at or above the instrument's screening cut-off")
    flags: list[str] = Field(
        description="self_harm_risk (PHQ-9 item 9 above 0), "
        "audit_c_lower_cutoff (AUDIT-C scored without sex)"
    )
    questionnaire_response: dict[str, Any] = Field(description="FHIR R4 QuestionnaireResponse")
    observation: dict[str, Any] = Field(description="FHIR R4 Observation of the total")


class OptionRead(BaseModel):
    value: int
    label: str


class ItemRead(BaseModel):
    code: str
    text: str
    options: list[OptionRead]


class BandRead(BaseModel):
    band: str
    label: str
    min_total: int
    max_total: int


class InstrumentRead(BaseModel):
    code: str
    title: str
    prompt: str
    items: list[ItemRead]
    max_total: int
    loinc_panel: str | None
    loinc_total: str | None
    cutoff: int = Field(description="the total from which a screen is positive")
    cutoff_by_sex: dict[str, int] | None = Field(
        description="AUDIT-C: the cut-off for each sex; `cutoff` applies when none is given"
    )
    bands: list[BandRead]


class InstrumentsRead(BaseModel):
    instruments: list[InstrumentRead]


def item_read(item: instruments.Item) -> ItemRead:
    return ItemRead(
        code=item.code,
        text=item.text,
        options=[OptionRead(value=o.value, label=o.label) for o in item.options],
    )


def _bands(found: Instrument, cutoff: int, top: int) -> list[BandRead]:
    steps = BANDS.get(found.code) or ((0, "negative"), (cutoff, "positive"))
    ends = [lowest - 1 for lowest, _ in steps[1:]] + [top]
    return [
        BandRead(band=name, label=BAND_LABELS[name], min_total=lowest, max_total=end)
        for (lowest, name), end in zip(steps, ends, strict=True)
    ]


def instrument_read(found: Instrument) -> InstrumentRead:
    top = sum(max(o.value for o in item.options) for item in found.items)
    cutoff = instruments.cutoff(found.code)
    return InstrumentRead(
        code=found.code,
        title=found.title,
        prompt=found.prompt,
        items=[item_read(item) for item in found.items],
        max_total=top,
        loinc_panel=found.loinc_panel,
        loinc_total=found.loinc_total,
        cutoff=cutoff,
        cutoff_by_sex=dict(instruments.AUDIT_C_CUTOFFS) if found.code == "audit_c" else None,
        bands=_bands(found, cutoff, top),
    )


class SafetyAnswers(BaseModel):
    """Answers to the private safety questions, 1 for yes and 0 for no; any of them."""

    model_config = ConfigDict(extra="forbid")

    answers: dict[SafetyQuestionCode, YesNo] = Field(min_length=1, max_length=len(SAFETY_QUESTIONS))


class SupportRead(BaseModel):
    code: str
    name: str
    contact: str


def support_read(found: Support) -> SupportRead:
    return SupportRead(code=found.code, name=found.name, contact=found.contact)


class SafetyRecorded(BaseModel):
    recorded: bool
    support: list[SupportRead] = Field(
        description="help to show this person now (empty after no yes): crisis lines after a "
        "yes on self-harm, the domestic violence hotline after a yes on partner violence"
    )


class SafetyQuestionsRead(BaseModel):
    questions: list[ItemRead]
