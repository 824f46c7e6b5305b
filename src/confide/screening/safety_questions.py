"""The private safety questions, in our own words (pure: stdlib only).

A direct question on self-harm, and partner-violence questions written for Confide: fear of the
partner, being hurt or threatened, being controlled (money, phone, who one may see), being
forced or pressured sexually, things broken or threats made in anger. Each is a yes/no Item
(1 = yes). No licensed scale is used. Each partner answers from their own account; what one
says is never shown to the other.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

from confide.screening.instruments import YES_NO, Item

SELF_HARM_QUESTION = Item(
    "self_harm_now",
    "Lately, have you had thoughts of hurting yourself or of ending your life?",
    YES_NO,
)

PARTNER_VIOLENCE_QUESTIONS: tuple[Item, ...] = (
    Item("pv_fear", "Do you ever feel afraid of your partner?", YES_NO),
    Item(
        "pv_hurt",
        "Has your partner ever hit, pushed, choked or otherwise hurt you, or threatened to?",
        YES_NO,
    ),
    Item(
        "pv_control",
        "Does your partner control your money, check your phone, or decide who you may see or "
        "talk to?",
        YES_NO,
    ),
    Item(
        "pv_sexual",
        "Has your partner ever forced or pressured you into sexual things you did not want?",
        YES_NO,
    ),
    Item(
        "pv_anger",
        "When your partner is angry, do they break things, or threaten you, your children, "
        "your pets or themselves?",
        YES_NO,
    ),
)
PARTNER_VIOLENCE_CODES = frozenset(q.code for q in PARTNER_VIOLENCE_QUESTIONS)
SAFETY_QUESTIONS: tuple[Item, ...] = (*PARTNER_VIOLENCE_QUESTIONS, SELF_HARM_QUESTION)
SAFETY_CODES = frozenset(q.code for q in SAFETY_QUESTIONS)


@dataclass(frozen=True)
class Support:
    """Help to show the person who answered yes, and only them."""

    code: str
    name: str
    contact: str


CRISIS_LIFELINE = Support(
    "988", "988 Suicide & Crisis Lifeline", "Call or text 988, or chat at 988lifeline.org"
)
CRISIS_TEXT_LINE = Support("crisis_text_line", "Crisis Text Line", "Text HOME to 741741")
DOMESTIC_VIOLENCE_HOTLINE = Support(
    "ndvh",
    "National Domestic Violence Hotline",
    "Call 1-800-799-7233 or text START to 88788",
)
EMERGENCY = Support(
    "911",
    "Emergency services",
    "Call 911 if you are in danger now. Confide is not an emergency service.",
)


def check_answers(answers: Mapping[str, int]) -> None:
    """Every code one of the safety questions, every answer 0 (no) or 1 (yes), at least one
    answer; ValueError naming what is allowed."""
    if not answers:
        raise ValueError(
            f"answer at least one question; allowed: {', '.join(sorted(SAFETY_CODES))}"
        )
    for code, answer in answers.items():
        if code not in SAFETY_CODES:
            raise ValueError(
                f"{code!r} is not a safety question; allowed: {', '.join(sorted(SAFETY_CODES))}"
            )
        if isinstance(answer, bool) or answer not in (0, 1):
            raise ValueError(f"the answer to {code} is {answer!r}; allowed: 0 (no) or 1 (yes)")


def partner_violence_disclosed(answers: Mapping[str, int]) -> bool:
    """Any yes to a partner-violence question."""
    return any(answers.get(code) == 1 for code in PARTNER_VIOLENCE_CODES)


def self_harm_disclosed(answers: Mapping[str, int]) -> bool:
    """A yes to the direct self-harm question."""
    return answers.get(SELF_HARM_QUESTION.code) == 1


def support_for(answers: Mapping[str, int]) -> tuple[Support, ...]:
    """The help to show this person after these answers: crisis lines after a yes on self-harm,
    the domestic violence hotline after a yes on partner violence, 911 after either."""
    found: list[Support] = []
    if self_harm_disclosed(answers):
        found += [CRISIS_LIFELINE, CRISIS_TEXT_LINE]
    if partner_violence_disclosed(answers):
        found.append(DOMESTIC_VIOLENCE_HOTLINE)
    if found:
        found.append(EMERGENCY)
    return tuple(found)
