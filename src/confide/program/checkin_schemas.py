"""Check-ins, progress and consent as the JSON API takes and gives them."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated, Literal

from pydantic import BaseModel, ConfigDict, Field

from confide.program.checkin_scoring import CheckInScore, Progress, Series
from confide.program.checkins import ProgressView, TakenCheckIn
from confide.program.therapist_sharing import SharingChoices

Rating = Annotated[int, Field(ge=0, le=4, description="0 not at all … 4 completely")]
Answer = Annotated[int, Field(ge=0, le=3)]


class FiveSigns(BaseModel):
    """The five signs that trust is returning, each rated for the week just gone."""

    model_config = ConfigDict(extra="forbid")

    safety: Rating = Field(description="Felt safe with my partner; my limits were respected")
    openness: Rating = Field(description="Felt able to let my partner see how I really feel")
    listened: Rating = Field(description="Felt truly listened to when saying what I need")
    commitment: Rating = Field(description="Felt we are both putting ourselves into this")
    decisions: Rating = Field(description="Was open to my partner's view on big choices")


class CheckInCreate(BaseModel):
    model_config = ConfigDict(extra="forbid")

    signs: FiveSigns
    mood: list[Answer] = Field(
        min_length=2,
        max_length=9,
        description="PHQ-2's two answers; all nine of PHQ-9 when PHQ-2 reaches 3, or once an "
        "earlier check-in in the program needed PHQ-9",
    )
    worry: list[Answer] = Field(
        min_length=2,
        max_length=7,
        description="GAD-2's two answers; all seven of GAD-7 when GAD-2 reaches 3, or once an "
        "earlier check-in in the program needed GAD-7",
    )


class ScreenedRead(BaseModel):
    instrument: str
    total: int
    positive: bool


class CheckInRead(BaseModel):
    id: int
    week: int
    answered_at: datetime
    signs: dict[str, int]
    mood: ScreenedRead
    worry: ScreenedRead
    self_harm_risk: bool
    suggest_therapy: bool
    intake: str = Field(description="where to start looking for a therapist")


class CheckInsRead(BaseModel):
    check_ins: list[CheckInRead]


class PointRead(BaseModel):
    week: int
    value: int


class SeriesRead(BaseModel):
    code: str
    name: str
    maximum: int
    points: list[PointRead]


class MarkerRead(BaseModel):
    instrument: str
    week: int
    baseline_week: int
    baseline: int
    total: int
    change: Literal["improved", "worsened", "no_reliable_change"]


class FindingRead(BaseModel):
    code: str
    kind: Literal["improving", "declining"]
    text: str


class ProgressRead(BaseModel):
    signs: list[SeriesRead]
    screenings: list[SeriesRead]
    reliable_changes: list[MarkerRead]
    summary: list[FindingRead]
    suggest_therapy: bool


class PartnerProgressRead(BaseModel):
    signs: list[SeriesRead]
    summary: list[FindingRead]


class MyProgressRead(BaseModel):
    mine: ProgressRead
    partner: PartnerProgressRead | None = Field(
        description="the other partner's five signs, only while they share them; null alike "
        "when they do not share and when there is nothing"
    )
    sharing_with_partner: bool


SharingWith = Literal["therapist", "partner"]


class ConsentChange(BaseModel):
    model_config = ConfigDict(extra="forbid")

    to: SharingWith


class ConsentRecordRead(BaseModel):
    given_at: datetime
    withdrawn_at: datetime | None


class ConsentRead(BaseModel):
    therapist_id: int | None = Field(description="the couple's therapist, if they have one")
    therapist_consent: bool = Field(description="your consent for them, in force")
    therapist_sees_check_ins: bool = Field(description="both partners consent now")
    therapist_history: list[ConsentRecordRead]
    sharing_with_partner: bool


INTAKE = "/start"


def check_in_read(taken: TakenCheckIn) -> CheckInRead:
    """A check-in; a positive screen or a risk of self-harm suggests seeing a therapist."""
    score: CheckInScore = taken.score
    return CheckInRead(
        id=taken.id,
        week=score.week,
        answered_at=score.answered_at,
        signs=dict(score.signs),
        mood=ScreenedRead(
            instrument=score.mood.instrument, total=score.mood.total, positive=score.mood.positive
        ),
        worry=ScreenedRead(
            instrument=score.worry.instrument,
            total=score.worry.total,
            positive=score.worry.positive,
        ),
        self_harm_risk=score.self_harm_risk,
        suggest_therapy=score.positive_screen or score.self_harm_risk,
        intake=INTAKE,
    )


def _series(found: tuple[Series, ...]) -> list[SeriesRead]:
    return [
        SeriesRead(
            code=s.code,
            name=s.name,
            maximum=s.maximum,
            points=[PointRead(week=p.week, value=p.value) for p in s.points],
        )
        for s in found
    ]


def _findings(progress: Progress) -> list[FindingRead]:
    return [FindingRead(code=f.code, kind=f.kind, text=f.text) for f in progress.findings]


def progress_read(progress: Progress) -> ProgressRead:
    return ProgressRead(
        signs=_series(progress.signs),
        screenings=_series(progress.screenings),
        reliable_changes=[
            MarkerRead(
                instrument=m.instrument,
                week=m.week,
                baseline_week=m.baseline_week,
                baseline=m.baseline,
                total=m.total,
                change=m.change,
            )
            for m in progress.markers
        ],
        summary=_findings(progress),
        suggest_therapy=progress.suggest_therapy,
    )


def my_progress_read(view: ProgressView) -> MyProgressRead:
    partner = None
    if view.partner is not None:
        partner = PartnerProgressRead(
            signs=_series(view.partner.signs), summary=_findings(view.partner)
        )
    return MyProgressRead(
        mine=progress_read(view.mine),
        partner=partner,
        sharing_with_partner=view.sharing_with_partner,
    )


def consent_read(choices: SharingChoices) -> ConsentRead:
    state = choices.therapist
    return ConsentRead(
        therapist_id=state.therapist_id,
        therapist_consent=state.mine,
        therapist_sees_check_ins=state.in_force,
        therapist_history=[
            ConsentRecordRead(given_at=r.given_at, withdrawn_at=r.withdrawn_at)
            for r in state.history
        ],
        sharing_with_partner=choices.with_partner,
    )
