"""The free screening instruments as data, and their published scoring rules (pure: stdlib only).

PHQ-9 and PHQ-2 (depression), GAD-7 and GAD-2 (anxiety), PC-PTSD-5 (post-traumatic stress) and
AUDIT-C (alcohol). PHQ-2 and GAD-2 are the first two items of PHQ-9 and GAD-7. Bands are stable
snake_case codes (`BAND_LABELS` has the words). PHQ-9 item 9 is judged on its own: any answer
above 0 raises the "self_harm_risk" flag, whatever the total.

AUDIT-C's cut-off is 4 for men and 3 for women. Without a sex given, the lower cut-off (3) is
used and the score carries the flag "audit_c_lower_cutoff": a screen should rather ask once
too often than miss someone, and the flag tells a reader why a total of 3 is positive.
"""

from __future__ import annotations

from collections.abc import Collection, Mapping, Sequence
from dataclasses import dataclass
from types import MappingProxyType
from typing import Literal

SELF_HARM_RISK = "self_harm_risk"
AUDIT_C_LOWER_CUTOFF = "audit_c_lower_cutoff"
SEXES = ("female", "male")


@dataclass(frozen=True)
class Option:
    value: int
    label: str


@dataclass(frozen=True)
class Item:
    code: str  # e.g. "phq9_9"
    text: str
    options: tuple[Option, ...]


@dataclass(frozen=True)
class Instrument:
    code: str
    title: str
    prompt: str
    items: tuple[Item, ...]
    loinc_panel: str | None
    loinc_total: str | None


@dataclass(frozen=True)
class Score:
    instrument: str
    total: int
    band: str
    positive: bool
    flags: tuple[str, ...]


FREQUENCY = (
    Option(0, "Not at all"),
    Option(1, "Several days"),
    Option(2, "More than half the days"),
    Option(3, "Nearly every day"),
)
YES_NO = (Option(0, "No"), Option(1, "Yes"))
TWO_WEEKS = (
    "Over the last 2 weeks, how often have you been bothered by any of the following problems?"
)

_PHQ = (
    "Little interest or pleasure in doing things",
    "Feeling down, depressed, or hopeless",
    "Trouble falling or staying asleep, or sleeping too much",
    "Feeling tired or having little energy",
    "Poor appetite or overeating",
    "Feeling bad about yourself, or that you are a failure or have let yourself or your "
    "family down",
    "Trouble concentrating on things, such as reading the newspaper or watching television",
    "Moving or speaking so slowly that other people could have noticed; or the opposite, being "
    "so fidgety or restless that you have been moving around a lot more than usual",
    "Thoughts that you would be better off dead, or of hurting yourself in some way",
)
_GAD = (
    "Feeling nervous, anxious, or on edge",
    "Not being able to stop or control worrying",
    "Worrying too much about different things",
    "Trouble relaxing",
    "Being so restless that it is hard to sit still",
    "Becoming easily annoyed or irritable",
    "Feeling afraid, as if something awful might happen",
)
_PC_PTSD_5 = (
    "had nightmares about the event(s) or thought about the event(s) when you did not want to?",
    "tried hard not to think about the event(s) or went out of your way to avoid situations "
    "that reminded you of the event(s)?",
    "been constantly on guard, watchful, or easily startled?",
    "felt numb or detached from people, activities, or your surroundings?",
    "felt guilty or unable to stop blaming yourself or others for the event(s) or any problems "
    "the event(s) may have caused?",
)
_AUDIT_C = (
    (
        "How often do you have a drink containing alcohol?",
        (
            "Never",
            "Monthly or less",
            "2-4 times a month",
            "2-3 times a week",
            "4 or more times a week",
        ),
    ),
    (
        "How many standard drinks containing alcohol do you have on a typical day?",
        ("1 or 2", "3 or 4", "5 or 6", "7 to 9", "10 or more"),
    ),
    (
        "How often do you have six or more drinks on one occasion?",
        ("Never", "Less than monthly", "Monthly", "Weekly", "Daily or almost daily"),
    ),
)


def _items(prefix: str, texts: Sequence[str], options: tuple[Option, ...]) -> tuple[Item, ...]:
    return tuple(Item(f"{prefix}_{n}", text, options) for n, text in enumerate(texts, start=1))


INSTRUMENTS: Mapping[str, Instrument] = MappingProxyType(
    {
        "phq2": Instrument(
            "phq2", "PHQ-2", TWO_WEEKS, _items("phq2", _PHQ[:2], FREQUENCY), None, "55758-7"
        ),
        "phq9": Instrument(
            "phq9", "PHQ-9", TWO_WEEKS, _items("phq9", _PHQ, FREQUENCY), "44249-1", "44261-6"
        ),
        "gad2": Instrument(
            "gad2", "GAD-2", TWO_WEEKS, _items("gad2", _GAD[:2], FREQUENCY), None, "70272-0"
        ),
        "gad7": Instrument(
            "gad7", "GAD-7", TWO_WEEKS, _items("gad7", _GAD, FREQUENCY), "69737-5", "70274-6"
        ),
        "pc_ptsd5": Instrument(
            "pc_ptsd5",
            "PC-PTSD-5",
            "Sometimes things happen to people that are unusually or especially frightening, "
            "horrible, or traumatic: for example a serious accident or fire, a physical or "
            "sexual assault or abuse, an earthquake or flood, a war, seeing someone be killed "
            "or seriously injured, or having a loved one die through homicide or suicide. If "
            "you have ever experienced this kind of event: in the past month, have you... (If "
            "you have not, answer No to each.)",
            _items("pc_ptsd5", _PC_PTSD_5, YES_NO),
            None,
            "102017-1",
        ),
        "audit_c": Instrument(
            "audit_c",
            "AUDIT-C",
            "A few questions about drinking alcohol, over the past year.",
            tuple(
                Item(
                    f"audit_c_{n}",
                    text,
                    tuple(Option(v, label) for v, label in enumerate(labels)),
                )
                for n, (text, labels) in enumerate(_AUDIT_C, start=1)
            ),
            None,
            "75626-2",
        ),
    }
)

# total >= cut-off is a positive screen; AUDIT-C's depends on sex (see the module's docstring)
CUTOFFS: Mapping[str, int] = MappingProxyType(
    {"phq2": 3, "phq9": 10, "gad2": 3, "gad7": 10, "pc_ptsd5": 3}
)
AUDIT_C_CUTOFFS: Mapping[str, int] = MappingProxyType({"male": 4, "female": 3})
# (lowest total, band) in ascending order: a total falls in the last band it reaches
BANDS: Mapping[str, tuple[tuple[int, str], ...]] = MappingProxyType(
    {
        "phq9": (
            (0, "none_minimal"),
            (5, "mild"),
            (10, "moderate"),
            (15, "moderately_severe"),
            (20, "severe"),
        ),
        "gad7": ((0, "minimal"), (5, "mild"), (10, "moderate"), (15, "severe")),
    }
)
BAND_LABELS: Mapping[str, str] = MappingProxyType(
    {
        "none_minimal": "None or minimal",
        "minimal": "Minimal",
        "mild": "Mild",
        "moderate": "Moderate",
        "moderately_severe": "Moderately severe",
        "severe": "Severe",
        "negative": "Below the screening cut-off",
        "positive": "At or above the screening cut-off",
    }
)
# a drop of at least this much is a reliable improvement (a rise of as much, a worsening)
RELIABLE_CHANGE: Mapping[str, int] = MappingProxyType({"phq9": 6, "gad7": 4})
# the longer instrument whose first items are the shorter one: answering it answers both
COVERED_BY: Mapping[str, str] = MappingProxyType({"phq2": "phq9", "gad2": "gad7"})


def instrument(code: str) -> Instrument:
    """The instrument with this code; ValueError naming the codes there are."""
    found = INSTRUMENTS.get(code)
    if found is None:
        raise ValueError(f"{code!r} is not an instrument; allowed: {', '.join(INSTRUMENTS)}")
    return found


def cutoff(code: str, sex: str | None = None) -> int:
    """The total at which this instrument's screen is positive."""
    if code == "audit_c":
        return AUDIT_C_CUTOFFS[sex] if sex is not None else min(AUDIT_C_CUTOFFS.values())
    return CUTOFFS[code]


def _check(found: Instrument, answers: Sequence[int], sex: str | None) -> None:
    if sex is not None and sex not in SEXES:
        raise ValueError(f"sex {sex!r} is not allowed; allowed: {', '.join(SEXES)} or none")
    if len(answers) != len(found.items):
        raise ValueError(
            f"{found.title} takes exactly {len(found.items)} answers, one per item; "
            f"got {len(answers)}"
        )
    for n, (item, answer) in enumerate(zip(found.items, answers, strict=True), start=1):
        values = [o.value for o in item.options]
        # bool is an int to Python, but True is not an answer
        if isinstance(answer, bool) or not isinstance(answer, int) or answer not in values:
            raise ValueError(
                f"answer {n} of {found.title} is {answer!r}; allowed: "
                f"whole numbers {values[0]} to {values[-1]}"
            )


def _band(code: str, total: int, positive: bool) -> str:
    bands = BANDS.get(code)
    if bands is None:
        return "positive" if positive else "negative"
    return [name for lowest, name in bands if total >= lowest][-1]


def score(code: str, answers: Sequence[int], sex: str | None = None) -> Score:
    """Total, band, positive screen and flags; ValueError naming what is allowed."""
    found = instrument(code)
    _check(found, answers, sex)
    total = sum(answers)
    positive = total >= cutoff(code, sex)
    flags: list[str] = []
    if code == "phq9" and answers[8] > 0:
        flags.append(SELF_HARM_RISK)
    if code == "audit_c" and sex is None:
        flags.append(AUDIT_C_LOWER_CUTOFF)
    return Score(code, total, _band(code, total, positive), positive, tuple(flags))


def next_instruments(done: Mapping[str, Score], concerns: Collection[str]) -> tuple[str, ...]:
    """What is still to ask: PHQ-2 and GAD-2 first, the full form after a positive short one,
    PC-PTSD-5 for trauma_ptsd and AUDIT-C for addiction among the concerns."""
    wanted: list[str] = []
    for short, full in COVERED_BY.items():
        if full in done:
            continue  # the full form was answered: nothing of this kind is left to ask
        if short not in done:
            wanted.append(short)
        elif done[short].positive:
            wanted.append(full)
    if "trauma_ptsd" in concerns and "pc_ptsd5" not in done:
        wanted.append("pc_ptsd5")
    if "addiction" in concerns and "audit_c" not in done:
        wanted.append("audit_c")
    return tuple(wanted)


Change = Literal["improved", "worsened", "no_reliable_change"]


def reliable_change(code: str, before: int, after: int) -> Change | None:
    """Whether a change of total is beyond measurement noise (PHQ-9 by 6, GAD-7 by 4); None for
    an instrument without a reliable-change threshold."""
    threshold = RELIABLE_CHANGE.get(code)
    if threshold is None:
        return None
    if before - after >= threshold:
        return "improved"
    if after - before >= threshold:
        return "worsened"
    return "no_reliable_change"
