"""The eight steps of trust repair, in our own words (pure: stdlib only).

Atone (steps 1-3: naming what happened, owning it, apologising), attune (4-6: committing to
change, learning to talk and listen, keeping promises), attach (7-8: getting help together and
agreeing on what each needs). A joint step involves the other partner and waits for the safety
gate; a private one is each partner's own, and is always open.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True, slots=True)
class Step:
    number: int
    code: str
    title: str
    phase: str
    exercise: str
    # the exercise involves the other partner (sharing, offering, answering, agreeing)
    joint: bool

    @property
    def slug(self) -> str:
        """The clinician-reviewed guidance for this step (content/)."""
        return f"program-step-{self.number}"


STEPS: tuple[Step, ...] = (
    Step(
        1,
        "acknowledge",
        "Name what happened",
        "atone",
        "Write, for yourself first, what happened and how it has affected each of you. "
        "Keep it private, or share it when you are ready.",
        False,
    ),
    Step(
        2,
        "responsibility",
        "Own your part",
        "atone",
        "If you broke trust: write honestly about the choices you made, without excuses. "
        "If you were hurt: write what you need your partner to hear, and practise listening.",
        False,
    ),
    Step(
        3,
        "apology",
        "Offer a real apology",
        "atone",
        "Write an apology in four parts: the harm you caused, the responsibility you take, "
        "what you will do differently, and the signs your partner will be able to see. "
        "Your partner can accept it now, later, or not at all.",
        True,
    ),
    Step(
        4,
        "growth",
        "Commit to change",
        "attune",
        "Agree on a shared goal, a time each week that is just for the two of you, and one "
        "small, kind gesture you will make.",
        True,
    ),
    Step(
        5,
        "communication",
        "Talk and listen",
        "attune",
        "Take turns: one speaks, answering an open question; the other says back what they "
        "heard before giving their own view.",
        True,
    ),
    Step(
        6,
        "consistency",
        "Keep your word",
        "attune",
        "Make small promises with a date. Your partner marks each one kept or missed, and you "
        "both watch how steady things become.",
        True,
    ),
    Step(
        7,
        "therapy",
        "Get help together",
        "attach",
        "Find a couples therapist: we start the intake for you with what we already know.",
        True,
    ),
    Step(
        8,
        "needs",
        "Say what you need",
        "attach",
        "The partner who was hurt proposes what would help for now (a nightly check-in, say), "
        "with a date to look at it again. The other agrees or says no; either of you can end "
        "it or suggest a change.",
        True,
    ),
)
BY_NUMBER = {step.number: step for step in STEPS}

# open-ended questions for the communication practice (step 5)
PROMPTS: tuple[str, ...] = (
    "What has been hardest for you since this happened?",
    "When did you last feel close to me, and what made it so?",
    "What would help you feel a little safer this week?",
    "What do you wish I understood about how you feel?",
    "What is one thing we used to do together that you miss?",
)

ROLES = {
    "broke_trust": "I broke trust",
    "hurt": "I was hurt",
    "both": "Both of us were hurt and both broke trust",
}
