"""The screening and safety questions the intake asks, from confide.screening.

Other modules of this session own the instruments (screening.instruments), the private safety
questions (screening.safety_questions) and the reading of free text (screening.danger). Until
they are on this branch, a thin stand-in below keeps the pages working; it goes when they land.
"""

from __future__ import annotations

from collections.abc import Collection, Mapping, Sequence
from dataclasses import dataclass

try:  # pragma: no cover - which branch is taken depends on what has been merged
    from confide.screening.instruments import INSTRUMENTS, Instrument, Item, Option, Score
    from confide.screening.instruments import next_instruments as next_instruments
    from confide.screening.instruments import score as score
except ImportError:  # pragma: no cover

    @dataclass(frozen=True)
    class Option:  # type: ignore[no-redef]
        value: int
        label: str

    @dataclass(frozen=True)
    class Item:  # type: ignore[no-redef]
        code: str
        text: str
        options: tuple[Option, ...]

    @dataclass(frozen=True)
    class Instrument:  # type: ignore[no-redef]
        code: str
        title: str
        prompt: str
        items: tuple[Item, ...]
        loinc_panel: str | None
        loinc_total: str | None

    @dataclass(frozen=True)
    class Score:  # type: ignore[no-redef]
        instrument: str
        total: int
        band: str
        positive: bool
        flags: tuple[str, ...]

    _OFTEN = tuple(
        Option(v, t)
        for v, t in enumerate(
            ("Not at all", "Several days", "More than half the days", "Nearly every day")
        )
    )
    _YES_NO = (Option(0, "No"), Option(1, "Yes"))
    _PHQ = (
        "Little interest or pleasure in doing things",
        "Feeling down, depressed, or hopeless",
        "Trouble falling or staying asleep, or sleeping too much",
        "Feeling tired or having little energy",
        "Poor appetite or overeating",
        "Feeling bad about yourself, or that you are a failure or have let yourself or your "
        "family down",
        "Trouble concentrating on things, such as reading the newspaper or watching television",
        "Moving or speaking so slowly that other people could have noticed, or the opposite: "
        "being so fidgety or restless that you have been moving around a lot more than usual",
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
    _PTSD = (
        "Had nightmares about it or thought about it when you did not want to?",
        "Tried hard not to think about it or went out of your way to avoid reminders of it?",
        "Been constantly on guard, watchful, or easily startled?",
        "Felt numb or detached from people, activities, or your surroundings?",
        "Felt guilty or unable to stop blaming yourself or others for it?",
    )
    _TWO_WEEKS = "Over the last 2 weeks, how often have you been bothered by the following?"

    def _instrument(
        code: str, title: str, prompt: str, texts: Sequence[str], options: tuple[Option, ...]
    ) -> Instrument:
        items = tuple(Item(f"{code}_{i + 1}", t, options) for i, t in enumerate(texts))
        return Instrument(code, title, prompt, items, None, None)

    INSTRUMENTS: Mapping[str, Instrument] = {  # type: ignore[no-redef]
        "phq2": _instrument("phq2", "Mood", _TWO_WEEKS, _PHQ[:2], _OFTEN),
        "phq9": _instrument("phq9", "Mood", _TWO_WEEKS, _PHQ, _OFTEN),
        "gad2": _instrument("gad2", "Worry", _TWO_WEEKS, _GAD[:2], _OFTEN),
        "gad7": _instrument("gad7", "Worry", _TWO_WEEKS, _GAD, _OFTEN),
        "pc_ptsd5": _instrument(
            "pc_ptsd5",
            "After something frightening",
            "If you have been through something frightening, horrible or traumatic: in the "
            "past month, have you",
            _PTSD,
            _YES_NO,
        ),
        "audit_c": _instrument(
            "audit_c",
            "Drinking",
            "About alcohol in the past year",
            (
                "How often do you have a drink containing alcohol?",
                "How many drinks do you have on a typical day when you are drinking?",
                "How often do you have six or more drinks on one occasion?",
            ),
            tuple(
                Option(v, t)
                for v, t in enumerate(
                    (
                        "Never / 1-2",
                        "Monthly or less / 3-4",
                        "2-4 a month / 5-6",
                        "2-3 a week / 7-9",
                        "4+ a week / 10+",
                    )
                )
            ),
        ),
    }
    _POSITIVE = {"phq2": 3, "gad2": 3, "phq9": 10, "gad7": 10, "pc_ptsd5": 3, "audit_c": 4}

    def score(code: str, answers: Sequence[int], sex: str | None = None) -> Score:
        instrument = INSTRUMENTS[code]
        if len(answers) != len(instrument.items):
            raise ValueError(f"{code} needs {len(instrument.items)} answers")
        total = sum(answers)
        flags = ("self_harm_risk",) if code == "phq9" and answers[8] > 0 else ()
        return Score(code, total, "", total >= _POSITIVE[code], flags)

    def next_instruments(done: Mapping[str, Score], concerns: Collection[str]) -> tuple[str, ...]:
        wanted = ["phq2", "gad2"]
        if "phq2" in done and done["phq2"].positive:
            wanted.append("phq9")
        if "gad2" in done and done["gad2"].positive:
            wanted.append("gad7")
        if "trauma_ptsd" in concerns:
            wanted.append("pc_ptsd5")
        if "addiction" in concerns:
            wanted.append("audit_c")
        return tuple(code for code in wanted if code not in done)


try:  # pragma: no cover
    from confide.screening.safety_questions import (
        PARTNER_VIOLENCE_QUESTIONS,
        SELF_HARM_QUESTION,
        partner_violence_disclosed,
        self_harm_disclosed,
    )
except ImportError:  # pragma: no cover
    _YES_NO_ITEM = (Option(0, "No"), Option(1, "Yes"))
    SELF_HARM_QUESTION = Item(
        "self_harm_now",
        "Are you having thoughts of ending your life or of hurting yourself?",
        _YES_NO_ITEM,
    )
    PARTNER_VIOLENCE_QUESTIONS = (
        Item("pv_fear", "Are you ever afraid of your partner?", _YES_NO_ITEM),
        Item(
            "pv_harm",
            "In the past year, has your partner hit, pushed, choked or otherwise hurt you, or "
            "threatened to?",
            _YES_NO_ITEM,
        ),
        Item(
            "pv_control",
            "Does your partner control where you go, whom you see, your phone or your money, "
            "or make you afraid to say no?",
            _YES_NO_ITEM,
        ),
    )

    def partner_violence_disclosed(answers: Mapping[str, int]) -> bool:
        return any(v > 0 for k, v in answers.items() if k.startswith("pv_"))

    def self_harm_disclosed(answers: Mapping[str, int]) -> bool:
        return answers.get("self_harm_now", 0) > 0


try:  # pragma: no cover
    from confide.screening.danger import safety_signals
except ImportError:  # pragma: no cover
    _PV_WORDS = (
        "afraid of",
        "scared of",
        "hits me",
        "hit me",
        "threaten",
        "controls my",
        "won't let me",
        "choked",
    )
    _SELF_HARM_WORDS = ("kill myself", "end my life", "hurt myself", "suicide", "better off dead")

    def safety_signals(text: str) -> tuple[str, ...]:
        lowered = text.lower()
        found = []
        if any(w in lowered for w in _PV_WORDS):
            found.append("partner_violence")
        if any(w in lowered for w in _SELF_HARM_WORDS):
            found.append("self_harm")
        return tuple(found)


SAFETY_ITEMS: dict[str, Item] = {
    SELF_HARM_QUESTION.code: SELF_HARM_QUESTION,
    **{item.code: item for item in PARTNER_VIOLENCE_QUESTIONS},
}

__all__ = [
    "INSTRUMENTS",
    "PARTNER_VIOLENCE_QUESTIONS",
    "SAFETY_ITEMS",
    "SELF_HARM_QUESTION",
    "Instrument",
    "Item",
    "Option",
    "Score",
    "next_instruments",
    "partner_violence_disclosed",
    "safety_signals",
    "score",
    "self_harm_disclosed",
]
