"""The screening and safety questions the intake asks, all from confide.screening.

The reading of free text (screening.danger) is built alongside; until it is on this branch, a
thin stand-in below keeps the pages working, and goes when it lands.
"""

from __future__ import annotations

from confide.screening.instruments import INSTRUMENTS, Instrument, Item, Option, Score
from confide.screening.instruments import next_instruments as next_instruments
from confide.screening.instruments import score as score
from confide.screening.safety_questions import (
    PARTNER_VIOLENCE_QUESTIONS,
    SELF_HARM_QUESTION,
    partner_violence_disclosed,
    self_harm_disclosed,
)

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
