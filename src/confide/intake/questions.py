"""The screening and safety questions the intake asks, and the reading of its free text, all
from confide.screening."""

from __future__ import annotations

from confide.screening.danger import safety_signals
from confide.screening.instruments import INSTRUMENTS, Instrument, Item, Option, Score
from confide.screening.instruments import next_instruments as next_instruments
from confide.screening.instruments import score as score
from confide.screening.safety_questions import (
    PARTNER_VIOLENCE_QUESTIONS,
    SELF_HARM_QUESTION,
    partner_violence_disclosed,
    self_harm_disclosed,
)

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
