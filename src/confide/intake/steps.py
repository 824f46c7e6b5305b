"""The intake's steps in order, where each one lives, and what the feeling step asks. Pure."""

from __future__ import annotations

from collections.abc import Collection, Mapping, Sequence
from dataclasses import dataclass


@dataclass(frozen=True, slots=True)
class Step:
    name: str
    path: str
    title: str
    skippable: bool


STEPS: tuple[Step, ...] = (
    Step("where", "/start", "Where you are", False),
    Step("concerns", "/start/concerns", "What brings you", True),
    Step("feeling", "/start/feeling", "How you have been feeling", True),
    Step("payment", "/start/payment", "Paying for sessions", True),
    Step("preferences", "/start/preferences", "What matters to you in a therapist", True),
    Step("times", "/start/times", "When you are free", True),
    Step("results", "/start/results", "Therapists for you", False),
)
BY_NAME = {step.name: step for step in STEPS}
FORM_STEPS = tuple(s.name for s in STEPS if s.name not in ("where", "results"))


def number(name: str) -> int:
    return [s.name for s in STEPS].index(name) + 1


def next_step(name: str) -> Step:
    return STEPS[min(number(name), len(STEPS) - 1)]


def previous_step(name: str) -> Step | None:
    at = number(name) - 1
    return STEPS[at - 1] if at > 0 else None


# The first feeling page: two-question checks first; longer ones asked right away when the
# concerns call for them. PHQ-9 and GAD-7 begin with the PHQ-2 and GAD-2 questions.
FIRST_ASKED = ("phq2", "gad2")
EXPANDS = {"phq2": "phq9", "gad2": "gad7"}
BY_CONCERN = {"trauma_ptsd": "pc_ptsd5", "addiction": "audit_c"}


def first_instruments(concerns: Collection[str]) -> tuple[str, ...]:
    return FIRST_ASKED + tuple(code for c, code in BY_CONCERN.items() if c in concerns)


def partner_violence_first(fmt: str, concerns: Collection[str], signals: Collection[str]) -> bool:
    """Everyone is asked the partner-violence questions privately (a reading of free text can miss
    what a person means); they come first for each partner of a couple and for anyone whose
    concerns or own words touch on abuse or fear."""
    return fmt == "couples" or "relationship_abuse" in concerns or "partner_violence" in signals


def full_answers(short: Sequence[int], rest: Sequence[int]) -> list[int]:
    """PHQ-9 (GAD-7) answers: the PHQ-2 (GAD-2) answers, then the rest."""
    return [*short, *rest]


def missing_items(answered: Mapping[str, int], codes: Sequence[str]) -> list[str]:
    """Of an instrument begun, the item codes left unanswered ([] when none or all answered)."""
    given = [c for c in codes if c in answered]
    if not given or len(given) == len(codes):
        return []
    return [c for c in codes if c not in answered]
