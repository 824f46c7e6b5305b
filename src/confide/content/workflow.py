"""The review workflow of one content version, as a table: which action moves which state.

draft → (submit) → in_review → (approve) → approved → (publish) → published; a reviewer may
send a version in review back to draft (return). A newer edit leaves unpublished versions
superseded. Anything else is refused with the states the action needs.
"""

from __future__ import annotations

from typing import Literal

from confide.errors import Conflict

Action = Literal["submit", "return", "approve", "publish"]
ACTIONS: tuple[Action, ...] = ("submit", "return", "approve", "publish")

# action → (the state it needs, the state it leaves)
TRANSITIONS: dict[str, tuple[str, str]] = {
    "submit": ("draft", "in_review"),
    "return": ("in_review", "draft"),
    "approve": ("in_review", "approved"),
    "publish": ("approved", "published"),
}
# a newer version leaves these superseded; a published one stays served until replaced
OPEN_STATES = frozenset({"draft", "in_review", "approved"})

_STATE_WORDS = {
    "draft": "a draft",
    "in_review": "in review",
    "approved": "approved",
    "published": "published",
    "superseded": "superseded by a newer version",
}


_RULE_WORDS = {
    "submit": "only a draft can be submitted for review",
    "return": "only a version in review can be returned to draft",
    "approve": "only a version in review can be approved",
    "publish": "only an approved version can be published",
}


class ContentStateConflict(Conflict):
    """The version exists but its state does not allow this action."""

    code = "content_state"


def next_state(state: str, action: str) -> str:
    """The state `action` leaves a version in that is now in `state`; ContentStateConflict if
    the action does not apply to that state."""
    needed, reached = TRANSITIONS[action]
    if state != needed:
        raise ContentStateConflict(
            f"this version is {_STATE_WORDS.get(state, state)}: {_RULE_WORDS[action]}",
            state=state,
            action=action,
            needs=needed,
        )
    return reached


def actions_from(state: str) -> list[str]:
    """The actions a version in `state` allows, in workflow order."""
    return [action for action in ACTIONS if TRANSITIONS[action][0] == state]
